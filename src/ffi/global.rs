//! The library as a whole: version, start and shutdown, the log sink, the calling thread's last
//! error, strings it hands out, cancelling a call, and the user pool provider name.

use super::guard::{
    guard, last_error_kind, opt_str_arg, out_arg, owned_c_string, str_arg, take_last_error_message,
    Failure,
};
use super::library::{self, library};
use super::log;
use super::types::*;
use safer_ffi::prelude::*;
use std::ffi::c_void;

/// The library's version, e.g. "0.1.0". Static; do not free.
#[ffi_export]
pub fn cognito_version() -> char_p::Ref<'static> {
    char_p::Ref::try_from(concat!(env!("CARGO_PKG_VERSION"), "\0")).unwrap_or(char_p::Ref::EMPTY)
}

/// Starts the library with `worker_threads` runtime threads (0: 2) and a log level (0 off,
/// 1 error, 2 warn, 3 info, 4 debug, 5 trace; used with cognito_set_log_sink). Optional: the first
/// call that needs the library starts it with defaults. Needed again after cognito_shutdown.
#[ffi_export]
pub fn cognito_init(worker_threads: u32, log_level: i32) -> cognito_status {
    guard("cognito_init", || {
        library::init(worker_threads as usize)?;
        if log_level >= 0 {
            log::set_level(log_level);
        }
        Ok(())
    })
}

/// Completes every pending call with COGNITO_STATUS_ERR_CANCELLED, frees every provider, stops the log
/// sink and joins the library's threads. Safe to call twice. Not from a library callback
/// (COGNITO_STATUS_ERR_WRONG_THREAD).
#[ffi_export]
pub fn cognito_shutdown() -> cognito_status {
    guard("cognito_shutdown", || {
        library::shutdown()?;
        log::set_sink(None, UserData(std::ptr::null_mut()), 0);
        Ok(())
    })
}

/// Sends the library's log lines (secrets never included) at `level` and above (1 error ..
/// 5 trace) to `callback`, in order, on a library callback thread (on the logging thread while
/// the library is not running). A sink that cannot keep up loses lines beyond 10,000 waiting,
/// and is told how many. NULL removes the sink; the previous one still gets the lines logged
/// before this call (waiting at most 2 s for them), and after it returns is not called any more.
#[ffi_export]
pub fn cognito_set_log_sink(
    callback: Option<cognito_log_cb>,
    user_data: *mut c_void,
    level: i32,
) -> cognito_status {
    guard("cognito_set_log_sink", || {
        log::set_sink(callback, UserData(user_data), level);
        Ok(())
    })
}

/// The calling thread's last error message (and clears it, with its kind), or NULL. Free with
/// cognito_string_free.
#[ffi_export]
pub fn cognito_last_error_message() -> Option<char_p::Box> {
    std::panic::catch_unwind(|| take_last_error_message().and_then(|m| owned_c_string(&m)))
        .ok()
        .flatten()
}

/// The kind of the calling thread's last failure (e.g. COGNITO_ERROR_KIND_INVALID_CONFIG for bad
/// options), or COGNITO_ERROR_KIND_NONE when its status says it all (a NULL argument, a bad handle)
/// or there is none. Does not clear it: read the kind first, then cognito_last_error_message.
#[ffi_export]
pub fn cognito_last_error_kind() -> cognito_error_kind {
    std::panic::catch_unwind(last_error_kind).unwrap_or(cognito_error_kind::Internal)
}

/// Frees a string returned by this library. NULL is a no-op.
#[ffi_export]
pub fn cognito_string_free(s: Option<char_p::Box>) {
    drop(s);
}

/// Completes a pending call with COGNITO_STATUS_ERR_CANCELLED (its callback still runs, on a library
/// thread). The request it started may still finish and be cached. COGNITO_STATUS_ERR_NOT_FOUND if the
/// call is unknown, already complete or already cancelled.
#[ffi_export]
pub fn cognito_cancel(call_id: u64) -> cognito_status {
    guard("cognito_cancel", || match library()?.cancel(call_id) {
        true => Ok(()),
        false => Err(Failure::new(
            cognito_status::ErrNotFound,
            "no such pending call",
        )),
    })
}

/// Writes the user pool provider name "cognito-idp.<region>.amazonaws.com/<userPoolId>" (the
/// region is taken from the user pool id when `region` is NULL). Free with cognito_string_free.
#[ffi_export]
pub fn cognito_user_pool_provider_name(
    region: Option<char_p::Ref<'_>>,
    user_pool_id: Option<char_p::Ref<'_>>,
    out_name: *mut Option<char_p::Box>,
) -> cognito_status {
    guard("cognito_user_pool_provider_name", || {
        let pool = str_arg("user_pool_id", user_pool_id)?;
        let out = out_arg("out_name", out_name)?;
        let region = match opt_str_arg("region", region)? {
            Some(r) => r,
            None => pool.split_once('_').map(|(r, _)| r).unwrap_or_default(),
        };
        crate::endpoints::check_region(region)?;
        // SAFETY: checked non-NULL.
        unsafe {
            out.write(owned_c_string(&crate::endpoints::user_pool_provider_name(
                region, pool,
            )))
        };
        Ok(())
    })
}

/// The process's statistics as JSON: requests by operation (sent, succeeded, throttled, failed,
/// retries, waits for a quota slot), cached reads, credentials fetches, requests in flight and
/// queued now. Free the string with cognito_string_free.
#[ffi_export]
pub fn cognito_statistics_json(out_json: *mut Option<char_p::Box>) -> cognito_status {
    guard("cognito_statistics_json", || {
        let out = out_arg("out_json", out_json)?;
        let json = serde_json::to_string(&crate::stats::snapshot())
            .map_err(|e| Failure::new(cognito_status::ErrFailed, format!("statistics: {e}")))?;
        // SAFETY: checked non-NULL; the caller's slot holds no string we must free.
        unsafe { out.write(owned_c_string(&json)) };
        Ok(())
    })
}
