//! Where and when host callbacks run. Every object that calls the host (a provider, the log sink)
//! has a [`CallbackGate`]: the callbacks posted to it run one at a time, in the order they were
//! posted, on the library's callback threads (the runtime's blocking pool) and never on its I/O
//! threads, where a callback that blocks (a PlayerPrefs write, a slow disk, a breakpoint) would
//! stall every provider's requests. The store's callbacks are called where the store is written
//! (a blocking thread, or the host's own thread in a clear). After [`CallbackGate::close`]
//! returns, none of the object's callbacks runs any more; completions of its calls still do (a
//! call completes exactly once).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::Duration;

/// The library's callback threads: its runtime, while it runs. Without it (before the first
/// start, after shutdown) posted callbacks run on the posting thread, which then cannot be one
/// of the library's I/O threads.
static CALLBACK_THREADS: RwLock<Option<tokio::runtime::Handle>> = RwLock::new(None);

pub(crate) fn set_callback_threads(runtime: Option<tokio::runtime::Handle>) {
    *CALLBACK_THREADS.write().unwrap_or_else(|p| p.into_inner()) = runtime;
}

fn callback_threads() -> Option<tokio::runtime::Handle> {
    CALLBACK_THREADS
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Default)]
pub(crate) struct CallbackGate {
    /// Open, and how many gated callbacks are running (on any thread): `close` waits for them.
    /// Not a lock held across callbacks: a store callback runs under the provider's store lock,
    /// and a callback that calls back into the provider (a clear) takes that lock in turn.
    state: Mutex<GateState>,
    /// Signalled when a callback returns (for `close`).
    returned: Condvar,
    /// Requests to the host (token / developer identity) made through this gate and not yet
    /// finished: `close` forgets them, so their waiters stop and late answers are refused.
    pub(super) host_requests: Mutex<Vec<u64>>,
    queue: Mutex<Queue>,
    /// Signalled when the queue runs empty (for `flush`).
    emptied: Condvar,
}

#[derive(Default)]
struct GateState {
    closed: bool,
    running: usize,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// A drain is scheduled or running: it takes the jobs posted meanwhile.
    draining: bool,
}

struct Job {
    /// Skipped once the gate is closed; completions are not.
    gated: bool,
    run: Box<dyn FnOnce() + Send>,
}

thread_local! {
    /// Gates this thread is inside a callback of (callbacks may nest).
    static INSIDE: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

impl CallbackGate {
    pub fn new() -> Arc<CallbackGate> {
        Arc::new(CallbackGate::default())
    }

    fn id(&self) -> usize {
        self as *const _ as usize
    }

    /// How many of this gate's callbacks this thread is inside of (callbacks may nest).
    fn nested(&self) -> usize {
        INSIDE.with(|i| i.borrow().iter().filter(|g| **g == self.id()).count())
    }

    /// Runs `f` now, on this thread, unless the gate is closed. Returns whether it ran. For
    /// callbacks whose answer is needed at once (the store's).
    pub fn call(&self, f: impl FnOnce()) -> bool {
        {
            let mut state = lock(&self.state);
            if state.closed {
                return false;
            }
            state.running += 1;
        }
        self.inside(f);
        lock(&self.state).running -= 1;
        self.returned.notify_all();
        true
    }

    /// Runs `f` on a callback thread, after everything posted before it, unless the gate is
    /// closed by then.
    pub fn post(self: &Arc<Self>, f: impl FnOnce() + Send + 'static) {
        self.enqueue(Job {
            gated: true,
            run: Box::new(f),
        });
    }

    /// Like [`post`](Self::post), for a completion: it runs even after the gate closed.
    pub fn post_completion(self: &Arc<Self>, f: impl FnOnce() + Send + 'static) {
        self.enqueue(Job {
            gated: false,
            run: Box::new(f),
        });
    }

    fn enqueue(self: &Arc<Self>, job: Job) {
        let start_drain = {
            let mut q = lock(&self.queue);
            q.jobs.push_back(job);
            !std::mem::replace(&mut q.draining, true)
        };
        if start_drain {
            let drain = Drain {
                gate: self.clone(),
                ran: false,
            };
            match callback_threads() {
                // A runtime shutting down drops the closure unrun: the drain then runs on drop.
                Some(runtime) => drop(runtime.spawn_blocking(move || drain.run())),
                None => drain.run(),
            }
        }
    }

    /// Runs the queued jobs until none is left.
    fn drain(&self) {
        loop {
            let job = {
                let mut q = lock(&self.queue);
                match q.jobs.pop_front() {
                    Some(job) => job,
                    None => {
                        q.draining = false;
                        self.emptied.notify_all();
                        return;
                    }
                }
            };
            if job.gated {
                self.call(job.run);
            } else {
                self.inside(job.run);
            }
        }
    }

    /// Runs `f` marked as inside this gate's callbacks, so that calls back into the library from
    /// it (closing this gate, say) know they are nested.
    fn inside(&self, f: impl FnOnce()) {
        INSIDE.with(|i| i.borrow_mut().push(self.id()));
        let result = catch_unwind(AssertUnwindSafe(f));
        INSIDE.with(|i| {
            let mut i = i.borrow_mut();
            if let Some(at) = i.iter().rposition(|g| *g == self.id()) {
                i.remove(at);
            }
        });
        if result.is_err() {
            tracing::error!("a callback wrapper panicked");
        }
    }

    /// Waits, at most `limit`, until everything posted so far has run (not from inside one of
    /// this gate's callbacks, which would wait for itself).
    pub fn flush(&self, limit: Duration) {
        if self.nested() > 0 {
            return;
        }
        let _ = self
            .emptied
            .wait_timeout_while(lock(&self.queue), limit, |q| q.draining)
            .unwrap_or_else(|p| p.into_inner());
    }

    pub fn close(&self) {
        // Wait for the callbacks running on other threads to return: all of them but those this
        // thread is inside of (closing from a callback), which finish after this returns.
        let here = self.nested();
        let mut state = lock(&self.state);
        state.closed = true;
        while state.running > here {
            state = self.returned.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        drop(state);
        // Forget the requests still waiting for the host: dropping their senders ends the
        // waits at once (instead of after the logins timeout), and a late answer is refused.
        let requests = std::mem::take(&mut *lock(&self.host_requests));
        super::host_requests::forget(&requests);
    }

    pub fn is_open(&self) -> bool {
        !lock(&self.state).closed
    }
}

/// A scheduled drain of a gate's queue. Should the runtime drop it unrun (it was shutting down),
/// it drains on the dropping thread: queued completions are never lost.
struct Drain {
    gate: Arc<CallbackGate>,
    ran: bool,
}

impl Drain {
    fn run(mut self) {
        self.ran = true;
        self.gate.drain();
    }
}

impl Drop for Drain {
    fn drop(&mut self) {
        if !self.ran {
            self.gate.drain();
        }
    }
}
