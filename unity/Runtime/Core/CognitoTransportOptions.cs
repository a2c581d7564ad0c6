using System;
using System.Globalization;
using System.Text;

namespace CognitoNative
{
    /// <summary>
    /// What <see cref="CognitoOptions"/> and <see cref="CognitoUserPoolOptions"/> share: how the native
    /// library reaches AWS (which endpoints it may use, whom it trusts, timeouts, retries and request
    /// quotas). Not meant to be derived from outside this library.
    /// </summary>
    public abstract class CognitoTransportOptions
    {
        internal CognitoTransportOptions()
        {
            UseEnvironment = true;
        }

        /// <summary>Allows plain <c>http://</c> endpoints on loopback addresses (local emulators). Off by default.</summary>
        public bool AllowHttpLoopback { get; set; }

        /// <summary>Uses the FIPS endpoints of the region.</summary>
        public bool UseFips { get; set; }

        /// <summary>Honours <c>AWS_ENDPOINT_URL</c>, the service's own <c>AWS_ENDPOINT_URL_*</c>
        /// (<c>COGNITO_IDENTITY</c> and <c>STS</c> for credentials, <c>COGNITO_IDENTITY_PROVIDER</c> for user
        /// pools) and <c>AWS_CA_BUNDLE</c>, as the AWS SDKs do. On by default.</summary>
        public bool UseEnvironment { get; set; }

        /// <summary>Extra trusted root certificates (PEM text).</summary>
        public string CaBundlePem { get; set; }

        /// <summary>A file of extra trusted root certificates (PEM).</summary>
        public string CaBundleFile { get; set; }

        /// <summary>Timeout of one HTTP attempt.</summary>
        public TimeSpan? AttemptTimeout { get; set; }

        /// <summary>Timeout of a TCP/TLS connect.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>Attempts per request, 1 to 10, for retryable errors (a wrong password is never retried).</summary>
        public int? MaxAttempts { get; set; }

        /// <summary>Base delay of the exponential backoff (with full jitter).</summary>
        public TimeSpan? RetryBaseDelay { get; set; }

        /// <summary>Longest delay between attempts.</summary>
        public TimeSpan? RetryMaxDelay { get; set; }

        /// <summary>Cognito's request quotas kept on this side (shared by the whole process; sign-in is the
        /// <c>UserAuthentication</c> quota); null: AWS's default quotas, applied to requests to AWS's
        /// endpoints.</summary>
        public CognitoRateLimits RateLimits { get; set; }

        /// <summary>A member-wise copy with its own rate limits (store objects themselves are shared).</summary>
        internal T CopyAs<T>() where T : CognitoTransportOptions
        {
            var copy = (T)MemberwiseClone();
            copy.RateLimits = RateLimits == null ? null : RateLimits.Clone();
            return copy;
        }

        /// <summary>These settings' keys of the native options JSON (the same for providers and pools).</summary>
        internal void WriteTransport(JsonWriter json)
        {
            json.Bool("allow_http_loopback", AllowHttpLoopback);
            json.Bool("use_fips", UseFips);
            json.Bool("use_environment", UseEnvironment);
            json.String("ca_bundle_pem", CaBundlePem);
            json.String("ca_bundle_file", CaBundleFile);
            json.Number("attempt_timeout_ms", Milliseconds(AttemptTimeout));
            json.Number("connect_timeout_ms", Milliseconds(ConnectTimeout));
            json.Number("max_attempts", MaxAttempts.HasValue ? (long?)MaxAttempts.Value : null);
            json.Number("retry_base_delay_ms", Milliseconds(RetryBaseDelay));
            json.Number("retry_max_delay_ms", Milliseconds(RetryMaxDelay));
            if (RateLimits != null)
            {
                json.Object("rate_limits", RateLimits.ToJson());
            }
        }

        internal static long? Seconds(TimeSpan? t)
        {
            return t.HasValue ? (long?)Math.Max(0, (long)t.Value.TotalSeconds) : null;
        }

        internal static long? Milliseconds(TimeSpan? t)
        {
            return t.HasValue ? (long?)Math.Max(0, (long)t.Value.TotalMilliseconds) : null;
        }

        /// <summary>A flat JSON object; null values are left out (the library's defaults apply).</summary>
        internal sealed class JsonWriter
        {
            private readonly StringBuilder _sb = new StringBuilder("{");

            public void String(string key, string value)
            {
                if (value != null)
                {
                    Key(key);
                    Quote(value);
                }
            }

            public void Bool(string key, bool value)
            {
                Key(key);
                _sb.Append(value ? "true" : "false");
            }

            public void Number(string key, long? value)
            {
                if (value.HasValue)
                {
                    Key(key);
                    _sb.Append(value.Value.ToString(CultureInfo.InvariantCulture));
                }
            }

            public void Number(string key, double value)
            {
                Key(key);
                // "R": the shortest text that reads back as the same double; JSON takes its exponent form.
                _sb.Append(value.ToString("R", CultureInfo.InvariantCulture));
            }

            /// <summary>A nested object.</summary>
            public void Object(string key, JsonWriter value)
            {
                if (value != null)
                {
                    Key(key);
                    _sb.Append(value.ToString());
                }
            }

            public override string ToString()
            {
                return _sb.ToString() + "}";
            }

            private void Key(string key)
            {
                if (_sb.Length > 1)
                {
                    _sb.Append(',');
                }
                Quote(key);
                _sb.Append(':');
            }

            private void Quote(string s)
            {
                _sb.Append('"');
                foreach (var c in s)
                {
                    switch (c)
                    {
                        case '"': _sb.Append("\\\""); break;
                        case '\\': _sb.Append("\\\\"); break;
                        case '\n': _sb.Append("\\n"); break;
                        case '\r': _sb.Append("\\r"); break;
                        case '\t': _sb.Append("\\t"); break;
                        default:
                            if (c < ' ')
                            {
                                _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                            }
                            else
                            {
                                _sb.Append(c);
                            }
                            break;
                    }
                }
                _sb.Append('"');
            }
        }
    }
}
