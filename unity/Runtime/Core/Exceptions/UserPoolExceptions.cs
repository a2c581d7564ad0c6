using System;
using System.Runtime.Serialization;

// The user pool's errors (Amazon Cognito user pools), named as AWS names them, under the same base as the
// identity pool's. One class per native error kind (COGNITO_ERROR_KIND_USER_NOT_FOUND ... FORBIDDEN,
// UNSUPPORTED_CHALLENGE). NotAuthorizedException ("Incorrect username or password."), TooManyRequests-,
// LimitExceeded-, InvalidParameter-, ResourceNotFound- and InternalErrorException are shared with the
// identity pool.
namespace CognitoNative
{
    /// <summary>The user does not exist in the user pool (with user existence errors prevented, a wrong username is reported as NotAuthorizedException instead).</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class UserNotFoundException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public UserNotFoundException(string message)
            : base(message, CognitoErrorKind.UserNotFound, "UserNotFoundException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public UserNotFoundException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected UserNotFoundException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The user signed up but has not confirmed the code yet: ConfirmSignUpAsync, or ResendConfirmationCodeAsync for a new code.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class UserNotConfirmedException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public UserNotConfirmedException(string message)
            : base(message, CognitoErrorKind.UserNotConfirmed, "UserNotConfirmedException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public UserNotConfirmedException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected UserNotConfirmedException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>An administrator reset the user's password: ForgotPasswordAsync, then ConfirmForgotPasswordAsync.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class PasswordResetRequiredException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public PasswordResetRequiredException(string message)
            : base(message, CognitoErrorKind.PasswordResetRequired, "PasswordResetRequiredException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public PasswordResetRequiredException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected PasswordResetRequiredException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The code (confirmation, password reset or MFA) is wrong.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class CodeMismatchException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public CodeMismatchException(string message)
            : base(message, CognitoErrorKind.CodeMismatch, "CodeMismatchException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public CodeMismatchException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected CodeMismatchException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The code has expired: ask for a new one.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class ExpiredCodeException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ExpiredCodeException(string message)
            : base(message, CognitoErrorKind.ExpiredCode, "ExpiredCodeException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ExpiredCodeException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected ExpiredCodeException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The password does not meet the user pool's password policy.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class InvalidPasswordException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidPasswordException(string message)
            : base(message, CognitoErrorKind.InvalidPassword, "InvalidPasswordException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidPasswordException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidPasswordException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>A user with this username already exists.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class UsernameExistsException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public UsernameExistsException(string message)
            : base(message, CognitoErrorKind.UsernameExists, "UsernameExistsException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public UsernameExistsException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected UsernameExistsException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The email address or phone number is already used by another user.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class AliasExistsException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public AliasExistsException(string message)
            : base(message, CognitoErrorKind.AliasExists, "AliasExistsException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public AliasExistsException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected AliasExistsException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The code could not be sent (email or SMS).</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class CodeDeliveryFailureException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public CodeDeliveryFailureException(string message)
            : base(message, CognitoErrorKind.CodeDeliveryFailure, "CodeDeliveryFailureException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public CodeDeliveryFailureException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected CodeDeliveryFailureException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The user pool or app client is not configured for this operation (e.g. the auth flow is not enabled on the app client).</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class InvalidUserPoolConfigurationException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidUserPoolConfigurationException(string message)
            : base(message, CognitoErrorKind.InvalidUserPoolConfiguration, "InvalidUserPoolConfigurationException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidUserPoolConfigurationException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidUserPoolConfigurationException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>Too many failed attempts: wait before trying again.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class TooManyFailedAttemptsException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public TooManyFailedAttemptsException(string message)
            : base(message, CognitoErrorKind.TooManyFailedAttempts, "TooManyFailedAttemptsException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public TooManyFailedAttemptsException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected TooManyFailedAttemptsException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The user has no MFA method set up.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class MFAMethodNotFoundException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public MFAMethodNotFoundException(string message)
            : base(message, CognitoErrorKind.MfaMethodNotFound, "MFAMethodNotFoundException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public MFAMethodNotFoundException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected MFAMethodNotFoundException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The user has no authenticator app (software token) set up.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class SoftwareTokenMFANotFoundException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public SoftwareTokenMFANotFoundException(string message)
            : base(message, CognitoErrorKind.SoftwareTokenMfaNotFound, "SoftwareTokenMFANotFoundException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public SoftwareTokenMFANotFoundException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected SoftwareTokenMFANotFoundException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The authenticator app could not be enabled (usually a wrong first code).</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class EnableSoftwareTokenMFAException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public EnableSoftwareTokenMFAException(string message)
            : base(message, CognitoErrorKind.EnableSoftwareTokenMfa, "EnableSoftwareTokenMFAException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public EnableSoftwareTokenMFAException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected EnableSoftwareTokenMFAException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>A Lambda trigger of the user pool refused the operation.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class UserLambdaValidationException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public UserLambdaValidationException(string message)
            : base(message, CognitoErrorKind.UserLambdaValidation, "UserLambdaValidationException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public UserLambdaValidationException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected UserLambdaValidationException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>AWS WAF (or the pool's threat protection) blocked the request.</summary>
    /// <remarks>Reported by Cognito user pools.</remarks>
    [Serializable]
    public class ForbiddenException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ForbiddenException(string message)
            : base(message, CognitoErrorKind.Forbidden, "ForbiddenException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ForbiddenException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected ForbiddenException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The user pool asked for a sign-in challenge this library cannot answer (e.g. DEVICE_SRP_AUTH, or a newer USER_AUTH challenge): the sign-in cannot go on.</summary>
    /// <remarks>Raised by this library (its code is <c>UnsupportedChallengeError</c>).</remarks>
    [Serializable]
    public class UnsupportedChallengeException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public UnsupportedChallengeException(string message)
            : base(message, CognitoErrorKind.UnsupportedChallenge, "UnsupportedChallengeError", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public UnsupportedChallengeException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected UnsupportedChallengeException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }
}
