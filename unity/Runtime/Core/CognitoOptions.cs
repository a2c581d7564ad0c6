using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace CognitoNative
{
    /// <summary>
    /// Settings of a <see cref="CognitoAWSCredentials"/> beyond what the AWS SDK's constructors take:
    /// endpoints (e.g. the local emulator), timeouts, retries, refresh window and identity store.
    /// The constructors without an options argument use <see cref="Default"/>, read when each object
    /// is created, so setting it at start-up also affects code written for the AWS SDK.
    /// </summary>
    public sealed class CognitoOptions
    {
        private static CognitoOptions _default = new CognitoOptions();

        /// <summary>Creates options with the defaults: AWS endpoints (or <c>AWS_ENDPOINT_URL*</c>),
        /// identity id kept in a file under <see cref="DefaultIdentityStoreDirectory"/>.</summary>
        public CognitoOptions()
        {
            UseEnvironment = true;
            IdentityStoreDirectory = DefaultIdentityStoreDirectory;
        }

        /// <summary>
        /// The options used by constructors that take none. Never null: setting null restores the
        /// defaults. Changes apply to objects created afterwards.
        /// </summary>
        public static CognitoOptions Default
        {
            get { return _default; }
            set { _default = value ?? new CognitoOptions(); }
        }

        /// <summary>
        /// The per-user data folder for identity ids: <c>CognitoNative</c> under
        /// <see cref="Environment.SpecialFolder.LocalApplicationData"/> (<c>~/.local/share</c> on Linux,
        /// <c>%LOCALAPPDATA%</c> on Windows, the app's private files on Android and iOS); null when the
        /// platform has no such folder.
        /// </summary>
        public static string DefaultIdentityStoreDirectory
        {
            get
            {
                string root;
                try
                {
                    root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                }
                catch (PlatformNotSupportedException)
                {
                    return null;
                }
                return string.IsNullOrEmpty(root) ? null : Path.Combine(root, "CognitoNative");
            }
        }

        /// <summary>One URL for both Cognito Identity and STS, e.g. the emulator's <c>http://127.0.0.1:4566</c>.</summary>
        public string Endpoint { get; set; }

        /// <summary>The Cognito Identity URL (overrides <see cref="Endpoint"/>).</summary>
        public string CognitoEndpoint { get; set; }

        /// <summary>The STS URL (overrides <see cref="Endpoint"/>; used by the basic flow).</summary>
        public string StsEndpoint { get; set; }

        /// <summary>Allows plain <c>http://</c> endpoints on loopback addresses (local emulators). Off by default.</summary>
        public bool AllowHttpLoopback { get; set; }

        /// <summary>Uses the FIPS endpoints of the region.</summary>
        public bool UseFips { get; set; }

        /// <summary>Honours <c>AWS_ENDPOINT_URL</c>, <c>AWS_ENDPOINT_URL_COGNITO_IDENTITY</c>, <c>AWS_ENDPOINT_URL_STS</c>
        /// and <c>AWS_CA_BUNDLE</c>, as the AWS SDKs do. On by default.</summary>
        public bool UseEnvironment { get; set; }

        /// <summary>Extra trusted root certificates (PEM text).</summary>
        public string CaBundlePem { get; set; }

        /// <summary>A file of extra trusted root certificates (PEM).</summary>
        public string CaBundleFile { get; set; }

        /// <summary>How long before expiry credentials are refreshed in the background (native default: 5 minutes).</summary>
        public TimeSpan? RefreshWindow { get; set; }

        /// <summary>Timeout of one HTTP attempt.</summary>
        public TimeSpan? AttemptTimeout { get; set; }

        /// <summary>Timeout of a TCP/TLS connect.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>How long a logins provider may take to supply a token (native default: 30 seconds).</summary>
        public TimeSpan? LoginsTimeout { get; set; }

        /// <summary>Attempts per request, 1 to 10, for retryable errors.</summary>
        public int? MaxAttempts { get; set; }

        /// <summary>Base delay of the exponential backoff (with full jitter).</summary>
        public TimeSpan? RetryBaseDelay { get; set; }

        /// <summary>Longest delay between attempts.</summary>
        public TimeSpan? RetryMaxDelay { get; set; }

        /// <summary>Keeps the identity id; takes precedence over <see cref="IdentityStoreDirectory"/>.
        /// Use <see cref="MemoryIdentityStore"/> to keep it for the process's lifetime only.</summary>
        public IIdentityStore IdentityStore { get; set; }

        /// <summary>A folder where the native library keeps identity ids, one small file per pool
        /// (default: <see cref="DefaultIdentityStoreDirectory"/>). Null, with no
        /// <see cref="IdentityStore"/>, keeps them in memory only.</summary>
        public string IdentityStoreDirectory { get; set; }

        /// <summary>A copy (the identity store object itself is shared).</summary>
        public CognitoOptions Clone()
        {
            return (CognitoOptions)MemberwiseClone();
        }

        /// <summary>The <c>options_json</c> of <c>cognito_provider_new</c>.</summary>
        internal string ToJson(
            RegionEndpoint region, string accountId, string unAuthRoleArn, string authRoleArn, string customRoleArn)
        {
            var json = new JsonWriter();
            json.String("region", region == null ? null : region.SystemName);
            json.String("account_id", accountId);
            json.String("unauth_role_arn", unAuthRoleArn);
            json.String("auth_role_arn", authRoleArn);
            json.String("custom_role_arn", customRoleArn);
            json.String("endpoint", Endpoint);
            json.String("cognito_endpoint", CognitoEndpoint);
            json.String("sts_endpoint", StsEndpoint);
            json.Bool("allow_http_loopback", AllowHttpLoopback);
            json.Bool("use_fips", UseFips);
            json.Bool("use_environment", UseEnvironment);
            json.String("ca_bundle_pem", CaBundlePem);
            json.String("ca_bundle_file", CaBundleFile);
            json.Number("refresh_window_secs", Seconds(RefreshWindow));
            json.Number("attempt_timeout_ms", Milliseconds(AttemptTimeout));
            json.Number("connect_timeout_ms", Milliseconds(ConnectTimeout));
            json.Number("logins_timeout_ms", Milliseconds(LoginsTimeout));
            json.Number("max_attempts", MaxAttempts.HasValue ? (long?)MaxAttempts.Value : null);
            json.Number("retry_base_delay_ms", Milliseconds(RetryBaseDelay));
            json.Number("retry_max_delay_ms", Milliseconds(RetryMaxDelay));
            if (IdentityStore == null)
            {
                json.String("identity_store_dir", IdentityStoreDirectory);
            }
            return json.ToString();
        }

        private static long? Seconds(TimeSpan? t)
        {
            return t.HasValue ? (long?)Math.Max(0, (long)t.Value.TotalSeconds) : null;
        }

        private static long? Milliseconds(TimeSpan? t)
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
