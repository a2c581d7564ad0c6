using System;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>What the AWS SDK's members of the same names mean, here: PreemptExpiryTime,
    /// ImmutableCredentials, the exceptions' details.</summary>
    [TestFixture]
    public class AwsSurfaceTests : EmulatorTest
    {
        [Test]
        public void PreemptExpiryTime_IsTheRefreshWindow_FiveMinutesByDefault()
        {
            using (var credentials = Guest())
            {
                Assert.AreEqual(TimeSpan.FromMinutes(5), credentials.PreemptExpiryTime);
                credentials.PreemptExpiryTime = TimeSpan.FromSeconds(90);
                Assert.AreEqual(TimeSpan.FromSeconds(90), credentials.PreemptExpiryTime);
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => credentials.PreemptExpiryTime = TimeSpan.FromSeconds(-1));
                Assert.AreEqual("value", e.ParamName);
                Assert.AreEqual(TimeSpan.FromSeconds(90), credentials.PreemptExpiryTime);
            }
            var options = Emulator.Options();
            options.RefreshWindow = TimeSpan.FromMinutes(2);
            using (var credentials = Guest(options))
            {
                Assert.AreEqual(TimeSpan.FromMinutes(2), credentials.PreemptExpiryTime, "from the options");
            }
        }

        /// <summary>Set after construction, it decides when the engine refreshes: with zero, valid
        /// credentials are served until they expire; with a window (capped at half their lifetime) a read
        /// inside it starts a background refresh.</summary>
        [Test]
        public void PreemptExpiryTime_SetAfterConstruction_DecidesWhenTheEngineRefreshes()
        {
            var lifetime = CredentialLifetime();
            SetCredentialLifetime(4);
            try
            {
                using (var credentials = Guest())
                {
                    credentials.PreemptExpiryTime = TimeSpan.Zero;
                    var first = Await(credentials.GetCredentialsAsync());
                    Thread.Sleep(2500); // past half the lifetime, before expiry
                    Assert.AreSame(first, credentials.GetCredentials(), "served from the cache");
                    Thread.Sleep(300);
                    Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"), "no refresh with a zero window");

                    credentials.PreemptExpiryTime = TimeSpan.FromHours(1); // capped at 2 s of the 4
                    var second = Await(credentials.GetCredentialsAsync());
                    Assert.AreNotEqual(first.AccessKey, second.AccessKey, "the change cleared the cached credentials");
                    Assert.AreEqual(2, Emulator.Count("GetCredentialsForIdentity"));
                    Thread.Sleep(2500);
                    Assert.AreEqual(second.AccessKey, credentials.GetCredentials().AccessKey, "still valid: served at once");
                    Assert.IsTrue(
                        SpinWait.SpinUntil(() => Emulator.Count("GetCredentialsForIdentity") == 3, Timeout),
                        "a read inside the window started a background refresh");
                }
            }
            finally
            {
                SetCredentialLifetime((int)lifetime);
            }
        }

        [Test]
        public void Expiration_IsThatOfTheCachedCredentials()
        {
            using (var credentials = Guest())
            {
                Assert.IsNull(credentials.Expiration);
                var c = Await(credentials.GetCredentialsAsync());
                Assert.AreEqual(c.Expiration, credentials.Expiration);
                credentials.ClearCredentials();
                Assert.IsNull(credentials.Expiration);
            }
        }

        [Test]
        public void ImmutableCredentials_HasTheAwsConstructorsAccountIdAndAVirtualCopy()
        {
            var withAccount = new ImmutableCredentials("AKID", "secret-key", "session-token", "123456789012");
            Assert.AreEqual("123456789012", withAccount.AccountId);
            Assert.IsTrue(withAccount.UseToken);
            var copy = withAccount.Copy();
            Assert.AreNotSame(withAccount, copy);
            Assert.AreEqual(withAccount, copy);
            Assert.AreEqual("123456789012", copy.AccountId);
            Assert.IsNull(new ImmutableCredentials("AKID", "secret-key", null).AccountId);
            Assert.IsFalse(new ImmutableCredentials("AKID", "secret-key", null).UseToken);

            ImmutableCredentials derived = new TaggedCredentials();
            Assert.IsInstanceOf<TaggedCredentials>(derived.Copy(), "Copy is virtual");
            StringAssert.DoesNotContain("secret-key", withAccount.ToString());
            StringAssert.DoesNotContain("session-token", withAccount.ToString());
        }

        [Test]
        public void CognitoCredentials_HaveNoAccountId()
        {
            using (var credentials = Guest())
            {
                Assert.IsNull(Await(credentials.GetCredentialsAsync()).AccountId);
            }
        }

        [TestCase("LimitExceededException", true)]
        [TestCase("TooManyRequestsException", true)]
        public void ThrottlingErrors_AreRetryableWithThrottling(string code, bool throttling)
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"service_error\",\"status\":400,\"code\":\"" + code + "\",\"message\":\"slow down\"}");
            var options = Emulator.Options();
            options.MaxAttempts = 1;
            using (var credentials = Guest(options))
            {
                var e = (AmazonCognitoIdentityException)FailureOf(credentials.GetIdentityIdAsync());
                Assert.IsNotNull(e.Retryable);
                Assert.AreEqual(throttling, e.Retryable.Throttling);
                Assert.AreEqual(HttpStatusCode.BadRequest, e.StatusCode);
                Assert.AreEqual(ErrorType.Sender, e.ErrorType);
            }
        }

        [Test]
        public void Exceptions_HaveTheAwsSdkConstructorsAndSettableDetails()
        {
            var e = new NotAuthorizedException("denied");
            Assert.AreEqual("NotAuthorizedException", e.ErrorCode);
            Assert.AreEqual(HttpStatusCode.BadRequest, e.StatusCode);
            var aws = new AmazonCognitoIdentityException("m", ErrorType.Receiver, "Code", "req-1", HttpStatusCode.ServiceUnavailable);
            Assert.AreEqual(ErrorType.Receiver, aws.ErrorType);
            Assert.AreEqual("Code", aws.ErrorCode);
            Assert.AreEqual("req-1", aws.RequestId);
            Assert.AreEqual(HttpStatusCode.ServiceUnavailable, aws.StatusCode);
            Assert.IsNull(aws.Retryable, "as the AWS SDK's base exception");
            aws.ErrorCode = "Other";
            aws.StatusCode = HttpStatusCode.BadGateway;
            Assert.AreEqual("Other", aws.ErrorCode);
            Assert.AreEqual(HttpStatusCode.BadGateway, aws.StatusCode);
            var inner = new InvalidOperationException("cause");
            Assert.AreSame(inner, new AmazonCognitoIdentityException(inner).InnerException);
            Assert.AreEqual("cause", new AmazonCognitoIdentityException(inner).Message);
        }

        [Test]
        public void Exceptions_SurviveSerialization()
        {
            var e = new TooManyRequestsException("slow", CognitoErrorKind.TooManyRequests, "TooManyRequestsException", true, "req-9");
            var formatter = new System.Runtime.Serialization.Formatters.Binary.BinaryFormatter();
            using (var stream = new System.IO.MemoryStream())
            {
                formatter.Serialize(stream, e);
                stream.Position = 0;
                var back = (TooManyRequestsException)formatter.Deserialize(stream);
                Assert.AreEqual("req-9", back.RequestId);
                Assert.AreEqual(HttpStatusCode.BadRequest, back.StatusCode);
                Assert.AreEqual(ErrorType.Sender, back.ErrorType);
                Assert.IsTrue(back.Retryable.Throttling);
            }
        }

        private static double CredentialLifetime()
        {
            var m = Regex.Match(Emulator.Get("/__emulator/stats"), "\"credential_lifetime_secs\":([0-9.]+)");
            return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        private static void SetCredentialLifetime(int secs)
        {
            Emulator.Post("/__emulator/lifetime", "{\"secs\":" + secs + "}");
        }

        private sealed class TaggedCredentials : ImmutableCredentials
        {
            public TaggedCredentials()
                : base("AKID", "secret", null)
            {
            }

            public override ImmutableCredentials Copy()
            {
                return new TaggedCredentials();
            }
        }
    }
}
