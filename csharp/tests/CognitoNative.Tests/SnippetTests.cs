using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using DocSnippets;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>The AWS documentation's snippets, compiled and run unchanged against this package.</summary>
    [TestFixture]
    public class SnippetTests : EmulatorTest
    {
        [Test]
        public void UnitySnippet_GetsAnIdentityIdAndCallsBackOnTheMainThread()
        {
            using (var main = new PumpContext())
            {
                CognitoAWSCredentials credentials = null;
                var before = main.Executed;
                main.Send(_ => credentials = Snippets.Unity(), null);
                try
                {
                    // Two items run on the main thread: the snippet itself, then its callback.
                    Assert.IsTrue(main.WaitExecuted(before + 2, Timeout), "the callback never ran on the main thread");
                    StringAssert.StartsWith("us-east-1:", credentials.GetCachedIdentityId());
                    Assert.AreEqual(1, Emulator.Count("GetId"));
                }
                finally
                {
                    credentials.Dispose();
                }
            }
        }

        [Test]
        public void XamarinSnippet_AwaitsTheIdentityIdAndResumesOnTheUiThread()
        {
            var created = new List<CognitoAWSCredentials>();
            using (var ui = new PumpContext())
            {
                System.Threading.Tasks.Task<string> task = null;
                var resumedOn = new System.Runtime.CompilerServices.StrongBox<int>(-1);
                ui.Send(_ => task = Snippets.Xamarin(created, resumedOn), null);
                try
                {
                    var identityId = Await(task);
                    StringAssert.StartsWith("us-east-1:", identityId);
                    Assert.AreEqual(identityId, created[0].GetCachedIdentityId());
                    Assert.AreEqual(ui.ThreadId, resumedOn.Value, "the await did not resume on the UI thread");
                    Assert.AreEqual(1, Emulator.Count("GetId"));
                }
                finally
                {
                    created.ForEach(c => c.Dispose());
                }
            }
        }

        [Test]
        public void SwitchingIdentities_XamarinSnippet_SeesTheMerge()
        {
            string carolsIdentity;
            using (var carol = Guest())
            {
                carol.AddLogin(Emulator.UserPoolProvider, Emulator.Token("carol-x"));
                carolsIdentity = Await(carol.GetIdentityIdAsync());
            }
            var console = Console.Out;
            var output = new StringWriter();
            Console.SetOut(TextWriter.Synchronized(output));
            try
            {
                using (var credentialsProvider = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1))
                {
                    Snippets.SwitchingIdentitiesXamarin(credentialsProvider);
                    var guest = Await(credentialsProvider.GetIdentityIdAsync());
                    credentialsProvider.AddLogin(Emulator.UserPoolProvider, Emulator.Token("carol-x"));
                    Await(credentialsProvider.GetCredentialsAsync());
                    var merged = "Identity changed from " + guest + " to " + carolsIdentity;
                    Assert.IsTrue(SpinWait.SpinUntil(() => output.ToString().Contains(merged), Timeout), "printed: " + output);
                    StringAssert.Contains("Identity changed from  to " + guest, output.ToString());
                }
            }
            finally
            {
                Console.SetOut(console);
            }
        }

        [Test]
        public void SwitchingIdentities_UnitySnippet_LogsOnTheMainThread()
        {
            UnityStub.Harness.ClearLogs();
            using (var main = new PumpContext())
            {
                CognitoAWSCredentials credentialsProvider = null;
                main.Send(_ =>
                {
                    credentialsProvider = new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1);
                    UnitySnippets.SwitchingIdentities(credentialsProvider);
                }, null);
                try
                {
                    var identityId = Await(credentialsProvider.GetIdentityIdAsync());
                    var line = "Identity changed from  to " + identityId;
                    Assert.IsTrue(SpinWait.SpinUntil(
                        () => UnityStub.Harness.LogsSnapshot().Any(l => l.Key == "Log" && l.Value == line), Timeout));
                }
                finally
                {
                    credentialsProvider.Dispose();
                }
            }
        }

        [Test]
        public void DeveloperAuthenticatedIdentities_XamarinSnippet_GetsTheBackendsIdentity()
        {
            using (var credentials = new DeveloperAuthenticatedCredentials("snippet-hero"))
            {
                var c = Await(credentials.GetCredentialsAsync());
                StringAssert.StartsWith("ASIA", c.AccessKey);
                StringAssert.StartsWith("us-east-1:", credentials.GetCachedIdentityId());
                Assert.AreEqual(0, Emulator.Count("GetId"), "the backend named the identity");
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        [Test]
        public void CachingTheIdentityId_OverridingTheHooks_KeepsItInTheAppsSettings()
        {
            var key = "CognitoIdentity:IdentityId:" + Emulator.UnauthPoolId;
            AppSettings.Remove(key);
            string identityId;
            using (var credentials = new SettingsCognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1))
            {
                identityId = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => AppSettings.Get(key) == identityId, Timeout));
            }
            using (var credentials = new SettingsCognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1))
            {
                Assert.AreEqual(identityId, credentials.GetCachedIdentityId());
                Assert.AreEqual(identityId, Await(credentials.GetIdentityIdAsync()));
                Assert.AreEqual(1, Emulator.Count("GetId"), "the next launch reuses the cached id");
                credentials.Clear();
                Assert.IsNull(AppSettings.Get(key), "Clear() clears the app's cache through the override");
            }
        }

        [Test]
        public void PreemptExpiryTime_Snippet_SetsTheRefreshWindow()
        {
            using (var credentials = Snippets.PreemptExpiryTime())
            {
                Assert.AreEqual(TimeSpan.FromMinutes(10), credentials.PreemptExpiryTime);
                StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
            }
        }
    }
}
