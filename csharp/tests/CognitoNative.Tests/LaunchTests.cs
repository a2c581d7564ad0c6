using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// A game's launch from C# (issue 17): persisted credentials (<see cref="ICredentialsStore"/>, or
    /// <see cref="CognitoOptions.PersistCredentials"/> with the native file store) make a launch while
    /// they are valid send no request; prefetch starts the requests before anything asks for them.
    /// "A later launch" is a second <see cref="CognitoAWSCredentials"/> over the same stores.
    /// </summary>
    [TestFixture]
    public class LaunchTests : EmulatorTest
    {
        /// <summary>A credentials store that records its calls and can be made to throw.</summary>
        internal sealed class RecordingStore : ICredentialsStore
        {
            private readonly MemoryCredentialsStore _entries = new MemoryCredentialsStore();
            private readonly ConcurrentQueue<string> _calls = new ConcurrentQueue<string>();
            private readonly ManualResetEventSlim _saved = new ManualResetEventSlim();

            public bool Throw { get; set; }

            public string[] Calls
            {
                get { return _calls.ToArray(); }
            }

            public int CountOf(string call)
            {
                return _calls.Count(c => c == call);
            }

            /// <summary>The entry, read without recording a call.</summary>
            public string Entry(string poolId)
            {
                return _entries.Load(poolId);
            }

            public void Put(string poolId, string entry)
            {
                _entries.Save(poolId, entry);
            }

            /// <summary>Waits for the next save after <see cref="ExpectSave"/>.</summary>
            public void WaitForSave()
            {
                Assert.IsTrue(_saved.Wait(Timeout), "the credentials were not saved");
            }

            public void ExpectSave()
            {
                _saved.Reset();
            }

            public string Load(string identityPoolId)
            {
                Record("load");
                return _entries.Load(identityPoolId);
            }

            public void Save(string identityPoolId, string entry)
            {
                Record("save");
                _entries.Save(identityPoolId, entry);
                _saved.Set();
            }

            public void Clear(string identityPoolId)
            {
                Record("clear");
                _entries.Clear(identityPoolId);
            }

            private void Record(string call)
            {
                _calls.Enqueue(call);
                if (Throw)
                {
                    throw new IOException("the keychain is locked");
                }
            }
        }

        private static CognitoOptions Persisted(IIdentityStore identities, ICredentialsStore credentials)
        {
            var options = Emulator.Options();
            options.IdentityStore = identities;
            options.CredentialsStore = credentials;
            return options;
        }

        /// <summary>A first launch: credentials fetched and saved.</summary>
        private static ImmutableCredentials FirstLaunch(CognitoOptions options, RecordingStore store, string pool = null, string token = null)
        {
            store.ExpectSave();
            using (var credentials = new CognitoAWSCredentials(pool ?? Emulator.UnauthPoolId, RegionEndpoint.USEast1, options))
            {
                if (token != null)
                {
                    credentials.AddLogin(Emulator.UserPoolProvider, token);
                }
                var c = Await(credentials.GetCredentialsAsync());
                store.WaitForSave();
                return c;
            }
        }

        [Test]
        public void CredentialsStore_ALaterLaunchSendsNoRequest()
        {
            var identities = new MemoryIdentityStore();
            var store = new RecordingStore();
            var options = Persisted(identities, store);
            var first = FirstLaunch(options, store);
            Assert.AreEqual(new[] { "load", "save" }, store.Calls);
            Assert.IsNotNull(store.Entry(Emulator.UnauthPoolId));

            Emulator.Reset();
            var fetchesBefore = CognitoRuntime.GetStatistics().CredentialsFetches;
            using (var second = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options))
            {
                Assert.AreEqual(first, second.GetCredentials(), "the persisted credentials, without I/O");
                Assert.AreEqual(first, Await(second.GetCredentialsAsync()));
                Assert.AreEqual(identities.Load(Emulator.UnauthPoolId), Await(second.GetIdentityIdAsync()));
            }
            Assert.AreEqual(0, Emulator.Total(), "no request at all");
            Assert.AreEqual(fetchesBefore, CognitoRuntime.GetStatistics().CredentialsFetches);
            Assert.AreEqual(2, store.CountOf("load"));
        }

        [Test]
        public void CredentialsStore_OnlyForTheSameUser()
        {
            var identities = new MemoryIdentityStore();
            var store = new RecordingStore();
            var options = Persisted(identities, store);
            var alice = FirstLaunch(options, store, Emulator.AuthOnlyPoolId, Emulator.Token("alice"));

            // Alice again, with a new token (logins added after creation): no request.
            Emulator.Reset();
            using (var again = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, options))
            {
                again.AddLogin(Emulator.UserPoolProvider, Emulator.Token("alice"));
                Assert.AreEqual(alice, Await(again.GetCredentialsAsync()));
            }
            Assert.AreEqual(0, Emulator.Total());

            // Bob on the same device, with Alice's identity id still stored: never Alice's credentials.
            using (var bob = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, options))
            {
                bob.AddLogin(Emulator.UserPoolProvider, Emulator.Token("bob"));
                var c = bob.GetCredentialsAsync();
                Assert.IsTrue(WaitQuietly(c));
                if (!c.IsFaulted)
                {
                    Assert.AreNotEqual(alice.AccessKey, c.Result.AccessKey);
                }
            }
            Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"), "Bob's credentials were asked for");
        }

        [Test]
        public void CredentialsStore_ACorruptOrUnreadableEntryIsIgnored()
        {
            var identities = new MemoryIdentityStore();
            var store = new RecordingStore();
            var options = Persisted(identities, store);
            FirstLaunch(options, store);
            var valid = store.Entry(Emulator.UnauthPoolId);
            StringAssert.StartsWith("{\"v\":1,", valid);
            var corrupt = new[]
            {
                "{not json",
                valid.Substring(0, valid.Length / 2),
                valid.Replace("\"v\":1", "\"v\":99"),
                new string('x', 10000),        // longer than the library's first buffer: read twice
                new string('x', 70000),        // longer than any entry: refused
                "\ud800 a lone surrogate",     // not UTF-8 encodable: the bridge reports it
            };
            foreach (var entry in corrupt)
            {
                store.Put(Emulator.UnauthPoolId, entry);
                Emulator.Reset();
                var loads = store.CountOf("load");
                store.ExpectSave();
                using (var credentials = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options))
                {
                    StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
                    store.WaitForSave();
                }
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"), entry.Substring(0, Math.Min(20, entry.Length)));
                Assert.AreEqual(0, Emulator.Count("GetId"), "the identity id is still the stored one");
                Assert.IsTrue(entry != store.Entry(Emulator.UnauthPoolId), "replaced by the new credentials");
                if (entry.Length == 10000)
                {
                    Assert.AreEqual(loads + 2, store.CountOf("load"), "asked again with a buffer that fits");
                }
            }
        }

        [Test]
        public void CredentialsStore_ClearAndClearCredentialsDropTheEntry()
        {
            var identities = new MemoryIdentityStore();
            var store = new RecordingStore();
            var options = Persisted(identities, store);
            FirstLaunch(options, store);
            using (var credentials = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options))
            {
                credentials.ClearCredentials();
                WaitUntil(() => store.Entry(Emulator.UnauthPoolId) == null, "ClearCredentials to clear the entry");
                Assert.IsNotNull(identities.Load(Emulator.UnauthPoolId), "the identity stays");
                Emulator.Reset();
                store.ExpectSave();
                Await(credentials.GetCredentialsAsync());
                store.WaitForSave();
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));

                credentials.Clear(); // signs out: identity and credentials
                WaitUntil(() => store.Entry(Emulator.UnauthPoolId) == null, "Clear to clear the entry");
                Assert.IsNull(identities.Load(Emulator.UnauthPoolId));
            }
            Emulator.Reset();
            using (var later = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options))
            {
                Await(later.GetCredentialsAsync());
            }
            Assert.AreEqual(1, Emulator.Count("GetId"));
            Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
        }

        [Test]
        public void CredentialsStore_AThrowingStoreCostsRequestsNotFailures()
        {
            var logged = new ConcurrentQueue<string>();
            CognitoRuntime.SetLogHandler(CognitoLogLevel.Error, (level, target, message) => logged.Enqueue(message));
            try
            {
                var store = new RecordingStore { Throw = true };
                var options = Persisted(new MemoryIdentityStore(), store);
                for (var launch = 0; launch < 2; launch++)
                {
                    using (var credentials = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options))
                    {
                        Await(credentials.GetCredentialsAsync());
                        WaitUntil(() => store.CountOf("save") == launch + 1, "the save");
                    }
                }
                Assert.AreEqual(2, Emulator.Count("GetCredentialsForIdentity"));
                Assert.IsNull(store.Entry(Emulator.UnauthPoolId));
                WaitUntil(() => logged.Count(m => m.Contains("credentials store save") && m.Contains("the keychain is locked")) == 2, "the failed saves logged");
                Assert.IsTrue(logged.Any(m => m.Contains("credentials store load")));
            }
            finally
            {
                CognitoRuntime.SetLogHandler(CognitoLogLevel.None, null);
            }
        }

        [Test]
        public void CredentialsStore_WithTheIdentityCacheHooks()
        {
            var prefs = new IdentityCacheHookTests.Prefs();
            var store = new RecordingStore();
            ImmutableCredentials first;
            store.ExpectSave();
            using (var credentials = HookedCredentials.Create(prefs, store))
            {
                first = Await(credentials.GetCredentialsAsync());
                store.WaitForSave();
            }
            Emulator.Reset();
            using (var credentials = HookedCredentials.Create(prefs, store))
            {
                Assert.AreEqual(first, credentials.GetCredentials());
            }
            Assert.AreEqual(0, Emulator.Total());
        }

        [Test]
        public void CredentialsStore_ACustomRoleArnChangeDropsThem()
        {
            var identities = new MemoryIdentityStore();
            var store = new RecordingStore();
            var options = Persisted(identities, store);
            var first = FirstLaunch(options, store);
            Emulator.Reset();
            using (var credentials = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options))
            {
                store.ExpectSave();
                credentials.CustomRoleArn = "arn:aws:iam::123456789012:role/Custom";
                Assert.IsTrue(store.Entry(Emulator.UnauthPoolId) == null, "the entry was the other role's (not printed: it holds a secret key)");
                Assert.AreNotEqual(first, Await(credentials.GetCredentialsAsync()));
                store.WaitForSave();
            }
            Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
        }

        [Test]
        public void PersistCredentials_TheFileStoreKeepsThemBesideTheIdentity()
        {
            var dir = Path.Combine(TestEnvironment.TempRoot, "persist-" + Guid.NewGuid().ToString("N"));
            var options = Emulator.Options();
            options.IdentityStore = null;
            options.IdentityStoreDirectory = dir;
            options.PersistCredentials = true;
            ImmutableCredentials first;
            using (var credentials = Guest(options))
            {
                first = Await(credentials.GetCredentialsAsync());
                WaitUntil(() => Directory.Exists(dir) && Directory.GetFiles(dir).Length == 2, "the identity and credentials files");
            }
            Emulator.Reset();
            using (var credentials = Guest(options))
            {
                Assert.AreEqual(first, credentials.GetCredentials());
            }
            Assert.AreEqual(0, Emulator.Total());

            // Without PersistCredentials the same folder's credentials are not used (the identity is).
            options.PersistCredentials = false;
            using (var credentials = Guest(options))
            {
                Assert.AreNotEqual(first, Await(credentials.GetCredentialsAsync()));
            }
            Assert.AreEqual(0, Emulator.Count("GetId"));
            Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
        }

        [Test]
        public void PersistCredentials_CombinationsThatCannotWorkAreRefused()
        {
            var noFolder = Emulator.Options();
            noFolder.IdentityStore = null;
            noFolder.IdentityStoreDirectory = null;
            noFolder.PersistCredentials = true;
            var e = Assert.Throws<ArgumentException>(() => Guest(noFolder).Dispose());
            Assert.IsInstanceOf<InvalidConfigurationException>(e.InnerException);
            StringAssert.Contains("identity_store_dir", e.InnerException.Message);

            var hostIdentities = Emulator.Options(); // a MemoryIdentityStore, no credentials store
            hostIdentities.PersistCredentials = true;
            StringAssert.Contains("needs CognitoOptions.CredentialsStore", Assert.Throws<ArgumentException>(() => Guest(hostIdentities).Dispose()).Message);

            var fileIdentities = Emulator.Options();
            fileIdentities.IdentityStore = null;
            fileIdentities.IdentityStoreDirectory = TestEnvironment.TempRoot;
            fileIdentities.CredentialsStore = new MemoryCredentialsStore();
            StringAssert.Contains("needs CognitoOptions.IdentityStore", Assert.Throws<ArgumentException>(() => Guest(fileIdentities).Dispose()).Message);
        }

        [Test]
        public void Prefetch_TheOptionStartsTheRequestsAtCreation()
        {
            var options = Emulator.Options();
            options.Prefetch = true;
            using (var credentials = Guest(options))
            {
                WaitUntil(() => credentials.Expiration.HasValue, "the prefetched credentials, nothing having asked");
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
                var hits = CognitoRuntime.GetStatistics().CacheHits;
                StringAssert.StartsWith("ASIA", credentials.GetCredentials().AccessKey);
                Assert.That(CognitoRuntime.GetStatistics().CacheHits, Is.GreaterThan(hits));
            }
            Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
        }

        [Test]
        public void Prefetch_AfterSignInJoinsTheRequestInFlight()
        {
            Emulator.Fault("{\"op\":\"GetCredentialsForIdentity\",\"fault\":\"delay\",\"ms\":1000,\"times\":1}");
            using (var credentials = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, Emulator.Options()))
            {
                credentials.AddLogin(Emulator.UserPoolProvider, Emulator.Token("carol"));
                credentials.Prefetch();
                WaitUntil(() => Emulator.Count("GetCredentialsForIdentity") == 1, "the prefetch's request");
                var task = credentials.GetCredentialsAsync();
                Assert.IsFalse(task.IsCompleted, "the prefetch's request is still delayed");
                StringAssert.StartsWith("ASIA", Await(task).AccessKey);
                credentials.Prefetch(); // cached: nothing to do
                Assert.AreEqual(task.Result, credentials.GetCredentials());
            }
            Assert.AreEqual(1, Emulator.Count("GetId"));
            Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
            var disposed = Guest();
            disposed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => disposed.Prefetch());
        }

        [Test]
        public void Prefetch_WithPersistedCredentialsSendsNothing()
        {
            var store = new RecordingStore();
            var options = Persisted(new MemoryIdentityStore(), store);
            var first = FirstLaunch(options, store);
            Emulator.Reset();
            options.Prefetch = true;
            using (var credentials = Guest(options))
            {
                credentials.Prefetch();
                Assert.AreEqual(first, credentials.GetCredentials());
            }
            Assert.AreEqual(0, Emulator.Total());
        }

        [Test]
        public void Prefetch_NotBeforeASubclassIsConstructed()
        {
            // A developer identity source whose constructor has not run yet must not be asked: the option
            // is left to the subclass, which calls Prefetch() when ready.
            var options = Emulator.Options();
            options.Prefetch = true;
            using (var subclass = new LateSubclass(options))
            {
                // As long as the class itself takes to prefetch, nothing happens for the subclass.
                using (var reference = Guest(options))
                {
                    WaitUntil(() => reference.Expiration.HasValue, "the class's prefetch");
                }
                Assert.IsNull(subclass.Expiration);
                Assert.AreEqual(1, Emulator.Count("GetId"), "the class's only");
                subclass.Prefetch();
                WaitUntil(() => subclass.Expiration.HasValue, "the subclass's prefetch");
            }
            Assert.AreEqual(2, Emulator.Count("GetId"));
        }

        private sealed class LateSubclass : CognitoAWSCredentials
        {
            public LateSubclass(CognitoOptions options)
                : base(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options)
            {
            }
        }

        /// <summary>The identity-cache hooks over preferences, with a credentials store.</summary>
        private sealed class HookedCredentials : CognitoAWSCredentials
        {
            [ThreadStatic]
            private static IdentityCacheHookTests.Prefs t_next;

            private readonly IdentityCacheHookTests.Prefs _prefs = t_next;

            private HookedCredentials(CognitoOptions options)
                : base(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options)
            {
            }

            public static HookedCredentials Create(IdentityCacheHookTests.Prefs prefs, ICredentialsStore store)
            {
                t_next = prefs;
                try
                {
                    var options = Emulator.Options();
                    options.IdentityStore = null;
                    options.CredentialsStore = store;
                    return new HookedCredentials(options);
                }
                finally
                {
                    t_next = null;
                }
            }

            public override string GetCachedIdentityId()
            {
                return _prefs.Get(GetNamespacedKey("CognitoIdentity:IdentityId"));
            }

            public override void CacheIdentityId(string identityId)
            {
                _prefs.Set(GetNamespacedKey("CognitoIdentity:IdentityId"), identityId);
            }

            public override void ClearIdentityCache()
            {
                _prefs.Remove(GetNamespacedKey("CognitoIdentity:IdentityId"));
            }
        }
    }
}
