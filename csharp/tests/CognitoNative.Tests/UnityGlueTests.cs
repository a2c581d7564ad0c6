using System;
using System.Linq;
using System.Reflection;
using System.Threading;
using CognitoNative.Unity;
using NUnit.Framework;
using UnityEngine;
using UnityStub;

namespace CognitoNative.Tests
{
    /// <summary>
    /// The Unity package's glue, compiled against a stub of UnityEngine whose PlayerPrefs, like Unity's,
    /// throw off the main thread. A <see cref="PumpContext"/> plays Unity's main thread.
    /// </summary>
    [TestFixture]
    public class UnityGlueTests : EmulatorTest
    {
        private PumpContext _main;

        [TestFixtureSetUp]
        public void StartUnity()
        {
            _main = new PumpContext();
            Harness.MainThreadId = _main.ThreadId;
            TestEnvironment.UseEmulatorByDefault();
            CognitoOptions.Default.IdentityStore = null; // the glue installs its PlayerPrefs store
            _main.Send(_ => CognitoUnity.Initialize(), null);
        }

        [TestFixtureTearDown]
        public void StopUnity()
        {
            CognitoRuntime.SetLogHandler(CognitoLogLevel.None, null);
            CognitoRuntime.MainThreadContext = null;
            Harness.MainThreadId = -1;
            _main.Dispose();
        }

        /// <summary>After the base class's reset: the defaults as the glue leaves them in a game.</summary>
        [SetUp]
        public void UsePlayerPrefsByDefault()
        {
            CognitoOptions.Default.IdentityStore = CognitoUnity.IdentityStore;
        }

        [Test]
        public void Initialize_CapturesTheMainThreadAndInstallsThePlayerPrefsStore()
        {
            CognitoOptions.Default.IdentityStore = null;
            CognitoRuntime.MainThreadContext = null;
            _main.Send(_ => CognitoUnity.Initialize(), null); // again: idempotent
            Assert.AreSame(_main, CognitoRuntime.MainThreadContext);
            Assert.IsNotNull(CognitoUnity.IdentityStore);
            Assert.AreSame(CognitoUnity.IdentityStore, CognitoOptions.Default.IdentityStore);
            var onMain = false;
            _main.Send(_ => onMain = CognitoUnity.IsMainThread, null);
            Assert.IsTrue(onMain);
            Assert.IsFalse(CognitoUnity.IsMainThread);
        }

        [Test]
        public void PlayerPrefsStore_SavesWithoutBlockingTheMainThread()
        {
            var options = Emulator.Options();
            options.IdentityStore = CognitoUnity.IdentityStore;
            _main.Pause(); // the main thread is busy rendering a long frame
            string identityId;
            try
            {
                using (var credentials = Guest(options))
                {
                    // Completes although the save has to wait for the main thread.
                    identityId = Await(credentials.GetIdentityIdAsync());
                }
                Assert.AreEqual(identityId, CognitoUnity.IdentityStore.Load(Emulator.UnauthPoolId), "served from memory meanwhile");
            }
            finally
            {
                _main.Resume();
            }
            string stored = null, index = null;
            Assert.IsTrue(SpinWait.SpinUntil(() =>
            {
                _main.Send(_ =>
                {
                    stored = PlayerPrefs.GetString(PlayerPrefsIdentityStore.KeyPrefix + Emulator.UnauthPoolId, null);
                    index = PlayerPrefs.GetString(PlayerPrefsIdentityStore.IndexKey, "");
                }, null);
                return stored == identityId;
            }, Timeout), "PlayerPrefs were not written on the main thread");
            StringAssert.Contains(Emulator.UnauthPoolId, index);

            // A new start-up preloads it, so it is available off the main thread too.
            PlayerPrefsIdentityStore reloaded = null;
            _main.Send(_ => reloaded = new PlayerPrefsIdentityStore(), null);
            Assert.AreEqual(identityId, reloaded.Load(Emulator.UnauthPoolId));
        }

        [Test]
        public void PlayerPrefsStore_FindsAnIdStoredByTheAwsSdkForUnity()
        {
            const string stored = "us-east-1:11111111-2222-4333-8444-555555555555";
            CognitoAWSCredentials credentials = null;
            _main.Send(_ =>
            {
                PlayerPrefs.SetString("CognitoIdentity:IdentityId:" + Emulator.AuthOnlyPoolId, stored);
                credentials = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1); // Default options: the PlayerPrefs store
            }, null);
            using (credentials)
            {
                Assert.AreEqual(stored, credentials.GetCachedIdentityId());
                Assert.AreEqual(stored, Await(credentials.GetIdentityIdAsync()));
                Assert.AreEqual(0, Emulator.Total());
            }
        }

        [Test]
        public void NativeLogLines_GoToTheUnityConsole()
        {
            Harness.ClearLogs();
            CognitoUnity.LogLevel = CognitoLogLevel.Info;
            try
            {
                using (var credentials = Guest())
                {
                    Await(credentials.GetIdentityIdAsync());
                }
                Assert.IsTrue(SpinWait.SpinUntil(
                    () => Harness.LogsSnapshot().Any(l => l.Key == "Log" && l.Value.StartsWith("[cognito-native] identity id changed")),
                    Timeout), string.Join("\n", Harness.LogsSnapshot().Select(l => l.Key + ": " + l.Value).ToArray()));
            }
            finally
            {
                CognitoUnity.LogLevel = CognitoLogLevel.Warn;
            }
        }

        [Test]
        public void TheSample_RunsTheSnippetsAndLogsOnTheMainThread()
        {
            Harness.ClearLogs();
            var sample = new CognitoSample { emulatorUrl = Emulator.Url };
            var start = typeof(CognitoSample).GetMethod("Start", BindingFlags.Instance | BindingFlags.NonPublic);
            _main.Send(_ => start.Invoke(sample, null), null);
            try
            {
                Assert.IsTrue(SpinWait.SpinUntil(
                    () => Harness.LogsSnapshot().Any(l => l.Value.StartsWith("Cognito identity us-east-1:")), Timeout),
                    string.Join("\n", Harness.LogsSnapshot().Select(l => l.Key + ": " + l.Value).ToArray()));
            }
            finally
            {
                typeof(CognitoSample).GetMethod("OnDestroy", BindingFlags.Instance | BindingFlags.NonPublic).Invoke(sample, null);
            }
        }

        [Test]
        public void ApplicationQuitting_FlushesAndShutsTheRuntimeDown()
        {
            using (var credentials = Guest())
            {
                Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(CognitoRuntime.IsRunning);
                _main.Send(_ => Harness.Quit(), null);
                Assert.IsFalse(CognitoRuntime.IsRunning);
                Assert.Throws<ObjectDisposedException>(() => credentials.GetCachedIdentityId());
            }
            using (var credentials = Guest())
            {
                StringAssert.StartsWith("us-east-1:", Await(credentials.GetIdentityIdAsync()), "restarts on use");
            }
        }

        [Test]
        public void EditorScriptReload_ShutsTheRuntimeDownFirst()
        {
            using (var credentials = Guest())
            {
                Await(credentials.GetIdentityIdAsync());
            }
            Assert.IsTrue(CognitoRuntime.IsRunning);
            // [InitializeOnLoad]: the Editor runs the static constructor at load.
            var hooks = typeof(CognitoUnity).Assembly.GetType("CognitoNative.Unity.CognitoEditorHooks", true);
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(hooks.TypeHandle);
            _main.Send(_ => UnityEditor.AssemblyReloadEvents.RaiseBeforeAssemblyReload(), null);
            Assert.IsFalse(CognitoRuntime.IsRunning);
        }
    }
}
