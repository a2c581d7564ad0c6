using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Interop;

namespace CognitoNative
{
    // The methods a subclass overrides as it would the AWS SDK's: the identity-cache hooks
    // (GetCachedIdentityId, CacheIdentityId, ClearIdentityCache) and the developer identity hooks
    // (RefreshIdentity, RefreshIdentityAsync, in CognitoAWSCredentials.DeveloperIdentity.cs), and how the
    // engine reaches them.
    public partial class CognitoAWSCredentials
    {
        /// <summary>The base methods of the identity-cache hooks are acting as the engine's identity store
        /// for this object, on this thread (set around the engine's calls of the hooks).</summary>
        [ThreadStatic]
        private static CognitoAWSCredentials t_storeRole;

        /// <summary>The base <see cref="ClearIdentityCache"/> of this object is making the engine forget
        /// the identity, on this thread: the engine's clear of the store is then this call's own.</summary>
        [ThreadStatic]
        private static CognitoAWSCredentials t_clearingThroughEngine;

        /// <summary><see cref="Clear"/> of this object is running on this thread (its store clear runs
        /// inside it, on this thread).</summary>
        [ThreadStatic]
        private static CognitoAWSCredentials t_inEngineClear;

        private static readonly Dictionary<Type, HookOverrides> OverridesByType = new Dictionary<Type, HookOverrides>();

        /// <summary>Which of the overridable methods a class overrides.</summary>
        [Flags]
        internal enum HookOverrides
        {
            None = 0,
            RefreshIdentity = 1,
            RefreshIdentityAsync = 2,
            GetCachedIdentityId = 4,
            CacheIdentityId = 8,
            ClearIdentityCache = 16,

            /// <summary>Either developer identity hook.</summary>
            Refresh = RefreshIdentity | RefreshIdentityAsync,

            /// <summary>Any identity-cache hook: they then are the engine's identity store.</summary>
            IdentityCache = GetCachedIdentityId | CacheIdentityId | ClearIdentityCache,
        }

        /// <summary>
        /// The overridable methods the engine calls, as delegates: this object's own virtual methods, or
        /// those of the object wrapping it (the AwsSdk bridge's <c>CognitoNative.AwsSdk.CognitoAWSCredentials</c>,
        /// whose subclasses override its methods of the same names).
        /// </summary>
        internal sealed class Hooks
        {
            internal Hooks(
                HookOverrides overridden,
                Func<string> getCachedIdentityId,
                Action<string> cacheIdentityId,
                Action clearIdentityCache,
                Func<Task<IdentityState>> refreshIdentityAsync)
            {
                Overridden = overridden;
                GetCachedIdentityId = getCachedIdentityId;
                CacheIdentityId = cacheIdentityId;
                ClearIdentityCache = clearIdentityCache;
                RefreshIdentityAsync = refreshIdentityAsync;
            }

            internal HookOverrides Overridden { get; private set; }

            internal Func<string> GetCachedIdentityId { get; private set; }

            internal Action<string> CacheIdentityId { get; private set; }

            internal Action ClearIdentityCache { get; private set; }

            internal Func<Task<IdentityState>> RefreshIdentityAsync { get; private set; }

            /// <summary>The object whose engine calls these (set by its constructor, before the engine
            /// first calls one: the wrapping object's base methods reach the engine through it).</summary>
            internal CognitoAWSCredentials Native { get; set; }
        }

        /// <summary>
        /// The identity id cached for this pool, or null; the AWS SDK's hook for caching the identity id.
        /// The engine calls it once, on the creating thread inside the constructor (and again inside a
        /// <see cref="CustomRoleArn"/> or <see cref="PreemptExpiryTime"/> change), when a subclass
        /// overrides any of <see cref="GetCachedIdentityId"/>, <see cref="CacheIdentityId"/> and
        /// <see cref="ClearIdentityCache"/>: the three are then its identity store. The base method, called
        /// by you, returns the identity id the engine holds (no I/O); called as the store, it reads
        /// <see cref="CognitoOptions.IdentityStore"/> if one is set, else returns null (as the AWS SDK's
        /// base method does).
        /// </summary>
        public virtual string GetCachedIdentityId()
        {
            return BaseGetCachedIdentityId();
        }

