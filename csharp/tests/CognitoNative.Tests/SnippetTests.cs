using System;
using System.Collections.Generic;
using System.Threading;
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
    }
}
