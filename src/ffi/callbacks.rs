//! Calling into the host: completions that happen exactly once, and gates that guarantee no
//! callback runs after its owner was freed.

use super::types::*;
use crate::credentials::Credentials;
use crate::developer_client::DeveloperIdentityLookup;
use crate::developer_source::DeveloperIdentity;
use crate::error::{Error, ErrorKind};
use safer_ffi::c_char;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Guards the host callbacks owned by one object (a provider, the log sink). After [`close`]
/// returns, none of them runs or will run — unless `close` is called from inside one of them, in
/// which case the running one finishes after it.
///
/// [`close`]: CallbackGate::close
#[derive(Default)]
pub(crate) struct CallbackGate {
    open: AtomicBool,
    running: Mutex<()>,
    /// Requests to the host (token / developer identity) made through this gate and not yet
    /// finished: `close` forgets them, so their waiters stop and late answers are refused.
    pub(super) host_requests: Mutex<Vec<u64>>,
}

thread_local! {
    /// Gates this thread is inside a callback of (callbacks may nest).
    static INSIDE: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

impl CallbackGate {
    pub fn new() -> Arc<CallbackGate> {
        Arc::new(CallbackGate {
            open: AtomicBool::new(true),
            running: Mutex::new(()),
            host_requests: Mutex::new(Vec::new()),
        })
    }

    fn id(&self) -> usize {
        self as *const _ as usize
    }

    /// Runs `f` unless the gate is closed. Returns whether it ran.
    pub fn call(&self, f: impl FnOnce()) -> bool {
        let nested = INSIDE.with(|i| i.borrow().contains(&self.id()));
        let _guard = if nested {
            None // this thread already holds the gate
        } else {
            Some(self.running.lock().unwrap_or_else(|p| p.into_inner()))
        };
        if !self.open.load(Ordering::Acquire) {
            return false;
        }
        INSIDE.with(|i| i.borrow_mut().push(self.id()));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        INSIDE.with(|i| i.borrow_mut().retain(|g| *g != self.id()));
        if result.is_err() {
            tracing::error!("a callback wrapper panicked");
        }
        true
    }

    pub fn close(&self) {
        self.open.store(false, Ordering::Release);
        let nested = INSIDE.with(|i| i.borrow().contains(&self.id()));
        if !nested {
            // Wait for a callback running on another thread to return.
            drop(self.running.lock().unwrap_or_else(|p| p.into_inner()));
        }
        // Forget the requests still waiting for the host: dropping their senders ends the
        // waits at once (instead of after the logins timeout), and a late answer is refused.
        let requests =
            std::mem::take(&mut *self.host_requests.lock().unwrap_or_else(|p| p.into_inner()));
        super::host_requests::forget(&requests);
    }

    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }
}

/// The callback of one asynchronous call.
pub(crate) enum Callback {
    Identity(cognito_identity_cb),
    Credentials(cognito_credentials_cb),
    DeveloperToken(cognito_developer_token_cb),
    DeveloperLookup(cognito_developer_lookup_cb),
    Done(cognito_done_cb),
}

pub(crate) enum Outcome {
    Identity(String),
    Credentials(Arc<Credentials>),
    DeveloperToken(DeveloperIdentity),
    DeveloperLookup(DeveloperIdentityLookup),
    Done,
}

/// Completes an asynchronous call exactly once: `complete` consumes it, and dropping it
/// uncompleted (a task torn down by shutdown) completes it with COGNITO_STATUS_ERR_CANCELLED.
pub(crate) struct Completer {
    callback: Option<Callback>,
    user_data: UserData,
}

impl Completer {
    pub fn new(callback: Callback, user_data: UserData) -> Completer {
        Completer {
            callback: Some(callback),
            user_data,
        }
    }

    pub fn complete(mut self, result: std::result::Result<Outcome, (cognito_status, Error)>) {
        if let Some(cb) = self.callback.take() {
            deliver(cb, self.user_data, result);
        }
    }
}

impl Drop for Completer {
    fn drop(&mut self) {
        if let Some(cb) = self.callback.take() {
            let e = Error::new(
                ErrorKind::Cancelled,
                "the call was torn down before it finished",
            );
            deliver(cb, self.user_data, Err((cognito_status::ErrCancelled, e)));
        }
    }
}

fn deliver(
    cb: Callback,
    user_data: UserData,
    result: std::result::Result<Outcome, (cognito_status, Error)>,
) {
    let ud = user_data.ptr();
    // SAFETY (all calls below): the host gave us this function and user_data for exactly this
    // call; every pointer passed is valid for the duration of the call.
    use std::ptr::null;
    match (cb, result) {
        (Callback::Identity(f), Ok(Outcome::Identity(id))) => {
            let id = c_string(&id);
            unsafe { f(ud, cognito_status::Ok, id.as_ptr().cast(), null()) }
        }
        (Callback::Credentials(f), Ok(Outcome::Credentials(c))) => {
            let owned = CCredentials::new(&c);
            unsafe { f(ud, cognito_status::Ok, owned.view(), null()) }
        }
        (Callback::DeveloperToken(f), Ok(Outcome::DeveloperToken(d))) => {
            let (id, token) = (c_string(&d.identity_id), c_string(d.token.expose()));
            unsafe {
                f(
                    ud,
                    cognito_status::Ok,
                    id.as_ptr().cast(),
                    token.as_ptr().cast(),
                    null(),
                )
            }
        }
        (Callback::DeveloperLookup(f), Ok(Outcome::DeveloperLookup(l))) => {
            let id = l.identity_id.as_deref().map(c_string);
            let next = l.next_token.as_deref().map(c_string);
            let ids: Vec<_> = l.developer_user_ids.iter().map(|u| c_string(u)).collect();
            let ptrs: Vec<*const c_char> = ids.iter().map(|u| u.as_ptr().cast()).collect();
            let opt =
                |s: &Option<std::ffi::CString>| s.as_ref().map_or(null(), |s| s.as_ptr().cast());
            unsafe {
                f(
                    ud,
                    cognito_status::Ok,
                    opt(&id),
                    ptrs.as_ptr(),
                    ptrs.len(),
                    opt(&next),
                    null(),
                )
            }
        }
        (Callback::Done(f), Ok(Outcome::Done)) => unsafe { f(ud, cognito_status::Ok, null()) },
        (cb, result) => {
            let (status, e) = match result {
                Err(failure) => failure,
                Ok(_) => (
                    cognito_status::ErrPanic,
                    Error::new(ErrorKind::Internal, "internal error: mismatched completion"),
                ),
            };
            let owned = CError::new(&e);
            let view = owned.view();
            match cb {
                Callback::Identity(f) => unsafe { f(ud, status, null(), &view) },
                Callback::Credentials(f) => unsafe { f(ud, status, null(), &view) },
                Callback::DeveloperToken(f) => unsafe { f(ud, status, null(), null(), &view) },
                Callback::DeveloperLookup(f) => unsafe {
                    f(ud, status, null(), null(), 0, null(), &view)
                },
                Callback::Done(f) => unsafe { f(ud, status, &view) },
            }
        }
    }
}