        /// <summary>
        /// Keeps <paramref name="identityId"/> for the next launch; the AWS SDK's hook for caching the
        /// identity id. When a subclass overrides one of the identity-cache hooks (see
        /// <see cref="GetCachedIdentityId"/>), the engine calls it whenever the identity id changes, on the
        /// <see cref="SynchronizationContext"/> of the creating thread if it had one (Unity's main thread),
        /// else on a library callback thread. The base method writes to
        /// <see cref="CognitoOptions.IdentityStore"/> if one is set (without one the engine stores the ids
        /// it gets itself, and an overriding subclass keeps them where it likes).
        /// </summary>
        public virtual void CacheIdentityId(string identityId)
        {
            BaseCacheIdentityId(identityId);
        }

        /// <summary>
        /// Forgets the cached identity id; the AWS SDK's hook for caching the identity id. Called by you,
        /// the base method makes the engine forget the identity id, in memory and in its store, and the
        /// credentials (the logins are kept); the next call gets a new identity. When a subclass overrides
        /// one of the identity-cache hooks, the engine calls it (as the store) inside <see cref="Clear"/>,
        /// and when Cognito no longer accepts the cached identity (on the creating thread's
        /// <see cref="SynchronizationContext"/>, else a library callback thread); the base method then
        /// clears <see cref="CognitoOptions.IdentityStore"/> if one is set.
        /// </summary>
        public virtual void ClearIdentityCache()
        {
            BaseClearIdentityCache();
        }

        /// <summary><paramref name="key"/> for this identity pool: <c>key + ":" + IdentityPoolId</c>, as the
        /// AWS SDK names its identity cache entries (<c>CognitoIdentity:IdentityId:&lt;pool&gt;</c>).</summary>
        protected string GetNamespacedKey(string key)
        {
            return key + ":" + IdentityPoolId;
        }

        /// <summary>A copy of the logins given as tokens (<see cref="AddLogin"/>): provider name to token.
        /// Providers registered with <see cref="SetLoginsProvider"/> are not in it (their tokens are asked
        /// for when needed).</summary>
        protected Dictionary<string, string> CloneLogins
        {
            get
            {
                lock (_sync)
                {
                    return new Dictionary<string, string>(_tokens, StringComparer.Ordinal);
                }
            }
        }

        /// <summary>CloneLogins for the AwsSdk bridge's facade.</summary>
        internal Dictionary<string, string> LoginsCopy()
        {
            return CloneLogins;
        }

        /// <summary>Which of <see cref="HookOverrides"/>' methods <paramref name="type"/> overrides below
        /// <paramref name="declaringBase"/>, found once per class. A metadata query (the declaring type of
        /// the most derived method of each name), which generates no code and so works under IL2CPP and
        /// full AOT; the overriding methods are kept by the linker as overrides of methods that are called.
        /// The base classes themselves need no reflection at all.</summary>
        internal static HookOverrides FindOverrides(Type type, Type declaringBase)
        {
            if (type == declaringBase)
            {
                return HookOverrides.None;
            }
            lock (OverridesByType)
            {
                HookOverrides found;
                if (!OverridesByType.TryGetValue(type, out found))
                {
                    found = HookOverrides.None;
                    if (Overrides(type, declaringBase, "RefreshIdentity", Type.EmptyTypes)) found |= HookOverrides.RefreshIdentity;
                    if (Overrides(type, declaringBase, "RefreshIdentityAsync", Type.EmptyTypes)) found |= HookOverrides.RefreshIdentityAsync;
                    if (Overrides(type, declaringBase, "GetCachedIdentityId", Type.EmptyTypes)) found |= HookOverrides.GetCachedIdentityId;
                    if (Overrides(type, declaringBase, "CacheIdentityId", new[] { typeof(string) })) found |= HookOverrides.CacheIdentityId;
                    if (Overrides(type, declaringBase, "ClearIdentityCache", Type.EmptyTypes)) found |= HookOverrides.ClearIdentityCache;
                    OverridesByType[type] = found;
                }
                return found;
            }
        }

