namespace CognitoNative
{
    /// <summary>
    /// Keeps the identity id of each identity pool between runs, so a guest keeps their identity.
    /// Set one with <see cref="CognitoOptions.IdentityStore"/>; without one the native library keeps
    /// the id in a file under <see cref="CognitoOptions.IdentityStoreDirectory"/>.
    /// </summary>
    /// <remarks>
    /// <see cref="Load"/> runs once, on the thread creating the <see cref="CognitoAWSCredentials"/>.
    /// <see cref="Save"/> runs on native library threads; <see cref="Clear"/> on a library thread or on
    /// the thread calling <see cref="CognitoAWSCredentials.Clear"/> /
    /// <see cref="CognitoAWSCredentials.ClearIdentityCache"/>. They must be quick, thread-safe, and
    /// must never wait on the game's or UI's main thread (post such work to it instead).
    /// Exceptions are caught and logged.
    /// </remarks>
    public interface IIdentityStore
    {
        /// <summary>The stored identity id of <paramref name="identityPoolId"/>, or null.</summary>
        string Load(string identityPoolId);

        /// <summary>Stores <paramref name="identityId"/> for <paramref name="identityPoolId"/>.</summary>
        void Save(string identityPoolId, string identityId);

        /// <summary>Forgets the identity id of <paramref name="identityPoolId"/>.</summary>
        void Clear(string identityPoolId);
    }
}
