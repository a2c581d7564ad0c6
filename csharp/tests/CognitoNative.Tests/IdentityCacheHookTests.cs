using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// The AWS SDK's way of caching the identity id: override GetCachedIdentityId, CacheIdentityId and
    /// ClearIdentityCache. The overrides become the engine's identity store.
    /// </summary>
    [TestFixture]
    public class IdentityCacheHookTests : EmulatorTest
    {
        [Test]
        public void OverriddenHooks_AreTheIdentityStore_ANewObjectReusesTheId()
        {
            var prefs = new Prefs();
            string identityId;
            using (var first = PrefsCredentials.Create(prefs))
            {
                Assert.AreEqual(new[] { "get" }, first.Calls.ToArray(), "the engine asks the hook once, at creation");
                identityId = Await(first.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(first.Key) == identityId, Timeout), "CacheIdentityId was not called");
                Assert.AreEqual(new[] { "get", "cache " + identityId }, first.Calls.ToArray());
            }
            using (var second = PrefsCredentials.Create(prefs))
            {
                Assert.AreEqual(identityId, second.GetIdentityId(), "the id from the hook, without a request");
                Await(second.GetCredentialsAsync());
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(new[] { "get" }, second.Calls.ToArray(), "no change, no CacheIdentityId");
            }
        }

        [Test]
        public void AClearIdentityCacheOverride_WithoutBase_ClearsOnlyItsOwnCache()
        {
            var prefs = new Prefs();
            using (var credentials = PrefsCredentials.Create(prefs))
            {
                var identityId = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(credentials.Key) == identityId, Timeout));
                credentials.ClearIdentityCache();
                Assert.IsNull(prefs.Get(credentials.Key));
                Assert.IsNull(credentials.GetCachedIdentityId(), "the override answers from its cache");
                // As with the AWS SDK, the identity in memory stays: only the cache was cleared.
                Assert.AreEqual(identityId, Await(credentials.GetIdentityIdAsync()));
                Assert.AreEqual(1, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void AClearIdentityCacheOverride_CallingBase_MakesTheEngineForget_AndRunsOnce()
        {
            var prefs = new Prefs();
            using (var credentials = PrefsCredentials.Create(prefs, callBaseOnClear: true))
            {
                var first = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(credentials.Key) == first, Timeout));
                credentials.ClearIdentityCache();
                Assert.AreEqual(1, credentials.Calls.Count(c => c == "clear"), "the override ran once, not again as the store");
                Assert.IsNull(prefs.Get(credentials.Key));
                var second = Await(credentials.GetIdentityIdAsync());
                Assert.AreNotEqual(first, second, "the engine forgot the identity");
                Assert.AreEqual(2, Emulator.Count("GetId"));
                Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(credentials.Key) == second, Timeout));
            }
        }

        [Test]
        public void Clear_CallsTheClearIdentityCacheHookOnce_InsideTheCall()
        {
            var prefs = new Prefs();
            using (var credentials = PrefsCredentials.Create(prefs))
            {
                var identityId = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(credentials.Key) == identityId, Timeout));
                credentials.Clear();
                Assert.AreEqual(1, credentials.Calls.Count(c => c == "clear"));
                Assert.IsNull(prefs.Get(credentials.Key), "cleared before Clear returned");
                Assert.IsNull(credentials.GetCachedIdentityId());
                Assert.AreNotEqual(identityId, Await(credentials.GetIdentityIdAsync()));
            }
        }

        [Test]
        public void AStaleIdentity_IsClearedAndTheNewOneCached_ThroughTheHooks()
        {
            var prefs = new Prefs();
            using (var credentials = PrefsCredentials.Create(prefs))
            {
                var stale = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(credentials.Key) == stale, Timeout));
                Assert.IsTrue(Emulator.DeleteIdentity(stale));
                Await(credentials.GetCredentialsAsync());
                var fresh = credentials.GetIdentityId();
                Assert.AreNotEqual(stale, fresh);
                Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(credentials.Key) == fresh, Timeout));
                var calls = credentials.Calls.ToArray();
                Assert.AreEqual(new[] { "get", "cache " + stale, "clear", "cache " + fresh }, calls);
            }
        }

        [Test]
        public void TheHooks_RunOnTheCreatingThreadsContext()
        {
            var prefs = new Prefs();
            using (var main = new PumpContext())
            {
                PrefsCredentials credentials = null;
                main.Send(_ => credentials = PrefsCredentials.Create(prefs), null);
                try
                {
                    var identityId = Await(credentials.GetIdentityIdAsync());
                    Assert.IsTrue(SpinWait.SpinUntil(() => prefs.Get(credentials.Key) == identityId, Timeout));
                    Assert.AreEqual(new[] { main.ThreadId, main.ThreadId }, credentials.Threads.ToArray(), "get and cache on the main thread");
                }
                finally
                {
                    credentials.Dispose();
                }
            }
        }

        [Test]
        public void BaseHooks_AsTheStore_UseTheConfiguredIdentityStore()
        {
            var store = new MemoryIdentityStore();
            var options = Emulator.Options();
            options.IdentityStore = store;
            string identityId;
            using (var credentials = new CacheRecorder(options))
            {
                identityId = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => store.Load(Emulator.UnauthPoolId) == identityId, Timeout), "base.CacheIdentityId saved it");
                Assert.AreEqual(identityId, credentials.Cached.Single());
            }
            using (var credentials = new CacheRecorder(options))
            {
                Assert.AreEqual(identityId, credentials.GetCachedIdentityId(), "the base GetCachedIdentityId loaded it from the store");
                Assert.AreEqual(identityId, Await(credentials.GetIdentityIdAsync()));
                Assert.AreEqual(1, Emulator.Count("GetId"));
                credentials.ClearIdentityCache();
                Assert.IsNull(store.Load(Emulator.UnauthPoolId), "the engine cleared the store");
                Assert.IsNull(credentials.GetCachedIdentityId());
            }
        }

        [Test]
        public void AnExceptionInAHook_IsReportedAndTheEngineGoesOn()
        {
            using (var credentials = new ThrowingHooks(Emulator.Options()))
            {
                var identityId = Await(credentials.GetIdentityIdAsync());
                StringAssert.StartsWith("us-east-1:", identityId);
                Assert.IsTrue(SpinWait.SpinUntil(() => Volatile.Read(ref credentials.CacheCalls) == 1, Timeout));
                Assert.AreEqual(identityId, credentials.GetIdentityId());
            }
        }

        [Test]
        public void GetNamespacedKey_IsTheKeyAndThePool_AndCloneLogins_CopiesTheTokens()
        {
            using (var credentials = PrefsCredentials.Create(new Prefs()))
            {
                Assert.AreEqual("CognitoIdentity:IdentityId:" + Emulator.UnauthPoolId, credentials.Key);
                credentials.AddLogin("graph.facebook.com", "fb-token");
                credentials.SetLoginsProvider(Emulator.UserPoolProvider, _ => System.Threading.Tasks.Task.FromResult("t"));
                var logins = credentials.Logins();
                Assert.AreEqual(new[] { "graph.facebook.com" }, logins.Keys.ToArray());
                Assert.AreEqual("fb-token", logins["graph.facebook.com"]);
                logins.Clear();
                Assert.AreEqual(2, credentials.LoginsCount, "a copy");
            }
        }

        /// <summary>Thread-safe preferences, as an app would keep them.</summary>
        internal sealed class Prefs
        {
            private readonly ConcurrentDictionary<string, string> _values = new ConcurrentDictionary<string, string>();

            public string Get(string key)
            {
                string value;
                return _values.TryGetValue(key, out value) ? value : null;
            }

            public void Set(string key, string value)
            {
                _values[key] = value;
            }

            public void Remove(string key)
            {
                string ignored;
                _values.TryRemove(key, out ignored);
            }
        }

        /// <summary>The AWS SDK's pattern: the three hooks over the app's own preferences.</summary>
        internal sealed class PrefsCredentials : CognitoAWSCredentials
        {
            [ThreadStatic]
            private static Prefs t_next;
            [ThreadStatic]
            private static bool t_nextCallsBase;

            // Field initialisers run before the base constructor, which already calls GetCachedIdentityId.
            private readonly Prefs _prefs = t_next;
            private readonly bool _callBaseOnClear = t_nextCallsBase;
            private readonly ConcurrentQueue<string> _calls = new ConcurrentQueue<string>();
            private readonly ConcurrentQueue<int> _threads = new ConcurrentQueue<int>();

            private PrefsCredentials()
                : base(Emulator.UnauthPoolId, RegionEndpoint.USEast1, Emulator.Options())
            {
            }

            public string Key
            {
                get { return GetNamespacedKey("CognitoIdentity:IdentityId"); }
            }

            public IEnumerable<string> Calls
            {
                get { return _calls; }
            }

            public IEnumerable<int> Threads
            {
                get { return _threads; }
            }

            public static PrefsCredentials Create(Prefs prefs, bool callBaseOnClear = false)
            {
                t_next = prefs;
                t_nextCallsBase = callBaseOnClear;
                try
                {
                    return new PrefsCredentials();
                }
                finally
                {
                    t_next = null;
                }
            }

            public Dictionary<string, string> Logins()
            {
                return CloneLogins;
            }

            public override string GetCachedIdentityId()
            {
                Record("get");
                return _prefs.Get(Key);
            }

            public override void CacheIdentityId(string identityId)
            {
                Record("cache " + identityId);
                _prefs.Set(Key, identityId);
            }

            public override void ClearIdentityCache()
            {
                Record("clear");
                if (_callBaseOnClear)
                {
                    base.ClearIdentityCache();
                }
                _prefs.Remove(Key);
            }

            private void Record(string call)
            {
                _calls.Enqueue(call);
                _threads.Enqueue(Thread.CurrentThread.ManagedThreadId);
            }
        }

        /// <summary>Overrides one hook and calls the base method: the configured store is used.</summary>
        private sealed class CacheRecorder : CognitoAWSCredentials
        {
            private readonly ConcurrentQueue<string> _cached = new ConcurrentQueue<string>();

            public CacheRecorder(CognitoOptions options)
                : base(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options)
            {
            }

            public IEnumerable<string> Cached
            {
                get { return _cached; }
            }

            public override void CacheIdentityId(string identityId)
            {
                _cached.Enqueue(identityId);
                base.CacheIdentityId(identityId);
            }
        }

        private sealed class ThrowingHooks : CognitoAWSCredentials
        {
            public int CacheCalls;

            public ThrowingHooks(CognitoOptions options)
                : base(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options)
            {
            }

            public override string GetCachedIdentityId()
            {
                throw new InvalidOperationException("the preferences are unreadable");
            }

            public override void CacheIdentityId(string identityId)
            {
                Interlocked.Increment(ref CacheCalls);
                throw new InvalidOperationException("the disk is full");
            }
        }
    }
}
