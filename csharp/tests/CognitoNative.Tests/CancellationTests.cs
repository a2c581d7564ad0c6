using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>Cancellation tokens, and Dispose with calls in flight.</summary>
    [TestFixture]
    public class CancellationTests : EmulatorTest
    {
        [Test]
        public void CancellingTheToken_EndsTheCallAsCancelled()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"hang\"}");
            using (var credentials = Guest())
            using (var cts = new CancellationTokenSource())
            {
                var call = credentials.GetCredentialsAsync(cts.Token);
                Thread.Sleep(100);
                Assert.IsFalse(call.IsCompleted);
                var clock = Stopwatch.StartNew();
                cts.Cancel();
                Assert.IsTrue(WaitQuietly(call));
                Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
                Assert.IsTrue(call.IsCanceled);
                var e = Assert.Throws<TaskCanceledException>(() => call.GetAwaiter().GetResult());
                Assert.AreEqual(cts.Token, e.CancellationToken);
            }
        }

        [Test]
        public void CancellingOneCaller_DoesNotCancelTheOthers()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"delay\",\"ms\":500,\"times\":1}");
            using (var credentials = Guest())
            using (var cts = new CancellationTokenSource())
            {
                var cancelled = credentials.GetIdentityIdAsync(cts.Token);
                var other = credentials.GetIdentityIdAsync();
                cts.Cancel();
                Assert.IsTrue(WaitQuietly(cancelled));
                Assert.IsTrue(cancelled.IsCanceled);
                StringAssert.StartsWith("us-east-1:", Await(other));
                Assert.AreEqual(1, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void AnAlreadyCancelledToken_RequestsNothing()
        {
            using (var credentials = Guest())
            {
                var call = credentials.GetCredentialsAsync(new CancellationToken(true));
                Assert.IsTrue(call.IsCanceled);
                Assert.AreEqual(0, Emulator.Total());
            }
        }

        [Test]
        public void Dispose_WithCallsInFlight_CancelsThemAndLaterCallsThrow()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"hang\"}");
            var credentials = Guest();
            var calls = Enumerable.Range(0, 16)
                .Select(i => i % 2 == 0 ? (Task)credentials.GetCredentialsAsync() : credentials.GetIdentityIdAsync())
                .ToArray();
            var callbackResult = new TaskCompletionSource<Exception>();
            credentials.GetCredentialsAsync(r => callbackResult.TrySetResult(r.Exception), new AsyncOptions { ExecuteCallbackOnMainThread = false });
            Thread.Sleep(100);
            Assert.IsFalse(calls.Any(c => c.IsCompleted));

            var clock = Stopwatch.StartNew();
            credentials.Dispose();
            Assert.IsTrue(Task.WaitAll(calls.Select(c => c.ContinueWith(_ => { })).ToArray(), Timeout));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.IsTrue(calls.All(c => c.IsCanceled), string.Join(",", calls.Select(c => c.Status.ToString()).ToArray()));
            Assert.IsInstanceOf<OperationCanceledException>(Await(callbackResult.Task));

            Assert.Throws<ObjectDisposedException>(() => credentials.GetCredentials());
            Assert.Throws<ObjectDisposedException>(() => credentials.GetIdentityIdAsync());
            Assert.Throws<ObjectDisposedException>(() => credentials.AddLogin("a", "b"));
            credentials.Dispose(); // twice is fine
        }

        [Test]
        public void UnreferencedCredentials_AreCollectedWithoutDispose()
        {
            // On another thread, so that no stale slot of this stack keeps it (Mono scans stacks conservatively).
            WeakReference weak = null;
            var thread = new Thread(() => weak = CreateAndDrop());
            thread.Start();
            Assert.IsTrue(thread.Join(Timeout));
            // Bounded: a collection can miss it while a pool thread still holds a finished work item.
            for (var i = 0; i < 100 && weak.IsAlive; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(20);
            }
            Assert.IsFalse(weak.IsAlive, "callbacks must not keep the object alive");
        }

        private static WeakReference CreateAndDrop()
        {
            var credentials = Guest();
            var changed = new ManualResetEventSlim();
            credentials.IdentityChangedEvent += (s, e) => changed.Set();
            Await(credentials.GetIdentityIdAsync());
            // The event is dispatched to the thread pool with a reference to its sender: wait until it
            // ran, so that only the native side could still be holding the object.
            Assert.IsTrue(changed.Wait(Timeout), "IdentityChangedEvent did not fire");
            return new WeakReference(credentials);
        }
    }
}
