//! The library's global state: one runtime, the provider handle registry and the pending calls.
//! `shutdown` completes every pending call, closes every provider and joins the runtime's threads.

use super::callbacks::{Completer, Outcome};
use super::gate::{set_callback_threads, CallbackGate};
use super::guard::{Failure, FfiResult};
use super::registry::Registry;
use super::types::*;
use crate::credentials::Credentials;
use crate::developer_client::DeveloperIdentityClient;
use crate::error::{Error, ErrorKind};
use crate::events::SubscriptionId;
use crate::provider::CredentialsProvider;
use crate::user_pool::{Challenge, UserPool, UserPoolSession};
use futures_util::FutureExt;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::oneshot;

/// Threads for host callbacks and identity store writes (the runtime's blocking pool), apart
/// from the I/O threads: as many callbacks may block at once before the others wait.
const MAX_CALLBACK_THREADS: usize = 16;

/// How long shutdown waits for pending calls to deliver their completions.
const SHUTDOWN_DRAIN: Duration = Duration::from_secs(10);

pub(crate) enum State {
    Uninitialized,
    Running(Arc<Library>),
    ShutDown,
}

pub(crate) static STATE: RwLock<State> = RwLock::new(State::Uninitialized);

pub(crate) struct Library {
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
    pub handle: tokio::runtime::Handle,
    pub providers: Registry<ProviderEntry>,
    pub developer_clients: Registry<DeveloperIdentityClient>,
    pub user_pools: Registry<UserPool>,
    pub user_sessions: Registry<SessionEntry>,
    /// Open challenges; answering one (MFA set-up) may renew its session in place.
    pub challenges: Registry<Mutex<Challenge>>,
    pending: Mutex<HashMap<u64, PendingCall>>,
    drained: Condvar,
}

/// Call ids are never reused, not even after a shutdown and a new init: a finished call id stays
/// unknown (handles: see `registry`).
static NEXT_CALL: AtomicU64 = AtomicU64::new(1);

/// A started call; `cancel` is taken once the call was asked to stop.
struct PendingCall {
    cancel: Option<oneshot::Sender<()>>,
}

impl PendingCall {
    fn cancel(&mut self) -> bool {
        match self.cancel.take() {
            Some(tx) => {
                let _ = tx.send(());
                true
            }
            None => false,
        }
    }
}

/// A signed-in user as the C side holds it, with the gate of its ended callback.
pub(crate) struct SessionEntry {
    pub session: UserPoolSession,
    pub gate: Arc<CallbackGate>,
    /// The host's ended callback, once set (read when the session ends).
    pub ended: Arc<Mutex<Option<(cognito_session_ended_cb, UserData)>>>,
}

