//! The C types: status codes, the error and credentials views, callback signatures, opaque handles.

#![allow(non_camel_case_types)]

use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use safer_ffi::c_char;
use safer_ffi::prelude::*;
use std::ffi::{c_void, CString};

/// Result of every function, and the status handed to callbacks. Numbers are stable.
#[derive_ReprC]
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum cognito_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    ErrNullArgument = 1,
    /// A string argument was not valid UTF-8.
    ErrInvalidUtf8 = 2,
    /// An argument was not valid (too long, malformed id, bad options JSON...).
    ErrInvalidArgument = 3,
    /// The provider handle is not (or no longer) valid: freed, forged, or from before a shutdown.
    ErrInvalidHandle = 4,
    /// Nothing there: no cached value, no such login, unknown or finished operation / request.
    ErrNotFound = 5,
    /// The operation was cancelled (by `cognito_cancel`, `cognito_provider_free` or shutdown).
    ErrCancelled = 6,
    /// The library is shut down; call `cognito_init` to use it again.
    ErrShutDown = 7,
    /// A bug in the library (a caught panic).
    ErrPanic = 8,
    /// The operation failed: the `cognito_error_t` (or `cognito_last_error_message`) says why.
    ErrFailed = 9,
    /// Called from a thread where it is not allowed (e.g. shutdown from a library callback).
    ErrWrongThread = 10,
}

macro_rules! define_c_error_kind {
    ($($(#[$doc:meta])* $kind:ident = $number:literal => $aws_name:literal,)*) => {
        /// What kind of error: the `kind` of a `cognito_error_t`, and of a synchronous failure
        /// (`cognito_last_error_kind`). Numbers are stable and never reused.
        #[derive_ReprC]
        #[repr(u32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum cognito_error_kind {
            /// No kind: the failure's status says all there is (e.g. a NULL argument).
            None = 0,
            $(#[doc = $aws_name] $(#[$doc])* $kind = $number,)*
        }

        impl From<ErrorKind> for cognito_error_kind {
            fn from(kind: ErrorKind) -> cognito_error_kind {
                match kind {
                    $(ErrorKind::$kind => cognito_error_kind::$kind,)*
                }
            }
        }
    };
}
crate::error::error_kinds!(define_c_error_kind);

/// Why an operation failed. Valid only during the callback that receives it.
#[derive_ReprC]
#[repr(C)]
pub struct cognito_error {
    /// Error kind: a `cognito_error_kind_t` (e.g. COGNITO_ERROR_KIND_NOT_AUTHORIZED).
    pub kind: u32,
    /// The error's name as AWS gives it, e.g. "NotAuthorizedException".
    pub code: *const c_char,
    pub message: *const c_char,
    /// Whether trying again later may succeed.
    pub retryable: bool,
    /// AWS request id, or NULL.
    pub request_id: *const c_char,
    /// The HTTP status of the service's answer, or 0 for a failure with no answer (network,
    /// timeout, local checks).
    pub http_status: u16,
}

/// Temporary AWS credentials, read-only. In a callback, valid only during it; from
/// `cognito_provider_cached_credentials`, valid until `cognito_credentials_free`.
#[derive_ReprC]
#[repr(C)]
pub struct cognito_credentials {
    pub access_key_id: *const c_char,
    pub secret_access_key: *const c_char,
    pub session_token: *const c_char,
    /// Expiration in seconds since the Unix epoch, as AWS gave it (server time).
    pub expiration: i64,
    pub identity_id: *const c_char,
}

/// An identity pool credentials provider. Opaque: the pointer is a handle, checked on every use.
#[derive_ReprC]
#[repr(opaque)]
pub struct cognito_provider {
    _private: (),
}

/// Completion of `cognito_provider_get_identity_id`: `identity_id` is set when status is
/// COGNITO_STATUS_OK, `error` otherwise.
pub type cognito_identity_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    identity_id: *const c_char,
    error: *const cognito_error,
);

/// Completion of `cognito_provider_get_credentials`: `credentials` is set when status is
/// COGNITO_STATUS_OK, `error` otherwise.
pub type cognito_credentials_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    credentials: *const cognito_credentials,
    error: *const cognito_error,
);

