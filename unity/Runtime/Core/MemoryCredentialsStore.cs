using System.Collections.Generic;

namespace CognitoNative
{
    /// <summary>
    /// Keeps credentials entries in memory, for the process's lifetime: another
    /// <see cref="CognitoAWSCredentials"/> of the same pool and user created later in the process (with
    /// the same identity store) starts with the credentials without a request. For tests, tools and
    /// servers; a game that wants them across launches backs <see cref="ICredentialsStore"/> with the
    /// platform's secret storage.
    /// </summary>
    public sealed class MemoryCredentialsStore : ICredentialsStore
    {
        private readonly Dictionary<string, string> _entries = new Dictionary<string, string>();

        /// <summary>The number of pools with an entry (the entries themselves are not exposed).</summary>
        public int Count
        {
            get
            {
                lock (_entries)
                {
                    return _entries.Count;
                }
            }
        }

        /// <inheritdoc />
        public string Load(string identityPoolId)
        {
            lock (_entries)
            {
                string entry;
                return _entries.TryGetValue(identityPoolId, out entry) ? entry : null;
            }
        }

        /// <inheritdoc />
        public void Save(string identityPoolId, string entry)
        {
            lock (_entries)
            {
                _entries[identityPoolId] = entry;
            }
        }

        /// <inheritdoc />
        public void Clear(string identityPoolId)
        {
            lock (_entries)
            {
                _entries.Remove(identityPoolId);
            }
        }
    }
}
