using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// User pools through C# against the emulator's user pools, which check the SRP proof, tokens and
    /// refresh tokens as Cognito does: the session kept by the app's <see cref="ISessionStore"/> across
    /// launches, a session resumed from a refresh token the app kept
    /// (<see cref="CognitoUserPool.ResumeAsync(string, string, string, CancellationToken)"/>, and AWS's
    /// <c>SessionTokens</c> + <c>StartWithRefreshTokenAuthAsync</c> pattern), and the user's attributes.
    /// Each test signs in a user of its own.
    /// </summary>
    [TestFixture]
    public class UserPoolEmulatorTests : EmulatorTest
    {
        private const string PoolId = "us-east-1_EmuPool1";
        private const string ClientId = "emulatorpublicclient00001";
        private const string Key = PoolId + ":" + ClientId;
        private const string Password = "Correct-Horse-9";
        private static int _users;

        /// <summary>A session store that records its calls and can be made to throw.</summary>
        private sealed class RecordingSessionStore : ISessionStore
        {
            private readonly ConcurrentDictionary<string, string> _sessions = new ConcurrentDictionary<string, string>();
            private readonly ConcurrentQueue<string> _calls = new ConcurrentQueue<string>();

            public bool Throw { get; set; }

            public int CountOf(string call)
            {
                return _calls.Count(c => c == call);
            }

            public string Session(string key)
            {
                string s;
                return _sessions.TryGetValue(key, out s) ? s : null;
            }

            public void Put(string key, string session)
            {
                _sessions[key] = session;
            }

            public string Load(string key)
            {
                Record("load " + key);
                return Session(key);
            }

            public void Save(string key, string session)
            {
                Record("save " + key);
                _sessions[key] = session;
            }

            public void Clear(string key)
            {
                Record("clear " + key);
                string ignored;
                _sessions.TryRemove(key, out ignored);
            }

            private void Record(string call)
            {
                _calls.Enqueue(call);
                if (Throw)
                {
                    throw new InvalidOperationException("the keychain is locked");
                }
            }
        }

        /// <summary>A new confirmed user of the emulator's pool, with an email and a custom attribute.</summary>
        private static string NewUser()
        {
            var name = "cs-emu-" + Interlocked.Increment(ref _users) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);
            Emulator.Post(
                "/__emulator/user-pools/users",
                "{\"pool_id\":\"" + PoolId + "\",\"username\":\"" + name + "\",\"password\":\"" + Password + "\","
                + "\"attributes\":{\"email\":\"" + name + "@example.com\",\"email_verified\":\"true\",\"custom:level\":\"7\"}}");
            return name;
        }

        private static CognitoUserPool Pool(ISessionStore store = null)
        {
            return new CognitoUserPool(PoolId, ClientId, null, new CognitoUserPoolOptions
            {
                Endpoint = Emulator.Url,
                AllowHttpLoopback = true,
                UseEnvironment = false,
                MaxAttempts = 1,
                SessionStore = store,
            });
        }

        private static CognitoUser SignedIn(CognitoUserPool pool, string name)
        {
            var user = pool.GetUser(name);
            var response = Await(user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = Password }));
            Assert.IsNull(response.ChallengeName);
            Assert.IsNotNull(user.SessionTokens);
            return user;
        }

        /// <summary>Sign-up and the calls that send a code say where it went, read the same way
        /// (CodeDeliveryDetailsType.FromNative); the Task of ForgotPasswordAsync and
        /// ResendConfirmationCodeAsync, AWS's <c>Task</c>, carries them.</summary>
        [Test]
        public void CodesSent_SayWhereTheyWent()
        {
            var name = "cs-emu-code-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            using (var pool = Pool())
            {
                var up = Await(pool.SignUpAsync(name, Password, new Dictionary<string, string> { { "email", name + "@example.com" } }, null));
                Assert.IsFalse(up.UserConfirmed);
                Assert.AreEqual(DeliveryMediumType.EMAIL, up.CodeDeliveryDetails.DeliveryMedium);
                StringAssert.Contains("***", up.CodeDeliveryDetails.Destination, "masked");
                using (var user = pool.GetUser(name))
                {
                    var resent = Await((Task<CodeDeliveryDetailsType>)user.ResendConfirmationCodeAsync());
                    Assert.AreEqual(DeliveryMediumType.EMAIL, resent.DeliveryMedium);
                    Assert.AreEqual("email", resent.AttributeName);
                    Assert.AreEqual(up.CodeDeliveryDetails.Destination, resent.Destination);
                }
            }
            var confirmed = NewUser();
            using (var pool = Pool())
            using (var user = pool.GetUser(confirmed))
            {
                var reset = Await((Task<CodeDeliveryDetailsType>)user.ForgotPasswordAsync());
                Assert.AreEqual(DeliveryMediumType.EMAIL, reset.DeliveryMedium);
                Assert.AreEqual("email", reset.AttributeName);
                StringAssert.DoesNotContain(confirmed + "@example.com", reset.Destination, "masked");
            }
        }

        [Test]
        public void SessionStore_KeepsTheSessionAcrossLaunches()
        {
            var name = NewUser();
            var store = new RecordingSessionStore();
            using (var pool = Pool(store))
            using (SignedIn(pool, name))
            {
                WaitUntil(() => store.Session(Key) != null, "the session saved under <pool>:<client>");
            }
            StringAssert.DoesNotContain(Password, store.Session(Key), "the password is never kept");

            // A later launch: the saved session, refreshed, without the password.
            Emulator.Reset();
            using (var pool = Pool(store))
            using (var user = Await(pool.ResumeSavedSessionAsync()))
            {
                Assert.IsNotNull(user, "resumed");
                Assert.AreEqual(name, user.Username);
                Assert.IsNotNull(user.SessionTokens.IdToken);
                Assert.AreEqual(1, store.CountOf("load " + Key));
                Assert.AreEqual(0, Emulator.Count("cognito-idp:RespondToAuthChallenge"), "no password proof");
                Assert.AreEqual(1, Emulator.Count("cognito-idp:InitiateAuth"), "one refresh");

                Await(user.SignOutAsync());
                WaitUntil(() => store.Session(Key) == null, "signing out clears the kept session");
            }
            using (var pool = Pool(store))
            {
                Assert.IsNull(Await(pool.ResumeSavedSessionAsync()), "nothing kept after sign-out");
            }
        }

        [Test]
        public void SessionStore_CorruptLongOrThrowingIsNoSession()
        {
            var store = new RecordingSessionStore();
            using (var pool = Pool(store))
            {
                store.Put(Key, "{\"not\":\"a session\"}");
                Assert.IsNull(Await(pool.ResumeSavedSessionAsync()), "a corrupt session is ignored");

                store.Put(Key, new string('x', 20000)); // longer than the first buffer: asked again
                var loads = store.CountOf("load " + Key);
                Assert.IsNull(Await(pool.ResumeSavedSessionAsync()));
                Assert.AreEqual(loads + 2, store.CountOf("load " + Key));

                store.Throw = true;
                Assert.IsNull(Await(pool.ResumeSavedSessionAsync()), "a store that throws has nothing");
                using (var user = SignedIn(pool, NewUser()))
                {
                    WaitUntil(() => store.CountOf("save " + Key) >= 1, "the save (that throws)");
                    Assert.IsNotNull(Await(user.GetAttributesAsync())["sub"], "signed in regardless");
                }
            }
            Assert.AreEqual(1, Emulator.Count("cognito-idp:InitiateAuth"), "the sign-in's; nothing sent for the unusable sessions");
            Assert.AreEqual(1, Emulator.Count("cognito-idp:RespondToAuthChallenge"));
        }

        [Test]
        public void ResumeAsync_FromARefreshTokenTheAppKept()
        {
            var name = NewUser();
            string refreshToken;
            using (var pool = Pool())
            using (var user = SignedIn(pool, name))
            {
                refreshToken = user.SessionTokens.RefreshToken;
                Assert.IsNotNull(refreshToken);
            }

            Emulator.Reset();
            using (var pool = Pool())
            {
                using (var user = Await(pool.ResumeAsync(name, refreshToken)))
                {
                    Assert.AreEqual(name, user.Username);
                    Assert.IsNotNull(user.SessionTokens.IdToken);
                    Assert.IsNotNull(user.SessionTokens.AccessToken);
                    Assert.AreEqual(refreshToken, user.SessionTokens.RefreshToken);
                    Assert.AreEqual(1, Emulator.Count("cognito-idp:InitiateAuth"));
                    Assert.AreEqual(0, Emulator.Count("cognito-idp:RespondToAuthChallenge"));

                    // The resumed session signs the player in to an identity pool.
                    using (var credentials = user.GetCognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, Emulator.Options()))
                    {
                        StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
                    }
                }

                var refused = FailureOf(pool.ResumeAsync(name, "not-a-refresh-token"));
                Assert.IsInstanceOf<NotAuthorizedException>(refused, refused.ToString());
                Assert.Throws<ArgumentNullException>(() => pool.ResumeAsync(null, refreshToken));
                Assert.Throws<ArgumentNullException>(() => pool.ResumeAsync(name, ""));

                // The Unity-style callback form.
                var done = new TaskCompletionSource<AmazonCognitoIdentityResult<CognitoUser>>();
                pool.ResumeAsync(name, refreshToken, null, r => done.TrySetResult(r), new AsyncOptions { ExecuteCallbackOnMainThread = false });
                var result = Await(done.Task);
                Assert.IsNull(result.Exception);
                using (result.Response)
                {
                    Assert.AreEqual(name, result.Response.Username);
                }
            }
        }

        [Test]
        public void StartWithRefreshTokenAuthAsync_FromSessionTokens_AsAwssDoes()
        {
            var name = NewUser();
            string refreshToken;
            using (var pool = Pool())
            {
                using (var user = SignedIn(pool, name))
                {
                    refreshToken = user.SessionTokens.RefreshToken;
                }
                using (var user = pool.GetUser(name))
                {
                    Assert.Throws<NotAuthorizedException>(
                        () => user.StartWithRefreshTokenAuthAsync(new InitiateRefreshTokenAuthRequest()), "no session and no refresh token");
                    // AWS's documented way to restore a user from a saved refresh token.
                    user.SessionTokens = new CognitoUserSession(null, null, refreshToken, DateTime.UtcNow, DateTime.UtcNow.AddHours(1));
                    var response = Await(user.StartWithRefreshTokenAuthAsync(
                        new InitiateRefreshTokenAuthRequest { AuthFlowType = AuthFlowType.REFRESH_TOKEN_AUTH }));
                    Assert.IsNull(response.ChallengeName);
                    Assert.IsNotNull(response.AuthenticationResult.IdToken);
                    Assert.AreEqual(response.AuthenticationResult.IdToken, user.SessionTokens.IdToken);

                    // Signed in natively now: a refresh refreshes the session.
                    var again = Await(user.StartWithRefreshTokenAuthAsync(new InitiateRefreshTokenAuthRequest()));
                    Assert.IsNotNull(again.AuthenticationResult.IdToken);
                    Assert.AreEqual(name, Await(user.GetAttributesAsync())["email"].Split('@')[0]);
                }
            }
        }

        [Test]
        public void GetAttributesAsync_ReadsTheUsersAttributes()
        {
            var name = NewUser();
            using (var pool = Pool())
            {
                using (var stranger = pool.GetUser(name))
                {
                    Assert.Throws<NotAuthorizedException>(() => stranger.GetAttributesAsync(), "not signed in");
                }
                using (var user = SignedIn(pool, name))
                {
                    Emulator.Reset();
                    var attributes = Await(user.GetAttributesAsync());
                    Assert.AreEqual(name + "@example.com", attributes["email"]);
                    Assert.AreEqual("true", attributes["email_verified"]);
                    Assert.AreEqual("7", attributes["custom:level"]);
                    Assert.That(attributes["sub"], Is.Not.Empty);
                    Assert.AreEqual(1, Emulator.Count("cognito-idp:GetUser"));
                    Assert.AreEqual(0, user.Attributes.Count, "Attributes stays as given");

                    var done = new TaskCompletionSource<AmazonCognitoIdentityResult<Dictionary<string, string>>>();
                    user.GetAttributesAsync(r => done.TrySetResult(r), new AsyncOptions { ExecuteCallbackOnMainThread = false });
                    Assert.AreEqual(attributes["sub"], Await(done.Task).Response["sub"]);
                }
            }
        }
    }
}
