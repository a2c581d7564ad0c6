//! Typed errors: the kind as AWS names it, the message, whether a retry may help, and the request id.

use std::fmt;

/// The one list of error kinds: variant, stable number, and the name AWS gives it (ours for local
/// kinds). It defines [`ErrorKind`] below and the C enum `cognito_error_kind_t` of the header
/// (`src/ffi/types.rs`); the C# package's numbers are checked against the header.
macro_rules! error_kinds {
    ($define:ident) => {
        $define! {
            // Cognito Identity service errors.
            NotAuthorized = 1 => "NotAuthorizedException",
            ResourceNotFound = 2 => "ResourceNotFoundException",
            TooManyRequests = 3 => "TooManyRequestsException",
            LimitExceeded = 4 => "LimitExceededException",
            InvalidParameter = 5 => "InvalidParameterException",
            InvalidIdentityPoolConfiguration = 6 => "InvalidIdentityPoolConfigurationException",
            ResourceConflict = 7 => "ResourceConflictException",
            ExternalService = 8 => "ExternalServiceException",
            InternalError = 9 => "InternalErrorException",
            // STS service errors.
            InvalidIdentityToken = 20 => "InvalidIdentityTokenException",
            ExpiredToken = 21 => "ExpiredTokenException",
            IdpCommunicationError = 22 => "IDPCommunicationErrorException",
            IdpRejectedClaim = 23 => "IDPRejectedClaimException",
            AccessDenied = 24 => "AccessDeniedException",
            Validation = 25 => "ValidationException",
            RegionDisabled = 26 => "RegionDisabledException",
            // Cognito user pool errors.
            UserNotFound = 30 => "UserNotFoundException",
            UserNotConfirmed = 31 => "UserNotConfirmedException",
            PasswordResetRequired = 32 => "PasswordResetRequiredException",
            CodeMismatch = 33 => "CodeMismatchException",
            ExpiredCode = 34 => "ExpiredCodeException",
            InvalidPassword = 35 => "InvalidPasswordException",
            UsernameExists = 36 => "UsernameExistsException",
            AliasExists = 37 => "AliasExistsException",
            CodeDeliveryFailure = 38 => "CodeDeliveryFailureException",
            InvalidUserPoolConfiguration = 39 => "InvalidUserPoolConfigurationException",
            TooManyFailedAttempts = 40 => "TooManyFailedAttemptsException",
            MfaMethodNotFound = 41 => "MFAMethodNotFoundException",
            SoftwareTokenMfaNotFound = 42 => "SoftwareTokenMFANotFoundException",
            EnableSoftwareTokenMfa = 43 => "EnableSoftwareTokenMFAException",
            UserLambdaValidation = 44 => "UserLambdaValidationException",
            Forbidden = 45 => "ForbiddenException",
            /// A service error code this library does not know; the error's code is the name it sent.
            UnknownService = 49 => "AmazonServiceException",
            // Local errors.
            /// Could not connect, or the connection broke.
            Network = 50 => "NetworkError",
            /// An attempt took longer than the configured timeout.
            Timeout = 51 => "TimeoutError",
            /// The server answered something AWS does not send (bad JSON/XML, missing fields, huge body...).
            InvalidResponse = 52 => "InvalidResponseError",
            /// The configuration is not usable (bad pool id, region, endpoint...).
            InvalidConfig = 53 => "InvalidConfigError",
            /// An argument is not valid (too many logins, empty token...).
            InvalidInput = 54 => "InvalidInputError",
            /// The call was cancelled (by its caller, by freeing the provider or by shutdown).
            Cancelled = 55 => "CancelledError",
            /// The host's logins provider failed or did not answer in time.
            LoginsProvider = 56 => "LoginsProviderError",
            /// The identity store failed.
            Store = 57 => "IdentityStoreError",
            /// A bug in this library (a panic caught at a boundary).
            Internal = 58 => "InternalLibraryError",
            /// The user pool asked for a sign-in challenge this library cannot answer.
            UnsupportedChallenge = 59 => "UnsupportedChallengeError",
        }
    };
}
pub(crate) use error_kinds;

