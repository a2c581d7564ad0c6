namespace CognitoNative
{
    /// <summary>
    /// Why an operation failed, as the native library classifies it: the library's
    /// <c>cognito_error_kind_t</c> (the <c>kind</c> of an asynchronous failure's <c>cognito_error_t</c>,
    /// and <c>cognito_last_error_kind()</c> of a synchronous one). The numbers are the library's, stable
    /// and never reused; each member is a <c>COGNITO_ERROR_KIND_*</c> name of
    /// <c>include/cognito_native.h</c> in PascalCase, and a test checks the two both ways.
    /// </summary>
    public enum CognitoErrorKind
    {
        /// <summary>No kind: an error raised by this package rather than the library, or one whose
        /// status says all there is (a null argument, a freed provider).</summary>
        None = 0,

        /// <summary>Cognito: <c>NotAuthorizedException</c>.</summary>
        NotAuthorized = 1,
        /// <summary>Cognito: <c>ResourceNotFoundException</c>.</summary>
        ResourceNotFound = 2,
        /// <summary>Cognito: <c>TooManyRequestsException</c> (also STS throttling).</summary>
        TooManyRequests = 3,
        /// <summary>Cognito: <c>LimitExceededException</c>.</summary>
        LimitExceeded = 4,
        /// <summary>Cognito: <c>InvalidParameterException</c>.</summary>
        InvalidParameter = 5,
        /// <summary>Cognito: <c>InvalidIdentityPoolConfigurationException</c>.</summary>
        InvalidIdentityPoolConfiguration = 6,
        /// <summary>Cognito: <c>ResourceConflictException</c>.</summary>
        ResourceConflict = 7,
        /// <summary>Cognito: <c>ExternalServiceException</c>.</summary>
        ExternalService = 8,
        /// <summary>Cognito: <c>InternalErrorException</c> (also unclassified 5xx answers).</summary>
        InternalError = 9,

        /// <summary>STS: <c>InvalidIdentityToken</c>.</summary>
        InvalidIdentityToken = 20,
        /// <summary>STS: <c>ExpiredTokenException</c>.</summary>
        ExpiredToken = 21,
        /// <summary>STS: <c>IDPCommunicationError</c>.</summary>
        IdpCommunicationError = 22,
        /// <summary>STS: <c>IDPRejectedClaim</c>.</summary>
        IdpRejectedClaim = 23,
        /// <summary>STS: <c>AccessDenied</c>.</summary>
        AccessDenied = 24,
        /// <summary>STS: <c>ValidationError</c>.</summary>
        Validation = 25,
        /// <summary>STS: <c>RegionDisabledException</c>.</summary>
        RegionDisabled = 26,
        /// <summary>User pools: <c>UserNotFoundException</c>.</summary>
        UserNotFound = 30,
        /// <summary>User pools: <c>UserNotConfirmedException</c>.</summary>
        UserNotConfirmed = 31,
        /// <summary>User pools: <c>PasswordResetRequiredException</c>.</summary>
        PasswordResetRequired = 32,
        /// <summary>User pools: <c>CodeMismatchException</c>.</summary>
        CodeMismatch = 33,
        /// <summary>User pools: <c>ExpiredCodeException</c>.</summary>
        ExpiredCode = 34,
        /// <summary>User pools: <c>InvalidPasswordException</c>.</summary>
        InvalidPassword = 35,
        /// <summary>User pools: <c>UsernameExistsException</c>.</summary>
        UsernameExists = 36,
        /// <summary>User pools: <c>AliasExistsException</c>.</summary>
        AliasExists = 37,
        /// <summary>User pools: <c>CodeDeliveryFailureException</c>.</summary>
        CodeDeliveryFailure = 38,
        /// <summary>User pools: <c>InvalidUserPoolConfigurationException</c>.</summary>
        InvalidUserPoolConfiguration = 39,
        /// <summary>User pools: <c>TooManyFailedAttemptsException</c>.</summary>
        TooManyFailedAttempts = 40,
        /// <summary>User pools: <c>MFAMethodNotFoundException</c>.</summary>
        MfaMethodNotFound = 41,
        /// <summary>User pools: <c>SoftwareTokenMFANotFoundException</c>.</summary>
        SoftwareTokenMfaNotFound = 42,
        /// <summary>User pools: <c>EnableSoftwareTokenMFAException</c>.</summary>
        EnableSoftwareTokenMfa = 43,
        /// <summary>User pools: <c>UserLambdaValidationException</c>.</summary>
        UserLambdaValidation = 44,
        /// <summary>User pools: <c>ForbiddenException</c>.</summary>
        Forbidden = 45,
        /// <summary>A service error this library does not know; <see cref="AmazonCognitoIdentityException.ErrorCode"/> has its name.</summary>
        UnknownService = 49,

        /// <summary>Could not connect, or the connection broke.</summary>
        Network = 50,
        /// <summary>An attempt took longer than the configured timeout.</summary>
        Timeout = 51,
        /// <summary>The server answered something AWS does not send.</summary>
        InvalidResponse = 52,
        /// <summary>The configuration is not usable (pool id, region, endpoint...).</summary>
        InvalidConfig = 53,
        /// <summary>An argument is not valid (too many logins, empty token...).</summary>
        InvalidInput = 54,
        /// <summary>The call was cancelled.</summary>
        Cancelled = 55,
        /// <summary>A logins provider failed or did not answer in time.</summary>
        LoginsProvider = 56,
        /// <summary>The identity store failed.</summary>
        Store = 57,
        /// <summary>A bug in the native library (a caught panic).</summary>
        Internal = 58,
        /// <summary>The user pool asked for a sign-in challenge the library cannot answer.</summary>
        UnsupportedChallenge = 59,
    }
}
