using System;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Interop;

namespace CognitoNative
{
    /// <summary>
    /// Using the credentials without the AWS SDK: AWS Signature Version 4 headers for a request, or a
    /// presigned URL, signed with the current credentials of a <see cref="CognitoAWSCredentials"/>
    /// (refreshed first when needed; the synchronous <c>TrySign…Cached</c> forms use the cached ones
    /// without any I/O). Signing happens in the native library (<c>aws-sigv4</c>), at the server's time
    /// (a wrong device clock is corrected). HTTP clients: <c>SignRequestAsync(HttpRequestMessage, ...)</c>
    /// and <see cref="CognitoSigningHandler"/>; Unity: <c>CognitoNative.Unity.CognitoUnitySigning</c>.
    /// </summary>
    public static partial class CognitoSigning
    {
        /// <summary>The longest a presigned URL may live: S3's (and SigV4's) 7 days.</summary>
        public static readonly TimeSpan MaxPresignedUrlLifetime = TimeSpan.FromDays(7);

        /// <summary>
        /// The headers that sign <paramref name="request"/> (add each to the request as it is), with valid
        /// credentials (cached, or refreshed first).
        /// </summary>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <remarks>The task fails with <see cref="ArgumentException"/> for a request the library cannot sign
        /// (a non-http(s) URL, an unknown service name, a method that is not upper case, too many or
        /// malformed headers; its <see cref="Exception.InnerException"/> is an
        /// <see cref="InvalidInputException"/>), and with the credentials' errors.</remarks>
        public static Task<SignedHeaders> SignAsync(
            this CognitoAWSCredentials credentials, SigningRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            Check(credentials, request);
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<SignedHeaders>(cancellationToken);
            }
            return credentials.StartCall(
                new SignCall(request, credentials.Calls, credentials.AcquireProviderHandle(), cancellationToken), "cognito_provider_sign");
        }

