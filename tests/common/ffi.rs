//! Helpers for calling the C ABI from Rust tests: callbacks that send what they receive over a
//! channel, and a provider on the emulator.

use super::{arg, read};
use cognito_native::ffi::*;
use std::ffi::{c_void, CString};
use std::sync::mpsc;

pub fn cstr(s: &str) -> CString {
    CString::new(s).unwrap()
}

pub type Done = (cognito_status, Option<String>, Option<(u32, String)>);

pub unsafe extern "C" fn on_identity(
    user_data: *mut c_void,
    status: cognito_status,
    identity_id: *const safer_ffi::c_char,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<Done>>());
    let err = error
        .as_ref()
        .map(|e| (e.kind, read(e.code).unwrap_or_default()));
    let _ = tx.send((status, read(identity_id), err));
}

pub unsafe extern "C" fn on_credentials(
    user_data: *mut c_void,
    status: cognito_status,
    credentials: *const cognito_credentials,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<Done>>());
    let err = error
        .as_ref()
        .map(|e| (e.kind, read(e.code).unwrap_or_default()));
    let id = credentials.as_ref().and_then(|c| read(c.identity_id));
    let _ = tx.send((status, id, err));
}

pub fn user_data() -> (*mut c_void, mpsc::Receiver<Done>) {
    let (tx, rx) = mpsc::channel();
    (Box::into_raw(Box::new(tx)).cast(), rx)
}

/// Options JSON for the emulator at `url`, plus `extra` (`,"key":value...`).
pub fn emulator_options(url: &str, extra: &str) -> CString {
    cstr(&format!(
        r#"{{"endpoint":"{url}","allow_http_loopback":true,"use_environment":false{extra}}}"#
    ))
}

pub fn new_provider(url: &str, pool: &str, extra: &str) -> *mut cognito_provider {
    let options = emulator_options(url, extra);
    let pool = cstr(pool);
    let mut p = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_new(arg(&pool), arg(&options), &mut p),
        cognito_status::Ok
    );
    assert!(!p.is_null());
    p
}

/// A developer client on the emulator at `url`, signing with its test key (and `session_token`).
pub fn new_developer_client(
    url: &str,
    session_token: Option<&str>,
) -> *mut cognito_developer_client {
    use cognito_emulator::{DEFAULT_UNAUTH_POOL_ID, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY};
    let (pool, options) = (cstr(DEFAULT_UNAUTH_POOL_ID), emulator_options(url, ""));
    let (akid, secret) = (cstr(TEST_ACCESS_KEY_ID), cstr(TEST_SECRET_ACCESS_KEY));
    let session = session_token.map(cstr);
    let mut client = std::ptr::null_mut();
    assert_eq!(
        cognito_developer_client_new(
            arg(&pool),
            arg(&options),
            arg(&akid),
            arg(&secret),
            session.as_ref().and_then(arg),
            &mut client
        ),
        cognito_status::Ok
    );
    assert!(!client.is_null());
    client
}

pub fn last_error() -> String {
    cognito_last_error_message()
        .map(|s| s.to_str().to_owned())
        .unwrap_or_default()
}

/// (status, identity id, OpenID token) of a developer token call.
pub type Token = (cognito_status, Option<String>, Option<String>);

pub unsafe extern "C" fn on_token(
    user_data: *mut c_void,
    status: cognito_status,
    identity_id: *const safer_ffi::c_char,
    token: *const safer_ffi::c_char,
    _error: *const cognito_error,
) {
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<Token>>());
    assert_eq!(status == cognito_status::Ok, !token.is_null());
    let _ = tx.send((status, read(identity_id), read(token)));
}