/// A provider as the C side holds it.
pub(crate) struct ProviderEntry {
    pub provider: CredentialsProvider,
    /// Closes the host callbacks of this provider (identity changed, store, token requests).
    pub gate: Arc<CallbackGate>,
    pub identity_subscription: Mutex<Option<SubscriptionId>>,
    /// The last credentials converted for C, reused while they are current.
    pub c_credentials: Mutex<Option<(Arc<Credentials>, Arc<CCredentials>)>>,
    calls: Mutex<HashSet<u64>>,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts the runtime. `worker_threads` 0 means 2.
pub(crate) fn init(worker_threads: usize) -> FfiResult {
    let mut state = write(&STATE);
    if let State::Running(_) = *state {
        return Ok(());
    }
    *state = State::Running(Arc::new(Library::start(worker_threads)?));
    Ok(())
}

/// The running library, started with defaults on first use; an error after shutdown.
pub(crate) fn library() -> FfiResult<Arc<Library>> {
    if let State::Running(lib) = &*read(&STATE) {
        return Ok(lib.clone());
    }
    let mut state = write(&STATE);
    match &*state {
        State::Running(lib) => Ok(lib.clone()),
        State::ShutDown => Err(Failure::new(
            cognito_status::ErrShutDown,
            "the library was shut down; call cognito_init to use it again",
        )),
        State::Uninitialized => {
            let lib = Arc::new(Library::start(0)?);
            *state = State::Running(lib.clone());
            Ok(lib)
        }
    }
}

/// Completes every pending call with COGNITO_STATUS_ERR_CANCELLED, frees every provider and joins the
/// runtime's threads. Safe to call twice.
pub(crate) fn shutdown() -> FfiResult {
    if LIBRARY_THREAD.with(Cell::get) || SHUTTING_DOWN_HERE.with(Cell::get) {
        return Err(Failure::new(
            cognito_status::ErrWrongThread,
            "cognito_shutdown cannot be called from a library callback",
        ));
    }
    // One shutdown at a time: a second caller returns only once the first one has finished (the
    // host may unload the library as soon as its call returns).
    let _one_at_a_time = lock(&SHUTDOWN_SERIAL);
    struct Here;
    impl Drop for Here {
        fn drop(&mut self) {
            SHUTTING_DOWN_HERE.with(|f| f.set(false));
        }
    }
    SHUTTING_DOWN_HERE.with(|f| f.set(true));
    let _here = Here;
    shutdown_serialized()
}

/// Held for the whole of a shutdown.
static SHUTDOWN_SERIAL: Mutex<()> = Mutex::new(());

thread_local! {
    /// Set on the runtime's threads, where library callbacks run (also while it shuts down).
    static LIBRARY_THREAD: Cell<bool> = const { Cell::new(false) };
    /// Set while this thread runs a shutdown (which may deliver late completions itself).
    static SHUTTING_DOWN_HERE: Cell<bool> = const { Cell::new(false) };
}

fn shutdown_serialized() -> FfiResult {
    let lib = match &*read(&STATE) {
        State::Running(lib) => lib.clone(),
        _ => return Ok(()),
    };
    {
        let mut state = write(&STATE);
        match &*state {
            State::Running(current) if Arc::ptr_eq(current, &lib) => *state = State::ShutDown,
            _ => return Ok(()), // another thread shut it down meanwhile
        }
    }
    let providers = lib.providers.drain();
    for p in &providers {
        p.gate.close();
    }
    lib.developer_clients.drain();
    for session in lib.user_sessions.drain() {
        session.gate.close();
    }
    lib.user_pools.drain();
    lib.challenges.drain();
    lib.cancel_all();
    lib.wait_drained(SHUTDOWN_DRAIN);
    drop(providers);
    // From now on callbacks run where they are posted (late completions, the last log lines).
    set_callback_threads(None);
    if let Some(rt) = lock(&lib.runtime).take() {
        rt.shutdown_timeout(Duration::from_secs(5));
    }
    tracing::debug!("cognito-native shut down");
    Ok(())
}

impl Library {
    fn start(worker_threads: usize) -> FfiResult<Library> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(if worker_threads == 0 {
                2
            } else {
                worker_threads.min(64)
            })
            .thread_name("cognito-native")
            // The blocking pool is also where host callbacks run (ffi::gate): a few may block.
            .max_blocking_threads(MAX_CALLBACK_THREADS)
            .on_thread_start(|| LIBRARY_THREAD.with(|f| f.set(true)))
            .enable_all()
            .build()
            .map_err(|e| {
                Failure::new(
                    cognito_status::ErrFailed,
                    format!("cannot start the runtime: {e}"),
                )
            })?;
        set_callback_threads(Some(runtime.handle().clone()));
        Ok(Library {
            handle: runtime.handle().clone(),
            runtime: Mutex::new(Some(runtime)),
            providers: Registry::new("provider"),
            developer_clients: Registry::new("developer client"),
            user_pools: Registry::new("user pool"),
            user_sessions: Registry::new("user session"),
            challenges: Registry::new("challenge"),
            pending: Mutex::new(HashMap::new()),
            drained: Condvar::new(),
        })
    }

    pub fn provider(&self, handle: *const cognito_provider) -> FfiResult<Arc<ProviderEntry>> {
        self.providers.get(handle)
    }

    /// Frees a provider: its pending calls complete with COGNITO_STATUS_ERR_CANCELLED, its callbacks stop.
    pub fn remove_provider(&self, handle: *const cognito_provider) -> FfiResult {
        let entry = self.providers.remove(handle)?;
        entry.gate.close();
        if let Some(sub) = lock(&entry.identity_subscription).take() {
            entry.provider.unsubscribe(sub);
        }
        let calls: Vec<u64> = lock(&entry.calls).drain().collect();
        let mut pending = lock(&self.pending);
        for id in calls {
            if let Some(call) = pending.get_mut(&id) {
                call.cancel();
            }
        }
        Ok(())
    }

