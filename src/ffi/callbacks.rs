//! Calling into the host: completions that happen exactly once, gates that guarantee no callback
//! runs after its owner was freed, and the host-backed identity store and logins provider.

use super::types::*;
use crate::credentials::Credentials;
use crate::developer_client::DeveloperIdentityLookup;
use crate::developer_source::{DeveloperIdentity, DeveloperIdentitySource};
use crate::error::{Error, ErrorKind, Result};
use crate::logins::LoginsProvider;
use crate::secret::Secret;
use crate::store::IdentityStore;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use once_cell::sync::Lazy;
use safer_ffi::c_char;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

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
    host_requests: Mutex<Vec<u64>>,
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
        let mut pending = HOST_REQUESTS.lock().unwrap_or_else(|p| p.into_inner());
        for id in requests {
            pending.remove(&id);
        }
    }

    fn is_open(&self) -> bool {
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

/// An identity store kept by the host through callbacks.
pub(crate) struct HostStore {
    pub load: Option<cognito_store_load_cb>,
    pub save: Option<cognito_store_save_cb>,
    pub clear: Option<cognito_store_clear_cb>,
    pub user_data: UserData,
    pub gate: Arc<CallbackGate>,
}

impl IdentityStore for HostStore {
    fn load(&self, pool_id: &str) -> Result<Option<String>> {
        let Some(load) = self.load else {
            return Ok(None);
        };
        let pool = c_string(pool_id);
        let mut buf = vec![0u8; 128];
        let mut len = 0usize;
        self.gate.call(|| {
            // SAFETY: buffer and pool id are valid for the call; capacity is the buffer's size.
            len = unsafe {
                load(
                    self.user_data.ptr(),
                    pool.as_ptr().cast(),
                    buf.as_mut_ptr().cast::<c_char>(),
                    buf.len(),
                )
            };
        });
        if len == 0 {
            return Ok(None);
        }
        if len >= buf.len() {
            return Err(Error::new(
                ErrorKind::Store,
                "the stored identity id is too long",
            ));
        }
        match std::str::from_utf8(&buf[..len]) {
            Ok(id) if crate::endpoints::parse_id("identity id", id).is_ok() => {
                Ok(Some(id.to_owned()))
            }
            _ => Err(Error::new(
                ErrorKind::Store,
                "the stored identity id is not valid",
            )),
        }
    }

    fn save(&self, pool_id: &str, identity_id: &str) -> Result<()> {
        if let Some(save) = self.save {
            let (pool, id) = (c_string(pool_id), c_string(identity_id));
            // SAFETY: both strings are valid for the call.
            self.gate.call(|| unsafe {
                save(
                    self.user_data.ptr(),
                    pool.as_ptr().cast(),
                    id.as_ptr().cast(),
                )
            });
        }
        Ok(())
    }

    fn clear(&self, pool_id: &str) -> Result<()> {
        if let Some(clear) = self.clear {
            let pool = c_string(pool_id);
            // SAFETY: the string is valid for the call.
            self.gate
                .call(|| unsafe { clear(self.user_data.ptr(), pool.as_ptr().cast()) });
        }
        Ok(())
    }
}

/// What the host answers to a request of ours.
pub(crate) enum HostAnswer {
    Token(Secret),
    Developer(DeveloperIdentity),
}

/// Requests (token or developer identity) waiting for the host's answer.
static HOST_REQUESTS: Lazy<Mutex<HashMap<u64, oneshot::Sender<Result<HostAnswer>>>>> =
    Lazy::new(Default::default);
static NEXT_HOST_REQUEST: AtomicU64 = AtomicU64::new(1);

/// Answers a request; false if it is unknown (answered, timed out, or never made).
pub(crate) fn complete_host_request(request_id: u64, answer: Result<HostAnswer>) -> bool {
    let sender = HOST_REQUESTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&request_id);
    match sender {
        Some(tx) => {
            let _ = tx.send(answer); // the provider may have stopped waiting: fine
            true
        }
        None => false,
    }
}

/// Removes a request when its waiter goes away (timeout, cancel), so a late answer is refused.
struct ForgetRequest {
    id: u64,
    gate: Arc<CallbackGate>,
}

impl Drop for ForgetRequest {
    fn drop(&mut self) {
        HOST_REQUESTS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
        self.gate
            .host_requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|r| *r != self.id);
    }
}

/// Registers a request, asks the host through `ask(request_id)` (gated), and waits for the answer.
fn ask_host(
    gate: &Arc<CallbackGate>,
    ask: impl FnOnce(u64),
) -> BoxFuture<'static, Result<HostAnswer>> {
    let id = NEXT_HOST_REQUEST.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = oneshot::channel();
    HOST_REQUESTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, tx);
    // Listed before asking: a close from now on forgets it (or the gate refuses to ask).
    gate.host_requests
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(id);
    let forget = ForgetRequest {
        id,
        gate: gate.clone(),
    };
    let asked = gate.call(|| ask(id));
    async move {
        if !asked {
            return Err(Error::new(ErrorKind::Cancelled, "the provider was freed"));
        }
        let answer = rx.await;
        let closed = !forget.gate.is_open();
        drop(forget);
        answer.unwrap_or_else(|_| match closed {
            true => Err(Error::new(ErrorKind::Cancelled, "the provider was freed")),
            false => Err(Error::new(
                ErrorKind::LoginsProvider,
                "the request to the host was dropped",
            )),
        })
    }
    .boxed()
}

fn wrong_answer() -> Error {
    Error::new(
        ErrorKind::LoginsProvider,
        "the host answered a token request with a developer identity, or the reverse",
    )
}

/// A logins provider answered by the host through `cognito_token_request_complete`.
pub(crate) struct HostLoginsProvider {
    pub callback: cognito_token_request_cb,
    pub user_data: UserData,
    pub gate: Arc<CallbackGate>,
}

impl LoginsProvider for HostLoginsProvider {
    fn token(&self, provider_name: &str) -> BoxFuture<'static, Result<Secret>> {
        let name = c_string(provider_name);
        let (callback, user_data) = (self.callback, self.user_data);
        // SAFETY: the name is valid for the call; the host answers later by request id.
        let answer = ask_host(&self.gate, |id| unsafe {
            callback(user_data.ptr(), name.as_ptr().cast(), id)
        });
        async move {
            match answer.await? {
                HostAnswer::Token(t) => Ok(t),
                HostAnswer::Developer(_) => Err(wrong_answer()),
            }
        }
        .boxed()
    }
}

/// A developer identity source answered by the host through
/// `cognito_developer_identity_complete`.
pub(crate) struct HostDeveloperSource {
    pub callback: cognito_developer_identity_request_cb,
    pub user_data: UserData,
    pub gate: Arc<CallbackGate>,
}

impl DeveloperIdentitySource for HostDeveloperSource {
    fn refresh(&self) -> BoxFuture<'static, Result<DeveloperIdentity>> {
        let (callback, user_data) = (self.callback, self.user_data);
        // SAFETY: the host answers later by request id.
        let answer = ask_host(&self.gate, |id| unsafe { callback(user_data.ptr(), id) });
        async move {
            match answer.await? {
                HostAnswer::Developer(d) => Ok(d),
                HostAnswer::Token(_) => Err(wrong_answer()),
            }
        }
        .boxed()
    }
}
