// The service errors as AWS SDK exceptions, under the names and base types AWS's clients throw
// (Amazon.CognitoIdentity.Model.*, Amazon.SecurityToken.Model.*), so code catching them keeps working
// after `using Amazon.CognitoIdentity;` becomes `using CognitoNative.AwsSdk;`. Made by
// AwsBridge.Translate from the engine's exceptions, which are their InnerException.
namespace CognitoNative.AwsSdk
{
    // Inside the namespace: Amazon.Runtime's ErrorType and RetryableDetails, not CognitoNative's.
    using System;
    using System.Net;
    using Amazon.Runtime;

    /// <summary>Base of the errors of Amazon Cognito Identity (as <c>Amazon.CognitoIdentity.AmazonCognitoIdentityException</c>); also an error code this library does not know.</summary>
    public class AmazonCognitoIdentityException : AmazonServiceException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public AmazonCognitoIdentityException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public AmazonCognitoIdentityException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public AmazonCognitoIdentityException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public AmazonCognitoIdentityException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public AmazonCognitoIdentityException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>The native classification of the error (<see cref="CognitoErrorKind.None"/> for one
        /// made by other code).</summary>
        public CognitoErrorKind ErrorKind
        {
            get { return Details == null ? CognitoErrorKind.None : Details.Kind; }
        }

        /// <summary>Null when trying again cannot help; else how to retry. The engine has already retried
        /// such errors a bounded number of times, with backoff.</summary>
        public override RetryableDetails Retryable
        {
            get { return Details == null ? null : Details.Retryable; }
        }

        internal ErrorDetails Details { get; set; }
    }