/// The identity id changed: `old_identity_id` is NULL when there was none.
pub type cognito_identity_changed_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    old_identity_id: *const c_char,
    new_identity_id: *const c_char,
);

/// The provider needs the current token of `provider_name`: answer (now or later, from any
/// thread) with `cognito_token_request_complete(request_id, ...)`.
pub type cognito_token_request_cb =
    unsafe extern "C" fn(user_data: *mut c_void, provider_name: *const c_char, request_id: u64);

/// The provider needs a developer-authenticated identity from your backend: answer (now or later,
/// from any thread) with `cognito_developer_identity_complete(request_id, ...)`.
pub type cognito_developer_identity_request_cb =
    unsafe extern "C" fn(user_data: *mut c_void, request_id: u64);

/// Completion of `cognito_developer_client_get_token`: `identity_id` and `token` are set when
/// status is COGNITO_STATUS_OK, `error` otherwise.
pub type cognito_developer_token_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    identity_id: *const c_char,
    token: *const c_char,
    error: *const cognito_error,
);

/// Completion of `cognito_developer_client_lookup`: on COGNITO_STATUS_OK, `identity_id` (nullable),
/// the `count` developer user ids in `developer_user_ids`, and `next_token` (nullable, for more).
pub type cognito_developer_lookup_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    identity_id: *const c_char,
    developer_user_ids: *const *const c_char,
    count: usize,
    next_token: *const c_char,
    error: *const cognito_error,
);

/// Completion of a call with no result (`cognito_developer_client_unlink`): `error` is set when
/// status is not COGNITO_STATUS_OK.
pub type cognito_done_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    error: *const cognito_error,
);

/// A game backend's client for the developer identity operations (SigV4-signed). Opaque handle.
#[derive_ReprC]
#[repr(opaque)]
pub struct cognito_developer_client {
    _private: (),
}

/// A log line; `level` is 1 error .. 5 trace. Secrets are never part of it.
pub type cognito_log_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    level: i32,
    target: *const c_char,
    message: *const c_char,
);

/// Identity store: writes the stored identity id for `pool_id` into `buffer` (NUL-terminated,
/// at most `capacity` bytes with the NUL) and returns its length, or 0 if there is none.
/// Called once, inside `cognito_provider_new`.
pub type cognito_store_load_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    pool_id: *const c_char,
    buffer: *mut c_char,
    capacity: usize,
) -> usize;

/// Identity store: keep `identity_id` for `pool_id`. Called on a library callback thread, before
/// the provider hands the id out; must not wait on the thread that uses the provider.
pub type cognito_store_save_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    pool_id: *const c_char,
    identity_id: *const c_char,
);

/// Identity store: forget the identity id of `pool_id`.
pub type cognito_store_clear_cb =
    unsafe extern "C" fn(user_data: *mut c_void, pool_id: *const c_char);

/// A store kept by the host (cognito_provider_new_with_stores): its three callbacks (each may be
/// NULL) and the user data they get. Read inside the call that takes it; `user_data` must stay
/// valid until the provider is freed.
#[derive_ReprC]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct cognito_store {
    /// Writes the value kept for `pool_id` into `buffer` (NUL-terminated, at most `capacity`
    /// bytes with the NUL) and returns its length, or 0 if there is none. When the length it
    /// returns does not fit (>= capacity), it is called once more with a buffer that fits.
    pub load: Option<cognito_store_load_cb>,
    /// Keeps `value` for `pool_id`, replacing the one before.
    pub save: Option<cognito_store_save_cb>,
    /// Forgets the value of `pool_id`.
    pub clear: Option<cognito_store_clear_cb>,
    pub user_data: *mut c_void,
}

/// An HTTP header: NUL-terminated name and value.
#[derive_ReprC]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct cognito_header {
    pub name: *const c_char,
    pub value: *const c_char,
}

