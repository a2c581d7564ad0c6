namespace CognitoNative
{
    /// <summary>
    /// Keeps the credentials of each identity pool between launches (persisted credentials), so that a
    /// launch while they are still valid sends no request at all. Set one with
    /// <see cref="CognitoOptions.CredentialsStore"/>, next to an <see cref="CognitoOptions.IdentityStore"/>
    /// (the credentials are used only for the identity id kept with them).
    /// </summary>
    /// <remarks>
    /// <para>The entry is an opaque text of about 2 KB that holds the <b>secret access key and session
    /// token</b>: keep it where the platform keeps secrets (the iOS Keychain, the Android Keystore,
    /// DPAPI on Windows), never in plain preferences, and never log it. Store and return it unchanged;
    /// the library checks it on load (the identity, the user, the expiry judged on the server's clock)
    /// and ignores an entry that is corrupt, foreign or expired.</para>
    /// <para>Threading as <see cref="IIdentityStore"/>'s: <see cref="Load"/> runs on the thread creating
    /// the <see cref="CognitoAWSCredentials"/> (once, or twice when the entry is long);
    /// <see cref="Save"/> and <see cref="Clear"/> on native library threads, and <see cref="Clear"/> also
    /// on the thread calling <see cref="CognitoAWSCredentials.Clear"/>,
    /// <see cref="CognitoAWSCredentials.ClearCredentials"/> or
    /// <see cref="CognitoAWSCredentials.ClearIdentityCache"/>. They must be quick, thread-safe, and
    /// must never wait on the game's or UI's main thread. Exceptions are caught and logged (without
    /// the entry).</para>
    /// <para>The library clears the entry when the credentials no longer apply: sign-out
    /// (<see cref="CognitoAWSCredentials.Clear"/>), another login or identity, expiry.</para>
    /// </remarks>
    public interface ICredentialsStore
    {
        /// <summary>The entry stored for <paramref name="identityPoolId"/>, or null.</summary>
        string Load(string identityPoolId);

        /// <summary>Stores <paramref name="entry"/> (a secret) for <paramref name="identityPoolId"/>,
        /// replacing the one before.</summary>
        void Save(string identityPoolId, string entry);

        /// <summary>Forgets the entry of <paramref name="identityPoolId"/>.</summary>
        void Clear(string identityPoolId);
    }
}
