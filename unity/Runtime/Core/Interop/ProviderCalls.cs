using System;
using System.Threading;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary><c>cognito_provider_get_identity_id</c>.</summary>
    internal sealed class IdentityIdCall : PendingCall<string>
    {
        private static readonly NativeMethods.IdentityCallback Callback = OnComplete;

        internal IdentityIdCall(CallSet owner, ProviderHandle handle, CancellationToken cancellationToken)
            : base(owner, handle, cancellationToken)
        {
        }

        internal override CognitoStatus StartNative(IntPtr userData, out ulong callId)
        {
            return NativeMethods.cognito_provider_get_identity_id((ProviderHandle)Handle, Callback, userData, out callId);
        }

        [MonoPInvokeCallback(typeof(NativeMethods.IdentityCallback))]
        private static void OnComplete(IntPtr userData, CognitoStatus status, IntPtr identityId, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            IdentityIdCall call = null;
            try
            {
                call = Take<IdentityIdCall>(userData);
                if (status == CognitoStatus.Ok)
                {
                    call.Succeed(Utf8.FromNative(identityId));
                }
                else
                {
                    call.Fail(status, status == CognitoStatus.ErrCancelled ? null : Errors.FromCallback(status, error));
                }
            }
            catch (Exception e)
            {
                // Never let an exception reach native code; never leave the task pending.
                CognitoRuntime.ReportCallbackException("identity id completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary><c>cognito_provider_get_credentials</c>.</summary>
    internal sealed class CredentialsCall : PendingCall<ImmutableCredentials>
    {
        private static readonly NativeMethods.CredentialsCallback Callback = OnComplete;

        private readonly CognitoAWSCredentials _credentials;

        internal CredentialsCall(CognitoAWSCredentials credentials, CallSet owner, ProviderHandle handle, CancellationToken cancellationToken)
            : base(owner, handle, cancellationToken)
        {
            _credentials = credentials;
        }

        internal override CognitoStatus StartNative(IntPtr userData, out ulong callId)
        {
            return NativeMethods.cognito_provider_get_credentials((ProviderHandle)Handle, Callback, userData, out callId);
        }

        [MonoPInvokeCallback(typeof(NativeMethods.CredentialsCallback))]
        private static void OnComplete(IntPtr userData, CognitoStatus status, IntPtr credentials, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            CredentialsCall call = null;
            try
            {
                call = Take<CredentialsCall>(userData);
                if (status == CognitoStatus.Ok)
                {
                    call.Succeed(call._credentials.ToManaged(credentials));
                }
                else
                {
                    call.Fail(status, status == CognitoStatus.ErrCancelled ? null : Errors.FromCallback(status, error));
                }
            }
            catch (Exception e)
            {
                // Never let an exception reach native code; never leave the task pending.
                CognitoRuntime.ReportCallbackException("credentials completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }
}
