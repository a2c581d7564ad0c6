using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>Guest and signed-in flows, logins, identity changes and identity stores.</summary>
    [TestFixture]
    public class FlowTests : EmulatorTest
    {
        [Test]
        public void EnhancedFlow_GuestCredentialsAreCachedAndShared()
        {
            using (var credentials = Guest())
            {
                var first = Await(credentials.GetCredentialsAsync());
                var second = credentials.GetCredentials();
                StringAssert.StartsWith("ASIA", first.AccessKey);
                Assert.IsNotEmpty(first.SecretKey);
                Assert.IsTrue(first.UseToken);
                Assert.AreSame(first, second, "a cached read decodes nothing new");
                Assert.That(first.Expiration, Is.GreaterThan(DateTime.UtcNow.AddMinutes(30)));
                Assert.That(first.Expiration, Is.LessThan(DateTime.UtcNow.AddHours(2)));
                Assert.AreEqual(DateTimeKind.Utc, first.Expiration.Kind);
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        [Test]
        public void BasicFlow_UsesGetOpenIdTokenAndStsWithTheRoleArns()
        {
            using (var credentials = new CognitoAWSCredentials(
                "123456789012", Emulator.UnauthPoolId, UnauthRole, AuthRole, RegionEndpoint.USEast1, Emulator.Options()))
            {
                Assert.AreEqual("123456789012", credentials.AccountId);
                Assert.AreEqual(UnauthRole, credentials.UnAuthRoleArn);
                Assert.AreEqual(AuthRole, credentials.AuthRoleArn);
                var c = Await(credentials.GetCredentialsAsync());
                StringAssert.StartsWith("ASIA", c.AccessKey);
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(1, Emulator.Count("GetOpenIdToken"));
                Assert.AreEqual(1, Emulator.Count("AssumeRoleWithWebIdentity"));
                Assert.AreEqual(0, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        [Test]
        public void UserPoolSignIn_AddLoginGetsCredentialsFromAnAuthOnlyPool()
        {
            // The user pool integration page: after sign-in, add the id token under
            // cognito-idp.<region>.amazonaws.com/<YOUR_USER_POOL_ID>.
            var providerName = CognitoAWSCredentials.UserPoolProviderName("us-east-1_Test");
            Assert.AreEqual(Emulator.UserPoolProvider, providerName);
            using (var credentials = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, Emulator.Options()))
            {
                Assert.IsInstanceOf<NotAuthorizedException>(FailureOf(credentials.GetIdentityIdAsync()));

                credentials.AddLogin(providerName, Emulator.Token("alice"));
                var identityId = Await(credentials.GetIdentityIdAsync());
                var c = Await(credentials.GetCredentialsAsync());
                StringAssert.StartsWith("ASIA", c.AccessKey);

                // The same user gets the same identity from another provider object.
                using (var again = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, Emulator.Options()))
                {
                    again.AddLogin(providerName, Emulator.Token("alice"));
                    Assert.AreEqual(identityId, Await(again.GetIdentityIdAsync()));
                }
            }
        }

        [Test]
        public void Logins_AreListedCountedReplacedAndRemoved()
        {
            using (var credentials = Guest())
            {
                Assert.AreEqual(0, credentials.LoginsCount);
                CollectionAssert.IsEmpty(credentials.CurrentLoginProviders);
                credentials.AddLogin("www.amazon.com", "amazon-token");
                credentials.AddLogin("graph.facebook.com", "fb-token");
                credentials.AddLogin("graph.facebook.com", "fb-token-2");
                Assert.AreEqual(2, credentials.LoginsCount);
                CollectionAssert.AreEqual(new[] { "graph.facebook.com", "www.amazon.com" }, credentials.CurrentLoginProviders);
                Assert.IsTrue(credentials.ContainsProvider("www.amazon.com"));
                credentials.RemoveLogin("www.amazon.com");
                credentials.RemoveLogin("www.amazon.com"); // absent: no error, as the AWS SDK
                Assert.IsFalse(credentials.ContainsProvider("www.amazon.com"));
                Assert.AreEqual(1, credentials.LoginsCount);
                credentials.Clear();
                Assert.AreEqual(0, credentials.LoginsCount);
                Assert.Throws<ArgumentNullException>(() => credentials.AddLogin("", "t"));
                Assert.Throws<ArgumentNullException>(() => credentials.AddLogin("p", null));
            }
        }

        [Test]
        public void AddLogin_ClearsCachedCredentialsAndSignsIn()
        {
            using (var credentials = Guest())
            {
                var guest = Await(credentials.GetCredentialsAsync());
                credentials.AddLogin(Emulator.UserPoolProvider, Emulator.Token("bob"));
                var signedIn = Await(credentials.GetCredentialsAsync());
                Assert.AreNotEqual(guest.AccessKey, signedIn.AccessKey);
                Assert.AreEqual(2, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        [Test]
        public void IdentityChangedEvent_IsRaisedOnceWhenSignInMergesIdentities()
        {
            // carol's login already belongs to an identity; signing in a guest with it merges the guest into it.
            string carolsIdentity;
            using (var carol = Guest())
            {
                carol.AddLogin(Emulator.UserPoolProvider, Emulator.Token("carol"));
                carolsIdentity = Await(carol.GetIdentityIdAsync());
            }
            using (var credentials = Guest())
            {
                var events = new List<CognitoAWSCredentials.IdentityChangedArgs>();
                credentials.IdentityChangedEvent += (sender, e) =>
                {
                    Assert.AreSame(credentials, sender);
                    lock (events) events.Add(e);
                };
                var guestIdentity = Await(credentials.GetIdentityIdAsync());
                Assert.AreNotEqual(carolsIdentity, guestIdentity);

                credentials.AddLogin(Emulator.UserPoolProvider, Emulator.Token("carol"));
                var calls = Enumerable.Range(0, 16).Select(_ => credentials.GetCredentialsAsync()).ToArray();
                Assert.IsTrue(Task.WaitAll(calls, Timeout));
                Assert.AreEqual(carolsIdentity, credentials.GetCachedIdentityId());

                Assert.IsTrue(SpinWait.SpinUntil(() => { lock (events) return events.Count >= 2; }, Timeout));
                Thread.Sleep(200); // a duplicate would arrive by now
                lock (events)
                {
                    Assert.AreEqual(2, events.Count, "one event for the first id, one for the merge");
                    Assert.IsNull(events[0].OldIdentityId);
                    Assert.AreEqual(guestIdentity, events[0].NewIdentityId);
                    Assert.AreEqual(guestIdentity, events[1].OldIdentityId);
                    Assert.AreEqual(carolsIdentity, events[1].NewIdentityId);
                }
            }
        }

        [Test]
        public void DeletedIdentity_IsReplacedOnceWithOneEvent()
        {
            using (var credentials = Guest())
            {
                var first = Await(credentials.GetIdentityIdAsync());
                var changes = 0;
                string newId = null;
                credentials.IdentityChangedEvent += (s, e) =>
                {
                    Interlocked.Increment(ref changes);
                    newId = e.NewIdentityId;
                };
                Assert.IsTrue(Emulator.DeleteIdentity(first));
                var calls = Enumerable.Range(0, 8).Select(_ => credentials.GetCredentialsAsync()).ToArray();
                Assert.IsTrue(Task.WaitAll(calls, Timeout));
                var second = credentials.GetCachedIdentityId();
                Assert.AreNotEqual(first, second);
                Assert.IsTrue(SpinWait.SpinUntil(() => Volatile.Read(ref changes) >= 1, Timeout));
                Thread.Sleep(200);
                Assert.AreEqual(1, changes);
                Assert.AreEqual(second, newId);
            }
        }

        [Test]
        public void LoginsProvider_SuppliesTokensWhenNeeded()
        {
            var asked = 0;
            using (var credentials = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, Emulator.Options()))
            {
                credentials.SetLoginsProvider(Emulator.UserPoolProvider, async cancellationToken =>
                {
                    Interlocked.Increment(ref asked);
                    await Task.Delay(10, cancellationToken);
                    return Emulator.Token("dave");
                });
                Assert.IsTrue(credentials.ContainsProvider(Emulator.UserPoolProvider));
                var c = Await(credentials.GetCredentialsAsync());
                StringAssert.StartsWith("ASIA", c.AccessKey);
                Assert.That(asked, Is.GreaterThanOrEqualTo(1));
            }
        }

        [Test]
        public void LoginsProvider_FailureIsALoginsProviderException()
        {
            var options = Emulator.Options();
            options.LoginsTimeout = TimeSpan.FromSeconds(5);
            using (var credentials = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, options))
            {
                credentials.SetLoginsProvider(Emulator.UserPoolProvider, _ =>
                {
                    throw new InvalidOperationException("the user cancelled sign-in");
                });
                var e = FailureOf(credentials.GetCredentialsAsync());
                Assert.IsInstanceOf<LoginsProviderException>(e);
                StringAssert.Contains("the user cancelled sign-in", e.Message);
                Assert.AreEqual(0, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void IdentityStore_SavesTheIdAndANewObjectReusesIt()
        {
            var store = new RecordingStore();
            var options = Emulator.Options();
            options.IdentityStore = store;
            string identityId;
            using (var credentials = Guest(options))
            {
                identityId = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => store.Load(Emulator.UnauthPoolId) == identityId, Timeout));
            }
            using (var credentials = Guest(options))
            {
                Assert.AreEqual(identityId, credentials.GetCachedIdentityId(), "loaded from the store at creation");
                Assert.AreEqual(identityId, Await(credentials.GetIdentityIdAsync()));
                Assert.AreEqual(1, Emulator.Count("GetId"));
                credentials.ClearIdentityCache();
                Assert.IsNull(credentials.GetCachedIdentityId());
                Assert.IsNull(store.Load(Emulator.UnauthPoolId));
            }
        }

        [Test]
        public void DefaultStore_KeepsTheIdInAFileInTheGivenFolder()
        {
            var folder = Path.Combine(TestEnvironment.TempRoot, "store-" + Guid.NewGuid().ToString("N"));
            var options = Emulator.Options();
            options.IdentityStore = null;
            options.IdentityStoreDirectory = folder;
            string identityId;
            using (var credentials = Guest(options))
            {
                identityId = Await(credentials.GetIdentityIdAsync());
            }
            Assert.IsTrue(Directory.Exists(folder));
            var files = Directory.GetFiles(folder);
            Assert.AreEqual(1, files.Length);
            StringAssert.Contains(identityId, File.ReadAllText(files[0]));
            using (var credentials = Guest(options))
            {
                Assert.AreEqual(identityId, credentials.GetCachedIdentityId());
            }
        }

        [Test]
        public void DefaultIdentityStoreDirectory_IsInThePerUserDataFolder()
        {
            var expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "CognitoNative");
            Assert.AreEqual(expected, CognitoOptions.DefaultIdentityStoreDirectory);
            Assert.AreEqual(expected, new CognitoOptions().IdentityStoreDirectory);
        }

        [Test]
        public void CustomRoleArn_SwitchKeepsLoginsAndIdentityAndClearsCredentials()
        {
            using (var credentials = Guest())
            {
                credentials.AddLogin("www.amazon.com", "amazon-user");
                var identityId = Await(credentials.GetIdentityIdAsync());
                var before = Await(credentials.GetCredentialsAsync());
                credentials.CustomRoleArn = "arn:aws:iam::123456789012:role/Custom";
                Assert.AreEqual("arn:aws:iam::123456789012:role/Custom", credentials.CustomRoleArn);
                Assert.AreEqual(1, credentials.LoginsCount);
                Assert.AreEqual(identityId, credentials.GetCachedIdentityId());
                var after = Await(credentials.GetCredentialsAsync());
                Assert.AreNotEqual(before.AccessKey, after.AccessKey);
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(2, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        [Test]
        public void GetCachedIdentityId_IsNullUntilThereIsOne()
        {
            using (var credentials = Guest())
            {
                Assert.IsNull(credentials.GetCachedIdentityId());
                var id = credentials.GetIdentityId();
                Assert.AreEqual(id, credentials.GetCachedIdentityId());
                Assert.AreEqual(id, credentials.GetIdentityId());
                Assert.AreEqual(1, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void ClearCredentials_KeepsTheIdentityAndFetchesNewCredentials()
        {
            using (var credentials = Guest())
            {
                var first = credentials.GetCredentials();
                credentials.ClearCredentials();
                var second = credentials.GetCredentials();
                Assert.AreNotEqual(first.AccessKey, second.AccessKey);
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(2, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        private sealed class RecordingStore : IIdentityStore
        {
            private readonly MemoryIdentityStore _inner = new MemoryIdentityStore();

            public string Load(string identityPoolId)
            {
                return _inner.Load(identityPoolId);
            }

            public void Save(string identityPoolId, string identityId)
            {
                _inner.Save(identityPoolId, identityId);
            }

            public void Clear(string identityPoolId)
            {
                _inner.Clear(identityPoolId);
            }
        }
    }
}