/// A request to sign (cognito_provider_sign / _presign). Read inside the call that takes it:
/// its pointers need to stay valid only until that call returns.
#[derive_ReprC]
#[repr(C)]
pub struct cognito_sign_request {
    /// "GET", "PUT", "POST"...
    pub method: *const c_char,
    /// The full http(s) URL as it will be sent, query included.
    pub url: *const c_char,
    /// Headers that will be sent and must be signed (`header_count` of them; NULL if none).
    pub headers: *const cognito_header,
    pub header_count: usize,
    /// The body (`body_len` bytes; NULL if empty). Hashed inside the call.
    pub body: *const u8,
    pub body_len: usize,
    /// Nullable: the body's SHA-256 as 64 hex digits, instead of the body (streamed uploads).
    pub payload_sha256: *const c_char,
    /// Sign UNSIGNED-PAYLOAD instead of the body (S3 only).
    pub unsigned_payload: bool,
    /// The service's signing name: "s3", "dynamodb", "lambda", "execute-api", "kinesis"...
    pub service: *const c_char,
    /// Nullable: the region to sign for (default: the provider's).
    pub region: *const c_char,
}

/// Headers that sign a request, from cognito_provider_sign_cached: add each to the request as
/// it is. Free with cognito_signed_headers_free.
#[derive_ReprC]
#[repr(C)]
pub struct cognito_signed_headers {
    pub headers: *const cognito_header,
    pub count: usize,
}

/// Completion of `cognito_provider_sign`: on COGNITO_STATUS_OK, the `count` headers to add to the
/// request (`authorization`, `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256` for
/// S3); `error` otherwise.
pub type cognito_signed_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    headers: *const cognito_header,
    count: usize,
    error: *const cognito_error,
);

/// Completion of `cognito_provider_presign`: on COGNITO_STATUS_OK, the presigned URL (it carries
/// the session token: treat it as a secret) and when it expires (seconds since the Unix epoch,
/// server time); `error` otherwise.
pub type cognito_presigned_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    url: *const c_char,
    expiration: i64,
    error: *const cognito_error,
);

/// Headers as C sees them: the array first (so a pointer to this is a pointer to the list), then
/// the NUL-terminated copies its entries point into.
#[repr(C)]
pub(crate) struct CSignedHeaders {
    list: cognito_signed_headers,
    _entries: Vec<cognito_header>,
    _strings: Vec<CString>,
}

// SAFETY: the entries point into the CStrings this owns, never changed (moving a CString or a Vec
// does not move its heap buffer).
unsafe impl Send for CSignedHeaders {}
unsafe impl Sync for CSignedHeaders {}

impl CSignedHeaders {
    pub fn new(headers: &crate::signing::SignedHeaders) -> CSignedHeaders {
        let strings: Vec<CString> = headers
            .iter()
            .flat_map(|(k, v)| [c_string(k), c_string(v)])
            .collect();
        let entries: Vec<cognito_header> = strings
            .chunks(2)
            .map(|kv| cognito_header {
                name: kv[0].as_ptr().cast(),
                value: kv[1].as_ptr().cast(),
            })
            .collect();
        CSignedHeaders {
            list: cognito_signed_headers {
                headers: entries.as_ptr(),
                count: entries.len(),
            },
            _entries: entries,
            _strings: strings,
        }
    }

    /// The list, valid while `self` lives.
    pub fn list(&self) -> &cognito_signed_headers {
        &self.list
    }
}

/// A Cognito user pool's app client (cognito_user_pool_new). Opaque handle.
#[derive_ReprC]
#[repr(opaque)]
pub struct cognito_user_pool {
    _private: (),
}

/// A signed-in user: tokens kept fresh, the session kept between runs. Opaque handle, from a
/// sign-in's callback; free with cognito_user_session_free.
#[derive_ReprC]
#[repr(opaque)]
pub struct cognito_user_session {
    _private: (),
}

/// A sign-in challenge to answer (cognito_user_pool_respond). Opaque handle, from a sign-in's
/// callback; free with cognito_challenge_free.
#[derive_ReprC]
#[repr(opaque)]
pub struct cognito_challenge {
    _private: (),
}

