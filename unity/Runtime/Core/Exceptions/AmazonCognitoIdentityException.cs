using System;
using System.Runtime.Serialization;

namespace CognitoNative
{
    /// <summary>
    /// Base of every error an operation of <see cref="CognitoAWSCredentials"/> reports: the service's
    /// errors under the names AWS gives them (<see cref="NotAuthorizedException"/>, ...) and local
    /// ones (<see cref="NetworkException"/>, ...). Cancellation is reported as
    /// <see cref="OperationCanceledException"/>, misuse as <see cref="ArgumentException"/>,
    /// <see cref="ObjectDisposedException"/> or <see cref="InvalidOperationException"/>; when the
    /// library classified a misuse (e.g. <see cref="CognitoErrorKind.InvalidConfig"/> for a malformed
    /// pool id), that exception's <see cref="Exception.InnerException"/> is the one of its kind
    /// (<see cref="InvalidConfigurationException"/>).
    /// </summary>
    [Serializable]
    public class AmazonCognitoIdentityException : Exception
    {
        /// <summary>Creates an exception with a message only.</summary>
        public AmazonCognitoIdentityException(string message)
            : this(message, CognitoErrorKind.None, null, false, null)
        {
        }

        /// <summary>Creates an exception with every detail.</summary>
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
            Retryable = retryable;
            RequestId = requestId;
        }

        /// <summary>Deserializes an exception (e.g. across AppDomains).</summary>
        protected AmazonCognitoIdentityException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
            ErrorKind = (CognitoErrorKind)info.GetInt32("ErrorKind");
            ErrorCode = info.GetString("ErrorCode");
            Retryable = info.GetBoolean("Retryable");
            RequestId = info.GetString("RequestId");
        }

        /// <summary>The error's name as AWS gives it (e.g. <c>NotAuthorizedException</c>), or the library's
        /// name for local errors (e.g. <c>NetworkError</c>).</summary>
        public string ErrorCode { get; private set; }

        /// <summary>The AWS request id of the failed request, when the service sent one.</summary>
        public string RequestId { get; private set; }

        /// <summary>Whether trying again later may succeed (throttling, 5xx, network). The library has
        /// already retried such errors a bounded number of times.</summary>
        public bool Retryable { get; private set; }

        /// <summary>The native classification of the error.</summary>
        public CognitoErrorKind ErrorKind { get; private set; }

        /// <inheritdoc />
        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue("ErrorKind", (int)ErrorKind);
            info.AddValue("ErrorCode", ErrorCode);
            info.AddValue("Retryable", Retryable);
            info.AddValue("RequestId", RequestId);
        }
    }
}
