//! Requests from the library to the host, answered through callbacks: the identity store kept by
//! the host, and the token and developer identity requests it completes later, by request id.

use super::gate::CallbackGate;
use super::guard::{guard, opt_str_arg, Failure};
use super::types::*;
use crate::developer_source::{DeveloperIdentity, DeveloperIdentitySource};
use crate::error::{Error, ErrorKind, Result};
use crate::logins::LoginsProvider;
use crate::secret::Secret;
use crate::store::IdentityStore;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use once_cell::sync::Lazy;
use safer_ffi::c_char;
use safer_ffi::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Answers a token request: `token` on success, or NULL and an `error_message` (nullable) when the
/// host cannot supply one. COGNITO_STATUS_ERR_NOT_FOUND if the request is unknown or timed out.
#[ffi_export]
pub fn cognito_token_request_complete(
    request_id: u64,
    token: Option<char_p::Ref<'_>>,
    error_message: Option<char_p::Ref<'_>>,
) -> cognito_status {
    guard("cognito_token_request_complete", || {
        let answer = match opt_str_arg("token", token)? {
            Some(t) => Ok(HostAnswer::Token(Secret::new(t))),
            None => {
                let message = opt_str_arg("error_message", error_message)?
                    .unwrap_or("the host could not supply a token");
                Err(Error::new(ErrorKind::LoginsProvider, message))
            }
        };
        match complete_host_request(request_id, answer) {
            true => Ok(()),
            false => Err(Failure::new(
                cognito_status::ErrNotFound,
                "unknown or expired token request",
            )),
        }
    })
}

/// Answers a developer identity request: the identity id and OpenID token your backend got from
/// GetOpenIdTokenForDeveloperIdentity, or NULLs and an `error_message` (nullable).
/// COGNITO_STATUS_ERR_NOT_FOUND if the request is unknown or timed out.
#[ffi_export]
pub fn cognito_developer_identity_complete(
    request_id: u64,
    identity_id: Option<char_p::Ref<'_>>,
    token: Option<char_p::Ref<'_>>,
    error_message: Option<char_p::Ref<'_>>,
) -> cognito_status {
    guard("cognito_developer_identity_complete", || {
        let identity_id = opt_str_arg("identity_id", identity_id)?;
        let token = opt_str_arg("token", token)?;
        let answer = match (identity_id, token) {
            (Some(id), Some(t)) => Ok(HostAnswer::Developer(DeveloperIdentity {
                identity_id: id.to_owned(),
                token: Secret::new(t),
            })),
            _ => {
                let message = opt_str_arg("error_message", error_message)?
                    .unwrap_or("the host could not supply a developer identity");
                Err(Error::new(ErrorKind::LoginsProvider, message))
            }
        };
        match complete_host_request(request_id, answer) {
            true => Ok(()),
            false => Err(Failure::new(
                cognito_status::ErrNotFound,
                "unknown or expired developer identity request",
            )),
        }
    })
}

/// One set of store callbacks of the host (the identity id's, or the credentials').
#[derive(Clone, Copy)]
pub(crate) struct StoreCallbacks {
    pub load: Option<cognito_store_load_cb>,
    pub save: Option<cognito_store_save_cb>,
    pub clear: Option<cognito_store_clear_cb>,
    pub user_data: *mut std::ffi::c_void,
}

impl StoreCallbacks {
    pub fn from_c(store: &cognito_store) -> StoreCallbacks {
        StoreCallbacks {
            load: store.load,
            save: store.save,
            clear: store.clear,
            user_data: store.user_data,
        }
    }

    /// The stored text, read into a buffer of `first` bytes, or once more into one as large as
    /// the host says it needs (at most `max` bytes).
    fn load(
        &self,
        gate: &CallbackGate,
        key: &str,
        first: usize,
        max: usize,
    ) -> Result<Option<String>> {
        let Some(load) = self.load else {
            return Ok(None);
        };
        let key = c_string(key);
        let mut buf = vec![0u8; first];
        for _ in 0..2 {
            let mut len = 0usize;
            gate.call(|| {
                // SAFETY: buffer and key are valid for the call; capacity is the buffer's size.
                len = unsafe {
                    load(
                        self.user_data,
                        key.as_ptr().cast(),
                        buf.as_mut_ptr().cast::<c_char>(),
                        buf.len(),
                    )
                };
            });
            if len == 0 {
                return Ok(None);
            }
            if len < buf.len() {
                return match std::str::from_utf8(&buf[..len]) {
                    Ok(text) => Ok(Some(text.to_owned())),
                    Err(_) => Err(Error::new(
                        ErrorKind::Store,
                        "the stored value is not UTF-8",
                    )),
                };
            }
            if len >= max {
                break;
            }
            buf = vec![0u8; len + 1];
        }
        Err(Error::new(ErrorKind::Store, "the stored value is too long"))
    }