    /// Starts an asynchronous call whose completion goes to `completer`, on a runtime thread.
    /// Returns the call's id (for `cognito_cancel`).
    pub fn start_call<F>(
        self: &Arc<Self>,
        entry: Option<&Arc<ProviderEntry>>,
        completer: Completer,
        work: F,
    ) -> u64
    where
        F: Future<Output = Result<Outcome, (cognito_status, Error)>> + Send + 'static,
    {
        let id = NEXT_CALL.fetch_add(1, Ordering::Relaxed);
        let (cancel, cancelled) = oneshot::channel::<()>();
        if let Some(e) = entry {
            lock(&e.calls).insert(id);
        }
        lock(&self.pending).insert(
            id,
            PendingCall {
                cancel: Some(cancel),
            },
        );
        let lib = self.clone();
        let entry = entry.cloned();
        self.handle.spawn(async move {
            let result = tokio::select! {
                biased;
                _ = cancelled => Err((cognito_status::ErrCancelled, Error::new(ErrorKind::Cancelled, "the call was cancelled"))),
                r = AssertUnwindSafe(work).catch_unwind() => r.unwrap_or_else(|_| {
                    Err((cognito_status::ErrPanic, Error::new(ErrorKind::Internal, "internal error (panic caught)")))
                }),
            };
            // Decide under the lock: once the sender is taken here, cognito_cancel finds nothing
            // to cancel (NOT_FOUND); if a cancel took it first, it returned OK, so complete with
            // CANCELLED even if the work finished meanwhile.
            let decided_here = lock(&lib.pending)
                .get_mut(&id)
                .is_some_and(|call| call.cancel.take().is_some());
            let result = match result {
                Err((cognito_status::ErrCancelled, e)) => Err((cognito_status::ErrCancelled, e)),
                _ if !decided_here => Err((
                    cognito_status::ErrCancelled,
                    Error::new(ErrorKind::Cancelled, "the call was cancelled"),
                )),
                other => other,
            };
            // On a callback thread, after the provider's callbacks posted before (its identity
            // change, say); a call without a provider has a queue of its own.
            let gate = entry.as_ref().map_or_else(CallbackGate::new, |e| e.gate.clone());
            gate.post_completion(move || {
                completer.complete(result);
                // Only now is the call over: shutdown waits for this.
                if let Some(e) = entry {
                    lock(&e.calls).remove(&id);
                }
                let mut pending = lock(&lib.pending);
                pending.remove(&id);
                if pending.is_empty() {
                    lib.drained.notify_all();
                }
            });
        });
        id
    }

    /// Asks a pending call to complete with COGNITO_STATUS_ERR_CANCELLED; false if it is unknown,
    /// finished, or already cancelled.
    pub fn cancel(&self, id: u64) -> bool {
        lock(&self.pending)
            .get_mut(&id)
            .is_some_and(PendingCall::cancel)
    }

    fn cancel_all(&self) {
        for call in lock(&self.pending).values_mut() {
            call.cancel();
        }
    }

    /// Waits (bounded) until every started call has delivered its completion.
    fn wait_drained(&self, limit: Duration) {
        let (pending, waited) = self
            .drained
            .wait_timeout_while(lock(&self.pending), limit, |p| !p.is_empty())
            .unwrap_or_else(|p| p.into_inner());
        if waited.timed_out() {
            tracing::warn!(pending = pending.len(), "shutdown: calls still pending");
        }
    }
}

/// The status a failed call completes with.
pub(crate) fn failed(e: Error) -> (cognito_status, Error) {
    let status = match e.kind() {
        ErrorKind::Cancelled => cognito_status::ErrCancelled,
        _ => cognito_status::ErrFailed,
    };
    (status, e)
}

impl ProviderEntry {
    pub fn new(provider: CredentialsProvider, gate: Arc<CallbackGate>) -> ProviderEntry {
        ProviderEntry {
            provider,
            gate,
            identity_subscription: Mutex::new(None),
            c_credentials: Mutex::new(None),
            calls: Mutex::new(HashSet::new()),
        }
    }

    /// The C form of `credentials`, converted once per set of credentials.
    pub fn c_credentials(&self, credentials: &Arc<Credentials>) -> Arc<CCredentials> {
        let mut cache = lock(&self.c_credentials);
        if let Some((rust, c)) = &*cache {
            if Arc::ptr_eq(rust, credentials) {
                return c.clone();
            }
        }
        let c = Arc::new(CCredentials::new(credentials));
        *cache = Some((credentials.clone(), c.clone()));
        c
    }
}
