using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using UnityStub;

namespace CognitoNative.Tests
{
    /// <summary>
    /// User pools through C# (issue 15) against moto's user pools and identity pools, an independent
    /// implementation that runs the message flow (SECRET_HASH, NEW_PASSWORD_REQUIRED, SMS MFA,
    /// UserNotConfirmed, USER_PASSWORD_AUTH's password check) but accepts any SRP proof. One moto for the
    /// fixture; each test that changes a user works on a user of its own.
    /// </summary>
    [TestFixture]
    public class UserPoolTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
        private static int _users;
        private Moto _moto;
        private CognitoUserPool _pool;

        [TestFixtureSetUp]
        public void StartMoto()
        {
            _moto = Moto.Start();
            _pool = NewPool();
        }

        [TestFixtureTearDown]
        public void StopMoto()
        {
            if (_pool != null)
            {
                _pool.Dispose();
            }
            if (_moto != null)
            {
                _moto.Dispose();
            }
        }

        private CognitoUserPool NewPool(CognitoUserPoolOptions options = null, bool secretClient = false)
        {
            return secretClient
                ? new CognitoUserPool(_moto["user_pool_id"], _moto["secret_client_id"], _moto["client_secret"], options ?? _moto.PoolOptions())
                : new CognitoUserPool(_moto["user_pool_id"], _moto["client_id"], null, options ?? _moto.PoolOptions());
        }

        private static T Await<T>(Task<T> task)
        {
            Assert.IsTrue(Wait(task), "the task did not complete within " + Timeout);
            return task.GetAwaiter().GetResult();
        }

        private static void Await(Task task)
        {
            Assert.IsTrue(Wait(task), "the task did not complete within " + Timeout);
            task.GetAwaiter().GetResult();
        }

        private static bool Wait(Task task)
        {
            try
            {
                return task.Wait(Timeout);
            }
            catch (AggregateException)
            {
                return true;
            }
        }

        private static Exception FailureOf(Task task)
        {
            Assert.IsTrue(Wait(task), "the task did not complete within " + Timeout);
            Assert.IsTrue(task.IsFaulted, "expected a failure, the task is " + task.Status);
            return task.Exception.InnerException;
        }

