using System;

namespace CognitoNative.Interop
{
    /// <summary>
    /// Turns native statuses and <c>cognito_error_t</c>s into exceptions: the checked-wrapper layer
    /// between <see cref="NativeMethods"/> and the public API.
    /// </summary>
    internal static unsafe class Errors
    {
        /// <summary>Throws the exception for a failed synchronous call.</summary>
        internal static void Check(CognitoStatus status, string function)
        {
            if (status != CognitoStatus.Ok)
            {
                throw ForStatus(status, function);
            }
        }

        /// <summary>The exception for a failed synchronous call. Must run on the calling thread right after
        /// the call: it reads the thread's last error, its kind first (reading the message clears both).
        /// A misuse is the .NET exception of its status (<see cref="ArgumentException"/>...), with the
        /// library's classification, when it has one, as its <see cref="Exception.InnerException"/>;
        /// a failure is the AWS-named exception of its kind.</summary>
        internal static Exception ForStatus(CognitoStatus status, string function)
        {
            var kind = NativeMethods.cognito_last_error_kind();
            var message = Utf8.TakeNative(NativeMethods.cognito_last_error_message())
                ?? function + " failed with status " + (int)status;
            switch (status)
            {
                case CognitoStatus.ErrNullArgument:
                    return new ArgumentNullException(null, message);
                case CognitoStatus.ErrInvalidUtf8:
                case CognitoStatus.ErrInvalidArgument:
                    return new ArgumentException(message, Classified(kind, message));
                case CognitoStatus.ErrInvalidHandle:
                    return new ObjectDisposedException(typeof(CognitoAWSCredentials).Name, message);
                case CognitoStatus.ErrCancelled:
                    return new OperationCanceledException(message, Classified(kind, message));
                case CognitoStatus.ErrShutDown:
                case CognitoStatus.ErrWrongThread:
                    return new InvalidOperationException(message, Classified(kind, message));
                case CognitoStatus.ErrPanic:
                    return new InternalLibraryException(message);
                default:
                    return Classified(kind, message) ?? new AmazonCognitoIdentityException(message);
            }
        }

        /// <summary>The exception of a synchronous failure's kind, or null if it has none. The library
        /// words such a failure "Code: message" (its <c>Error</c>'s Display): the code and the message
        /// are taken apart, as an asynchronous failure's <c>cognito_error_t</c> has them.</summary>
        private static AmazonCognitoIdentityException Classified(CognitoErrorKind kind, string text)
        {
            if (kind == CognitoErrorKind.None)
            {
                return null;
            }
            var colon = text.IndexOf(": ", StringComparison.Ordinal);
            return colon > 0
                ? Create(kind, text.Substring(0, colon), text.Substring(colon + 2), false, null)
                : Create(kind, null, text, false, null);
        }

        /// <summary>The exception for a failed asynchronous call, from its callback's arguments
        /// (valid only during the callback). Cancellation is handled by the caller.</summary>
        internal static Exception FromCallback(CognitoStatus status, IntPtr error)
        {
            if (error == IntPtr.Zero)
            {
                return status == CognitoStatus.ErrInvalidHandle
                    ? (Exception)new ObjectDisposedException(typeof(CognitoAWSCredentials).Name)
                    : new AmazonCognitoIdentityException("The operation failed with status " + (int)status + ".");
            }
            var e = (NativeError*)error;
            var message = Utf8.FromNative(e->Message);
            switch (status)
            {
                case CognitoStatus.ErrInvalidHandle:
                case CognitoStatus.ErrShutDown:
                    return new ObjectDisposedException(typeof(CognitoAWSCredentials).Name, message);
                case CognitoStatus.ErrPanic:
                    return new InternalLibraryException(message);
            }
            var exception = Create(
                e->Kind,
                Utf8.FromNative(e->Code),
                message,
                e->Retryable != 0,
                Utf8.FromNative(e->RequestId));
            if (e->HttpStatus != 0)
            {
                exception.UseHttpStatus(e->HttpStatus);
            }
            return exception;
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
                case CognitoErrorKind.UserNotFound: return new UserNotFoundException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.UserNotConfirmed: return new UserNotConfirmedException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.PasswordResetRequired: return new PasswordResetRequiredException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.CodeMismatch: return new CodeMismatchException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.ExpiredCode: return new ExpiredCodeException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidPassword: return new InvalidPasswordException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.UsernameExists: return new UsernameExistsException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.AliasExists: return new AliasExistsException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.CodeDeliveryFailure: return new CodeDeliveryFailureException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.InvalidUserPoolConfiguration: return new InvalidUserPoolConfigurationException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.TooManyFailedAttempts: return new TooManyFailedAttemptsException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.MfaMethodNotFound: return new MFAMethodNotFoundException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.SoftwareTokenMfaNotFound: return new SoftwareTokenMFANotFoundException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.EnableSoftwareTokenMfa: return new EnableSoftwareTokenMFAException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.UserLambdaValidation: return new UserLambdaValidationException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.Forbidden: return new ForbiddenException(message, kind, code, retryable, requestId);
                case CognitoErrorKind.UnsupportedChallenge: return new UnsupportedChallengeException(message, kind, code, retryable, requestId);
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
