using System;
using System.Net;
using System.Runtime.Serialization;

namespace CognitoNative
{
    /// <summary>
    /// Base of every error an operation of <see cref="CognitoAWSCredentials"/> reports: the service's
    /// errors under the names AWS gives them (<see cref="NotAuthorizedException"/>, ...) and local
    /// ones (<see cref="NetworkException"/>, ...), with the members of the AWS SDK's
    /// <c>AmazonServiceException</c> (<see cref="ErrorCode"/>, <see cref="ErrorType"/>,
    /// <see cref="RequestId"/>, <see cref="StatusCode"/>, <see cref="Retryable"/>). Cancellation is
    /// reported as <see cref="OperationCanceledException"/>, misuse as <see cref="ArgumentException"/>,
    /// <see cref="ObjectDisposedException"/> or <see cref="InvalidOperationException"/>; when the
    /// library classified a misuse (e.g. <see cref="CognitoErrorKind.InvalidConfig"/> for a malformed
    /// pool id), that exception's <see cref="Exception.InnerException"/> is the one of its kind
    /// (<see cref="InvalidConfigurationException"/>). Messages never hold a secret.
    /// </summary>
    [Serializable]
    public class AmazonCognitoIdentityException : Exception
    {
        private readonly RetryableDetails _retryable;

        /// <summary>Creates an exception with a message only.</summary>
        public AmazonCognitoIdentityException(string message)
            : this(message, CognitoErrorKind.None, null, false, null)
        {
        }

        /// <summary>Creates an exception with a message and a cause (as the AWS SDK's constructor).</summary>
        public AmazonCognitoIdentityException(string message, Exception innerException)
            : this(message, CognitoErrorKind.None, null, false, null, innerException)
        {
        }

        /// <summary>Creates an exception for a cause, with its message (as the AWS SDK's constructor).</summary>
        public AmazonCognitoIdentityException(Exception innerException)
            : this(innerException == null ? null : innerException.Message, CognitoErrorKind.None, null, false, null, innerException)
        {
        }

        /// <summary>Creates an exception with the AWS SDK's details (not retryable, as the AWS SDK's base exception).</summary>
        public AmazonCognitoIdentityException(
            string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : this(message, null, errorType, errorCode, requestId, statusCode)
        {
        }

        /// <summary>Creates an exception with the AWS SDK's details and a cause (not retryable, as the AWS SDK's base exception).</summary>
        public AmazonCognitoIdentityException(
            string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : this(message, CognitoErrorKind.None, errorCode, false, requestId, innerException)
        {
            ErrorType = errorType;
            StatusCode = statusCode;
        }

        /// <summary>Creates an exception with every detail of the library's error.</summary>
        /// <param name="message">What went wrong.</param>
        /// <param name="kind">The native classification.</param>
        /// <param name="errorCode">The error's name as AWS gives it, e.g. <c>NotAuthorizedException</c>.</param>
        /// <param name="retryable">Whether trying again later may succeed.</param>
        /// <param name="requestId">The AWS request id, if any.</param>
        /// <param name="innerException">The cause, if any.</param>
        public AmazonCognitoIdentityException(
            string message,
            CognitoErrorKind kind,
            string errorCode,
            bool retryable,
            string requestId,
            Exception innerException = null)
            : base(message, innerException)
        {
            ErrorKind = kind;
            ErrorCode = errorCode;
            RequestId = requestId;
            StatusCode = StatusFor(kind);
            ErrorType = TypeFor(StatusCode);
            _retryable = retryable ? new RetryableDetails(IsThrottling(kind)) : null;
        }

        /// <summary>Deserializes an exception (e.g. across AppDomains).</summary>
        protected AmazonCognitoIdentityException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
            ErrorKind = (CognitoErrorKind)info.GetInt32("ErrorKind");
            ErrorCode = info.GetString("ErrorCode");
            RequestId = info.GetString("RequestId");
            ErrorType = (ErrorType)info.GetInt32("ErrorType");
            StatusCode = (HttpStatusCode)info.GetInt32("StatusCode");
            _retryable = info.GetBoolean("Retryable") ? new RetryableDetails(info.GetBoolean("Throttling")) : null;
        }

        /// <summary>The error's name as AWS gives it (e.g. <c>NotAuthorizedException</c>), or the library's
        /// name for local errors (e.g. <c>NetworkError</c>).</summary>
        public string ErrorCode { get; set; }

        /// <summary>Whether the service attributes the error to the request (<see cref="CognitoNative.ErrorType.Sender"/>,
        /// a 4xx answer) or to itself (<see cref="CognitoNative.ErrorType.Receiver"/>, 5xx);
        /// <see cref="CognitoNative.ErrorType.Unknown"/> for errors that are not a service's answer.</summary>
        public ErrorType ErrorType { get; set; }

        /// <summary>The AWS request id of the failed request, when the service sent one.</summary>
        public string RequestId { get; set; }

        /// <summary>
        /// The HTTP status of the service's answer; 0 for errors that are not one (network, local).
        /// The native library does not report the status it received yet: this is the status Cognito and
        /// STS answer such errors with, 400 for an error of the request and 500 for
        /// <c>InternalErrorException</c> (and unclassified 5xx answers).
        /// </summary>
        public HttpStatusCode StatusCode { get; set; }

        /// <summary>Null when trying again cannot help; else how to retry
        /// (<see cref="RetryableDetails.Throttling"/> for throttling). The library has already retried
        /// such errors a bounded number of times, with backoff.</summary>
        public virtual RetryableDetails Retryable
        {
            get { return _retryable; }
        }

        /// <summary>The native classification of the error.</summary>
        public CognitoErrorKind ErrorKind { get; private set; }

        /// <inheritdoc />
        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue("ErrorKind", (int)ErrorKind);
            info.AddValue("ErrorCode", ErrorCode);
            info.AddValue("RequestId", RequestId);
            info.AddValue("ErrorType", (int)ErrorType);
            info.AddValue("StatusCode", (int)StatusCode);
            info.AddValue("Retryable", _retryable != null);
            info.AddValue("Throttling", _retryable != null && _retryable.Throttling);
        }

        /// <summary>The status Cognito and STS answer an error of <paramref name="kind"/> with (their JSON and
        /// query protocols send 400 for every error of the request), 0 for local errors.</summary>
        /// <summary>The status the service answered with (instead of the one inferred from the
        /// kind), and the error type it implies.</summary>
        internal void UseHttpStatus(int status)
        {
            StatusCode = (HttpStatusCode)status;
            ErrorType = TypeFor(StatusCode);
        }

        internal static HttpStatusCode StatusFor(CognitoErrorKind kind)
        {
            var n = (int)kind;
            if (kind == CognitoErrorKind.InternalError)
            {
                return HttpStatusCode.InternalServerError;
            }
            return n >= 1 && n <= 49 ? HttpStatusCode.BadRequest : (HttpStatusCode)0;
        }

        private static ErrorType TypeFor(HttpStatusCode status)
        {
            var n = (int)status;
            return n >= 500 ? ErrorType.Receiver : n >= 400 ? ErrorType.Sender : ErrorType.Unknown;
        }

        private static bool IsThrottling(CognitoErrorKind kind)
        {
            return kind == CognitoErrorKind.TooManyRequests || kind == CognitoErrorKind.LimitExceeded;
        }
    }
}
