using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>Any number of concurrent callers cause one request.</summary>
    [TestFixture]
    public class ConcurrencyTests : EmulatorTest
    {
        [Test]
        public void SixtyFourConcurrentGetCredentialsAsync_MakeOneRequest()
        {
            // Slow answers keep all 64 calls waiting on the same request.
            Emulator.Fault("{\"op\":\"GetCredentialsForIdentity\",\"fault\":\"delay\",\"ms\":300,\"times\":1}");
            using (var credentials = Guest())
            {
                var calls = Enumerable.Range(0, 64).Select(_ => credentials.GetCredentialsAsync()).ToArray();
                Assert.IsTrue(Task.WaitAll(calls, Timeout));
                var first = calls[0].Result;
                foreach (var call in calls)
                {
                    Assert.AreEqual(first.AccessKey, call.Result.AccessKey);
                    Assert.AreEqual(first.SessionToken(), call.Result.SessionToken());
                }
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        [Test]
        public void SixtyFourThreadsCallingGetCredentials_MakeOneRequest()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"delay\",\"ms\":200,\"times\":1}");
            using (var credentials = Guest())
            using (var start = new ManualResetEventSlim())
            {
                var keys = new string[64];
                var threads = Enumerable.Range(0, 64).Select(i => new Thread(() =>
                {
                    start.Wait();
                    keys[i] = credentials.GetCredentials().AccessKey;
                })).ToArray();
                foreach (var t in threads) t.Start();
                start.Set();
                foreach (var t in threads) Assert.IsTrue(t.Join(Timeout));
                CollectionAssert.AllItemsAreNotNull(keys);
                Assert.AreEqual(1, keys.Distinct().Count());
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
            }
        }
    }

    internal static class CredentialsExtensions
    {
        public static string SessionToken(this ImmutableCredentials c)
        {
            return c.Token;
        }
    }
}
