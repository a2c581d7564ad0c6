using System;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>Where results and events are delivered, and blocking calls on a main thread.</summary>
    [TestFixture]
    public class ContextTests : EmulatorTest
    {
        [Test]
        public void CallbackApi_RunsOnTheContextCapturedAtTheCall()
        {
            using (var main = new PumpContext())
            using (var credentials = Guest())
            using (var done = new ManualResetEventSlim())
            {
                int ranOn = -1;
                AmazonCognitoIdentityResult<ImmutableCredentials> seen = null;
                main.Send(_ => credentials.GetCredentialsAsync(result =>
                {
                    ranOn = Thread.CurrentThread.ManagedThreadId;
                    seen = result;
                    done.Set();
                }, new AsyncOptions { State = "my state" }), null);
                Assert.IsTrue(done.Wait(Timeout));
                Assert.AreEqual(main.ThreadId, ranOn);
                Assert.IsNull(seen.Exception);
                StringAssert.StartsWith("ASIA", seen.Response.AccessKey);
                Assert.AreEqual("my state", seen.State);
            }
        }

        [Test]
        public void CallbackApi_FromAWorkerThreadGoesToTheMainThreadContext()
        {
            using (var main = new PumpContext())
            using (var credentials = Guest())
            using (var done = new ManualResetEventSlim())
            {
                var previous = CognitoRuntime.MainThreadContext;
                CognitoRuntime.MainThreadContext = main;
                try
                {
                    int ranOn = -1;
                    Task.Run(() => credentials.GetIdentityIdAsync(result =>
                    {
                        ranOn = Thread.CurrentThread.ManagedThreadId;
                        done.Set();
                    })).Wait(Timeout);
                    Assert.IsTrue(done.Wait(Timeout));
                    Assert.AreEqual(main.ThreadId, ranOn);
                }
                finally
                {
                    CognitoRuntime.MainThreadContext = previous;
                }
            }
        }

        [Test]
        public void CallbackApi_WithoutMainThreadRunsOnThePoolNotOnALibraryThread()
        {
            using (var main = new PumpContext())
            using (var credentials = Guest())
            using (var done = new ManualResetEventSlim())
            {
                bool? pooled = null;
                int ranOn = -1;
                main.Send(_ => credentials.GetIdentityIdAsync(result =>
                {
                    ranOn = Thread.CurrentThread.ManagedThreadId;
                    pooled = Thread.CurrentThread.IsThreadPoolThread;
                    done.Set();
                }, new AsyncOptions { ExecuteCallbackOnMainThread = false }), null);
                Assert.IsTrue(done.Wait(Timeout));
                Assert.AreNotEqual(main.ThreadId, ranOn);
                Assert.IsTrue(pooled.Value, "native threads are not pool threads");
            }
        }

        [Test]
        public void CallbackApi_ReportsErrorsInTheResult()
        {
            using (var main = new PumpContext())
            using (var credentials = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, Emulator.Options()))
            using (var done = new ManualResetEventSlim())
            {
                AmazonCognitoIdentityResult<string> seen = null;
                main.Send(_ => credentials.GetIdentityIdAsync(result =>
                {
                    seen = result;
                    done.Set();
                }), null);
                Assert.IsTrue(done.Wait(Timeout));
                Assert.IsInstanceOf<NotAuthorizedException>(seen.Exception);
                Assert.IsNull(seen.Response);
            }
        }

        [Test]
        public void IdentityChangedEvent_IsRaisedOnTheContextOfTheCreatingThread()
        {
            using (var main = new PumpContext())
            using (var done = new ManualResetEventSlim())
            {
                CognitoAWSCredentials credentials = null;
                int ranOn = -1;
                main.Send(_ =>
                {
                    credentials = Guest();
                    credentials.IdentityChangedEvent += (s, e) =>
                    {
                        ranOn = Thread.CurrentThread.ManagedThreadId;
                        done.Set();
                    };
                }, null);
                try
                {
                    Await(Task.Run(() => credentials.GetIdentityIdAsync())); // from another thread
                    Assert.IsTrue(done.Wait(Timeout));
                    Assert.AreEqual(main.ThreadId, ranOn);
                }
                finally
                {
                    credentials.Dispose();
                }
            }
        }

        [Test]
        public void SyncCalls_OnAMainThreadThrowInsteadOfBlocking_ButReturnCachedValues()
        {
            using (var main = new PumpContext())
            using (var credentials = Guest())
            {
                Exception thrown = null;
                main.Send(_ =>
                {
                    try
                    {
                        credentials.GetCredentials();
                    }
                    catch (Exception e)
                    {
                        thrown = e;
                    }
                }, null);
                Assert.IsInstanceOf<InvalidOperationException>(thrown);
                StringAssert.Contains("GetCredentialsAsync", thrown.Message);
                Assert.Throws<AggregateException>(() => main.Send(_ => credentials.GetIdentityId(), null));
                Assert.AreEqual(0, Emulator.Total(), "nothing was requested");

                var fetched = Await(credentials.GetCredentialsAsync());
                ImmutableCredentials cached = null;
                string cachedId = null;
                main.Send(_ =>
                {
                    cached = credentials.GetCredentials();
                    cachedId = credentials.GetIdentityId();
                }, null);
                Assert.AreSame(fetched, cached);
                Assert.AreEqual(credentials.GetCachedIdentityId(), cachedId);
            }
        }

        [Test]
        public void SyncCalls_OnAPlainThreadBlockUntilDone()
        {
            using (var credentials = Guest())
            {
                Assert.IsNull(SynchronizationContext.Current);
                StringAssert.StartsWith("ASIA", credentials.GetCredentials().AccessKey);
            }
        }
    }
}