macro_rules! define_error_kind {
    ($($(#[$doc:meta])* $kind:ident = $number:literal => $aws_name:literal,)*) => {
        /// What went wrong. Service kinds carry the AWS exception name (see [`ErrorKind::aws_name`]).
        ///
        /// The discriminants are stable: the C ABI hands them out as numbers, and a number is never
        /// reused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $($(#[$doc])* $kind = $number,)*
        }

        impl ErrorKind {
            /// The name AWS gives this error (`NotAuthorizedException`), or ours for local kinds.
            pub fn aws_name(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $aws_name,)*
                }
            }
        }
    };
}
error_kinds!(define_error_kind);

impl ErrorKind {
    /// Maps an AWS error code (`__type` without prefix, or an STS `Code`) to a kind.
    pub fn from_aws_code(code: &str) -> ErrorKind {
        use ErrorKind::*;
        match code.strip_suffix("Exception").unwrap_or(code) {
            "NotAuthorized" => NotAuthorized,
            "ResourceNotFound" => ResourceNotFound,
            "TooManyRequests" | "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => {
                TooManyRequests
            }
            "LimitExceeded" => LimitExceeded,
            "InvalidParameter" => InvalidParameter,
            "InvalidIdentityPoolConfiguration" => InvalidIdentityPoolConfiguration,
            "ResourceConflict" => ResourceConflict,
            "ExternalService" => ExternalService,
            "InternalError" | "InternalFailure" | "ServiceUnavailable" => InternalError,
            "InvalidIdentityToken" => InvalidIdentityToken,
            "ExpiredToken" => ExpiredToken,
            "IDPCommunicationError" => IdpCommunicationError,
            "IDPRejectedClaim" => IdpRejectedClaim,
            "AccessDenied" => AccessDenied,
            "Validation" | "ValidationError" => Validation,
            "RegionDisabled" => RegionDisabled,
            "UserNotFound" => UserNotFound,
            "UserNotConfirmed" => UserNotConfirmed,
            "PasswordResetRequired" => PasswordResetRequired,
            "CodeMismatch" => CodeMismatch,
            "ExpiredCode" => ExpiredCode,
            "InvalidPassword" => InvalidPassword,
            "UsernameExists" => UsernameExists,
            "AliasExists" => AliasExists,
            "CodeDeliveryFailure" => CodeDeliveryFailure,
            "InvalidUserPoolConfiguration" => InvalidUserPoolConfiguration,
            "TooManyFailedAttempts" => TooManyFailedAttempts,
            "MFAMethodNotFound" => MfaMethodNotFound,
            "SoftwareTokenMFANotFound" => SoftwareTokenMfaNotFound,
            "EnableSoftwareTokenMFA" => EnableSoftwareTokenMfa,
            "UserLambdaValidation" => UserLambdaValidation,
            "Forbidden" => Forbidden,
            _ => UnknownService,
        }
    }

    /// Whether AWS's standard retry policy would try again after this kind of error.
    pub fn is_retryable(self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            TooManyRequests
                | LimitExceeded
                | InternalError
                | IdpCommunicationError
                | Network
                | Timeout
        )
    }
}

/// An error from the provider. `Display` shows `kind: message`; no secrets are ever part of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    code: String,
    message: String,
    retryable: bool,
    request_id: Option<String>,
    http_status: Option<u16>,
}

/// Longest message kept from a server answer: a hostile server cannot make us carry megabytes around.
const MAX_MESSAGE_LEN: usize = 1024;

