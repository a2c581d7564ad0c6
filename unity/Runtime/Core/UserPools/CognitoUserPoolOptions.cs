using System;

namespace CognitoNative
{
    /// <summary>
    /// Settings of a <see cref="CognitoUserPool"/> beyond what AWS's constructor takes: endpoints (e.g. a
    /// local emulator), timeouts, retries, token refresh and where the signed-in session is kept. The
    /// constructor without options uses <see cref="Default"/>, read when each pool is created.
    /// </summary>
    public sealed class CognitoUserPoolOptions : CognitoTransportOptions
    {
        private static CognitoUserPoolOptions _default = new CognitoUserPoolOptions();

        /// <summary>Creates options with the defaults: AWS's endpoint (or <c>AWS_ENDPOINT_URL*</c>), the session
        /// kept in memory only.</summary>
        public CognitoUserPoolOptions()
        {
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

        /// <summary>How long before the id token expires it is refreshed (native default: 5 minutes).</summary>
        public TimeSpan? RefreshWindow { get; set; }

        /// <summary>The app client rotates refresh tokens: refresh with GetTokensFromRefreshToken.</summary>
        public bool RefreshTokenRotation { get; set; }

        /// <summary>A folder where the signed-in session (refresh token, username) is kept between runs
        /// (a file, 0600), for <see cref="CognitoUserPool.ResumeSavedSessionAsync(System.Threading.CancellationToken)"/>;
        /// null (the default) keeps it in memory only.</summary>
        public string SessionStoreDirectory { get; set; }

        /// <summary>Keeps the signed-in session (it holds the refresh token) where the app keeps secrets:
        /// the Keychain, the Keystore, DPAPI; takes precedence over <see cref="SessionStoreDirectory"/>.
        /// Kept by the library until <see cref="CognitoRuntime.Shutdown"/> (sessions outlive their pool).</summary>
        public ISessionStore SessionStore { get; set; }

        /// <summary>A copy (the rate limits are copied; the session store object itself is shared).</summary>
        public CognitoUserPoolOptions Clone()
        {
            return CopyAs<CognitoUserPoolOptions>();
        }

        /// <summary>The <c>options_json</c> of <c>cognito_user_pool_new</c> (it holds the client secret: never log it).</summary>
        internal string ToJson(string clientSecret)
        {
            var json = new JsonWriter();
            json.String("client_secret", clientSecret);
            json.String("region", Region == null ? null : Region.SystemName);
            json.String("endpoint", Endpoint);
            WriteTransport(json);
            json.Number("refresh_window_secs", Seconds(RefreshWindow));
            json.Bool("refresh_token_rotation", RefreshTokenRotation);
            json.String("session_store_dir", SessionStore == null ? SessionStoreDirectory : null);
            return json.ToString();
        }
    }
}
