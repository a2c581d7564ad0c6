namespace CognitoNative
{
    /// <summary>
    /// Keeps a user pool's signed-in session between runs, so that a player stays signed in
    /// (<see cref="CognitoUserPool.ResumeSavedSessionAsync(System.Threading.CancellationToken)"/>). Set one
    /// with <see cref="CognitoUserPoolOptions.SessionStore"/>; without one the native library keeps the
    /// session in a file under <see cref="CognitoUserPoolOptions.SessionStoreDirectory"/>, or nowhere.
    /// </summary>
    /// <remarks>
    /// <para>The session is an opaque text of a few KB holding the <b>refresh token</b>: keep it where the
    /// platform keeps secrets (the iOS Keychain, the Android Keystore, DPAPI on Windows), never in plain
    /// preferences, and never log it. Store and return it unchanged; a corrupt one is ignored. The key is
    /// <c>&lt;userPoolId&gt;:&lt;clientId&gt;</c>.</para>
    /// <para><see cref="Load"/> runs when a saved session is resumed, <see cref="Save"/> when a session signs
    /// in or its refresh token rotates, <see cref="Clear"/> when it ends (sign-out, a refused refresh token);
    /// all on native library threads. They must be quick, thread-safe, and must never wait on the game's
    /// or UI's main thread. Exceptions are caught and logged (without the session). The store is kept
    /// until <see cref="CognitoRuntime.Shutdown"/>: sessions outlive their <see cref="CognitoUserPool"/>.</para>
    /// </remarks>
    public interface ISessionStore
    {
        /// <summary>The session stored under <paramref name="key"/>, or null.</summary>
        string Load(string key);

        /// <summary>Stores <paramref name="session"/> (a secret) under <paramref name="key"/>, replacing the one before.</summary>
        void Save(string key, string session);

        /// <summary>Forgets the session stored under <paramref name="key"/>.</summary>
        void Clear(string key);
    }
}
