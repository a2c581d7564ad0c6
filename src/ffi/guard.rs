//! The boundary: every export runs through [`guard`], which turns panics into COGNITO_STATUS_ERR_PANIC and
//! records the last error message per thread; arguments are checked here before use.

use super::types::*;
use crate::error::{Error, ErrorKind};
use safer_ffi::c_char;
use safer_ffi::prelude::char_p;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Longest string argument accepted (tokens are at most 50,000 characters; options and PEM
/// bundles may be larger).
pub(crate) const MAX_STRING_ARG: usize = 1024 * 1024;

/// The calling thread's last synchronous failure: its message and kind.
struct LastError {
    message: String,
    kind: cognito_error_kind,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

fn set_last_error(message: String, kind: cognito_error_kind) {
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(LastError { message, kind }));
}

/// The last failure's message, forgetting the failure (its kind too).
pub(crate) fn take_last_error_message() -> Option<String> {
    LAST_ERROR
        .with(|e| e.borrow_mut().take())
        .map(|e| e.message)
}

/// The last failure's kind (NONE if there is none), kept for the message.
pub(crate) fn last_error_kind() -> cognito_error_kind {
    LAST_ERROR.with(|e| {
        e.borrow()
            .as_ref()
            .map_or(cognito_error_kind::None, |e| e.kind)
    })
}

/// A failure of a synchronous call: its status, message and, when an [`Error`] caused it, kind.
pub(crate) struct Failure {
    pub status: cognito_status,
    pub message: String,
    pub kind: Option<ErrorKind>,
}

impl Failure {
    /// A failure that its status describes (a NULL argument, a bad handle...): no error kind.
    pub fn new(status: cognito_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
            kind: None,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let status = match e.kind() {
            ErrorKind::InvalidInput | ErrorKind::InvalidConfig => {
                cognito_status::ErrInvalidArgument
            }
            ErrorKind::Cancelled => cognito_status::ErrCancelled,
            _ => cognito_status::ErrFailed,
        };
        Failure {
            kind: Some(e.kind()),
            ..Failure::new(status, e.to_string())
        }
    }
}

pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

/// Runs an export's body: success is COGNITO_STATUS_OK; a failure sets the thread's last error message;
/// a panic becomes COGNITO_STATUS_ERR_PANIC.
pub(crate) fn guard(name: &str, body: impl FnOnce() -> FfiResult) -> cognito_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => cognito_status::Ok,
        Ok(Err(f)) => {
            tracing::debug!(function = name, status = ?f.status, "call failed");
            let kind = f
                .kind
                .map_or(cognito_error_kind::None, cognito_error_kind::from);
            set_last_error(f.message, kind);
            f.status
        }
        Err(_) => {
            set_last_error(
                format!("internal error in {name} (panic caught)"),
                cognito_error_kind::Internal,
            );
            cognito_status::ErrPanic
        }
    }
}

/// Reads a required string argument: not NULL, UTF-8, bounded.
pub(crate) fn str_arg<'a>(what: &str, s: Option<char_p::Ref<'a>>) -> FfiResult<&'a str> {
    let s =
        s.ok_or_else(|| Failure::new(cognito_status::ErrNullArgument, format!("{what} is NULL")))?;
    text(what, s.to_bytes())
}

/// Reads a nullable string field of a struct the caller passed.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a` (the header's contract).
pub(crate) unsafe fn str_field<'a>(what: &str, p: *const c_char) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    text(what, std::ffi::CStr::from_ptr(p.cast()).to_bytes()).map(Some)
}

/// Checks the bytes of a string argument: bounded, UTF-8.
fn text<'a>(what: &str, bytes: &'a [u8]) -> FfiResult<&'a str> {
    if bytes.len() > MAX_STRING_ARG {
        return Err(Failure::new(
            cognito_status::ErrInvalidArgument,
            format!("{what} is longer than {MAX_STRING_ARG} bytes"),
        ));
    }
    std::str::from_utf8(bytes).map_err(|_| {
        Failure::new(
            cognito_status::ErrInvalidUtf8,
            format!("{what} is not valid UTF-8"),
        )
    })
}

/// Reads an optional string argument (NULL is None).
pub(crate) fn opt_str_arg<'a>(
    what: &str,
    s: Option<char_p::Ref<'a>>,
) -> FfiResult<Option<&'a str>> {
    match s {
        None => Ok(None),
        some => str_arg(what, some).map(Some),
    }
}

/// Checks a required callback.
pub(crate) fn callback_arg<T>(callback: Option<T>) -> FfiResult<T> {
    callback.ok_or_else(|| Failure::new(cognito_status::ErrNullArgument, "callback is NULL"))
}

/// Checks an output pointer.
pub(crate) fn out_arg<T>(what: &str, p: *mut T) -> FfiResult<*mut T> {
    if p.is_null() {
        Err(Failure::new(
            cognito_status::ErrNullArgument,
            format!("{what} is NULL"),
        ))
    } else {
        Ok(p)
    }
}

/// A C string the caller owns and frees with `cognito_string_free` (interior NULs become '?').
pub(crate) fn owned_c_string(s: &str) -> Option<char_p::Box> {
    char_p::Box::try_from(s.replace('\0', "?")).ok()
}

/// Writes a call id to the caller's (nullable) slot.
pub(crate) fn write_call_id(out_call_id: *mut u64, id: u64) {
    if !out_call_id.is_null() {
        // SAFETY: non-NULL; the caller provides a writable pointer.
        unsafe { *out_call_id = id };
    }
}
