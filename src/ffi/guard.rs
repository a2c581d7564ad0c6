//! The boundary: every export runs through [`guard`], which turns panics into COGNITO_STATUS_ERR_PANIC and
//! records the last error message per thread; arguments are checked here before use.

use super::types::*;
use crate::error::{Error, ErrorKind};
use safer_ffi::prelude::char_p;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Longest string argument accepted (tokens are at most 50,000 characters; options and PEM
/// bundles may be larger).
pub(crate) const MAX_STRING_ARG: usize = 1024 * 1024;

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(message: impl Into<String>) {
    let message = message.into();
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(message));
}

pub(crate) fn take_last_error() -> Option<String> {
    LAST_ERROR.with(|e| e.borrow_mut().take())
}

/// A failure of a synchronous call: its status and message.
pub(crate) struct Failure {
    pub status: cognito_status,
    pub message: String,
}

impl Failure {
    pub fn new(status: cognito_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
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
        Failure::new(status, e.to_string())
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
            set_last_error(f.message);
            f.status
        }
        Err(_) => {
            set_last_error(format!("internal error in {name} (panic caught)"));
            cognito_status::ErrPanic
        }
    }
}

/// Reads a required string argument: not NULL, UTF-8, bounded.
pub(crate) fn str_arg<'a>(what: &str, s: Option<char_p::Ref<'a>>) -> FfiResult<&'a str> {
    let s =
        s.ok_or_else(|| Failure::new(cognito_status::ErrNullArgument, format!("{what} is NULL")))?;
    let bytes = s.to_bytes();
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
