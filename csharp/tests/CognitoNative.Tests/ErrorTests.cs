using System;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>Errors map to the exception types AWS names them by, with code, request id and retryability.</summary>
    [TestFixture]
    public class ErrorTests : EmulatorTest
    {
        private static CognitoOptions OneAttempt()
        {
            var options = Emulator.Options();
            options.MaxAttempts = 1;
            options.AttemptTimeout = TimeSpan.FromSeconds(5);
            return options;
        }

        [Test]
        public void AuthOnlyPoolWithoutLogins_IsNotAuthorized()
        {
            using (var credentials = new CognitoAWSCredentials(Emulator.AuthOnlyPoolId, RegionEndpoint.USEast1, Emulator.Options()))
            {
                var e = (NotAuthorizedException)FailureOf(credentials.GetCredentialsAsync());
                Assert.AreEqual("NotAuthorizedException", e.ErrorCode);
                Assert.AreEqual(CognitoErrorKind.NotAuthorized, e.ErrorKind);
                Assert.IsNull(e.Retryable, "not retryable");
                Assert.IsNotNull(e.RequestId);
                Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
                Assert.AreEqual(ErrorType.Sender, e.ErrorType);
                Assert.IsInstanceOf<AmazonCognitoIdentityException>(e);
                // The synchronous form throws the same type, not an AggregateException.
                Assert.Throws<NotAuthorizedException>(() => credentials.GetIdentityId());
            }
        }

        [TestCase("ResourceNotFoundException", typeof(ResourceNotFoundException))]
        [TestCase("InvalidParameterException", typeof(InvalidParameterException))]
        [TestCase("InvalidIdentityPoolConfigurationException", typeof(InvalidIdentityPoolConfigurationException))]
        [TestCase("ResourceConflictException", typeof(ResourceConflictException))]
        [TestCase("ExternalServiceException", typeof(ExternalServiceException))]
        [TestCase("LimitExceededException", typeof(LimitExceededException))]
        [TestCase("TooManyRequestsException", typeof(TooManyRequestsException))]
        [TestCase("InternalErrorException", typeof(InternalErrorException))]
        [TestCase("SomethingNewException", typeof(AmazonCognitoIdentityException))]
        public void CognitoServiceErrors_MapToTheirTypes(string code, Type expected)
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"service_error\",\"status\":400,\"code\":\"" + code + "\",\"message\":\"injected\"}");
            using (var credentials = Guest(OneAttempt()))
            {
                var e = (AmazonCognitoIdentityException)FailureOf(credentials.GetIdentityIdAsync());
                Assert.AreEqual(expected, e.GetType());
                Assert.AreEqual(code, e.ErrorCode);
                StringAssert.Contains("injected", e.Message);
            }
        }

        [TestCase("InvalidIdentityToken", typeof(InvalidIdentityTokenException))]
        [TestCase("ExpiredTokenException", typeof(ExpiredTokenException))]
        [TestCase("IDPRejectedClaim", typeof(IDPRejectedClaimException))]
        [TestCase("AccessDenied", typeof(AccessDeniedException))]
        public void StsErrorsOfTheBasicFlow_MapToTheirTypes(string code, Type expected)
        {
            Emulator.Fault("{\"op\":\"AssumeRoleWithWebIdentity\",\"fault\":\"service_error\",\"status\":400,\"code\":\"" + code + "\",\"message\":\"injected\"}");
            using (var credentials = new CognitoAWSCredentials(null, Emulator.UnauthPoolId, UnauthRole, null, RegionEndpoint.USEast1, OneAttempt()))
            {
                var e = FailureOf(credentials.GetCredentialsAsync());
                Assert.AreEqual(expected, e.GetType());
            }
        }

        [Test]
        public void Throttling_IsRetriedThenReportedAsRetryable()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"throttle\"}");
            var options = Emulator.Options();
            options.MaxAttempts = 3;
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            options.RetryMaxDelay = TimeSpan.FromMilliseconds(5);
            using (var credentials = Guest(options))
            {
                var e = (TooManyRequestsException)FailureOf(credentials.GetIdentityIdAsync());
                Assert.IsNotNull(e.Retryable);
                Assert.IsTrue(e.Retryable.Throttling);
                Assert.AreEqual(3, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void ServerError_IsAnInternalErrorException()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"server_error\",\"status\":503}");
            using (var credentials = Guest(OneAttempt()))
            {
                var e = (AmazonCognitoIdentityException)FailureOf(credentials.GetIdentityIdAsync());
                Assert.IsInstanceOf<InternalErrorException>(e);
                Assert.IsNotNull(e.Retryable);
                Assert.IsFalse(e.Retryable.Throttling);
                // The status the server answered, from the library (not inferred from the kind).
                Assert.AreEqual(System.Net.HttpStatusCode.ServiceUnavailable, e.StatusCode);
                Assert.AreEqual(ErrorType.Receiver, e.ErrorType);
            }
        }

        [Test]
        public void ConnectionRefused_IsANetworkException()
        {
            var options = OneAttempt();
            options.Endpoint = "http://127.0.0.1:9"; // discard port: nothing listens
            using (var credentials = Guest(options))
            {
                var e = FailureOf(credentials.GetIdentityIdAsync());
                Assert.AreEqual(typeof(NetworkException), e.GetType());
                Assert.IsNotNull(((NetworkException)e).Retryable);
                Assert.IsFalse(((NetworkException)e).Retryable.Throttling);
                Assert.AreEqual((System.Net.HttpStatusCode)0, ((NetworkException)e).StatusCode);
                Assert.AreEqual(ErrorType.Unknown, ((NetworkException)e).ErrorType);
            }
        }

        [Test]
        public void AHangingServer_IsARequestTimeoutException()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"hang\"}");
            var options = OneAttempt();
            options.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            using (var credentials = Guest(options))
            {
                var e = FailureOf(credentials.GetIdentityIdAsync());
                Assert.IsInstanceOf<RequestTimeoutException>(e);
                Assert.IsInstanceOf<NetworkException>(e, "a timeout is a network failure");
            }
        }

        [Test]
        public void AMalformedAnswer_IsAnInvalidResponseException()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"malformed\"}");
            using (var credentials = Guest(OneAttempt()))
            {
                Assert.IsInstanceOf<InvalidResponseException>(FailureOf(credentials.GetIdentityIdAsync()));
            }
        }

        [Test]
        public void BadArguments_ThrowArgumentExceptionsAtConstruction()
        {
            Assert.Throws<ArgumentNullException>(() => new CognitoAWSCredentials(null, RegionEndpoint.USEast1));
            Assert.Throws<ArgumentNullException>(() => new CognitoAWSCredentials("us-east-1:00000000-0000-4000-8000-000000000001", null));
            Assert.Throws<ArgumentException>(() => new CognitoAWSCredentials("IDENTITY_POOL_ID", RegionEndpoint.USEast1));
            var options = Emulator.Options();
            options.Endpoint = "http://example.com"; // plain http off loopback
            Assert.Throws<ArgumentException>(() => Guest(options));
            options = Emulator.Options();
            options.CaBundleFile = "/nonexistent/ca.pem";
            Assert.Throws<ArgumentException>(() => Guest(options));
        }

        /// <summary>The transport settings are one class's (CognitoTransportOptions): each reaches the
        /// native library from the credentials' options and the user pool's alike.</summary>
        [Test]
        public void TransportSettings_ReachTheLibraryFromBothOptionTypes()
        {
            Action<CognitoTransportOptions>[] bad =
            {
                o => o.CaBundleFile = "/nonexistent/ca.pem",
                o => o.CaBundlePem = "not PEM",
            };
            foreach (var spoil in bad)
            {
                var credentials = Emulator.Options();
                spoil(credentials);
                Assert.Throws<ArgumentException>(() => Guest(credentials));
                var pool = new CognitoUserPoolOptions { Endpoint = Emulator.Url, AllowHttpLoopback = true, UseEnvironment = false };
                spoil(pool);
                Assert.Throws<ArgumentException>(() => new CognitoUserPool("us-east-1_EmuPool1", "emulatorpublicclient00001", null, pool));
                // The same copy of each setting: Clone keeps it.
                Assert.Throws<ArgumentException>(() => new CognitoUserPool("us-east-1_EmuPool1", "emulatorpublicclient00001", null, pool.Clone()));
            }
            var fine = new CognitoUserPoolOptions { Endpoint = Emulator.Url, AllowHttpLoopback = true, UseEnvironment = false, MaxAttempts = 10 };
            new CognitoUserPool("us-east-1_EmuPool1", "emulatorpublicclient00001", null, fine).Dispose();
        }

        [Test]
        public void ASyncFailure_KeepsTheNativeMessage()
        {
            var e = Assert.Throws<ArgumentException>(() => new CognitoAWSCredentials("not-a-pool", RegionEndpoint.USEast1));
            StringAssert.Contains("not-a-pool", e.Message);
        }

        /// <summary>A synchronous failure's kind is the library's (cognito_last_error_kind): the misuse
        /// is still an ArgumentException, its InnerException the exception of that kind.</summary>
        [Test]
        public void AMalformedPoolId_IsAnInvalidConfigurationFromTheLibrary()
        {
            var e = Assert.Throws<ArgumentException>(() => new CognitoAWSCredentials("not-a-pool", RegionEndpoint.USEast1));
            var kind = (InvalidConfigurationException)e.InnerException;
            Assert.AreEqual(CognitoErrorKind.InvalidConfig, kind.ErrorKind);
            Assert.AreEqual("InvalidConfigError", kind.ErrorCode);
            StringAssert.Contains("not-a-pool", kind.Message);
            Assert.AreEqual(kind.ErrorCode + ": " + kind.Message, e.Message, "the message is the library's");
            Assert.IsNull(kind.Retryable);
        }

        [Test]
        public void BadOptions_AreAnInvalidConfigurationFromTheLibrary()
        {
            var options = Emulator.Options();
            options.AttemptTimeout = TimeSpan.FromSeconds(-1);
            var e = Assert.Throws<ArgumentException>(() => Guest(options));
            Assert.AreEqual(CognitoErrorKind.InvalidConfig, ((InvalidConfigurationException)e.InnerException).ErrorKind);
            StringAssert.Contains("timeout", e.Message);
        }

        [Test]
        public void ABadLogin_IsAnInvalidInputFromTheLibrary()
        {
            using (var credentials = Guest())
            {
                var e = Assert.Throws<ArgumentException>(() => credentials.AddLogin("graph.facebook.com\u0001", "token"));
                var kind = (InvalidInputException)e.InnerException;
                Assert.AreEqual(CognitoErrorKind.InvalidInput, kind.ErrorKind);
                Assert.AreEqual("InvalidInputError", kind.ErrorCode);
                StringAssert.Contains("control characters", kind.Message);
                Assert.AreEqual(0, credentials.LoginsCount);
            }
        }

        /// <summary>A failure its status says all about has no kind, even right after one that had.</summary>
        [Test]
        public void AFailureWithoutKind_HasNoInnerException()
        {
            using (var credentials = Guest())
            {
                var first = Assert.Throws<ArgumentException>(() => credentials.AddLogin("graph.facebook.com\u0001", "token"));
                Assert.IsInstanceOf<InvalidInputException>(first.InnerException);
                var e = Assert.Throws<ArgumentException>(() => credentials.AddLogin("graph.facebook.com", new string('t', 1024 * 1024 + 1)));
                StringAssert.Contains("longer than", e.Message);
                Assert.IsNull(e.InnerException, "the library gave this failure no kind");
            }
        }
    }
}