        private static AuthFlowResponse SignIn(CognitoUser user, string password)
        {
            return Await(user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = password }));
        }

        /// <summary>A confirmed user of its own, signed up for the test.</summary>
        private CognitoUser NewConfirmedUser(string password)
        {
            var name = "cs-player-" + Interlocked.Increment(ref _users) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);
            var up = Await(_pool.SignUpAsync(name, password, new Dictionary<string, string> { { "email", name + "@example.com" } }, null));
            Assert.IsNotNull(up.UserSub);
            var user = _pool.GetUser(name);
            if (!up.UserConfirmed)
            {
                Await(user.ConfirmSignUpAsync("123456", false));
            }
            return user;
        }

        [Test]
        public void SrpSignIn_GivesTokensAndAValidSession()
        {
            using (var user = _pool.GetUser(_moto["confirmed"]))
            {
                Assert.IsNull(user.SessionTokens);
                var response = SignIn(user, _moto["password"]);
                Assert.IsNull(response.ChallengeName);
                Assert.IsNull(response.SessionID);
                CollectionAssert.IsEmpty(response.ChallengeParameters);
                var result = response.AuthenticationResult;
                Assert.AreEqual(3, result.IdToken.Split('.').Length, "a JWT");
                Assert.AreEqual(3, result.AccessToken.Split('.').Length);
                Assert.IsNotNull(result.RefreshToken);
                Assert.AreEqual("Bearer", result.TokenType);
                Assert.That(result.ExpiresIn, Is.InRange(60, 86400));
                Assert.IsTrue(user.SessionTokens.IsValid());
                Assert.AreEqual(result.IdToken, user.SessionTokens.IdToken);
                Assert.AreEqual(result.RefreshToken, user.SessionTokens.RefreshToken);
                Assert.AreEqual("player-one", user.Username);
                StringAssert.DoesNotContain(result.IdToken, user.SessionTokens.ToString());
                StringAssert.DoesNotContain(result.RefreshToken, user.SessionTokens.ToString());
            }
        }

        [Test]
        public void PasswordSignIn_WithASecretClient_SendsTheSecretHash()
        {
            using (var pool = NewPool(secretClient: true))
            using (var user = pool.GetUser(_moto["confirmed"]))
            {
                var response = Await(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = _moto["password"] }));
                Assert.IsNotNull(response.AuthenticationResult);
                Assert.IsTrue(user.SessionTokens.IsValid());
                // Refreshed with the pool's username in SECRET_HASH too.
                var refreshed = Await(user.StartWithRefreshTokenAuthAsync(new InitiateRefreshTokenAuthRequest { AuthFlowType = AuthFlowType.REFRESH_TOKEN_AUTH }));
                Assert.IsNotNull(refreshed.AuthenticationResult.IdToken);
            }
            // The secret client without its secret is refused (moto checks SECRET_HASH).
            using (var pool = new CognitoUserPool(_moto["user_pool_id"], _moto["secret_client_id"], null, _moto.PoolOptions()))
            using (var user = pool.GetUser(_moto["confirmed"]))
            {
                Assert.IsInstanceOf<NotAuthorizedException>(FailureOf(user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = _moto["password"] })));
            }
            // A user made with the secret client's id and secret gets its own native app client.
            using (var user = new CognitoUser(_moto["confirmed"], _moto["secret_client_id"], _pool, _moto["client_secret"]))
            {
                Assert.IsNotNull(SignIn(user, _moto["password"]).AuthenticationResult);
            }
        }

        [Test]
        public void AWrongPassword_IsNotAuthorized_AndNotLogged()
        {
            using (var user = _pool.GetUser(_moto["confirmed"]))
            {
                const string wrong = "Wrong-Horse-1!";
                var e = FailureOf(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = wrong }));
                Assert.IsInstanceOf<NotAuthorizedException>(e);
                var n = (NotAuthorizedException)e;
                Assert.AreEqual("NotAuthorizedException", n.ErrorCode);
                Assert.AreEqual(CognitoErrorKind.NotAuthorized, n.ErrorKind);
                Assert.IsNull(n.Retryable, "never retried");
                Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, n.StatusCode);
                StringAssert.DoesNotContain(wrong, e.ToString());
                Assert.IsNull(user.SessionTokens);
            }
            using (var user = _pool.GetUser("nobody-" + Guid.NewGuid().ToString("N")))
            {
                var e = FailureOf(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = "Some-Pass-1!" }));
                Assert.IsTrue(e is UserNotFoundException || e is NotAuthorizedException, e.GetType().Name);
            }
        }

        [Test]
        public void NewPasswordRequired_IsAnsweredThenSignsIn()
        {
            using (var user = _pool.GetUser(_moto["fresh"]))
            {
                var response = SignIn(user, _moto["temporary_password"]);
                Assert.AreEqual(ChallengeNameType.NEW_PASSWORD_REQUIRED, response.ChallengeName);
                Assert.IsTrue(response.ChallengeName == "NEW_PASSWORD_REQUIRED");
                Assert.IsNull(response.AuthenticationResult);
                Assert.IsNotNull(response.SessionID);
                Assert.AreEqual("player-two", response.ChallengeParameters["USERNAME"]);
                Assert.IsNull(user.SessionTokens);

                // Answering it as another kind of challenge is refused here, before any request.
                Assert.Throws<ArgumentException>(() => user.RespondToSmsMfaAuthAsync(
                    new RespondToSmsMfaRequest { SessionID = response.SessionID, MfaCode = "123456" }));

                var next = Await(user.RespondToNewPasswordRequiredAsync(
                    new RespondToNewPasswordRequiredRequest { SessionID = response.SessionID, NewPassword = "Brand-New-Pass-3!" }));
                Assert.IsNull(next.ChallengeName);
                Assert.IsNotNull(next.AuthenticationResult.IdToken);
                Assert.IsTrue(user.SessionTokens.IsValid());

                // The challenge is done with.
                Assert.Throws<ArgumentException>(() => user.RespondToNewPasswordRequiredAsync(
                    new RespondToNewPasswordRequiredRequest { SessionID = response.SessionID, NewPassword = "Another-Pass-4!" }));
            }
            using (var user = _pool.GetUser(_moto["fresh"]))
            {
                // moto checks USER_PASSWORD_AUTH's password: the new one is set.
                Assert.IsNotNull(Await(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = "Brand-New-Pass-3!" })).AuthenticationResult);
            }
        }

        [Test]
        public void SmsMfa_IsAnsweredWithTheCode()
        {
            using (var user = _pool.GetUser(_moto["mfa_user"]))
            {
                var response = SignIn(user, _moto["mfa_password"]);
                Assert.AreEqual(ChallengeNameType.SMS_MFA, response.ChallengeName);
                var next = Await(user.RespondToSmsMfaAuthAsync(new RespondToSmsMfaRequest { SessionID = response.SessionID, MfaCode = "123456" }));
                Assert.IsNotNull(next.AuthenticationResult);
                Assert.IsTrue(user.SessionTokens.IsValid());
            }
            using (var user = _pool.GetUser(_moto["mfa_user"]))
            {
                var response = Await(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = _moto["mfa_password"] }));
                Assert.AreEqual(ChallengeNameType.SMS_MFA, response.ChallengeName);
                // RespondToMfaAuthAsync without a challenge type answers the challenge's own.
                var next = Await(user.RespondToMfaAuthAsync(new RespondToMfaRequest { SessionID = response.SessionID, MfaCode = "654321" }));
                Assert.IsNotNull(next.AuthenticationResult);
            }
        }

        [Test]
        public void Refresh_GivesNewTokens()
        {
            using (var user = _pool.GetUser(_moto["confirmed"]))
            {
                var request = new InitiateRefreshTokenAuthRequest { AuthFlowType = AuthFlowType.REFRESH_TOKEN_AUTH };
                Assert.Throws<NotAuthorizedException>(() => user.StartWithRefreshTokenAuthAsync(request), "not signed in");
                var first = SignIn(user, _moto["password"]).AuthenticationResult;
                Thread.Sleep(1100); // moto's tokens carry their issue time in seconds
                var refreshed = Await(user.StartWithRefreshTokenAuthAsync(request));
                Assert.IsNull(refreshed.ChallengeName);
                Assert.AreNotEqual(first.IdToken, refreshed.AuthenticationResult.IdToken);
                Assert.AreEqual(refreshed.AuthenticationResult.IdToken, user.SessionTokens.IdToken);
                Assert.AreEqual(first.RefreshToken, user.SessionTokens.RefreshToken, "REFRESH_TOKEN_AUTH keeps the refresh token");
                Assert.Throws<ArgumentException>(() => user.StartWithRefreshTokenAuthAsync(
                    new InitiateRefreshTokenAuthRequest { AuthFlowType = AuthFlowType.USER_SRP_AUTH }));
            }
        }

        [Test]
        public void SignUp_Confirm_AndSignIn()
        {
            var name = "cs-signup-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            const string password = "Sign-Up-Pass-7!";
            var up = Await(_pool.SignUpAsync(name, password, new Dictionary<string, string> { { "email", name + "@example.com" } }, null));
            Assert.IsNotNull(up.UserSub);
            Assert.IsFalse(up.UserConfirmed);
            using (var user = _pool.GetUser(name))
            {
                Assert.IsInstanceOf<UserNotConfirmedException>(
                    FailureOf(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = password })));
                // moto has no ResendConfirmationCode: the request reaches it, and its HTTP 500 comes back typed.
                Assert.IsInstanceOf<InternalErrorException>(FailureOf(user.ResendConfirmationCodeAsync()));
                Await(user.ConfirmSignUpAsync("123456", false));
                Assert.IsNotNull(SignIn(user, password).AuthenticationResult);
            }
            Assert.IsInstanceOf<UsernameExistsException>(FailureOf(_pool.SignUpAsync(name, password, null, null)));
            Assert.Throws<NotSupportedException>(() => _pool.SignUpAsync(name, password, null, new Dictionary<string, string> { { "k", "v" } }));
            Assert.Throws<NotSupportedException>(() => _pool.GetUser(name).ConfirmSignUpAsync("123456", true));
        }

        [Test]
        public void ForgotPassword_AndChangePassword()
        {
            using (var user = NewConfirmedUser("Old-Pass-8!"))
            {
                Await(user.ForgotPasswordAsync());
                Await(user.ConfirmForgotPasswordAsync("123456", "Reset-Pass-9!"));
                Assert.IsInstanceOf<NotAuthorizedException>(
                    FailureOf(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = "Old-Pass-8!" })));

                Assert.Throws<NotAuthorizedException>(() => user.ChangePasswordAsync("Reset-Pass-9!", "Changed-Pass-10!"), "not signed in");
                Assert.IsNotNull(Await(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = "Reset-Pass-9!" })).AuthenticationResult);
                Assert.IsInstanceOf<NotAuthorizedException>(FailureOf(user.ChangePasswordAsync("Not-The-Pass-1!", "Changed-Pass-10!")));
                Await(user.ChangePasswordAsync("Reset-Pass-9!", "Changed-Pass-10!"));
                Assert.IsNotNull(Await(user.StartWithPasswordAuthAsync(new InitiatePasswordAuthRequest { Password = "Changed-Pass-10!" })).AuthenticationResult);
            }
            Await(_pool.ConfirmForgotPassword(_moto["confirmed"], "123456", _moto["password"], CancellationToken.None));
        }

        [Test]
        public void SignIn_ToCredentials_ThenGlobalSignOut()
        {
            using (var user = NewConfirmedUser("Global-Pass-11!"))
            {
                SignIn(user, "Global-Pass-11!");
                var ended = new TaskCompletionSource<SessionEndedEventArgs>();
                user.SessionEnded += (sender, e) => ended.TrySetResult(e);
                using (var credentials = user.GetCognitoAWSCredentials(_moto["identity_pool_id"], RegionEndpoint.USEast1, _moto.IdentityOptions()))
                {
                    CollectionAssert.AreEqual(new[] { _pool.ProviderName }, credentials.CurrentLoginProviders);
                    StringAssert.StartsWith("cognito-idp.us-east-1.amazonaws.com/us-east-1_", _pool.ProviderName);
                    var identityId = Await(credentials.GetIdentityIdAsync());
                    StringAssert.StartsWith("us-east-1:", identityId);
                    var aws = Await(credentials.GetCredentialsAsync());
                    Assert.IsNotNull(aws.AccessKey);
                    Assert.IsNotNull(aws.SecretKey);
                    Assert.IsNotNull(aws.Token);

                    Await(user.GlobalSignOutAsync());
                    Assert.IsNull(user.SessionTokens);
                    var e = Await(ended.Task);
                    Assert.IsFalse(e.RefreshRefused);
                    Assert.AreEqual(0, credentials.LoginsCount, "signing out removes the login");
                    credentials.CustomRoleArn = "arn:aws:iam::123456789012:role/Other"; // a new native provider...
                    Assert.AreEqual(0, credentials.LoginsCount, "...is not given the ended session");
                    Assert.Throws<NotAuthorizedException>(() => user.GetCognitoAWSCredentials(_moto["identity_pool_id"], RegionEndpoint.USEast1));
                    Assert.Throws<NotAuthorizedException>(() => user.GlobalSignOutAsync());
                }
                Assert.Throws<NotAuthorizedException>(() => user.StartWithRefreshTokenAuthAsync(new InitiateRefreshTokenAuthRequest()));
            }
        }

        [Test]
        public void TheCredentials_OutliveTheUserObject()
        {
            CognitoAWSCredentials credentials;
            using (var user = _pool.GetUser(_moto["confirmed"]))
            {
                SignIn(user, _moto["password"]);
                credentials = user.GetCognitoAWSCredentials(_moto["identity_pool_id"], RegionEndpoint.USEast1, _moto.IdentityOptions());
            }
            using (credentials)
            {
                // A new native provider (the role changed) is given the session again.
                credentials.CustomRoleArn = "arn:aws:iam::123456789012:role/Players";
                Assert.AreEqual(1, credentials.LoginsCount);
                Assert.IsNotNull(Await(credentials.GetCredentialsAsync()).AccessKey);
                credentials.RemoveLogin(_pool.ProviderName);
                Assert.AreEqual(0, credentials.LoginsCount);
            }
        }

        [Test]
        public void SignOut_ForgetsAtOnceAndRevokesInTheBackground()
        {
            using (var user = NewConfirmedUser("Local-Pass-12!"))
            {
                SignIn(user, "Local-Pass-12!");
                var ended = new TaskCompletionSource<bool>();
                user.SessionEnded += (sender, e) => ended.TrySetResult(e.RefreshRefused);
                using (var credentials = user.GetCognitoAWSCredentials(_moto["identity_pool_id"], RegionEndpoint.USEast1, _moto.IdentityOptions()))
                {
                    user.SignOut();
                    Assert.IsNull(user.SessionTokens);
                    Assert.IsFalse(Await(ended.Task));
                    Assert.IsTrue(SpinWait.SpinUntil(() => credentials.LoginsCount == 0, Timeout));
                }
                user.SignOut(); // again: nothing to do
            }
        }

        [Test]
        public void ASavedSession_IsResumedByANewPool()
        {
            var dir = Path.Combine(Path.GetTempPath(), "cognito-native-sessions-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                var options = _moto.PoolOptions();
                options.SessionStoreDirectory = dir;
                using (var pool = NewPool(options))
                {
                    Assert.IsNull(Await(pool.ResumeSavedSessionAsync()), "nothing kept yet");
                    using (var user = pool.GetUser(_moto["confirmed"]))
                    {
                        SignIn(user, _moto["password"]);
                    }
                }
                using (var pool = NewPool(options)) // the next run of the game
                using (var user = Await(pool.ResumeSavedSessionAsync()))
                {
                    Assert.IsNotNull(user);
                    Assert.AreEqual("player-one", user.Username);
                    Assert.IsTrue(user.SessionTokens.IsValid());
                    // moto has no RevokeToken (HTTP 500): the session ends (and is forgotten) all the same.
                    Assert.IsInstanceOf<InternalErrorException>(FailureOf(user.SignOutAsync()));
                    Assert.IsNull(user.SessionTokens);
                    Assert.Throws<NotAuthorizedException>(() => user.SignOutAsync());
                }
                using (var pool = NewPool(options))
                {
                    Assert.IsNull(Await(pool.ResumeSavedSessionAsync()), "signing out forgets it");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Test]
        public void TheCallbackForms_RunOnTheCallersContext()
        {
            using (var main = new PumpContext())
            using (var user = _pool.GetUser(_moto["confirmed"]))
            {
                var done = new TaskCompletionSource<KeyValuePair<AmazonCognitoIdentityResult<AuthFlowResponse>, bool>>();
                main.Post(_ => user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = _moto["password"] }, r =>
                    done.SetResult(new KeyValuePair<AmazonCognitoIdentityResult<AuthFlowResponse>, bool>(
                        r, Thread.CurrentThread.ManagedThreadId == main.ThreadId))), null);
                var result = Await(done.Task);
                Assert.IsTrue(result.Value, "on the caller's context");
                Assert.IsNull(result.Key.Exception);
                Assert.IsNotNull(result.Key.Response.AuthenticationResult);

                var failed = new TaskCompletionSource<Exception>();
                main.Post(_ => user.ChangePasswordAsync("Not-The-Pass-1!", "Whatever-Pass-2!", r => failed.SetResult(r.Exception)), null);
                Assert.IsInstanceOf<NotAuthorizedException>(Await(failed.Task));
            }
        }

        [Test]
        public void TheUnitySample_SignsInAndGetsCredentials()
        {
            using (var main = new PumpContext())
            {
                Harness.ClearLogs();
                Harness.MainThreadId = main.ThreadId;
                var sample = new UserPoolSample
                {
                    userPoolId = _moto["user_pool_id"],
                    appClientId = _moto["client_id"],
                    identityPoolId = _moto["identity_pool_id"],
                    username = _moto["confirmed"],
                    password = _moto["password"],
                    localEndpoint = _moto.Url,
                };
                try
                {
                    main.Send(_ => typeof(UserPoolSample).GetMethod("Start", BindingFlags.Instance | BindingFlags.NonPublic).Invoke(sample, null), null);
                    Assert.IsTrue(
                        SpinWait.SpinUntil(() => Harness.LogsSnapshot().Any(l => l.Key == "Log" && l.Value.StartsWith("Signed in as player-one: identity us-east-1:")), Timeout),
                        string.Join("\n", Harness.LogsSnapshot().Select(l => l.Key + ": " + l.Value).ToArray()));
                    Assert.IsFalse(Harness.LogsSnapshot().Any(l => l.Value.Contains(_moto["password"])));
                }
                finally
                {
                    typeof(UserPoolSample).GetMethod("OnDestroy", BindingFlags.Instance | BindingFlags.NonPublic).Invoke(sample, null);
                    Harness.MainThreadId = -1;
                }
            }
        }

        [Test]
        public void Misuse_GivesClearExceptions()
        {
            Assert.Throws<ArgumentNullException>(() => new CognitoUserPool(null, "client"));
            Assert.Throws<ArgumentNullException>(() => new CognitoUserPool("us-east-1_X", ""));
            Assert.Throws<ArgumentException>(() => new CognitoUserPool("no-underscore", "client"));
            var e = Assert.Throws<ArgumentException>(() => new CognitoUserPool("us-east-1_X", "client", null, new CognitoUserPoolOptions { Endpoint = "ftp://x" }));
            Assert.IsInstanceOf<InvalidConfigurationException>(e.InnerException);
            Assert.Throws<ArgumentNullException>(() => new CognitoUser("u", "c", null));

            using (var user = _pool.GetUser(_moto["confirmed"]))
            {
                Assert.Throws<ArgumentNullException>(() => user.StartWithSrpAuthAsync(null));
                Assert.Throws<ArgumentNullException>(() => user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest()));
                Assert.Throws<ArgumentNullException>(() => user.RespondToMfaAuthAsync(new RespondToMfaRequest { SessionID = "x" }));
                Assert.Throws<ArgumentException>(() => user.RespondToMfaAuthAsync(new RespondToMfaRequest { SessionID = "unknown", MfaCode = "1" }));
                Assert.Throws<ArgumentNullException>(() => user.RespondToNewPasswordRequiredAsync(new RespondToNewPasswordRequiredRequest { NewPassword = "P-1!" }));
                Assert.Throws<NotAuthorizedException>(() => user.ChangePasswordAsync("a", "b"));
                Assert.Throws<ArgumentNullException>(() => user.ConfirmForgotPasswordAsync("", "p"));
            }
            using (var nobody = _pool.GetUser())
            {
                Assert.Throws<InvalidOperationException>(() => nobody.ForgotPasswordAsync());
            }

            var disposed = _pool.GetUser(_moto["confirmed"]);
            disposed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => disposed.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = "p" }));
            disposed.Dispose(); // twice is fine

            using (var user = _pool.GetUser(_moto["confirmed"]))
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                var task = user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = _moto["password"] }, cts.Token);
                Assert.IsTrue(Wait(task));
                Assert.IsTrue(task.IsCanceled, task.Status.ToString());
            }
            using (var user = _pool.GetUser(_moto["confirmed"]))
            {
                // Disposed in flight: the call ends as cancelled.
                var task = user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = _moto["password"] });
                user.Dispose();
                Assert.IsTrue(Wait(task));
                // Cancelled, or (had moto answered first) done, or refused as disposed between steps: never hanging.
                Assert.IsTrue(
                    task.IsCanceled || task.Status == TaskStatus.RanToCompletion || task.Exception.InnerException is ObjectDisposedException,
                    task.Status.ToString());
            }
        }
    }
}