impl Error {
    /// A local error of `kind`, retryable as the kind says.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            code: kind.aws_name().to_owned(),
            message: message.into(),
            retryable: kind.is_retryable(),
            request_id: None,
            http_status: None,
        }
    }

    /// An error the service answered with. `code` is the AWS name (prefixes already stripped).
    pub(crate) fn service(
        code: &str,
        message: &str,
        http_status: u16,
        request_id: Option<String>,
    ) -> Error {
        let mut kind = ErrorKind::from_aws_code(code);
        if kind == ErrorKind::UnknownService && http_status >= 500 {
            kind = ErrorKind::InternalError;
        }
        let retryable = kind.is_retryable() || matches!(http_status, 500 | 502 | 503 | 504);
        let code = if code.is_empty() {
            kind.aws_name()
        } else {
            code
        };
        Error {
            kind,
            code: truncate(code, 128).to_owned(),
            message: truncate(message, MAX_MESSAGE_LEN).to_owned(),
            retryable,
            request_id,
            http_status: Some(http_status),
        }
    }

    pub(crate) fn invalid_response(
        message: impl Into<String>,
        request_id: Option<String>,
    ) -> Error {
        Error {
            request_id,
            ..Error::new(ErrorKind::InvalidResponse, message)
        }
    }

    /// The same error, never retried (a local give-up that retrying would only repeat).
    pub(crate) fn not_retryable(self) -> Error {
        Error {
            retryable: false,
            ..self
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn invalid_config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidConfig, message)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The error's name as AWS gives it (`NotAuthorizedException`); for unknown service errors the
    /// code the server sent.
    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The AWS request id (`x-amzn-RequestId`), when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// A cached identity id the service no longer accepts: it was deleted, or access to it is
    /// forbidden. The provider then drops it and gets a new one.
    pub(crate) fn is_stale_identity(&self) -> bool {
        match self.kind {
            ErrorKind::ResourceNotFound => !self.message.contains("IdentityPool"),
            ErrorKind::NotAuthorized => {
                let m = self.message.to_ascii_lowercase();
                m.contains("access to identity") && m.contains("forbidden")
            }
            _ => false,
        }
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("retryable", &self.retryable)
            .field("request_id", &self.request_id)
            .field("http_status", &self.http_status)
            .finish()
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds_with_or_without_suffix() {
        assert_eq!(
            ErrorKind::from_aws_code("NotAuthorizedException"),
            ErrorKind::NotAuthorized
        );
        assert_eq!(
            ErrorKind::from_aws_code("InvalidIdentityToken"),
            ErrorKind::InvalidIdentityToken
        );
        assert_eq!(
            ErrorKind::from_aws_code("ValidationError"),
            ErrorKind::Validation
        );
        assert_eq!(
            ErrorKind::from_aws_code("Whatever"),
            ErrorKind::UnknownService
        );
    }

    #[test]
    fn retryability_follows_kind_and_status() {
        assert!(
            Error::service("TooManyRequestsException", "Rate exceeded", 400, None).is_retryable()
        );
        assert!(!Error::service("NotAuthorizedException", "no", 400, None).is_retryable());
        assert!(!Error::service("InvalidParameterException", "no", 400, None).is_retryable());
        let unknown_5xx = Error::service("", "", 503, None);
        assert_eq!(unknown_5xx.kind(), ErrorKind::InternalError);
        assert!(unknown_5xx.is_retryable());
        assert_eq!(unknown_5xx.code(), "InternalErrorException");
    }

    #[test]
    fn stale_identity_is_recognised_only_for_identities() {
        let gone = Error::service(
            "ResourceNotFoundException",
            "Identity 'us-east-1:x' not found.",
            400,
            None,
        );
        assert!(gone.is_stale_identity());
        let pool = Error::service(
            "ResourceNotFoundException",
            "IdentityPool 'us-east-1:x' not found.",
            400,
            None,
        );
        assert!(!pool.is_stale_identity());
        let forbidden = Error::service(
            "NotAuthorizedException",
            "Access to Identity 'us-east-1:x' is forbidden.",
            400,
            None,
        );
        assert!(forbidden.is_stale_identity());
        let bad_token = Error::service("NotAuthorizedException", "Invalid login token.", 400, None);
        assert!(!bad_token.is_stale_identity());
    }

    #[test]
    fn long_messages_are_truncated_on_a_char_boundary() {
        let msg = "é".repeat(2000);
        let e = Error::service("X", &msg, 400, None);
        assert!(e.message().len() <= MAX_MESSAGE_LEN);
        assert!(e.message().chars().all(|c| c == 'é'));
    }
}
