using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// Developer-authenticated identities: the identity id and token come from the app's backend,
    /// through a <c>RefreshIdentity[Async]</c> override (as with the AWS SDK for .NET) or the delegate of
    /// <c>SetDeveloperIdentitySource</c>. The "backend" is the CLI's <c>dev-token</c>, which calls the
    /// emulator's SigV4-signed GetOpenIdTokenForDeveloperIdentity with the emulator's test key.
    /// </summary>
    [TestFixture]
    public class DeveloperIdentityTests : EmulatorTest
    {
        private const string DeveloperLogin = "cognito-identity.amazonaws.com";

        [Test]
        public void Subclass_OverridingRefreshIdentityAsync_GetsCredentialsForTheBackendsIdentity()
        {
            using (var credentials = new AsyncDeveloperCredentials("hero-1", Emulator.Options()))
            {
                var changes = new IdentityChanges(credentials);
                Assert.IsTrue(credentials.ContainsProvider(DeveloperLogin));
                Assert.IsNull(credentials.GetCachedIdentityId(), "nothing asked yet");
                Assert.AreEqual(0, credentials.Asked);

                var first = Await(credentials.GetCredentialsAsync());
                StringAssert.StartsWith("ASIA", first.AccessKey);
                var expected = credentials.LastIdentityId;
                StringAssert.StartsWith("us-east-1:", expected);
                Assert.AreEqual(expected, credentials.GetCachedIdentityId());
                Assert.AreEqual(1, credentials.Asked);
                Assert.AreEqual(0, Emulator.Count("GetId"), "the backend names the identity: no GetId");
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
                Assert.AreSame(first, credentials.GetCredentials(), "cached: the hook is not asked");
                Assert.AreEqual(1, credentials.Asked);

                // A refresh asks the hook again (developer tokens live minutes).
                credentials.ClearCredentials();
                var second = Await(credentials.GetCredentialsAsync());
                Assert.AreNotEqual(first.AccessKey, second.AccessKey);
                Assert.AreEqual(2, credentials.Asked);
                Assert.AreEqual(expected, Await(credentials.GetIdentityIdAsync()));
                Assert.AreEqual(0, Emulator.Count("GetId"));

                changes.AssertOnly(null, expected);
            }
        }

        [Test]
        public void Subclass_OverridingTheSynchronousRefreshIdentity_WorksUnchangedOnTheThreadPool()
        {
            // The AWS SDK's .NET Framework hook: the base RefreshIdentityAsync runs it on the thread pool.
            using (var credentials = new SyncDeveloperCredentials("hero-2", Emulator.Options()))
            {
                var c = Await(credentials.GetCredentialsAsync());
                StringAssert.StartsWith("ASIA", c.AccessKey);
                Assert.AreEqual(credentials.LastIdentityId, credentials.GetCachedIdentityId());
                Assert.AreEqual(1, credentials.Asked);
                Assert.IsTrue(credentials.RanOnThreadPool);
                Assert.AreEqual(0, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void Subclass_InTheBasicFlow_SendsTheTokenStraightToSts()
        {
            using (var credentials = new AsyncDeveloperCredentials("hero-3", Emulator.Options(), AuthRole))
            {
                var c = Await(credentials.GetCredentialsAsync());
                StringAssert.StartsWith("ASIA", c.AccessKey);
                Assert.AreEqual(0, Emulator.Count("GetId"));
                Assert.AreEqual(0, Emulator.Count("GetOpenIdToken"));
                Assert.AreEqual(1, Emulator.Count("AssumeRoleWithWebIdentity"));
            }
        }

        [Test]
        public void Subclass_ExceptionOfTheHook_FailsTheCallWithItsMessage()
        {
            using (var credentials = new AsyncDeveloperCredentials("hero-4", Emulator.Options()))
            {
                credentials.Failure = new InvalidOperationException("the game backend is down");
                var e = FailureOf(credentials.GetCredentialsAsync());
                Assert.IsInstanceOf<LoginsProviderException>(e);
                StringAssert.Contains("the game backend is down", e.Message);
                StringAssert.Contains("RefreshIdentityAsync", e.Message);
                Assert.AreEqual(0, Emulator.Total(), "nothing was sent to Cognito");

                // It recovers when the backend does.
                credentials.Failure = null;
                StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
                Assert.AreEqual(2, credentials.Asked);
            }
        }

        [Test]
        public void Subclass_AnswerWithoutToken_IsAnError()
        {
            using (var credentials = new AsyncDeveloperCredentials("hero-5", Emulator.Options()))
            {
                credentials.WithoutToken = true;
                var e = FailureOf(credentials.GetCredentialsAsync());
                Assert.IsInstanceOf<LoginsProviderException>(e);
                StringAssert.Contains("no token", e.Message);
                Assert.AreEqual(0, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void Subclass_StaysDeveloperAuthenticatedAfterClear()
        {
            using (var credentials = new AsyncDeveloperCredentials("hero-6", Emulator.Options()))
            {
                var identityId = Await(credentials.GetIdentityIdAsync());
                credentials.AddLogin("graph.facebook.com", "fb-token");
                credentials.Clear();
                Assert.IsNull(credentials.GetCachedIdentityId());
                CollectionAssert.AreEqual(new[] { DeveloperLogin }, credentials.CurrentLoginProviders);
                Await(credentials.GetCredentialsAsync());
                Assert.AreEqual(identityId, credentials.GetCachedIdentityId());
                Assert.AreEqual(2, credentials.Asked);
                Assert.AreEqual(0, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void Subclass_KeepsItsHookAcrossACustomRoleArnSwitch()
        {
            using (var credentials = new AsyncDeveloperCredentials("hero-7", Emulator.Options()))
            {
                Await(credentials.GetCredentialsAsync());
                credentials.CustomRoleArn = AuthRole;
                Await(credentials.GetCredentialsAsync());
                Assert.AreEqual(2, credentials.Asked);
                Assert.AreEqual(0, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void Subclass_WithoutOverride_UsesGetIdAndTheBaseHooksCannotBeCalled()
        {
            using (var credentials = new PlainSubclass(Emulator.Options()))
            {
                Assert.IsFalse(credentials.ContainsProvider(DeveloperLogin));
                Await(credentials.GetCredentialsAsync());
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.IsInstanceOf<NotSupportedException>(FailureOf(credentials.BaseRefreshIdentityAsync()));
                Assert.Throws<NotSupportedException>(() => credentials.BaseRefreshIdentity());
            }
        }

        [Test]
        public void Delegate_SuppliesTheIdentityAndIsAskedAgainOnRefresh()
        {
            var asked = 0;
            string expected = null;
            using (var credentials = Guest())
            {
                var changes = new IdentityChanges(credentials);
                credentials.SetDeveloperIdentitySource(cancellationToken => Task.Run(() =>
                {
                    Interlocked.Increment(ref asked);
                    var state = Backend.Mint("hero-8");
                    expected = state.IdentityId;
                    return state;
                }));
                Assert.IsTrue(credentials.ContainsProvider(DeveloperLogin));

                var first = Await(credentials.GetCredentialsAsync());
                Assert.AreEqual(expected, credentials.GetCachedIdentityId());
                Assert.AreEqual(1, asked);
                Assert.AreEqual(0, Emulator.Count("GetId"));

                credentials.ClearCredentials();
                var second = Await(credentials.GetCredentialsAsync());
                Assert.AreNotEqual(first.AccessKey, second.AccessKey);
                Assert.AreEqual(2, asked);
                Assert.AreEqual(0, Emulator.Count("GetId"));
                changes.AssertOnly(null, expected);

                // Removing the source (or signing out) goes back to Cognito-managed identities.
                credentials.SetDeveloperIdentitySource(null);
                Assert.IsFalse(credentials.ContainsProvider(DeveloperLogin));
                credentials.Clear();
                var guest = Await(credentials.GetIdentityIdAsync());
                Assert.AreNotEqual(expected, guest);
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(2, asked);
            }
        }

        [Test]
        public void Delegate_ExceptionFailsTheCallWithItsMessage()
        {
            using (var credentials = Guest())
            {
                credentials.SetDeveloperIdentitySource(
                    cancellationToken => { throw new IOException("no route to the game backend"); });
                var e = FailureOf(credentials.GetIdentityIdAsync());
                Assert.IsInstanceOf<LoginsProviderException>(e);
                StringAssert.Contains("no route to the game backend", e.Message);

                credentials.SetDeveloperIdentitySource(
                    cancellationToken => Task.FromException<CognitoAWSCredentials.IdentityState>(new TimeoutException("backend timed out")));
                StringAssert.Contains("backend timed out", FailureOf(credentials.GetCredentialsAsync()).Message);

                credentials.SetDeveloperIdentitySource(
                    cancellationToken => Task.FromResult(new CognitoAWSCredentials.IdentityState("not an id", "login.mygame", "t", false)));
                Assert.IsInstanceOf<LoginsProviderException>(FailureOf(credentials.GetCredentialsAsync()));
                Assert.AreEqual(0, Emulator.Total());
            }
        }

        [Test]
        public void Delegate_ThatNeverAnswers_TimesOutAndIsCancelled()
        {
            var options = Emulator.Options();
            options.LoginsTimeout = TimeSpan.FromMilliseconds(500);
            using (var credentials = Guest(options))
            {
                var cancelled = new TaskCompletionSource<bool>();
                credentials.SetDeveloperIdentitySource(async cancellationToken =>
                {
                    cancellationToken.Register(() => cancelled.TrySetResult(true));
                    await Task.Delay(Timeout.Add(Timeout), cancellationToken);
                    return null;
                });
                var e = FailureOf(credentials.GetCredentialsAsync());
                Assert.IsInstanceOf<LoginsProviderException>(e);
                Assert.IsTrue(Await(cancelled.Task), "the source's token is cancelled after the logins timeout");
            }
        }

        [Test]
        public void Delegate_InFlightWhenDisposed_IsCancelled()
        {
            var credentials = Guest();
            var entered = new TaskCompletionSource<bool>();
            var cancelled = new TaskCompletionSource<bool>();
            credentials.SetDeveloperIdentitySource(async cancellationToken =>
            {
                cancellationToken.Register(() => cancelled.TrySetResult(true));
                entered.TrySetResult(true);
                await Task.Delay(Timeout.Add(Timeout), cancellationToken);
                return null;
            });
            var call = credentials.GetCredentialsAsync();
            Assert.IsTrue(Await(entered.Task));
            credentials.Dispose();
            Assert.IsTrue(WaitQuietly(call));
            Assert.IsTrue(call.IsCanceled, "the call ends as cancelled, not " + call.Status);
            Assert.IsTrue(Await(cancelled.Task), "the source's token is cancelled on Dispose");
        }

        /// <summary>The game backend: GetOpenIdTokenForDeveloperIdentity through the CLI.</summary>
        internal static class Backend
        {
            private const string PoolId = "us-east-1:00000000-0000-4000-8000-000000000001";
            private const string ProviderName = "login.cognitonative.emulator";

            public static CognitoAWSCredentials.IdentityState Mint(string userId)
            {
                var exe = Path.Combine(Repo.Root, "target", "debug", "cognito-native");
                var info = new ProcessStartInfo(
                    exe,
                    "dev-token --endpoint " + Emulator.Url + " --pool " + PoolId + " --provider-name " + ProviderName
                        + " --user-id " + userId)
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    WorkingDirectory = Repo.Root,
                };
                info.EnvironmentVariables["AWS_ACCESS_KEY_ID"] = "AKIDEMULATOREXAMPLE1";
                info.EnvironmentVariables["AWS_SECRET_ACCESS_KEY"] = "emulator/SECRET/key/EXAMPLEKEY0000000000";
                info.EnvironmentVariables.Remove("AWS_SESSION_TOKEN");
                using (var process = Process.Start(info))
                {
                    var stdout = process.StandardOutput.ReadToEndAsync();
                    var stderr = process.StandardError.ReadToEndAsync();
                    if (!process.WaitForExit((int)Timeout.TotalMilliseconds))
                    {
                        process.Kill();
                        throw new TimeoutException("dev-token timed out");
                    }
                    process.WaitForExit();
                    if (process.ExitCode != 0)
                    {
                        throw new InvalidOperationException("dev-token failed: " + stderr.Result);
                    }
                    var json = stdout.Result;
                    return new CognitoAWSCredentials.IdentityState(
                        Field(json, "IdentityId"), ProviderName, Field(json, "Token"), false);
                }
            }

            private static string Field(string json, string name)
            {
                var m = Regex.Match(json, "\"" + name + "\"\\s*:\\s*\"([^\"]*)\"");
                if (!m.Success)
                {
                    throw new FormatException("no " + name + " in " + json);
                }
                return m.Groups[1].Value;
            }
        }

        /// <summary>Written as for the AWS SDK for .NET (Unity / .NET Standard): the async hook.</summary>
        private sealed class AsyncDeveloperCredentials : CognitoAWSCredentials
        {
            private readonly string _userId;
            private int _asked;

            public AsyncDeveloperCredentials(string userId, CognitoOptions options, string authRoleArn = null)
                : base(null, Emulator.UnauthPoolId, null, authRoleArn, RegionEndpoint.USEast1, options)
            {
                _userId = userId;
            }

            public int Asked
            {
                get { return Volatile.Read(ref _asked); }
            }

            public volatile Exception Failure;

            public volatile bool WithoutToken;

            public volatile string LastIdentityId;

            public override async Task<IdentityState> RefreshIdentityAsync()
            {
                Interlocked.Increment(ref _asked);
                await Task.Yield();
                var failure = Failure;
                if (failure != null)
                {
                    throw failure;
                }
                var state = await Task.Run(() => Backend.Mint(_userId));
                LastIdentityId = state.IdentityId;
                return WithoutToken ? new IdentityState(state.IdentityId, false) : state;
            }
        }

        /// <summary>Written as for the AWS SDK for .NET Framework: the synchronous hook.</summary>
        private sealed class SyncDeveloperCredentials : CognitoAWSCredentials
        {
            private readonly string _userId;
            private int _asked;

            public SyncDeveloperCredentials(string userId, CognitoOptions options)
                : base(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options)
            {
                _userId = userId;
            }

            public int Asked
            {
                get { return Volatile.Read(ref _asked); }
            }

            public volatile bool RanOnThreadPool;

            public volatile string LastIdentityId;

            protected override IdentityState RefreshIdentity()
            {
                Interlocked.Increment(ref _asked);
                RanOnThreadPool = Thread.CurrentThread.IsThreadPoolThread;
                var state = Backend.Mint(_userId);
                LastIdentityId = state.IdentityId;
                return state;
            }
        }

        /// <summary>A subclass that overrides neither hook.</summary>
        private sealed class PlainSubclass : CognitoAWSCredentials
        {
            public PlainSubclass(CognitoOptions options)
                : base(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options)
            {
            }

            public Task<IdentityState> BaseRefreshIdentityAsync()
            {
                return RefreshIdentityAsync();
            }

            public IdentityState BaseRefreshIdentity()
            {
                return RefreshIdentity();
            }
        }

        /// <summary>Records IdentityChangedEvent.</summary>
        private sealed class IdentityChanges
        {
            private readonly System.Collections.Concurrent.ConcurrentQueue<CognitoAWSCredentials.IdentityChangedArgs> _seen =
                new System.Collections.Concurrent.ConcurrentQueue<CognitoAWSCredentials.IdentityChangedArgs>();

            public IdentityChanges(CognitoAWSCredentials credentials)
            {
                credentials.IdentityChangedEvent += (sender, args) => _seen.Enqueue(args);
            }

            public void AssertOnly(string oldIdentityId, string newIdentityId)
            {
                var deadline = DateTime.UtcNow + Timeout;
                while (_seen.Count == 0 && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(10);
                }
                Thread.Sleep(200); // a second event would be on its way by now
                var seen = _seen.ToArray();
                Assert.AreEqual(1, seen.Length, "one identity, one IdentityChangedEvent");
                Assert.AreEqual(oldIdentityId, seen[0].OldIdentityId);
                Assert.AreEqual(newIdentityId, seen[0].NewIdentityId);
            }
        }
    }
}