        private static bool Overrides(Type type, Type declaringBase, string name, Type[] parameters)
        {
            MethodInfo method;
            try
            {
                method = type.GetMethod(
                    name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, parameters, null);
            }
            catch (AmbiguousMatchException)
            {
                return true; // declared again by a subclass
            }
            return method != null && method.DeclaringType != declaringBase;
        }

        /// <summary>This object's own virtual methods.</summary>
        private Hooks OwnHooks()
        {
            return new Hooks(
                FindOverrides(GetType(), typeof(CognitoAWSCredentials)),
                GetCachedIdentityId,
                CacheIdentityId,
                ClearIdentityCache,
                RefreshIdentityAsync);
        }

        /// <summary>The base <see cref="GetCachedIdentityId"/> (also the AwsSdk facade's).</summary>
        internal string BaseGetCachedIdentityId()
        {
            if (ReferenceEquals(t_storeRole, this))
            {
                var store = _options.IdentityStore;
                return store == null ? null : store.Load(IdentityPoolId);
            }
            return NativeCachedIdentityId();
        }

        /// <summary>The base <see cref="CacheIdentityId"/> (also the AwsSdk facade's).</summary>
        internal void BaseCacheIdentityId(string identityId)
        {
            var store = _options.IdentityStore;
            if (store != null && !string.IsNullOrEmpty(identityId))
            {
                store.Save(IdentityPoolId, identityId);
            }
        }

        /// <summary>The base <see cref="ClearIdentityCache"/> (also the AwsSdk facade's).</summary>
        internal void BaseClearIdentityCache()
        {
            if (ReferenceEquals(t_storeRole, this))
            {
                ClearConfiguredStore();
                return;
            }
            var outer = t_clearingThroughEngine;
            t_clearingThroughEngine = this;
            try
            {
                Invoke(NativeMethods.cognito_provider_clear_identity_cache, "cognito_provider_clear_identity_cache");
                _lastCredentials = null;
            }
            finally
            {
                t_clearingThroughEngine = outer;
            }
        }

        /// <summary>Whether the identity-cache hooks are the engine's identity store.</summary>
        private bool HooksAreTheStore
        {
            get { return (_hooks.Overridden & HookOverrides.IdentityCache) != 0; }
        }

        /// <summary>The engine loads the identity id (inside the provider's creation, on this thread).</summary>
        internal string StoreLoadThroughHooks()
        {
            string id = null;
            AsStore(() => id = _hooks.GetCachedIdentityId());
            return id;
        }

        /// <summary>The engine stores a new identity id (on a library thread).</summary>
        internal void StoreSaveThroughHooks(string identityId)
        {
            RunStoreHook(() => _hooks.CacheIdentityId(identityId));
        }

        /// <summary>The engine forgets the identity id: inside <see cref="Clear"/> or the base
        /// <see cref="ClearIdentityCache"/> (this thread), or on a library thread.</summary>
        internal void StoreClearThroughHooks()
        {
            if (ReferenceEquals(t_clearingThroughEngine, this))
            {
                ClearConfiguredStore(); // the hook is the one that called the base method
                return;
            }
            if (ReferenceEquals(t_inEngineClear, this))
            {
                AsStore(() => _hooks.ClearIdentityCache());
                return;
            }
            RunStoreHook(() => _hooks.ClearIdentityCache());
        }

        private void ClearConfiguredStore()
        {
            var store = _options.IdentityStore;
            if (store != null)
            {
                store.Clear(IdentityPoolId);
            }
        }

        /// <summary>Runs a hook the engine calls from a library thread: on the creating thread's context if
        /// it had one (where an override may touch PlayerPrefs or UI state), else here. Never waits for it.</summary>
        private void RunStoreHook(Action hook)
        {
            if (_eventContext != null)
            {
                _eventContext.Post(state => AsStore((Action)state), hook);
                return;
            }
            AsStore(hook);
        }

        /// <summary>Runs a hook as the engine's identity store: its base methods then act on the
        /// configured store. Exceptions are reported, never thrown into the engine.</summary>
        private void AsStore(Action hook)
        {
            var outer = t_storeRole;
            t_storeRole = this;
            try
            {
                hook();
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("an identity cache hook (GetCachedIdentityId, CacheIdentityId, ClearIdentityCache)", e);
            }
            finally
            {
                t_storeRole = outer;
            }
        }
    }
}
