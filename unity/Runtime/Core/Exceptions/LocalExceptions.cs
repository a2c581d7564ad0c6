using System;
using System.Runtime.Serialization;

// Errors raised on this side of the wire. One class per native error kind.
namespace CognitoNative
{
    /// <summary>Could not connect to the service, or the connection broke (after the library's retries).</summary>
    [Serializable]
    public class NetworkException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public NetworkException(string message)
            : base(message, CognitoErrorKind.Network, "NetworkError", true, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public NetworkException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected NetworkException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>A request attempt took longer than the configured timeout (after the library's retries).</summary>
    [Serializable]
    public class RequestTimeoutException : NetworkException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public RequestTimeoutException(string message)
            : base(message, CognitoErrorKind.Timeout, "TimeoutError", true, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public RequestTimeoutException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected RequestTimeoutException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The server answered something AWS does not send (bad JSON/XML, missing fields, huge body).</summary>
    [Serializable]
    public class InvalidResponseException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidResponseException(string message)
            : base(message, CognitoErrorKind.InvalidResponse, "InvalidResponseError", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidResponseException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidResponseException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The configuration is not usable (pool id, region, endpoint, CA bundle...).</summary>
    [Serializable]
    public class InvalidConfigurationException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidConfigurationException(string message)
            : base(message, CognitoErrorKind.InvalidConfig, "InvalidConfigError", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidConfigurationException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidConfigurationException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>An input is not valid (too many logins, empty token...).</summary>
    [Serializable]
    public class InvalidInputException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InvalidInputException(string message)
            : base(message, CognitoErrorKind.InvalidInput, "InvalidInputError", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InvalidInputException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InvalidInputException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>A logins provider registered with SetLoginsProvider, or a developer identity source (a
    /// RefreshIdentityAsync override, SetDeveloperIdentitySource), failed or did not answer in time.</summary>
    [Serializable]
    public class LoginsProviderException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public LoginsProviderException(string message)
            : base(message, CognitoErrorKind.LoginsProvider, "LoginsProviderError", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public LoginsProviderException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected LoginsProviderException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>The identity store failed.</summary>
    [Serializable]
    public class IdentityStoreException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public IdentityStoreException(string message)
            : base(message, CognitoErrorKind.Store, "IdentityStoreError", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public IdentityStoreException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected IdentityStoreException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }

    /// <summary>A bug in the native library (a panic it caught).</summary>
    [Serializable]
    public class InternalLibraryException : AmazonCognitoIdentityException
    {
        /// <summary>Creates the exception with a message only.</summary>
        public InternalLibraryException(string message)
            : base(message, CognitoErrorKind.Internal, "InternalLibraryError", false, null)
        {
        }

        /// <summary>Creates the exception with every detail.</summary>
        public InternalLibraryException(string message, CognitoErrorKind kind, string errorCode, bool retryable, string requestId, Exception innerException = null)
            : base(message, kind, errorCode, retryable, requestId, innerException)
        {
        }

        /// <summary>Deserializes the exception.</summary>
        protected InternalLibraryException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }
}
