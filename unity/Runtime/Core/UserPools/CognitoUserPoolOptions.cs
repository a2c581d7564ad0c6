using System;

namespace CognitoNative
{
    /// <summary>
    /// Settings of a <see cref="CognitoUserPool"/> beyond what AWS's constructor takes: endpoints (e.g. a
    /// local emulator), timeouts, retries, token refresh and where the signed-in session is kept. The
    /// constructor without options uses <see cref="Default"/>, read when each pool is created.
    /// </summary>
    public sealed class CognitoUserPoolOptions
    {
        private static CognitoUserPoolOptions _default = new CognitoUserPoolOptions();

        /// <summary>Creates options with the defaults: AWS's endpoint (or <c>AWS_ENDPOINT_URL*</c>), the session
        /// kept in memory only.</summary>
        public CognitoUserPoolOptions()
        {
            UseEnvironment = true;
        }

        /// <summary>The options used by pools created without any. Never null: setting null restores the defaults.</summary>
        public static CognitoUserPoolOptions Default
        {
            get { return _default; }
            set { _default = value ?? new CognitoUserPoolOptions(); }
        }

        /// <summary>The user pool URL (Cognito user pools' <c>cognito-idp</c>), e.g. a local emulator's.</summary>
        public string Endpoint { get; set; }

        /// <summary>The region; null to read it from the pool id (<c>us-east-1_AbC...</c>).</summary>
        public RegionEndpoint Region { get; set; }

        /// <summary>Allows plain <c>http://</c> endpoints on loopback addresses (local emulators). Off by default.</summary>
        public bool AllowHttpLoopback { get; set; }

        /// <summary>Uses the FIPS endpoint of the region.</summary>
        public bool UseFips { get; set; }

        /// <summary>Honours <c>AWS_ENDPOINT_URL</c>, <c>AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER</c> and
        /// <c>AWS_CA_BUNDLE</c>, as the AWS SDKs do. On by default.</summary>
        public bool UseEnvironment { get; set; }

        /// <summary>Extra trusted root certificates (PEM text).</summary>
        public string CaBundlePem { get; set; }

        /// <summary>A file of extra trusted root certificates (PEM).</summary>
        public string CaBundleFile { get; set; }

        /// <summary>How long before the id token expires it is refreshed (native default: 5 minutes).</summary>
        public TimeSpan? RefreshWindow { get; set; }

        /// <summary>Timeout of one HTTP attempt.</summary>
        public TimeSpan? AttemptTimeout { get; set; }

        /// <summary>Timeout of a TCP/TLS connect.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>Attempts per request, 1 to 10, for retryable errors (never for a wrong password).</summary>
        public int? MaxAttempts { get; set; }

        /// <summary>Base delay of the exponential backoff (with full jitter).</summary>
        public TimeSpan? RetryBaseDelay { get; set; }

        /// <summary>Longest delay between attempts.</summary>
        public TimeSpan? RetryMaxDelay { get; set; }

        /// <summary>The app client rotates refresh tokens: refresh with GetTokensFromRefreshToken.</summary>
        public bool RefreshTokenRotation { get; set; }

        /// <summary>A folder where the signed-in session (refresh token, username) is kept between runs
        /// (a file, 0600), for <see cref="CognitoUserPool.ResumeSavedSessionAsync(System.Threading.CancellationToken)"/>;
        /// null (the default) keeps it in memory only.</summary>
        public string SessionStoreDirectory { get; set; }

        /// <summary>A copy.</summary>
        public CognitoUserPoolOptions Clone()
        {
            return (CognitoUserPoolOptions)MemberwiseClone();
        }

        /// <summary>The <c>options_json</c> of <c>cognito_user_pool_new</c> (it holds the client secret: never log it).</summary>
        internal string ToJson(string clientSecret)
        {
            var json = new CognitoOptions.JsonWriter();
            json.String("client_secret", clientSecret);
            json.String("region", Region == null ? null : Region.SystemName);
            json.String("endpoint", Endpoint);
            json.Bool("allow_http_loopback", AllowHttpLoopback);
            json.Bool("use_fips", UseFips);
            json.Bool("use_environment", UseEnvironment);
            json.String("ca_bundle_pem", CaBundlePem);
            json.String("ca_bundle_file", CaBundleFile);
            json.Number("refresh_window_secs", Seconds(RefreshWindow));
            json.Number("attempt_timeout_ms", Milliseconds(AttemptTimeout));
            json.Number("connect_timeout_ms", Milliseconds(ConnectTimeout));
            json.Number("max_attempts", MaxAttempts.HasValue ? (long?)MaxAttempts.Value : null);
            json.Number("retry_base_delay_ms", Milliseconds(RetryBaseDelay));
            json.Number("retry_max_delay_ms", Milliseconds(RetryMaxDelay));
            json.Bool("refresh_token_rotation", RefreshTokenRotation);
            json.String("session_store_dir", SessionStoreDirectory);
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
    }
}
