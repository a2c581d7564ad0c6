// HttpClient support. Unity references System.Net.Http only with the .NET Standard API compatibility
// level (NET_STANDARD_2_0 / NET_STANDARD_2_1); with .NET Framework ("4.x") it needs a csc.rsp with
// -r:System.Net.Http.dll and the COGNITO_NATIVE_HTTP define. Everywhere else (NuGet, Xamarin, Mono) it is
// always compiled.
#if !UNITY_5_3_OR_NEWER || NET_STANDARD_2_0 || NET_STANDARD_2_1 || NET_STANDARD || COGNITO_NATIVE_HTTP
using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace CognitoNative
{
    public static partial class CognitoSigning
    {
        /// <summary>Headers never signed: the signature's own, and those that HTTP stacks and proxies add,
        /// change or drop on the way (SigV4 does not need them signed).</summary>
        private static readonly HashSet<string> Unsigned = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
            "user-agent", "expect", "connection", "keep-alive", "proxy-connection", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade", "content-length", "x-amzn-trace-id",
        };

        /// <summary>
        /// Signs <paramref name="request"/> for <paramref name="service"/> with valid credentials (cached, or
        /// refreshed first) and adds the signing headers to it (replacing those of an earlier signature).
        /// The request's headers and content headers are signed (not those the HTTP stack changes on the
        /// way: <c>User-Agent</c>, <c>Content-Length</c>, <c>Expect</c>, <c>Connection</c>...), and its body,
        /// read as bytes (and buffered, so it is still sent). An <c>x-amz-content-sha256</c> header already
        /// on the request is honoured: <c>UNSIGNED-PAYLOAD</c> (S3) or a SHA-256 in hex is signed instead of
        /// the body, which is then not read.
        /// </summary>
        /// <param name="credentials">The credentials that sign.</param>
        /// <param name="request">The request, as it will be sent (absolute http(s) URL).</param>
        /// <param name="service">The service's signing name: <c>s3</c>, <c>dynamodb</c>, <c>execute-api</c>...</param>
        /// <param name="region">The region to sign for; null for the identity pool's.</param>
        /// <param name="cancellationToken">Ends the wait (the task is cancelled).</param>
        /// <exception cref="ArgumentNullException">A null argument, or a request without a URL.</exception>
        /// <exception cref="ArgumentException">A relative URL.</exception>
        public static Task SignRequestAsync(
            this CognitoAWSCredentials credentials,
            HttpRequestMessage request,
            string service,
            string region = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (credentials == null)
            {
                throw new ArgumentNullException("credentials");
            }
            if (request == null)
            {
                throw new ArgumentNullException("request");
            }
            if (request.RequestUri == null)
            {
                throw new ArgumentNullException("request", "The request has no RequestUri.");
            }
            var signing = new SigningRequest(request.Method.Method, request.RequestUri, service) { Region = region };
            return SignRequestCoreAsync(credentials, request, signing, cancellationToken);
        }

        /// <summary>
        /// A presigned URL for <paramref name="method"/> on <paramref name="url"/>, valid for
        /// <paramref name="expires"/> (1 second to 7 days), cut to the credentials' remaining lifetime.
        /// </summary>
        public static Task<Uri> GetPresignedUrlAsync(
            this CognitoAWSCredentials credentials,
            HttpMethod method,
            Uri url,
            string service,
            TimeSpan expires,
            string region = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (method == null)
            {
                throw new ArgumentNullException("method");
            }
            return credentials.GetPresignedUrlAsync(method.Method, url, service, expires, region, cancellationToken);
        }

        private static async Task SignRequestCoreAsync(
            CognitoAWSCredentials credentials, HttpRequestMessage request, SigningRequest signing, CancellationToken cancellationToken)
        {
            IEnumerable<string> values;
            if (request.Headers.TryGetValues("x-amz-content-sha256", out values))
            {
                var given = string.Join(",", values).Trim();
                if (string.Equals(given, "UNSIGNED-PAYLOAD", StringComparison.Ordinal))
                {
                    signing.UnsignedPayload = true;
                }
                else
                {
                    signing.PayloadSha256 = given;
                }
            }
            AddSigned(signing, request.Headers);
            if (request.Content != null)
            {
                AddSigned(signing, request.Content.Headers);
                if (!signing.UnsignedPayload && signing.PayloadSha256 == null)
                {
                    signing.Body = await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                }
            }
            var headers = await credentials.SignAsync(signing, cancellationToken).ConfigureAwait(false);
            foreach (var name in new[] { "Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256" })
            {
                request.Headers.Remove(name);
            }
            foreach (var header in headers)
            {
                request.Headers.Remove(header.Key);
                if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value))
                {
                    throw new InvalidOperationException("The request does not take the signing header " + header.Key + ".");
                }
            }
        }

        private static void AddSigned(SigningRequest signing, System.Net.Http.Headers.HttpHeaders headers)
        {
            foreach (var header in headers)
            {
                if (!Unsigned.Contains(header.Key))
                {
                    signing.AddHeader(header.Key, string.Join(", ", header.Value));
                }
            }
        }
    }

    /// <summary>
    /// A <see cref="DelegatingHandler"/> that signs every request of an <see cref="HttpClient"/> with a
    /// <see cref="CognitoAWSCredentials"/>' current credentials (refreshed when needed) for one service:
    /// <c>new HttpClient(new CognitoSigningHandler(credentials, "execute-api"))</c>. See
    /// <see cref="CognitoSigning.SignRequestAsync"/> for what is signed.
    /// </summary>
    public class CognitoSigningHandler : DelegatingHandler
    {
        /// <summary>Signs for <paramref name="service"/> and sends with a new <see cref="HttpClientHandler"/>.</summary>
        /// <param name="credentials">The credentials that sign (not disposed by the handler).</param>
        /// <param name="service">The service's signing name: <c>s3</c>, <c>dynamodb</c>, <c>execute-api</c>...</param>
        /// <param name="region">The region to sign for; null for the identity pool's.</param>
        public CognitoSigningHandler(CognitoAWSCredentials credentials, string service, string region = null)
            : this(credentials, service, region, new HttpClientHandler())
        {
        }

        /// <summary>Signs for <paramref name="service"/> and sends with <paramref name="innerHandler"/>.</summary>
        public CognitoSigningHandler(CognitoAWSCredentials credentials, string service, string region, HttpMessageHandler innerHandler)
            : base(innerHandler)
        {
            if (credentials == null)
            {
                throw new ArgumentNullException("credentials");
            }
            if (string.IsNullOrEmpty(service))
            {
                throw new ArgumentNullException("service");
            }
            Credentials = credentials;
            Service = service;
            Region = region;
        }

        /// <summary>The credentials that sign.</summary>
        public CognitoAWSCredentials Credentials { get; private set; }

        /// <summary>The service's signing name.</summary>
        public string Service { get; private set; }

        /// <summary>The region signed for; null for the identity pool's.</summary>
        public string Region { get; private set; }

        /// <inheritdoc />
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Credentials.SignRequestAsync(request, Service, Region, cancellationToken).ConfigureAwait(false);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
#endif
