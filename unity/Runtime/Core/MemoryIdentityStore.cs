using System.Collections.Generic;

namespace CognitoNative
{
    /// <summary>Keeps identity ids in memory: a new process gets a new guest identity.</summary>
    public sealed class MemoryIdentityStore : IIdentityStore
    {
        private readonly Dictionary<string, string> _ids = new Dictionary<string, string>();

        /// <inheritdoc />
        public string Load(string identityPoolId)
        {
            lock (_ids)
            {
                string id;
                return _ids.TryGetValue(identityPoolId, out id) ? id : null;
            }
        }

        /// <inheritdoc />
        public void Save(string identityPoolId, string identityId)
        {
            lock (_ids)
            {
                _ids[identityPoolId] = identityId;
            }
        }

        /// <inheritdoc />
        public void Clear(string identityPoolId)
        {
            lock (_ids)
            {
                _ids.Remove(identityPoolId);
            }
        }
    }
}
