using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Unity;
using NUnit.Framework;
using UnityEngine.Networking;
using UnityStub;

namespace CognitoNative.Tests
{
    /// <summary>
    /// The Unity signing helper against the emulator, with a <see cref="PumpContext"/> as Unity's main
    /// thread (the stub's <c>SetRequestHeader</c>, like Unity's, throws elsewhere): requests are sent
    /// as Unity would send them (<see cref="Harness.Send"/>), and the emulator checks the signatures.
    /// </summary>
    [TestFixture]
    public class UnitySigningTests : EmulatorTest
    {
        private static int _keys;
        private PumpContext _main;

        [TestFixtureSetUp]
        public void StartUnity()
        {
            _main = new PumpContext();
            Harness.MainThreadId = _main.ThreadId;
            CognitoRuntime.MainThreadContext = _main;
        }

        [TestFixtureTearDown]
        public void StopUnity()
        {
            CognitoRuntime.MainThreadContext = null;
            Harness.MainThreadId = -1;
            _main.Dispose();
        }

        private static string ObjectUrl(string name)
        {
            return Emulator.Url + "/unity-signing/" + name + "-" + Interlocked.Increment(ref _keys);
        }

        /// <summary>Runs <paramref name="start"/> on the main thread; the result its callback hands over,
        /// and whether that ran on the main thread.</summary>
        private T OnMain<T>(Action<Action<T>> start, out bool onMain)
        {
            var done = new TaskCompletionSource<KeyValuePair<T, bool>>();
            var main = _main.ThreadId;
            _main.Post(_ => start(value => done.TrySetResult(
                new KeyValuePair<T, bool>(value, Thread.CurrentThread.ManagedThreadId == main))), null);
            var result = Await(done.Task);
            onMain = result.Value;
            return result.Key;
        }

        [Test]
        public void ASignedPut_AndAPresignedGet_RoundTrip()
        {
            using (var credentials = Guest())
            {
                var url = ObjectUrl("replay.bin");
                var put = UnityWebRequest.Put(url, new byte[] { 7, 8, 9 });
                bool onMain;
                var signed = OnMain<AmazonCognitoIdentityResult<UnityWebRequest>>(
                    done => credentials.SignRequestAsync(put, "s3", r => done(r)), out onMain);
                Assert.IsTrue(onMain, "the callback runs on the main thread");
                Assert.IsNull(signed.Exception);
                Assert.AreSame(put, signed.Response);
                StringAssert.StartsWith("AWS4-HMAC-SHA256 ", put.GetRequestHeader("Authorization"));
                Assert.IsNotNull(put.GetRequestHeader("X-Amz-Security-Token"));
                var answer = Harness.Send(put);
                Assert.AreEqual(200, answer.Key, answer.Value);

                var presigned = OnMain<AmazonCognitoIdentityResult<string>>(
                    done => credentials.GetPresignedUrlAsync("GET", url, "s3", TimeSpan.FromMinutes(10), r => done(r)), out onMain);
                Assert.IsTrue(onMain);
                Assert.IsNull(presigned.Exception);
                var get = UnityWebRequest.Get(presigned.Response);
                answer = Harness.Send(get);
                Assert.AreEqual(200, answer.Key, answer.Value);
                Assert.AreEqual("\u0007\u0008\u0009", answer.Value);
            }
        }

        [Test]
        public void TheTaskForm_SetsTheHeadersOnTheMainThread()
        {
            using (var credentials = Guest())
            {
                var put = UnityWebRequest.Put(ObjectUrl("score.json"), "{\"score\":42}");
                put.uploadHandler.contentType = "application/json";
                _main.Send(_ =>
                {
                    put.SetRequestHeader("Content-Type", "application/json");
                    put.SetRequestHeader("x-amz-meta-player", "ada");
                }, null);
                // From a worker thread: the headers are still set on the main thread.
                Await(credentials.SignRequestAsync(put, "s3", signedHeaders: new[] { "x-amz-meta-player" }));
                StringAssert.Contains(
                    "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-player;x-amz-security-token",
                    put.GetRequestHeader("Authorization"));
                var answer = Harness.Send(put);
                Assert.AreEqual(200, answer.Key, answer.Value);

                // A signed header changed after signing is refused.
                _main.Send(_ => put.SetRequestHeader("x-amz-meta-player", "eve"), null);
                answer = Harness.Send(put);
                Assert.AreEqual(403, answer.Key);
                StringAssert.Contains("SignatureDoesNotMatch", answer.Value);
            }
        }

        [Test]
        public void AFileUpload_IsSignedUnsignedForS3Only()
        {
            using (var credentials = Guest())
            {
                var put = new UnityWebRequest(ObjectUrl("file"), "PUT", new DownloadHandlerBuffer(), new UploadHandlerFile("/tmp/none"));
                Await(credentials.SignRequestAsync(put, "s3"));
                Assert.AreEqual("UNSIGNED-PAYLOAD", put.GetRequestHeader("x-amz-content-sha256"));
                var answer = Harness.Send(put);
                Assert.AreEqual(200, answer.Key, answer.Value);

                var call = new UnityWebRequest(Emulator.Url + "/", "POST", null, new UploadHandlerFile("/tmp/none"));
                Assert.Throws<ArgumentException>(() => credentials.SignRequestAsync(call, "execute-api"));
            }
        }

        [Test]
        public void Failures_ReachTheCallbackOnTheMainThread()
        {
            using (var credentials = Guest())
            {
                var get = UnityWebRequest.Get(ObjectUrl("x"));
                bool onMain;
                var result = OnMain<AmazonCognitoIdentityResult<UnityWebRequest>>(
                    done => credentials.SignRequestAsync(get, "not a service", r => done(r)), out onMain);
                Assert.IsTrue(onMain);
                Assert.IsInstanceOf<ArgumentException>(result.Exception);
                Assert.IsNull(result.Response);
                Assert.IsNull(get.GetRequestHeader("Authorization"));

                var presigned = OnMain<AmazonCognitoIdentityResult<string>>(
                    done => credentials.GetPresignedUrlAsync("GET", "ftp://127.0.0.1/x", "s3", TimeSpan.FromMinutes(1), r => done(r)), out onMain);
                Assert.IsTrue(onMain);
                Assert.IsInstanceOf<ArgumentException>(presigned.Exception);
                Assert.Throws<ArgumentNullException>(() => credentials.SignRequestAsync((UnityWebRequest)null, "s3"));
            }
        }
    }
}
