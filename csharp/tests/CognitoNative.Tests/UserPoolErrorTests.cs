using System;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// The user pool's error kinds (COGNITO_ERROR_KIND_USER_NOT_FOUND ... FORBIDDEN) arrive as AWS's
    /// exception types, under the same base as the identity pool's: the emulator answers a request with
    /// the error's code, the native library classifies it, the C# layer picks the type.
    /// </summary>
    [TestFixture]
    public class UserPoolErrorTests : EmulatorTest
    {
        [TestCase("UserNotFoundException", typeof(UserNotFoundException), CognitoErrorKind.UserNotFound)]
        [TestCase("UserNotConfirmedException", typeof(UserNotConfirmedException), CognitoErrorKind.UserNotConfirmed)]
        [TestCase("PasswordResetRequiredException", typeof(PasswordResetRequiredException), CognitoErrorKind.PasswordResetRequired)]
        [TestCase("CodeMismatchException", typeof(CodeMismatchException), CognitoErrorKind.CodeMismatch)]
        [TestCase("ExpiredCodeException", typeof(ExpiredCodeException), CognitoErrorKind.ExpiredCode)]
        [TestCase("InvalidPasswordException", typeof(InvalidPasswordException), CognitoErrorKind.InvalidPassword)]
        [TestCase("UsernameExistsException", typeof(UsernameExistsException), CognitoErrorKind.UsernameExists)]
        [TestCase("AliasExistsException", typeof(AliasExistsException), CognitoErrorKind.AliasExists)]
        [TestCase("CodeDeliveryFailureException", typeof(CodeDeliveryFailureException), CognitoErrorKind.CodeDeliveryFailure)]
        [TestCase("InvalidUserPoolConfigurationException", typeof(InvalidUserPoolConfigurationException), CognitoErrorKind.InvalidUserPoolConfiguration)]
        [TestCase("TooManyFailedAttemptsException", typeof(TooManyFailedAttemptsException), CognitoErrorKind.TooManyFailedAttempts)]
        [TestCase("MFAMethodNotFoundException", typeof(MFAMethodNotFoundException), CognitoErrorKind.MfaMethodNotFound)]
        [TestCase("SoftwareTokenMFANotFoundException", typeof(SoftwareTokenMFANotFoundException), CognitoErrorKind.SoftwareTokenMfaNotFound)]
        [TestCase("EnableSoftwareTokenMFAException", typeof(EnableSoftwareTokenMFAException), CognitoErrorKind.EnableSoftwareTokenMfa)]
        [TestCase("UserLambdaValidationException", typeof(UserLambdaValidationException), CognitoErrorKind.UserLambdaValidation)]
        [TestCase("ForbiddenException", typeof(ForbiddenException), CognitoErrorKind.Forbidden)]
        public void UserPoolErrors_MapToTheirTypes(string code, Type expected, CognitoErrorKind kind)
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"service_error\",\"status\":400,\"code\":\"" + code + "\",\"message\":\"injected\"}");
            var options = Emulator.Options();
            options.MaxAttempts = 1;
            using (var credentials = Guest(options))
            {
                var e = (AmazonCognitoIdentityException)FailureOf(credentials.GetIdentityIdAsync());
                Assert.AreEqual(expected, e.GetType());
                Assert.AreEqual(code, e.ErrorCode);
                Assert.AreEqual(kind, e.ErrorKind);
                Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
                Assert.AreEqual(ErrorType.Sender, e.ErrorType);
                Assert.IsNull(e.Retryable);
                StringAssert.Contains("injected", e.Message);
            }
        }

        [Test]
        public void EveryUserPoolKind_HasATypeNamedAfterIt()
        {
            // Kinds 30..45 and UnsupportedChallenge: a public type whose constructor gives it its kind.
            foreach (CognitoErrorKind kind in Enum.GetValues(typeof(CognitoErrorKind)))
            {
                var n = (int)kind;
                if (!(n >= 30 && n <= 45) && kind != CognitoErrorKind.UnsupportedChallenge)
                {
                    continue;
                }
                var name = kind == CognitoErrorKind.MfaMethodNotFound ? "MFAMethodNotFoundException"
                    : kind == CognitoErrorKind.SoftwareTokenMfaNotFound ? "SoftwareTokenMFANotFoundException"
                    : kind == CognitoErrorKind.EnableSoftwareTokenMfa ? "EnableSoftwareTokenMFAException"
                    : kind + "Exception";
                var type = typeof(AmazonCognitoIdentityException).Assembly.GetType("CognitoNative." + name, false);
                Assert.IsNotNull(type, "no CognitoNative." + name);
                Assert.AreEqual(typeof(AmazonCognitoIdentityException), type.BaseType, name);
                var e = (AmazonCognitoIdentityException)Activator.CreateInstance(type, "m");
                Assert.AreEqual(kind, e.ErrorKind, name);
            }
            Assert.AreEqual("UnsupportedChallengeError", new UnsupportedChallengeException("m").ErrorCode);
        }
    }
}
