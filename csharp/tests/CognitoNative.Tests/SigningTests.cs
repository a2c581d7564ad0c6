using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// Requests signed with Cognito credentials (issue 14), sent to the emulator's S3 store and generic
    /// endpoint, which verify the signature with the secret they issued with the credentials: a wrong
    /// signature is refused there, so these tests fail if anything signs wrongly.
    /// </summary>
    [TestFixture]
    public class SigningTests : EmulatorTest
    {
        private static int _keys;

        /// <summary>An object URL of its own for each use.</summary>
        private static Uri ObjectUrl(string name)
        {
            return new Uri(Emulator.Url + "/cs-signing/" + name + "-" + Interlocked.Increment(ref _keys) + ".txt");
        }

        private static HttpClient SignedClient(CognitoAWSCredentials credentials, string service)
        {
            return new HttpClient(new CognitoSigningHandler(credentials, service)) { Timeout = Timeout };
        }

        private static HttpClient PlainClient()
        {
            return new HttpClient { Timeout = Timeout };
        }

        private static string Body(HttpResponseMessage response)
        {
            return Await(response.Content.ReadAsStringAsync());
        }

        [Test]
        public void AnObjectPutWithASignedHttpClient_ComesBack()
        {
            using (var credentials = Guest())
            using (var s3 = SignedClient(credentials, "s3"))
            {
                var url = ObjectUrl("hello");
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes("hello from C#"));
                content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                using (var put = Await(s3.PutAsync(url, content)))
                {
                    Assert.AreEqual(HttpStatusCode.OK, put.StatusCode, Body(put));
                }
                using (var get = Await(s3.GetAsync(url)))
                {
                    Assert.AreEqual(HttpStatusCode.OK, get.StatusCode, Body(get));
                    Assert.AreEqual("hello from C#", Body(get));
                    Assert.AreEqual("text/plain", get.Content.Headers.ContentType.MediaType);
                }
                // The emulator saw the requests signed with this identity's credentials.
                var identityId = Await(credentials.GetIdentityIdAsync());
                StringAssert.Contains("\"identity_id\":\"" + identityId + "\"", Emulator.Get("/__emulator/requests"));
                Assert.AreEqual(1, Emulator.Count("s3:PutObject"));
                Assert.AreEqual(1, Emulator.Count("s3:GetObject"));
            }
        }

        [Test]
        public void APresignedGet_DownloadsWithAPlainHttpClient()
        {
            using (var credentials = Guest())
            using (var s3 = SignedClient(credentials, "s3"))
            using (var plain = PlainClient())
            {
                var url = ObjectUrl("presigned get");
                using (var put = Await(s3.PutAsync(url, new StringContent("presigned body"))))
                {
                    Assert.AreEqual(HttpStatusCode.OK, put.StatusCode, Body(put));
                }
                var presigned = Await(credentials.GetPresignedUrlAsync(HttpMethod.Get, url, "s3", TimeSpan.FromMinutes(5)));
                StringAssert.Contains("X-Amz-Signature=", presigned.Query);
                StringAssert.Contains("X-Amz-Security-Token=", presigned.Query);
                StringAssert.Contains("X-Amz-Expires=300", presigned.Query);
                using (var get = Await(plain.GetAsync(presigned)))
                {
                    Assert.AreEqual(HttpStatusCode.OK, get.StatusCode, Body(get));
                    Assert.AreEqual("presigned body", Body(get));
                }
                // A presigned URL is only good for its method.
                using (var delete = Await(plain.DeleteAsync(presigned)))
                {
                    Assert.AreEqual(HttpStatusCode.Forbidden, delete.StatusCode);
                    StringAssert.Contains("<Code>SignatureDoesNotMatch</Code>", Body(delete));
                }
            }
        }

        [Test]
        public void APresignedPut_UploadsWithAPlainHttpClient()
        {
            using (var credentials = Guest())
            using (var s3 = SignedClient(credentials, "s3"))
            using (var plain = PlainClient())
            {
                var url = ObjectUrl("presigned-put");
                var presigned = Await(credentials.PresignAsync(new SigningRequest("PUT", url, "s3"), TimeSpan.FromMinutes(2)));
                var creds = Await(credentials.GetCredentialsAsync());
                Assert.That(presigned.Expiration, Is.GreaterThan(DateTime.UtcNow.AddSeconds(60)));
                Assert.That(presigned.Expiration, Is.LessThanOrEqualTo(creds.Expiration));
                using (var put = Await(plain.PutAsync(presigned.Url, new ByteArrayContent(new byte[] { 1, 2, 3, 250 }))))
                {
                    Assert.AreEqual(HttpStatusCode.OK, put.StatusCode, Body(put));
                }
                using (var get = Await(s3.GetAsync(url)))
                {
                    CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 250 }, Await(get.Content.ReadAsByteArrayAsync()));
                }
            }
        }

        [Test]
        public void APresignedUrl_DiesWithTheCredentials()
        {
            Emulator.Post("/__emulator/lifetime", "{\"secs\":120}");
            try
            {
                using (var credentials = Guest())
                {
                    var creds = Await(credentials.GetCredentialsAsync());
                    var presigned = Await(credentials.PresignAsync(new SigningRequest("GET", ObjectUrl("short"), "s3"), TimeSpan.FromDays(7)));
                    Assert.That(presigned.Expiration, Is.LessThanOrEqualTo(creds.Expiration));
                    Assert.That(presigned.Expiration, Is.LessThan(DateTime.UtcNow.AddMinutes(3)));
                    StringAssert.DoesNotContain("X-Amz-Expires=604800", presigned.AbsoluteUri);
                }
            }
            finally
            {
                Emulator.Post("/__emulator/lifetime", "{\"secs\":3600}");
            }
        }

        [Test]
        public void ADynamoDbJsonCall_IsVerifiedAndEchoed()
        {
            using (var credentials = Guest())
            using (var dynamodb = SignedClient(credentials, "dynamodb"))
            {
                var request = new HttpRequestMessage(HttpMethod.Post, Emulator.Url + "/");
                request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.PutItem");
                request.Content = new StringContent(
                    "{\"TableName\":\"scores\",\"Item\":{\"player\":{\"S\":\"ada\"},\"score\":{\"N\":\"42\"}}}",
                    Encoding.UTF8);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
                using (var response = Await(dynamodb.SendAsync(request)))
                {
                    var echo = Body(response);
                    Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, echo);
                    StringAssert.Contains("\"Service\":\"dynamodb\"", echo);
                    StringAssert.Contains("\"Target\":\"DynamoDB_20120810.PutItem\"", echo);
                    StringAssert.Contains("\"TableName\":\"scores\"", echo);
                    StringAssert.Contains("\"IdentityId\":\"" + Await(credentials.GetIdentityIdAsync()) + "\"", echo);
                }
                Assert.AreEqual(1, Emulator.Count("dynamodb:PutItem"));
            }
        }

        [Test]
        public void ARestCall_SignedForAnotherRegion_IsVerifiedForIt()
        {
            using (var credentials = Guest())
            {
                var request = new HttpRequestMessage(HttpMethod.Get, Emulator.Url + "/prod/scores/a%20b?top=3&by=day");
                Await(credentials.SignRequestAsync(request, "execute-api", "eu-west-1"));
                StringAssert.Contains("/eu-west-1/execute-api/aws4_request", request.Headers.GetValues("Authorization").Single());
                using (var plain = PlainClient())
                using (var response = Await(plain.SendAsync(request)))
                {
                    var echo = Body(response);
                    Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, echo);
                    StringAssert.Contains("\"Region\":\"eu-west-1\"", echo);
                    StringAssert.Contains("\"Method\":\"GET\"", echo);
                }
            }
        }

        [Test]
        public void ATamperedRequest_IsRefused()
        {
            using (var credentials = Guest())
            using (var plain = PlainClient())
            {
                // Signed for one key, sent for another.
                var request = new HttpRequestMessage(HttpMethod.Get, ObjectUrl("signed"));
                Await(credentials.SignRequestAsync(request, "s3"));
                request.RequestUri = ObjectUrl("other");
                using (var response = Await(plain.SendAsync(request)))
                {
                    Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
                    StringAssert.Contains("<Code>SignatureDoesNotMatch</Code>", Body(response));
                }
                // A presigned URL whose expiry was lengthened.
                var presigned = Await(credentials.GetPresignedUrlAsync("GET", ObjectUrl("presigned"), "s3", TimeSpan.FromSeconds(60)));
                var longer = new Uri(presigned.AbsoluteUri.Replace("X-Amz-Expires=60", "X-Amz-Expires=600"));
                using (var response = Await(plain.GetAsync(longer)))
                {
                    Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
                    StringAssert.Contains("<Code>SignatureDoesNotMatch</Code>", Body(response));
                }
                // A JSON body changed after signing.
                var call = new HttpRequestMessage(HttpMethod.Post, Emulator.Url + "/");
                call.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.GetItem");
                call.Content = new StringContent("{\"TableName\":\"scores\"}");
                Await(credentials.SignRequestAsync(call, "dynamodb"));
                call.Content = new StringContent("{\"TableName\":\"secret\"}");
                using (var response = Await(plain.SendAsync(call)))
                {
                    Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
                    StringAssert.Contains("InvalidSignatureException", Body(response));
                }
            }
        }

        [Test]
        public void SigningAgain_ReplacesTheEarlierSignature()
        {
            using (var credentials = Guest())
            using (var s3 = SignedClient(credentials, "s3"))
            {
                var url = ObjectUrl("twice");
                var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent("twice") };
                Await(credentials.SignRequestAsync(request, "s3"));
                Await(credentials.SignRequestAsync(request, "s3")); // and once more by the handler
                using (var response = Await(s3.SendAsync(request)))
                {
                    Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, Body(response));
                }
                Assert.AreEqual(1, request.Headers.GetValues("Authorization").Count());
                Assert.AreEqual(1, request.Headers.GetValues("X-Amz-Date").Count());
            }
        }

        [Test]
        public void AnUnsignedPayloadHeader_IsHonoured()
        {
            using (var credentials = Guest())
            using (var s3 = SignedClient(credentials, "s3"))
            {
                var url = ObjectUrl("unsigned");
                var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent("streamed") };
                request.Headers.TryAddWithoutValidation("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
                using (var response = Await(s3.SendAsync(request)))
                {
                    Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, Body(response));
                }
                Assert.AreEqual("UNSIGNED-PAYLOAD", request.Headers.GetValues("x-amz-content-sha256").Single());
                using (var get = Await(s3.GetAsync(url)))
                {
                    Assert.AreEqual("streamed", Body(get));
                }
            }
        }

        [Test]
        public void TheCachedForms_SignWithoutWaiting()
        {
            using (var credentials = Guest())
            using (var plain = PlainClient())
            {
                var url = ObjectUrl("cached");
                SignedHeaders headers;
                PresignedUrl presigned;
                Assert.IsFalse(credentials.TrySignCached(new SigningRequest("GET", url, "s3"), out headers), "nothing cached yet");
                Assert.IsNull(headers);
                Assert.IsFalse(credentials.TryPresignCached(new SigningRequest("GET", url, "s3"), TimeSpan.FromMinutes(1), out presigned));

                var creds = Await(credentials.GetCredentialsAsync());
                var put = new SigningRequest("PUT", url, "s3") { Body = Encoding.UTF8.GetBytes("cached") };
                put.AddHeader("Content-Type", "text/plain");
                Assert.IsTrue(credentials.TrySignCached(put, out headers));
                Assert.AreEqual(creds.Token, headers["X-Amz-Security-Token"]);
                StringAssert.StartsWith("AWS4-HMAC-SHA256 Credential=" + creds.AccessKey + "/", headers["authorization"]);
                StringAssert.Contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token", headers["Authorization"]);
                var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(put.Body) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");
                foreach (var h in headers)
                {
                    request.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
                using (var response = Await(plain.SendAsync(request)))
                {
                    Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, Body(response));
                }

                Assert.IsTrue(credentials.TryPresignCached(new SigningRequest("GET", url, "s3"), TimeSpan.FromMinutes(1), out presigned));
                using (var get = Await(plain.GetAsync(presigned.Url)))
                {
                    Assert.AreEqual("cached", Body(get));
                }
            }
        }

        [Test]
        public void SecretsStayOutOfToString()
        {
            using (var credentials = Guest())
            {
                var creds = Await(credentials.GetCredentialsAsync());
                var request = new SigningRequest("GET", ObjectUrl("secret") + "?X-Amz-Security-Token=abc", "s3");
                var headers = Await(credentials.SignAsync(request));
                var presigned = Await(credentials.PresignAsync(request, TimeSpan.FromMinutes(1)));
                var signature = headers["Authorization"].Split(new[] { "Signature=" }, StringSplitOptions.None)[1];
                foreach (var text in new[] { headers.ToString(), presigned.ToString(), request.ToString() })
                {
                    StringAssert.DoesNotContain(creds.Token, text);
                    StringAssert.DoesNotContain(creds.SecretKey, text);
                    StringAssert.DoesNotContain(signature, text);
                    StringAssert.DoesNotContain("X-Amz-Signature", text);
                    StringAssert.DoesNotContain("abc", text);
                }
                StringAssert.Contains("x-amz-date", headers.ToString());
                StringAssert.Contains("/cs-signing/secret", presigned.ToString());
            }
        }

        [Test]
        public void BadInput_GivesClearExceptions()
        {
            using (var credentials = Guest())
            {
                var url = ObjectUrl("bad");
                Assert.Throws<ArgumentNullException>(() => credentials.SignRequestAsync(null, "s3"));
                Assert.Throws<ArgumentNullException>(() => credentials.SignRequestAsync(new HttpRequestMessage(), "s3"));
                Assert.Throws<ArgumentNullException>(() => credentials.SignRequestAsync(new HttpRequestMessage(HttpMethod.Get, url), null));
                Assert.Throws<ArgumentNullException>(() => ((CognitoAWSCredentials)null).SignAsync(new SigningRequest("GET", url, "s3")));
                Assert.Throws<ArgumentNullException>(() => new CognitoSigningHandler(credentials, ""));
                Assert.Throws<ArgumentException>(() => new SigningRequest("GET", new Uri("/relative", UriKind.Relative), "s3"));
                Assert.Throws<ArgumentOutOfRangeException>(() => credentials.GetPresignedUrlAsync("GET", url, "s3", TimeSpan.Zero));
                Assert.Throws<ArgumentOutOfRangeException>(() => credentials.GetPresignedUrlAsync("GET", url, "s3", TimeSpan.FromDays(8)));
                Assert.Throws<ArgumentException>(() => credentials.SignAsync(new SigningRequest("GET", url + "\0", "s3")));

                // What the library refuses, before anything starts: ArgumentException, classified.
                AssertRefused(credentials.SignAsync(new SigningRequest("GET", "ftp://127.0.0.1/file", "s3")), "http");
                AssertRefused(credentials.SignAsync(new SigningRequest("GET", "not a url", "s3")), "URL");
                AssertRefused(credentials.SignAsync(new SigningRequest("GET", url, "s 3")), "service");
                AssertRefused(credentials.SignAsync(new SigningRequest("get", url, "s3")), "method");
                AssertRefused(credentials.SignAsync(new SigningRequest("GET", url, "s3") { Region = "moon-1!" }), "region");
                AssertRefused(credentials.SignAsync(new SigningRequest("GET", url, "s3").AddHeader("bad header", "x")), "header");
                AssertRefused(credentials.SignAsync(new SigningRequest("GET", url, "dynamodb") { UnsignedPayload = true }), "unsigned");
                AssertRefused(credentials.PresignAsync(new SigningRequest("GET", "ftp://127.0.0.1/file", "s3"), TimeSpan.FromMinutes(1)), "http");
                var tooMany = new SigningRequest("GET", url, "s3");
                for (var i = 0; i < 101; i++)
                {
                    tooMany.AddHeader("x-h" + i, "v");
                }
                // Counted by the C ABI's argument checks, which give no kind.
                var many = FailureOf(credentials.SignAsync(tooMany));
                Assert.AreEqual(typeof(ArgumentException), many.GetType());
                StringAssert.Contains("100", many.Message);
                SignedHeaders ignored;
                var e = Assert.Throws<ArgumentException>(() => credentials.TrySignCached(new SigningRequest("GET", "ftp://h/x", "s3"), out ignored));
                Assert.IsInstanceOf<InvalidInputException>(e.InnerException);

                credentials.Dispose();
                Assert.Throws<ObjectDisposedException>(() => credentials.SignAsync(new SigningRequest("GET", url, "s3")));
            }
        }

        [Test]
        public void TheCallbackForm_RunsOnTheCallersContext()
        {
            using (var credentials = Guest())
            using (var main = new PumpContext())
            {
                var done = new TaskCompletionSource<int>();
                SignedHeaders got = null;
                main.Post(_ => credentials.SignAsync(new SigningRequest("GET", ObjectUrl("cb"), "s3"), result =>
                {
                    got = result.Response;
                    done.SetResult(result.Exception == null ? Thread.CurrentThread.ManagedThreadId : -1);
                }), null);
                Assert.AreEqual(main.ThreadId, Await(done.Task));
                Assert.IsNotNull(got["authorization"]);

                var failed = new TaskCompletionSource<Exception>();
                main.Post(_ => credentials.PresignAsync(new SigningRequest("GET", "ftp://h/x", "s3"), TimeSpan.FromMinutes(1),
                    result => failed.SetResult(result.Exception)), null);
                Assert.IsInstanceOf<ArgumentException>(Await(failed.Task));
            }
        }

        [Test]
        public void Cancelling_EndsTheWait()
        {
            Emulator.Fault("{\"op\":\"GetCredentialsForIdentity\",\"fault\":\"delay\",\"ms\":3000}");
            using (var credentials = Guest())
            using (var cts = new CancellationTokenSource())
            {
                var task = credentials.SignAsync(new SigningRequest("GET", ObjectUrl("cancel"), "s3"), cts.Token);
                cts.Cancel();
                Assert.IsTrue(WaitQuietly(task));
                Assert.IsTrue(task.IsCanceled, task.Status.ToString());
            }
        }

        private static void AssertRefused(Task task, string mention)
        {
            var e = FailureOf(task);
            Assert.IsInstanceOf<ArgumentException>(e);
            Assert.IsInstanceOf<InvalidInputException>(e.InnerException, e.ToString());
            StringAssert.Contains(mention, e.Message);
        }
    }
}
