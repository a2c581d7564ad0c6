using System;
using System.IO;

namespace CognitoNative
{
    /// <summary>
    /// Settings of a <see cref="CognitoAWSCredentials"/> beyond what the AWS SDK's constructors take:
    /// endpoints (e.g. the local emulator), timeouts, retries, refresh window, identity store, persisted
    /// credentials, prefetch and client-side rate limits.
    /// The constructors without an options argument use <see cref="Default"/>, read when each object
    /// is created, so setting it at start-up also affects code written for the AWS SDK.
    /// </summary>
    public sealed class CognitoOptions : CognitoTransportOptions
    {
        private static CognitoOptions _default = new CognitoOptions();

        /// <summary>Creates options with the defaults: AWS endpoints (or <c>AWS_ENDPOINT_URL*</c>),
        /// identity id kept in a file under <see cref="DefaultIdentityStoreDirectory"/>.</summary>
        public CognitoOptions()
        {
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

        /// <summary>How long before expiry credentials are refreshed in the background (native default: 5 minutes).</summary>
        public TimeSpan? RefreshWindow { get; set; }

        /// <summary>How long a logins provider may take to supply a token (native default: 120 seconds, as long as a request may wait for its quota slot).</summary>
        public TimeSpan? LoginsTimeout { get; set; }

        /// <summary>Keeps the identity id; takes precedence over <see cref="IdentityStoreDirectory"/>.
        /// Use <see cref="MemoryIdentityStore"/> to keep it for the process's lifetime only.</summary>
        public IIdentityStore IdentityStore { get; set; }

        /// <summary>A folder where the native library keeps identity ids, one small file per pool
        /// (default: <see cref="DefaultIdentityStoreDirectory"/>). Null, with no
        /// <see cref="IdentityStore"/>, keeps them in memory only.</summary>
        public string IdentityStoreDirectory { get; set; }

        /// <summary>
        /// Keeps the credentials between launches, so that a launch while they are still valid sends no
        /// request (off by default: they hold a secret key). With <see cref="IdentityStoreDirectory"/> (and
        /// no <see cref="IdentityStore"/>), the native library keeps them in a file beside the identity id,
        /// readable by this user only (0600); with an <see cref="IdentityStore"/>, set
        /// <see cref="CredentialsStore"/> instead. They are used only for the same identity and the same
        /// logins, only while valid by the server's clock, and dropped on <see cref="CognitoAWSCredentials.Clear"/>,
        /// a login change and an identity change.
        /// </summary>
        public bool PersistCredentials { get; set; }

        /// <summary>
        /// Keeps the credentials between launches in a store of the app's (the Keychain, the Android
        /// Keystore, DPAPI: the entry holds a secret key). Setting one turns persisted credentials on
        /// (<see cref="PersistCredentials"/> need not be set). It needs an <see cref="IdentityStore"/> (or an
        /// override of the identity-cache hooks): the credentials are used only for the identity id kept
        /// with them. <see cref="MemoryCredentialsStore"/> keeps them for the process's lifetime.
        /// </summary>
        public ICredentialsStore CredentialsStore { get; set; }

        /// <summary>
        /// Starts getting the identity id and credentials in the background as soon as a
        /// <see cref="CognitoAWSCredentials"/> is created (with the logins it has then), so that a game
        /// asking for them after loading waits for nothing; costs no request when valid credentials are
        /// persisted. Never blocks the constructor. Logins added right after creation make that first
        /// request a guest's: then call <see cref="CognitoAWSCredentials.Prefetch"/> after adding them instead.
        /// A handler subscribed to <see cref="CognitoAWSCredentials.IdentityChangedEvent"/> after the
        /// constructor may miss the first identity's event. Applies to objects of the class itself (also
        /// the AwsSdk facade's); a subclass (developer identities, identity-cache hooks) calls
        /// <see cref="CognitoAWSCredentials.Prefetch"/> at the end of its constructor, when its overrides
        /// can run.
        /// </summary>
        public bool Prefetch { get; set; }

        /// <summary>A copy (the identity and credentials store objects themselves are shared; the rate
        /// limits are copied).</summary>
        public CognitoOptions Clone()
        {
            return CopyAs<CognitoOptions>();
        }

        /// <summary>The <c>options_json</c> of <c>cognito_provider_new</c>. <paramref name="fileCredentials"/>:
        /// the native file store keeps the credentials (<c>persist_credentials</c>; a host credentials store
        /// is the opt-in of <c>cognito_provider_new_with_stores</c> by itself).</summary>
        internal string ToJson(
            RegionEndpoint region,
            string accountId,
            string unAuthRoleArn,
            string authRoleArn,
            string customRoleArn,
            bool fileCredentials = false)
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
            WriteTransport(json);
            json.Number("refresh_window_secs", Seconds(RefreshWindow));
            json.Number("logins_timeout_ms", Milliseconds(LoginsTimeout));
            if (IdentityStore == null)
            {
                json.String("identity_store_dir", IdentityStoreDirectory);
            }
            if (fileCredentials)
            {
                json.Bool("persist_credentials", true);
            }
            return json.ToString();
        }
    }
}
