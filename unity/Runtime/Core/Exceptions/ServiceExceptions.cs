using System;
using System.Runtime.Serialization;

// The service's errors, named as AWS names them. One class per native error kind.
namespace CognitoNative
{
    /// <summary>The request is not authorized: bad or expired login token, a pool that does not allow guests, or an identity the caller may not use.</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class NotAuthorizedException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public NotAuthorizedException(string message)
            : base(message, CognitoErrorKind.NotAuthorized, "NotAuthorizedException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public NotAuthorizedException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected NotAuthorizedException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The identity pool or identity does not exist (a deleted cached identity is recovered from automatically).</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class ResourceNotFoundException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ResourceNotFoundException(string message)
            : base(message, CognitoErrorKind.ResourceNotFound, "ResourceNotFoundException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ResourceNotFoundException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected ResourceNotFoundException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The request was throttled; it was retried with backoff before this was reported.</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class TooManyRequestsException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public TooManyRequestsException(string message)
            : base(message, CognitoErrorKind.TooManyRequests, "TooManyRequestsException", true, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public TooManyRequestsException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected TooManyRequestsException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>A service limit was exceeded.</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class LimitExceededException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public LimitExceededException(string message)
            : base(message, CognitoErrorKind.LimitExceeded, "LimitExceededException", true, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public LimitExceededException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected LimitExceededException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The service rejected a parameter (pool id, logins map, role ARN...).</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class InvalidParameterException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidParameterException(string message)
            : base(message, CognitoErrorKind.InvalidParameter, "InvalidParameterException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidParameterException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidParameterException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The identity pool's role configuration is invalid (e.g. no role for this kind of identity).</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class InvalidIdentityPoolConfigurationException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidIdentityPoolConfigurationException(string message)
            : base(message, CognitoErrorKind.InvalidIdentityPoolConfiguration, "InvalidIdentityPoolConfigurationException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidIdentityPoolConfigurationException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidIdentityPoolConfigurationException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The login is already linked to another identity in a way that conflicts.</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class ResourceConflictException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ResourceConflictException(string message)
            : base(message, CognitoErrorKind.ResourceConflict, "ResourceConflictException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ResourceConflictException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected ResourceConflictException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The external identity provider failed.</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class ExternalServiceException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ExternalServiceException(string message)
            : base(message, CognitoErrorKind.ExternalService, "ExternalServiceException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ExternalServiceException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected ExternalServiceException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The service had an internal error (also used for unclassified 5xx answers).</summary>
    /// <remarks>Reported by Cognito Identity.</remarks>
    [Serializable]
    public class InternalErrorException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InternalErrorException(string message)
            : base(message, CognitoErrorKind.InternalError, "InternalErrorException", true, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InternalErrorException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InternalErrorException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>STS rejected the OpenID token.</summary>
    /// <remarks>Reported by STS AssumeRoleWithWebIdentity (basic flow).</remarks>
    [Serializable]
    public class InvalidIdentityTokenException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidIdentityTokenException(string message)
            : base(message, CognitoErrorKind.InvalidIdentityToken, "InvalidIdentityTokenException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidIdentityTokenException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidIdentityTokenException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>STS found the OpenID token expired.</summary>
    /// <remarks>Reported by STS AssumeRoleWithWebIdentity (basic flow).</remarks>
    [Serializable]
    public class ExpiredTokenException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ExpiredTokenException(string message)
            : base(message, CognitoErrorKind.ExpiredToken, "ExpiredTokenException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ExpiredTokenException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected ExpiredTokenException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>STS could not reach the identity provider.</summary>
    /// <remarks>Reported by STS AssumeRoleWithWebIdentity (basic flow).</remarks>
    [Serializable]
    public class IDPCommunicationErrorException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public IDPCommunicationErrorException(string message)
            : base(message, CognitoErrorKind.IdpCommunicationError, "IDPCommunicationErrorException", true, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public IDPCommunicationErrorException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected IDPCommunicationErrorException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The identity provider rejected the claim.</summary>
    /// <remarks>Reported by STS AssumeRoleWithWebIdentity (basic flow).</remarks>
    [Serializable]
    public class IDPRejectedClaimException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public IDPRejectedClaimException(string message)
            : base(message, CognitoErrorKind.IdpRejectedClaim, "IDPRejectedClaimException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public IDPRejectedClaimException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected IDPRejectedClaimException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>STS denied access to the role.</summary>
    /// <remarks>Reported by STS AssumeRoleWithWebIdentity (basic flow).</remarks>
    [Serializable]
    public class AccessDeniedException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public AccessDeniedException(string message)
            : base(message, CognitoErrorKind.AccessDenied, "AccessDeniedException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public AccessDeniedException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected AccessDeniedException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>STS rejected a parameter (e.g. a malformed role ARN).</summary>
    /// <remarks>Reported by STS AssumeRoleWithWebIdentity (basic flow).</remarks>
    [Serializable]
    public class ValidationException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ValidationException(string message)
            : base(message, CognitoErrorKind.Validation, "ValidationException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ValidationException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected ValidationException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>STS is not enabled in the region.</summary>
    /// <remarks>Reported by STS AssumeRoleWithWebIdentity (basic flow).</remarks>
    [Serializable]
    public class RegionDisabledException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public RegionDisabledException(string message)
            : base(message, CognitoErrorKind.RegionDisabled, "RegionDisabledException", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public RegionDisabledException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected RegionDisabledException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }
}