/// How to sign in.
#[derive_ReprC]
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum cognito_auth_flow {
    /// USER_SRP_AUTH: the password never leaves the device.
    Srp = 0,
    /// USER_PASSWORD_AUTH: the password is sent (over TLS); the app client must allow it.
    Password = 1,
}

/// Where a sign-in stands, in its callback (valid only during it): signed in (`session` set), or
/// a challenge to answer (`challenge` set, with its name and parameters).
#[derive_ReprC]
#[repr(C)]
pub struct cognito_sign_in {
    /// The signed-in user's handle (yours to free), or NULL when a challenge is asked.
    pub session: *mut cognito_user_session,
    /// The challenge's handle (yours to free), or NULL when signed in.
    pub challenge: *mut cognito_challenge,
    /// "NEW_PASSWORD_REQUIRED", "SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SELECT_MFA_TYPE",
    /// "MFA_SETUP", "CUSTOM_CHALLENGE"; NULL when signed in.
    pub challenge_name: *const c_char,
    /// The challenge's parameters as name/value pairs (CODE_DELIVERY_DESTINATION,
    /// requiredAttributes, MFAS_CAN_CHOOSE...).
    pub parameters: *const cognito_header,
    pub parameter_count: usize,
}

/// Completion of a sign-in step (sign-in, respond, resume): `result` on COGNITO_STATUS_OK,
/// `error` otherwise.
pub type cognito_sign_in_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    result: *const cognito_sign_in,
    error: *const cognito_error,
);

/// A signed-in user's tokens (secrets: never log them). Valid only during the callback.
#[derive_ReprC]
#[repr(C)]
pub struct cognito_user_tokens {
    /// What an identity pool takes as the user's login.
    pub id_token: *const c_char,
    pub access_token: *const c_char,
    /// NULL when the session has none.
    pub refresh_token: *const c_char,
    /// The user's name in the pool.
    pub username: *const c_char,
    /// The id token's expiration, seconds since the Unix epoch (server time).
    pub expiration: i64,
}

/// Completion of cognito_user_session_tokens / _refresh: `tokens` on COGNITO_STATUS_OK.
pub type cognito_user_tokens_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    tokens: *const cognito_user_tokens,
    error: *const cognito_error,
);

/// Completion of cognito_user_session_attributes: on COGNITO_STATUS_OK, the user's `count`
/// attributes as name/value pairs (e.g. "email", "email_verified", "sub"); `error` otherwise.
pub type cognito_attributes_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    attributes: *const cognito_header,
    count: usize,
    error: *const cognito_error,
);

/// What a sign-up did, in its callback.
#[derive_ReprC]
#[repr(C)]
pub struct cognito_sign_up_result {
    /// Confirmed already, or waiting for cognito_user_pool_confirm_sign_up.
    pub user_confirmed: bool,
    /// The user's `sub`, or NULL.
    pub user_sub: *const c_char,
    /// Where the confirmation code went ("EMAIL", "SMS"; NULL if none) and to whom (masked).
    pub delivery_medium: *const c_char,
    pub destination: *const c_char,
}

/// Where a code went (ForgotPassword, ResendConfirmationCode): each field NULL when the pool did
/// not say.
#[derive_ReprC]
#[repr(C)]
pub struct cognito_code_delivery {
    /// "EMAIL" or "SMS".
    pub delivery_medium: *const c_char,
    /// Masked, e.g. "a***@e***.com".
    pub destination: *const c_char,
    /// The attribute the code went to, e.g. "email".
    pub attribute_name: *const c_char,
}

/// Completion of cognito_user_pool_forgot_password and cognito_user_pool_resend_confirmation_code:
/// on COGNITO_STATUS_OK, where the code went (`delivery`, NULL when the pool did not say), to show
/// the player ("we sent a code to a***@e***.com").
pub type cognito_code_delivery_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    delivery: *const cognito_code_delivery,
    error: *const cognito_error,
);