        /// <summary>
        /// Signs <paramref name="request"/> and hands the headers to <paramref name="callback"/> (Unity-style
        /// API), by default on the <see cref="SynchronizationContext"/> of the calling thread (see
        /// <see cref="AsyncOptions"/>).
        /// </summary>
        public static void SignAsync(
            this CognitoAWSCredentials credentials,
            SigningRequest request,
            AmazonCognitoIdentityCallback<SignedHeaders> callback,
            AsyncOptions options = null)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            options = options ?? new AsyncOptions();
            var context = Dispatch.CallbackContext(options);
            Task<SignedHeaders> task;
            try
            {
                task = credentials.SignAsync(request, CancellationToken.None);
            }
            catch (Exception e)
            {
                task = Task.FromException<SignedHeaders>(e);
            }
            Dispatch.Deliver(task, callback, options.State, context);
        }

        /// <summary>
        /// Signs <paramref name="request"/> with the cached credentials, at once, without any I/O; false when
        /// no valid credentials are cached (then use <see cref="SignAsync(CognitoAWSCredentials, SigningRequest, CancellationToken)"/>).
        /// </summary>
        /// <exception cref="ArgumentException">A request the library cannot sign.</exception>
        public static bool TrySignCached(this CognitoAWSCredentials credentials, SigningRequest request, out SignedHeaders headers)
        {
            Check(credentials, request);
            headers = null;
            var handle = credentials.AcquireProviderHandle();
            try
            {
                IntPtr signed;
                CognitoStatus status;
                using (var native = new SignRequestMarshaler(request))
                {
                    status = NativeMethods.cognito_provider_sign_cached(handle, ref native.Native, out signed);
                }
                if (status == CognitoStatus.ErrNotFound)
                {
                    Utf8.TakeNative(NativeMethods.cognito_last_error_message());
                    return false;
                }
                Errors.Check(status, "cognito_provider_sign_cached");
                try
                {
                    headers = ReadSigned(signed);
                }
                finally
                {
                    NativeMethods.cognito_signed_headers_free(signed);
                }
                return true;
            }
            finally
            {
                handle.DangerousRelease();
            }
        }

        /// <summary>
        /// A presigned URL for <paramref name="request"/> (signed in the query) valid for
        /// <paramref name="expires"/> (1 second to 7 days), cut to the credentials' remaining lifetime.
        /// S3 URLs sign <c>UNSIGNED-PAYLOAD</c> (any body); for other services the body (or its SHA-256)
        /// is signed.
        /// </summary>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="expires"/> is not 1 second to 7 days.</exception>
        public static Task<PresignedUrl> PresignAsync(
            this CognitoAWSCredentials credentials,
            SigningRequest request,
            TimeSpan expires,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            Check(credentials, request);
            var seconds = ExpiresSeconds(expires);
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<PresignedUrl>(cancellationToken);
            }
            return credentials.StartCall(
                new PresignCall(request, seconds, credentials.Calls, credentials.AcquireProviderHandle(), cancellationToken),
                "cognito_provider_presign");
        }

        /// <summary>
        /// Presigns <paramref name="request"/> and hands the URL to <paramref name="callback"/> (Unity-style
        /// API), by default on the <see cref="SynchronizationContext"/> of the calling thread.
        /// </summary>
        public static void PresignAsync(
            this CognitoAWSCredentials credentials,
            SigningRequest request,
            TimeSpan expires,
            AmazonCognitoIdentityCallback<PresignedUrl> callback,
            AsyncOptions options = null)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            options = options ?? new AsyncOptions();
            var context = Dispatch.CallbackContext(options);
            Task<PresignedUrl> task;
            try
            {
                task = credentials.PresignAsync(request, expires, CancellationToken.None);
            }
            catch (Exception e)
            {
                task = Task.FromException<PresignedUrl>(e);
            }
            Dispatch.Deliver(task, callback, options.State, context);
        }

        /// <summary>
        /// <see cref="PresignAsync(CognitoAWSCredentials, SigningRequest, TimeSpan, CancellationToken)"/> with
        /// the cached credentials, at once, without any I/O; false when no valid credentials are cached.
        /// </summary>
        public static bool TryPresignCached(
            this CognitoAWSCredentials credentials, SigningRequest request, TimeSpan expires, out PresignedUrl url)
        {
            Check(credentials, request);
            var seconds = ExpiresSeconds(expires);
            url = null;
            var handle = credentials.AcquireProviderHandle();
            try
            {
                IntPtr text;
                long expiration;
                CognitoStatus status;
                using (var native = new SignRequestMarshaler(request))
                {
                    status = NativeMethods.cognito_provider_presign_cached(handle, ref native.Native, seconds, out text, out expiration);
                }
                if (status == CognitoStatus.ErrNotFound)
                {
                    Utf8.TakeNative(NativeMethods.cognito_last_error_message());
                    return false;
                }
                Errors.Check(status, "cognito_provider_presign_cached");
                url = new PresignedUrl(Utf8.TakeNative(text), UnixTime.ToDateTime(expiration));
                return true;
            }
            finally
            {
                handle.DangerousRelease();
            }
        }

        /// <summary>
        /// A presigned URL for <paramref name="method"/> on <paramref name="url"/> (e.g. an S3 object for
        /// <c>UnityWebRequest.Get</c> / <c>Put</c>, or a plain HTTP download), valid for
        /// <paramref name="expires"/>, cut to the credentials' remaining lifetime.
        /// </summary>
        /// <param name="credentials">The credentials that sign.</param>
        /// <param name="method">The HTTP method the URL will be used with (<c>GET</c>, <c>PUT</c>...).</param>
        /// <param name="url">The URL to presign.</param>
        /// <param name="service">The service's signing name (<c>s3</c>...).</param>
        /// <param name="expires">1 second to 7 days.</param>
        /// <param name="region">The region to sign for; null for the identity pool's.</param>
        /// <param name="cancellationToken">Ends the wait (the task is cancelled).</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="expires"/> is not 1 second to 7 days.</exception>
        public static Task<Uri> GetPresignedUrlAsync(
            this CognitoAWSCredentials credentials,
            string method,
            Uri url,
            string service,
            TimeSpan expires,
            string region = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return UrlOf(credentials.PresignAsync(
                new SigningRequest(method, url, service) { Region = region }, expires, cancellationToken));
        }

        private static async Task<Uri> UrlOf(Task<PresignedUrl> presigning)
        {
            return (await presigning.ConfigureAwait(false)).Url;
        }

        private static void Check(CognitoAWSCredentials credentials, SigningRequest request)
        {
            if (credentials == null)
            {
                throw new ArgumentNullException("credentials");
            }
            if (request == null)
            {
                throw new ArgumentNullException("request");
            }
        }

        private static uint ExpiresSeconds(TimeSpan expires)
        {
            if (expires < TimeSpan.FromSeconds(1) || expires > MaxPresignedUrlLifetime)
            {
                throw new ArgumentOutOfRangeException("expires", "A presigned URL expires in 1 second to 7 days.");
            }
            return (uint)expires.TotalSeconds;
        }

        private static unsafe SignedHeaders ReadSigned(IntPtr signed)
        {
            var native = (NativeSignedHeaders*)signed;
            return new SignedHeaders(Utf8Block.ReadPairs(native->Headers, native->Count));
        }
    }
}
