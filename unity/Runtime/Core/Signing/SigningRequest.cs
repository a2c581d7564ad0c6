using System;
using System.Collections.Generic;

namespace CognitoNative
{
    /// <summary>
    /// A request to sign with AWS Signature Version 4 (<see cref="CognitoSigning"/>): what will be sent,
    /// and to which service. The per-service rules are the native library's: S3 (<c>"s3"</c>) signs the
    /// path as sent and adds <c>x-amz-content-sha256</c>; every other service double-encodes and
    /// normalises the path.
    /// </summary>
    public sealed class SigningRequest
    {
        private readonly List<KeyValuePair<string, string>> _headers = new List<KeyValuePair<string, string>>();

        /// <summary>A request without headers or body, signed for the identity pool's region.</summary>
        /// <param name="method">The HTTP method, upper case: <c>GET</c>, <c>PUT</c>, <c>POST</c>...</param>
        /// <param name="url">The full http(s) URL as it will be sent, query included.</param>
        /// <param name="service">The service's signing name: <c>s3</c>, <c>dynamodb</c>, <c>lambda</c>,
        /// <c>execute-api</c>, <c>kinesis</c>...</param>
        /// <exception cref="ArgumentNullException">A null or empty argument.</exception>
        public SigningRequest(string method, string url, string service)
        {
            if (string.IsNullOrEmpty(method))
            {
                throw new ArgumentNullException("method");
            }
            if (string.IsNullOrEmpty(url))
            {
                throw new ArgumentNullException("url");
            }
            if (string.IsNullOrEmpty(service))
            {
                throw new ArgumentNullException("service");
            }
            Method = method;
            Url = url;
            Service = service;
        }

        /// <summary>A request without headers or body, signed for the identity pool's region.</summary>
        /// <param name="method">The HTTP method, upper case.</param>
        /// <param name="url">The absolute http(s) URL as it will be sent (its escaped form is signed; a
        /// fragment is not sent, so it is left out).</param>
        /// <param name="service">The service's signing name.</param>
        /// <exception cref="ArgumentNullException">A null or empty argument.</exception>
        /// <exception cref="ArgumentException">A relative URL.</exception>
        public SigningRequest(string method, Uri url, string service)
            : this(method, WireForm(url), service)
        {
        }

        /// <summary>The HTTP method.</summary>
        public string Method { get; private set; }

        /// <summary>The URL as it will be sent.</summary>
        public string Url { get; private set; }

        /// <summary>The service's signing name.</summary>
        public string Service { get; private set; }

        /// <summary>The region to sign for; null (the default) for the identity pool's.</summary>
        public string Region { get; set; }

        /// <summary>Headers that will be sent and must be signed (at most 100). <c>Host</c> comes from the
        /// URL unless given here.</summary>
        public IList<KeyValuePair<string, string>> Headers
        {
            get { return _headers; }
        }

        /// <summary>The body, hashed inside the signing call; null or empty for none.</summary>
        public byte[] Body { get; set; }

        /// <summary>The body's SHA-256 as 64 hex digits, instead of <see cref="Body"/> (for bodies streamed
        /// from a file); null to hash <see cref="Body"/>.</summary>
        public string PayloadSha256 { get; set; }

        /// <summary>Signs <c>UNSIGNED-PAYLOAD</c> instead of the body (S3 only).</summary>
        public bool UnsignedPayload { get; set; }

        /// <summary>Adds a header to sign.</summary>
        public SigningRequest AddHeader(string name, string value)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentNullException("name");
            }
            _headers.Add(new KeyValuePair<string, string>(name, value ?? string.Empty));
            return this;
        }

        /// <summary>The method, service and the URL without its query (which may carry secrets).</summary>
        public override string ToString()
        {
            var q = Url.IndexOf('?');
            return Method + " " + (q < 0 ? Url : Url.Substring(0, q) + "?...") + " (" + Service + ")";
        }

        /// <summary>What an HTTP client sends of <paramref name="url"/>: escaped, without the fragment.</summary>
        internal static string WireForm(Uri url)
        {
            if (url == null)
            {
                throw new ArgumentNullException("url");
            }
            if (!url.IsAbsoluteUri)
            {
                throw new ArgumentException("The URL to sign must be absolute (http or https).", "url");
            }
            return url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        }
    }
}
