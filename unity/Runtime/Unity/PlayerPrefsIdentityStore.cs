using System.Collections.Generic;
using System.Threading;
using UnityEngine;

namespace CognitoNative.Unity
{
    /// <summary>
    /// Keeps identity ids in <see cref="PlayerPrefs"/> under the AWS SDK for Unity's key
    /// (<c>CognitoIdentity:IdentityId:&lt;poolId&gt;</c>), so players migrating from it keep their identity.
    /// </summary>
    /// <remarks>
    /// PlayerPrefs may only be used on the main thread, and the native library saves from its own
    /// threads: so this store answers from an in-memory copy and posts every write to the main thread,
    /// never waiting for it (the AWS SDK blocked there, which could deadlock the Editor). Ids are
    /// preloaded at start-up for pools this store has written before; ids written by the AWS SDK are
    /// read on first use on the main thread.
    /// </remarks>
    public sealed class PlayerPrefsIdentityStore : IIdentityStore
    {
        /// <summary>The key prefix of the AWS SDK for .NET/Unity.</summary>
        public const string KeyPrefix = "CognitoIdentity:IdentityId:";

        /// <summary>Lists the pools with a stored id ('\n'-separated), to preload them.</summary>
        public const string IndexKey = "CognitoNative:IdentityPools";

        private readonly object _gate = new object();
        private readonly Dictionary<string, string> _ids = new Dictionary<string, string>();
        private readonly HashSet<string> _dirty = new HashSet<string>();
        private readonly SynchronizationContext _mainThread;
        private readonly int _mainThreadId;
        private bool _flushPosted;

        /// <summary>Creates the store; must run on the main thread (it reads PlayerPrefs).</summary>
        public PlayerPrefsIdentityStore()
        {
            _mainThread = SynchronizationContext.Current;
            _mainThreadId = Thread.CurrentThread.ManagedThreadId;
            foreach (var pool in ReadIndex())
            {
                var id = PlayerPrefs.GetString(KeyPrefix + pool, string.Empty);
                if (id.Length > 0)
                {
                    _ids[pool] = id;
                }
            }
        }

        /// <inheritdoc />
        public string Load(string identityPoolId)
        {
            lock (_gate)
            {
                string id;
                if (_ids.TryGetValue(identityPoolId, out id))
                {
                    return id;
                }
                if (_dirty.Contains(identityPoolId) || !OnMainThread)
                {
                    return null; // cleared, or PlayerPrefs not reachable from this thread
                }
            }
            var stored = PlayerPrefs.GetString(KeyPrefix + identityPoolId, string.Empty);
            if (stored.Length == 0)
            {
                return null;
            }
            lock (_gate)
            {
                _ids[identityPoolId] = stored;
            }
            return stored;
        }

        /// <inheritdoc />
        public void Save(string identityPoolId, string identityId)
        {
            lock (_gate)
            {
                _ids[identityPoolId] = identityId;
                MarkDirty(identityPoolId);
            }
        }

        /// <inheritdoc />
        public void Clear(string identityPoolId)
        {
            lock (_gate)
            {
                _ids.Remove(identityPoolId);
                MarkDirty(identityPoolId);
            }
        }

        /// <summary>Writes pending changes to PlayerPrefs now. Main thread only; also runs on quit.</summary>
        public void Flush()
        {
            string[] pools;
            Dictionary<string, string> ids;
            lock (_gate)
            {
                _flushPosted = false;
                if (_dirty.Count == 0)
                {
                    return;
                }
                pools = new string[_dirty.Count];
                _dirty.CopyTo(pools);
                _dirty.Clear();
                ids = new Dictionary<string, string>(_ids);
            }
            var index = new List<string>(ReadIndex());
            foreach (var pool in pools)
            {
                string id;
                if (ids.TryGetValue(pool, out id))
                {
                    PlayerPrefs.SetString(KeyPrefix + pool, id);
                    if (!index.Contains(pool))
                    {
                        index.Add(pool);
                    }
                }
                else
                {
                    PlayerPrefs.DeleteKey(KeyPrefix + pool);
                    index.Remove(pool);
                }
            }
            PlayerPrefs.SetString(IndexKey, string.Join("\n", index.ToArray()));
            PlayerPrefs.Save();
        }

        private bool OnMainThread
        {
            get { return Thread.CurrentThread.ManagedThreadId == _mainThreadId; }
        }

        /// <summary>Schedules one flush on the main thread for any number of changes (under the lock).</summary>
        private void MarkDirty(string identityPoolId)
        {
            _dirty.Add(identityPoolId);
            if (_flushPosted || _mainThread == null)
            {
                return; // without a main-thread context, Flush runs on quit
            }
            _flushPosted = true;
            _mainThread.Post(state => ((PlayerPrefsIdentityStore)state).Flush(), this);
        }

        private static IEnumerable<string> ReadIndex()
        {
            var text = PlayerPrefs.GetString(IndexKey, string.Empty);
            return text.Length == 0 ? new string[0] : text.Split('\n');
        }
    }
}