    fn save(&self, gate: &CallbackGate, key: &str, value: &str) {
        if let Some(save) = self.save {
            let (key, value) = (c_string(key), c_string(value));
            // SAFETY: both strings are valid for the call.
            gate.call(|| unsafe {
                save(self.user_data, key.as_ptr().cast(), value.as_ptr().cast())
            });
        }
    }

    fn clear(&self, gate: &CallbackGate, key: &str) {
        if let Some(clear) = self.clear {
            let key = c_string(key);
            // SAFETY: the string is valid for the call.
            gate.call(|| unsafe { clear(self.user_data, key.as_ptr().cast()) });
        }
    }
}

// SAFETY: the host promises its store callbacks and user data may be used from any thread (the
// header's contract); the library only passes the pointer back.
unsafe impl Send for StoreCallbacks {}
unsafe impl Sync for StoreCallbacks {}

/// Identity ids are short (`<region>:<guid>`).
const IDENTITY_BUFFER: usize = 128;
/// A credentials entry is about 2 KB.
const CREDENTIALS_BUFFER: usize = 4096;

/// An identity store kept by the host through callbacks, and its credentials store (for
/// persisted credentials) if it keeps one.
pub(crate) struct HostStore {
    pub identity: Option<StoreCallbacks>,
    pub credentials: Option<StoreCallbacks>,
    pub gate: Arc<CallbackGate>,
}

impl IdentityStore for HostStore {
    fn load(&self, pool_id: &str) -> Result<Option<String>> {
        let Some(store) = &self.identity else {
            return Ok(None);
        };
        match store.load(&self.gate, pool_id, IDENTITY_BUFFER, IDENTITY_BUFFER)? {
            None => Ok(None),
            Some(id) if crate::endpoints::parse_id("identity id", &id).is_ok() => Ok(Some(id)),
            Some(_) => Err(Error::new(
                ErrorKind::Store,
                "the stored identity id is not valid",
            )),
        }
    }

    fn save(&self, pool_id: &str, identity_id: &str) -> Result<()> {
        if let Some(store) = &self.identity {
            store.save(&self.gate, pool_id, identity_id);
        }
        Ok(())
    }

    fn clear(&self, pool_id: &str) -> Result<()> {
        if let Some(store) = &self.identity {
            store.clear(&self.gate, pool_id);
        }
        Ok(())
    }

    fn load_credentials(&self, pool_id: &str) -> Result<Option<Secret>> {
        let Some(store) = &self.credentials else {
            return Ok(None);
        };
        let max = crate::persisted::MAX_ENTRY_LEN;
        Ok(store
            .load(&self.gate, pool_id, CREDENTIALS_BUFFER, max)?
            .map(Secret::new))
    }

    fn save_credentials(&self, pool_id: &str, entry: &Secret) -> Result<()> {
        if let Some(store) = &self.credentials {
            store.save(&self.gate, pool_id, entry.expose());
        }
        Ok(())
    }

    fn clear_credentials(&self, pool_id: &str) -> Result<()> {
        if let Some(store) = &self.credentials {
            store.clear(&self.gate, pool_id);
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

/// Forgets requests (their owner was closed): their waiters stop, late answers are refused.
pub(crate) fn forget(requests: &[u64]) {
    let mut pending = HOST_REQUESTS.lock().unwrap_or_else(|p| p.into_inner());
    for id in requests {
        pending.remove(id);
    }
}

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

/// Registers a request, asks the host through `ask(request_id)` (posted to the gate), and waits
/// for the answer.
fn ask_host(
    gate: &Arc<CallbackGate>,
    ask: impl FnOnce(u64) + Send + 'static,
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
    let asked = gate.is_open();
    if asked {
        gate.post(move || ask(id));
    }
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
        let answer = ask_host(&self.gate, move |id| unsafe {
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
        let answer = ask_host(&self.gate, move |id| unsafe {
            callback(user_data.ptr(), id)
        });
        async move {
            match answer.await? {
                HostAnswer::Developer(d) => Ok(d),
                HostAnswer::Token(_) => Err(wrong_answer()),
            }
        }
        .boxed()
    }
}
