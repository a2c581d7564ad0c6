using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace CognitoNative
{
    /// <summary>
    /// The headers that sign a request (<c>authorization</c>, <c>x-amz-date</c>,
    /// <c>x-amz-security-token</c>, and <c>x-amz-content-sha256</c> for S3): add each to the request as
    /// it is. <see cref="ToString"/> hides the signature and the session token.
    /// </summary>
    public sealed class SignedHeaders : IEnumerable<KeyValuePair<string, string>>
    {
        private readonly List<KeyValuePair<string, string>> _headers;

        internal SignedHeaders(List<KeyValuePair<string, string>> headers)
        {
            _headers = headers;
        }

        /// <summary>How many headers there are.</summary>
        public int Count
        {
            get { return _headers.Count; }
        }

        /// <summary>The value of <paramref name="name"/> (case-insensitive), or null.</summary>
        public string this[string name]
        {
            get
            {
                foreach (var h in _headers)
                {
                    if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return h.Value;
                    }
                }
                return null;
            }
        }

        /// <inheritdoc />
        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            return _headers.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <summary>The headers, with the signature and session token redacted.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            foreach (var h in _headers)
            {
                if (sb.Length > 0)
                {
                    sb.Append(", ");
                }
                var secret = string.Equals(h.Key, "authorization", StringComparison.OrdinalIgnoreCase)
                    || string.Equals(h.Key, "x-amz-security-token", StringComparison.OrdinalIgnoreCase);
                sb.Append(h.Key).Append(": ").Append(secret ? "<redacted>" : h.Value);
            }
            return sb.ToString();
        }
    }

    /// <summary>
    /// A presigned URL (signed in its query) and when it stops working. It carries the session token:
    /// treat it as a secret. <see cref="ToString"/> shows only its scheme, host and path.
    /// </summary>
    public sealed class PresignedUrl
    {
        private readonly string _url;

        internal PresignedUrl(string url, DateTime expiration)
        {
            _url = url;
            Expiration = expiration;
        }

        /// <summary>The URL, ready for an HTTP client (<c>UnityWebRequest.Get(url.AbsoluteUri)</c>, <c>HttpClient.GetAsync(url)</c>).</summary>
        public Uri Url
        {
            get { return new Uri(_url); }
        }

        /// <summary>The URL as the library wrote it.</summary>
        public string AbsoluteUri
        {
            get { return _url; }
        }

        /// <summary>When it expires (UTC, server time): its <c>X-Amz-Expires</c>, cut to the credentials'
        /// own expiry (a URL dies with the credentials that signed it).</summary>
        public DateTime Expiration { get; private set; }

        /// <summary>The URL without its query (which holds the signature and the session token).</summary>
        public override string ToString()
        {
            var q = _url.IndexOf('?');
            return (q < 0 ? _url : _url.Substring(0, q)) + "?<redacted> (expires " + Expiration.ToString("u", System.Globalization.CultureInfo.InvariantCulture) + ")";
        }
    }
}
