using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>Native shutdown: explicit, on AppDomain unload (Unity's script reload), on process exit.</summary>
    [TestFixture]
    public class LifetimeTests : EmulatorTest
    {
        [Test]
        public void Shutdown_CancelsCallsInFlight_AndTheRuntimeRestartsOnUse()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"hang\"}");
            var old = Guest();
            var call = old.GetCredentialsAsync();
            Thread.Sleep(100);
            var clock = Stopwatch.StartNew();
            CognitoRuntime.Shutdown();
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.IsFalse(CognitoRuntime.IsRunning);
            Assert.IsTrue(WaitQuietly(call));
            Assert.IsTrue(call.IsCanceled);
            Assert.Throws<ObjectDisposedException>(() => old.GetCachedIdentityId());
            CognitoRuntime.Shutdown(); // twice is fine
            old.Dispose();

            Emulator.ClearFaults();
            using (var fresh = Guest())
            {
                Assert.IsTrue(CognitoRuntime.IsRunning);
                StringAssert.StartsWith("ASIA", Await(fresh.GetCredentialsAsync()).AccessKey);
            }
        }

        [Test]
        public void Shutdown_FromALibraryThreadIsRefusedNotADeadlock()
        {
            var thrown = new TaskCompletionSource<Exception>();
            var options = Emulator.Options();
            options.IdentityStore = new ShutdownOnSaveStore(thrown); // Save runs on a library thread
            using (var credentials = Guest(options))
            {
                Await(credentials.GetIdentityIdAsync());
                Assert.IsInstanceOf<InvalidOperationException>(Await(thrown.Task));
                Assert.IsTrue(CognitoRuntime.IsRunning);
                StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
            }
        }

        [Test]
        public void AppDomainUnload_WithCallsInFlight_IsPrompt_AndTheLibraryKeepsWorking()
        {
            Emulator.Fault("{\"op\":\"GetCredentialsForIdentity\",\"fault\":\"hang\"}");
            var domain = AppDomain.CreateDomain("reload", null, new AppDomainSetup
            {
                ApplicationBase = Path.GetDirectoryName(typeof(LifetimeTests).Assembly.Location),
            });
            var worker = (DomainWorker)domain.CreateInstanceAndUnwrap(
                typeof(DomainWorker).Assembly.FullName, typeof(DomainWorker).FullName);
            var identityId = worker.StartCallsInFlight(Emulator.Url, Emulator.UnauthPoolId);
            StringAssert.StartsWith("us-east-1:", identityId);

            var clock = Stopwatch.StartNew();
            AppDomain.Unload(domain); // as the Unity Editor does on script reload
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));

            Emulator.ClearFaults();
            using (var credentials = Guest())
            {
                StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
            }
        }

        [Test]
        public void AProcessUsingThePackage_ExitsPromptlyWithCallsInFlight()
        {
            var ca = Path.Combine(TestEnvironment.TempRoot, "ca-" + Guid.NewGuid().ToString("N") + ".pem");
            var data = Path.Combine(TestEnvironment.TempRoot, "xdg-" + Guid.NewGuid().ToString("N"));
            using (var tls = Emulator.Start("--tls", "--ca-out", ca))
            {
                StringAssert.StartsWith("https://", tls.Url);
                tls.Trust();
                tls.Fault("{\"op\":\"GetCredentialsForIdentity\",\"fault\":\"delay\",\"ms\":60000}");

                var exe = Path.Combine(Path.GetDirectoryName(typeof(LifetimeTests).Assembly.Location), "ExitCheck.exe");
                var info = new ProcessStartInfo("mono", "\"" + exe + "\"")
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                // Configured through the environment only, as the AWS SDKs are.
                info.EnvironmentVariables["AWS_ENDPOINT_URL"] = tls.Url;
                info.EnvironmentVariables["AWS_CA_BUNDLE"] = ca;
                info.EnvironmentVariables["XDG_DATA_HOME"] = data;
                var clock = Stopwatch.StartNew();
                using (var process = Process.Start(info))
                {
                    var stdout = process.StandardOutput.ReadToEndAsync();
                    var stderr = process.StandardError.ReadToEndAsync();
                    var exited = process.WaitForExit(15000);
                    if (!exited)
                    {
                        process.Kill();
                    }
                    Assert.IsTrue(exited, "the process did not exit");
                    var elapsed = clock.Elapsed;
                    var output = stdout.Result + stderr.Result;
                    Console.WriteLine("ExitCheck.exe ran for {0:F2} s:\n{1}", elapsed.TotalSeconds, output);
                    Assert.AreEqual(0, process.ExitCode, output);
                    Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
                    StringAssert.Contains("returning from Main with calls in flight", output);
                }
                // The second snippet found the first one's identity id in the default per-user store.
                Assert.AreEqual(1, tls.Count("GetId"));
                Assert.That(tls.Count("GetCredentialsForIdentity"), Is.GreaterThanOrEqualTo(1));
                Assert.AreEqual(1, Directory.GetFiles(Path.Combine(data, "CognitoNative")).Length);
            }
        }

        /// <summary>Runs in a child AppDomain.</summary>
        public sealed class DomainWorker : MarshalByRefObject
        {
            public string StartCallsInFlight(string url, string poolId)
            {
                var options = new CognitoOptions { Endpoint = url, AllowHttpLoopback = true, UseEnvironment = false, IdentityStore = new MemoryIdentityStore() };
                var credentials = new CognitoAWSCredentials(poolId, RegionEndpoint.USEast1, options);
                var id = credentials.GetIdentityIdAsync().Result;
                for (var i = 0; i < 4; i++)
                {
                    credentials.GetCredentialsAsync(); // hangs at the emulator
                }
                credentials.GetCredentialsAsync(r => { }, new AsyncOptions { ExecuteCallbackOnMainThread = false });
                Thread.Sleep(100);
                return id; // never disposed: the unload must cope
            }
        }

        private sealed class ShutdownOnSaveStore : IIdentityStore
        {
            private readonly TaskCompletionSource<Exception> _result;

            public ShutdownOnSaveStore(TaskCompletionSource<Exception> result)
            {
                _result = result;
            }

            public string Load(string identityPoolId)
            {
                return null;
            }

            public void Save(string identityPoolId, string identityId)
            {
                try
                {
                    CognitoRuntime.Shutdown();
                    _result.TrySetResult(null);
                }
                catch (Exception e)
                {
                    _result.TrySetResult(e);
                }
            }

            public void Clear(string identityPoolId)
            {
            }
        }
    }
}
