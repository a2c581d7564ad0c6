using System;
using System.Runtime.InteropServices;
using System.Threading;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>A <see cref="SigningRequest"/> as a <c>cognito_sign_request_t</c>, its strings and body pinned
    /// until disposed (the library reads them only during the call that takes it).</summary>
    internal sealed class SignRequestMarshaler : IDisposable
    {
        private readonly Utf8Block _block = new Utf8Block(false);
        private GCHandle _body;

        /// <summary>The request to pass by reference.</summary>
        internal NativeSignRequest Native;

        internal SignRequestMarshaler(SigningRequest request)
        {
            try
            {
                var method = _block.Add(request.Method, "the method");
                var url = _block.Add(request.Url, "the URL");
                var service = _block.Add(request.Service, "the service name");
                var region = _block.Add(request.Region, "the region");
                var sha = _block.Add(request.PayloadSha256, "the payload SHA-256");
                var headers = _block.AddPairs(request.Headers, "the headers");
                _block.Pin();
                Native.Method = _block.Pointer(method);
                Native.Url = _block.Pointer(url);
                Native.Service = _block.Pointer(service);
                Native.Region = _block.Pointer(region);
                Native.PayloadSha256 = _block.Pointer(sha);
                Native.Headers = _block.Pairs(headers);
                Native.HeaderCount = (UIntPtr)(uint)_block.PairCount(headers);
                Native.UnsignedPayload = request.UnsignedPayload ? (byte)1 : (byte)0;
                var body = request.Body;
                if (body != null && body.Length > 0)
                {
                    _body = GCHandle.Alloc(body, GCHandleType.Pinned);
                    Native.Body = _body.AddrOfPinnedObject();
                    Native.BodyLength = (UIntPtr)(uint)body.Length;
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            _block.Dispose();
            if (_body.IsAllocated)
            {
                _body.Free();
            }
        }
    }

    /// <summary><c>cognito_provider_sign</c>.</summary>
    internal sealed class SignCall : PendingCall<SignedHeaders>
    {
        private static readonly NativeMethods.SignCallback Callback = OnComplete;

        private readonly SigningRequest _request;

        internal SignCall(SigningRequest request, CallSet owner, ProviderHandle handle, CancellationToken cancellationToken)
            : base(owner, handle, cancellationToken)
        {
            _request = request;
        }

        internal override CognitoStatus StartNative(IntPtr userData, out ulong callId)
        {
            using (var native = new SignRequestMarshaler(_request))
            {
                return NativeMethods.cognito_provider_sign((ProviderHandle)Handle, ref native.Native, Callback, userData, out callId);
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.SignCallback))]
        private static void OnComplete(IntPtr userData, CognitoStatus status, IntPtr headers, UIntPtr count, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            SignCall call = null;
            try
            {
                call = Take<SignCall>(userData);
                if (status == CognitoStatus.Ok)
                {
                    call.Succeed(new SignedHeaders(Utf8Block.ReadPairs(headers, count)));
                }
                else
                {
                    call.Fail(status, status == CognitoStatus.ErrCancelled ? null : Errors.FromCallback(status, error));
                }
            }
            catch (Exception e)
            {
                // Never let an exception reach native code; never leave the task pending.
                CognitoRuntime.ReportCallbackException("signing completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary><c>cognito_provider_presign</c>.</summary>
    internal sealed class PresignCall : PendingCall<PresignedUrl>
    {
        private static readonly NativeMethods.PresignCallback Callback = OnComplete;

        private readonly SigningRequest _request;
        private readonly uint _expiresSecs;

        internal PresignCall(SigningRequest request, uint expiresSecs, CallSet owner, ProviderHandle handle, CancellationToken cancellationToken)
            : base(owner, handle, cancellationToken)
        {
            _request = request;
            _expiresSecs = expiresSecs;
        }

        internal override CognitoStatus StartNative(IntPtr userData, out ulong callId)
        {
            using (var native = new SignRequestMarshaler(_request))
            {
                return NativeMethods.cognito_provider_presign(
                    (ProviderHandle)Handle, ref native.Native, _expiresSecs, Callback, userData, out callId);
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.PresignCallback))]
        private static void OnComplete(IntPtr userData, CognitoStatus status, IntPtr url, long expiration, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            PresignCall call = null;
            try
            {
                call = Take<PresignCall>(userData);
                if (status == CognitoStatus.Ok)
                {
                    call.Succeed(new PresignedUrl(Utf8.FromNative(url), UnixTime.ToDateTime(expiration)));
                }
                else
                {
                    call.Fail(status, status == CognitoStatus.ErrCancelled ? null : Errors.FromCallback(status, error));
                }
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("presigning completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary>Seconds since the Unix epoch.</summary>
    internal static class UnixTime
    {
        private static readonly DateTime Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        internal static DateTime ToDateTime(long seconds)
        {
            return Epoch.AddSeconds(seconds);
        }
    }
}