/// Completion of cognito_user_pool_sign_up: `result` on COGNITO_STATUS_OK.
pub type cognito_sign_up_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    result: *const cognito_sign_up_result,
    error: *const cognito_error,
);

/// Completion of cognito_user_pool_associate_software_token: the secret to show the user (as a
/// QR code) on COGNITO_STATUS_OK.
pub type cognito_secret_cb = unsafe extern "C" fn(
    user_data: *mut c_void,
    status: cognito_status,
    secret: *const c_char,
    error: *const cognito_error,
);

/// A session ended: `refused` is false after a sign-out, true when the user pool refused the
/// refresh token (`error` says why; sign in again).
pub type cognito_session_ended_cb =
    unsafe extern "C" fn(user_data: *mut c_void, refused: bool, error: *const cognito_error);

/// Seconds since the Unix epoch (0 for a time before it), as the C types carry times.
pub(crate) fn epoch_seconds(t: std::time::SystemTime) -> i64 {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// A C string from Rust text; interior NULs (only possible in server messages) become '?'.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| CString::new(s.replace('\0', "?")).unwrap_or_default())
}

/// An error as C sees it, owning its strings.
pub(crate) struct CError {
    kind: ErrorKind,
    retryable: bool,
    http_status: u16,
    code: CString,
    message: CString,
    request_id: Option<CString>,
}

impl CError {
    pub fn new(e: &Error) -> CError {
        CError {
            kind: e.kind(),
            retryable: e.is_retryable(),
            http_status: e.http_status().unwrap_or(0),
            code: c_string(e.code()),
            message: c_string(e.message()),
            request_id: e.request_id().map(c_string),
        }
    }

    /// A view valid while `self` lives.
    pub fn view(&self) -> cognito_error {
        cognito_error {
            kind: cognito_error_kind::from(self.kind) as u32,
            code: self.code.as_ptr().cast(),
            message: self.message.as_ptr().cast(),
            retryable: self.retryable,
            request_id: self
                .request_id
                .as_ref()
                .map_or(std::ptr::null(), |s| s.as_ptr().cast()),
            http_status: self.http_status,
        }
    }
}

/// Credentials as C sees them: the view first (so a pointer to this is a pointer to the view),
/// then the NUL-terminated copies of the strings it points into. Immutable once built, so it can
/// be shared: `cognito_provider_cached_credentials` hands out `Arc` references to one of these.
#[repr(C)]
pub(crate) struct CCredentials {
    view: cognito_credentials,
    _access_key_id: CString,
    _secret_access_key: CString,
    _session_token: CString,
    _identity_id: CString,
}

// SAFETY: the view's pointers point into the CStrings this owns, which are never changed (moving
// a CString does not move its heap buffer).
unsafe impl Send for CCredentials {}
unsafe impl Sync for CCredentials {}

impl CCredentials {
    pub fn new(c: &Credentials) -> CCredentials {
        let expiration = epoch_seconds(c.expiration);
        let access_key_id = c_string(&c.access_key_id);
        let secret_access_key = c_string(c.secret_access_key.expose());
        let session_token = c_string(c.session_token.expose());
        let identity_id = c_string(&c.identity_id);
        CCredentials {
            view: cognito_credentials {
                access_key_id: access_key_id.as_ptr().cast(),
                secret_access_key: secret_access_key.as_ptr().cast(),
                session_token: session_token.as_ptr().cast(),
                expiration,
                identity_id: identity_id.as_ptr().cast(),
            },
            _access_key_id: access_key_id,
            _secret_access_key: secret_access_key,
            _session_token: session_token,
            _identity_id: identity_id,
        }
    }

    /// The view, valid while `self` lives.
    pub fn view(&self) -> &cognito_credentials {
        &self.view
    }
}

/// A `void *user_data` handed back to the host's callbacks, from any thread (the C contract).
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub *mut c_void);

impl UserData {
    /// The pointer (a method, so closures capture the whole `Send` wrapper).
    pub fn ptr(self) -> *mut c_void {
        self.0
    }
}

// SAFETY: the header documents that callbacks run on library threads with this pointer; the host
// owns what it points to and its thread safety.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}