    /// <summary>The request is not authorized: a bad or expired login token, a pool that does not allow guests, or an identity the caller may not use. (Cognito Identity's <c>NotAuthorizedException</c>.)</summary>
    public class NotAuthorizedException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public NotAuthorizedException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public NotAuthorizedException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public NotAuthorizedException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public NotAuthorizedException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public NotAuthorizedException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>The identity pool or identity does not exist (a deleted cached identity is recovered from automatically). (Cognito Identity's <c>ResourceNotFoundException</c>.)</summary>
    public class ResourceNotFoundException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ResourceNotFoundException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public ResourceNotFoundException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public ResourceNotFoundException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ResourceNotFoundException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public ResourceNotFoundException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>The request was throttled; it was retried with backoff before this was reported. (Cognito Identity's <c>TooManyRequestsException</c>.)</summary>
    public class TooManyRequestsException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public TooManyRequestsException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public TooManyRequestsException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public TooManyRequestsException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public TooManyRequestsException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public TooManyRequestsException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>A service limit was exceeded. (Cognito Identity's <c>LimitExceededException</c>.)</summary>
    public class LimitExceededException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public LimitExceededException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public LimitExceededException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public LimitExceededException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public LimitExceededException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public LimitExceededException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>The service rejected a parameter (pool id, logins map, role ARN...). (Cognito Identity's <c>InvalidParameterException</c>.)</summary>
    public class InvalidParameterException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidParameterException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public InvalidParameterException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public InvalidParameterException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidParameterException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public InvalidParameterException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>The identity pool's roles are not set up for this request. (Cognito Identity's <c>InvalidIdentityPoolConfigurationException</c>.)</summary>
    public class InvalidIdentityPoolConfigurationException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidIdentityPoolConfigurationException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public InvalidIdentityPoolConfigurationException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public InvalidIdentityPoolConfigurationException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidIdentityPoolConfigurationException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public InvalidIdentityPoolConfigurationException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>A conflicting operation (e.g. a login already linked to another identity). (Cognito Identity's <c>ResourceConflictException</c>.)</summary>
    public class ResourceConflictException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ResourceConflictException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public ResourceConflictException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public ResourceConflictException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ResourceConflictException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public ResourceConflictException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>A login provider the service called failed. (Cognito Identity's <c>ExternalServiceException</c>.)</summary>
    public class ExternalServiceException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ExternalServiceException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public ExternalServiceException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public ExternalServiceException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ExternalServiceException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public ExternalServiceException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>The service had an internal error (also unclassified 5xx answers). (Cognito Identity's <c>InternalErrorException</c>.)</summary>
    public class InternalErrorException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InternalErrorException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public InternalErrorException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public InternalErrorException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InternalErrorException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public InternalErrorException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>Base of the errors of AWS STS in the basic flow (as <c>Amazon.SecurityToken.AmazonSecurityTokenServiceException</c>); also <c>AccessDenied</c> and <c>ValidationError</c>.</summary>
    public class AmazonSecurityTokenServiceException : AmazonServiceException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public AmazonSecurityTokenServiceException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public AmazonSecurityTokenServiceException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public AmazonSecurityTokenServiceException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public AmazonSecurityTokenServiceException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public AmazonSecurityTokenServiceException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>The native classification of the error (<see cref="CognitoErrorKind.None"/> for one
        /// made by other code).</summary>
        public CognitoErrorKind ErrorKind
        {
            get { return Details == null ? CognitoErrorKind.None : Details.Kind; }
        }

        /// <summary>Null when trying again cannot help; else how to retry. The engine has already retried
        /// such errors a bounded number of times, with backoff.</summary>
        public override RetryableDetails Retryable
        {
            get { return Details == null ? null : Details.Retryable; }
        }

        internal ErrorDetails Details { get; set; }
    }

    /// <summary>STS rejected the OpenID token (basic flow). (STS's <c>InvalidIdentityTokenException</c>.)</summary>
    public class InvalidIdentityTokenException : AmazonSecurityTokenServiceException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidIdentityTokenException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public InvalidIdentityTokenException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public InvalidIdentityTokenException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidIdentityTokenException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public InvalidIdentityTokenException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>The OpenID token expired before STS received it (basic flow). (STS's <c>ExpiredTokenException</c>.)</summary>
    public class ExpiredTokenException : AmazonSecurityTokenServiceException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public ExpiredTokenException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public ExpiredTokenException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public ExpiredTokenException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public ExpiredTokenException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public ExpiredTokenException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>STS could not reach the identity provider (basic flow). (STS's <c>IDPCommunicationErrorException</c>.)</summary>
    public class IDPCommunicationErrorException : AmazonSecurityTokenServiceException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public IDPCommunicationErrorException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public IDPCommunicationErrorException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public IDPCommunicationErrorException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public IDPCommunicationErrorException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public IDPCommunicationErrorException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>The identity provider rejected the claim (basic flow). (STS's <c>IDPRejectedClaimException</c>.)</summary>
    public class IDPRejectedClaimException : AmazonSecurityTokenServiceException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public IDPRejectedClaimException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public IDPRejectedClaimException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public IDPRejectedClaimException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public IDPRejectedClaimException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public IDPRejectedClaimException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>STS is not activated in the region (basic flow). (STS's <c>RegionDisabledException</c>.)</summary>
    public class RegionDisabledException : AmazonSecurityTokenServiceException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public RegionDisabledException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and a cause.</summary>
        public RegionDisabledException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a cause.</summary>
        public RegionDisabledException(Exception innerException)
            : base(innerException)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public RegionDisabledException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates the exception with every detail but a cause.</summary>
        public RegionDisabledException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, errorType, errorCode, requestId, statusCode)
        {
        }
    }

    /// <summary>An error on this side of the wire (network, timeout, an answer AWS does not send, a
    /// failing logins provider or identity store), as the AWS SDK reports its own with
    /// <see cref="AmazonClientException"/>.</summary>
    public class CognitoClientException : AmazonClientException
    {
        /// <summary>Creates the exception for the engine's error.</summary>
        public CognitoClientException(string message, global::CognitoNative.AmazonCognitoIdentityException innerException)
            : base(message, innerException)
        {
            ErrorKind = innerException == null ? CognitoErrorKind.None : innerException.ErrorKind;
            ErrorCode = innerException == null ? null : innerException.ErrorCode;
            IsRetryable = innerException != null && innerException.Retryable != null;
        }

        /// <summary>The library's name of the error (e.g. <c>NetworkError</c>).</summary>
        public string ErrorCode { get; private set; }

        /// <summary>The native classification of the error.</summary>
        public CognitoErrorKind ErrorKind { get; private set; }

        /// <summary>Whether trying again later may succeed (network, timeouts); already retried.</summary>
        public bool IsRetryable { get; private set; }
    }
}
