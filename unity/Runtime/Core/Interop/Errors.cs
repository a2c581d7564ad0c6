using System;
using System.Collections.Generic;

namespace CognitoNative.Interop
{
    /// <summary>
    /// Turns native statuses and <c>cognito_error_t</c>s into exceptions: the checked-wrapper layer
    /// between <see cref="NativeMethods"/> and the public API.
    /// </summary>
    internal static unsafe class Errors
    {
        /// <summary>The native names of the error kinds (<c>ErrorKind::aws_name</c>), to classify the
        /// "Code: message" texts of synchronous failures.</summary>
        private static readonly Dictionary<string, CognitoErrorKind> KindsByCode = new Dictionary<string, CognitoErrorKind>
        {
            { "NotAuthorizedException", CognitoErrorKind.NotAuthorized },
            { "ResourceNotFoundException", CognitoErrorKind.ResourceNotFound },
            { "TooManyRequestsException", CognitoErrorKind.TooManyRequests },
            { "LimitExceededException", CognitoErrorKind.LimitExceeded },
            { "InvalidParameterException", CognitoErrorKind.InvalidParameter },
            { "InvalidIdentityPoolConfigurationException", CognitoErrorKind.InvalidIdentityPoolConfiguration },
            { "ResourceConflictException", CognitoErrorKind.ResourceConflict },
            { "ExternalServiceException", CognitoErrorKind.ExternalService },
            { "InternalErrorException", CognitoErrorKind.InternalError },
            { "InvalidIdentityTokenException", CognitoErrorKind.InvalidIdentityToken },
            { "ExpiredTokenException", CognitoErrorKind.ExpiredToken },
            { "IDPCommunicationErrorException", CognitoErrorKind.IdpCommunicationError },
            { "IDPRejectedClaimException", CognitoErrorKind.IdpRejectedClaim },
            { "AccessDeniedException", CognitoErrorKind.AccessDenied },
            { "ValidationException", CognitoErrorKind.Validation },
            { "RegionDisabledException", CognitoErrorKind.RegionDisabled },
            { "NetworkError", CognitoErrorKind.Network },
            { "TimeoutError", CognitoErrorKind.Timeout },
            { "InvalidResponseError", CognitoErrorKind.InvalidResponse },
            { "InvalidConfigError", CognitoErrorKind.InvalidConfig },
            { "InvalidInputError", CognitoErrorKind.InvalidInput },
            { "CancelledError", CognitoErrorKind.Cancelled },
            { "LoginsProviderError", CognitoErrorKind.LoginsProvider },
            { "IdentityStoreError", CognitoErrorKind.Store },
            { "InternalLibraryError", CognitoErrorKind.Internal },
        };

        /// <summary>Throws the exception for a failed synchronous call.</summary>
        internal static void Check(int status, string function)
        {
            if (status != NativeMethods.StatusOk)
            {
                throw ForStatus(status, function);
            }
        }

        /// <summary>The exception for a failed synchronous call. Must run on the calling thread right after
        /// the call: it reads the thread's last error message.</summary>
        internal static Exception ForStatus(int status, string function)
        {
            var message = Utf8.TakeNative(NativeMethods.cognito_last_error_message())
                ?? function + " failed with status " + status;
            switch (status)
            {
                case NativeMethods.StatusNullArgument:
                    return new ArgumentNullException(null, message);
                case NativeMethods.StatusInvalidUtf8:
                case NativeMethods.StatusInvalidArgument:
                    return new ArgumentException(message);
                case NativeMethods.StatusInvalidHandle:
                    return new ObjectDisposedException(typeof(CognitoAWSCredentials).Name, message);
                case NativeMethods.StatusCancelled:
                    return new OperationCanceledException(message);
                case NativeMethods.StatusShutDown:
                case NativeMethods.StatusWrongThread:
                    return new InvalidOperationException(message);
                case NativeMethods.StatusPanic:
                    return new InternalLibraryException(message);
                default:
                    return FromText(message);
            }
        }

        /// <summary>The exception for a failed asynchronous call, from its callback's arguments
        /// (valid only during the callback). Cancellation is handled by the caller.</summary>
        internal static Exception FromCallback(int status, IntPtr error)
        {
            if (error == IntPtr.Zero)
            {
                return status == NativeMethods.StatusInvalidHandle
                    ? (Exception)new ObjectDisposedException(typeof(CognitoAWSCredentials).Name)
                    : new AmazonCognitoIdentityException("The operation failed with status " + status + ".");
            }
            var e = (NativeError*)error;
            var message = Utf8.FromNative(e->Message);
            switch (status)
            {
                case NativeMethods.StatusInvalidHandle:
                case NativeMethods.StatusShutDown:
                    return new ObjectDisposedException(typeof(CognitoAWSCredentials).Name, message);
                case NativeMethods.StatusPanic:
                    return new InternalLibraryException(message);
            }
            return Create(
                (CognitoErrorKind)e->Kind,
                Utf8.FromNative(e->Code),
                message,
                e->Retryable != 0,
                Utf8.FromNative(e->RequestId));
        }

        /// <summary>Parses the "Code: message (request id ...)" text of a synchronous failure.</summary>
        private static Exception FromText(string text)
        {
            var colon = text.IndexOf(": ", StringComparison.Ordinal);
            CognitoErrorKind kind;
            if (colon > 0 && KindsByCode.TryGetValue(text.Substring(0, colon), out kind))
            {
                return Create(kind, text.Substring(0, colon), text.Substring(colon + 2), false, null);
            }
            return new AmazonCognitoIdentityException(text);
        }

        /// <summary>The exception type AWS uses for <paramref name="kind"/>.</summary>
        internal static AmazonCognitoIdentityException Create(
            CognitoErrorKind kind, string code, string message, bool retryable, string requestId)
        {
            switch (kind)
            {
                case CognitoErrorKind.NotAuthorized: return new NotAuthorizedException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.ResourceNotFound: return new ResourceNotFoundException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.TooManyRequests: return new TooManyRequestsException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.LimitExceeded: return new LimitExceededException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidParameter: return new InvalidParameterException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidIdentityPoolConfiguration: return new InvalidIdentityPoolConfigurationException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.ResourceConflict: return new ResourceConflictException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.ExternalService: return new ExternalServiceException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InternalError: return new InternalErrorException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidIdentityToken: return new InvalidIdentityTokenException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.ExpiredToken: return new ExpiredTokenException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.IdpCommunicationError: return new IDPCommunicationErrorException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.IdpRejectedClaim: return new IDPRejectedClaimException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.AccessDenied: return new AccessDeniedException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.Validation: return new ValidationException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.RegionDisabled: return new RegionDisabledException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.Network: return new NetworkException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.Timeout: return new RequestTimeoutException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidResponse: return new InvalidResponseException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidConfig: return new InvalidConfigurationException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidInput: return new InvalidInputException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.LoginsProvider: return new LoginsProviderException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.Store: return new IdentityStoreException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.Internal: return new InternalLibraryException(message, kind, code, retryable, requestId);
                default: return new AmazonCognitoIdentityException(message, kind, code, retryable, requestId);
            }
        }
    }
}
