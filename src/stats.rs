//! What the library is doing, for a game server to watch: requests by operation and outcome,
//! retries, throttles, waits for a quota slot, cached reads, refreshes, calls in flight. Counted
//! for the whole process (every provider and client), cheaply (a few atomic adds per request).

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use once_cell::sync::Lazy;

/// A snapshot of the process's statistics since it started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Statistics {
    /// By operation (`GetId`, `InitiateAuth`, `AssumeRoleWithWebIdentity`...).
    pub operations: BTreeMap<String, OperationStatistics>,
    /// Reads answered from cached credentials (no request).
    pub cache_hits: u64,
    /// Credentials requests that went to the service (first fetches and refreshes).
    pub credentials_fetches: u64,
    /// Requests on the wire now.
    pub in_flight: u64,
    /// Requests waiting for a quota slot now.
    pub queued: u64,
}

/// One operation's counts. `sent` counts attempts: a retried request counts each time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OperationStatistics {
    pub sent: u64,
    pub succeeded: u64,
    /// Answered TooManyRequestsException (or STS throttling).
    pub throttled: u64,
    /// Failed otherwise (service errors, network, timeouts).
    pub failed: u64,
    /// Attempts after the first (retries).
    pub retries: u64,
    /// Requests that waited for a quota slot, their total and longest wait.
    pub waited: u64,
    pub wait_total_ms: u64,
    pub wait_max_ms: u64,
    /// Requests that gave up waiting for a slot (nothing was sent).
    pub wait_timeouts: u64,
}

#[derive(Default)]
struct Counters {
    sent: AtomicU64,
    succeeded: AtomicU64,
    throttled: AtomicU64,
    failed: AtomicU64,
    retries: AtomicU64,
    waited: AtomicU64,
    wait_total_ms: AtomicU64,
    wait_max_ms: AtomicU64,
    wait_timeouts: AtomicU64,
}

static OPERATIONS: Lazy<Mutex<HashMap<String, &'static Counters>>> = Lazy::new(Default::default);
static CACHE_HITS: AtomicU64 = AtomicU64::new(0);
static FETCHES: AtomicU64 = AtomicU64::new(0);
static IN_FLIGHT: AtomicI64 = AtomicI64::new(0);
static QUEUED: AtomicI64 = AtomicI64::new(0);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The counters of an operation (created on first use, kept for the process: operations are a
/// small fixed set).
fn counters(operation: &str) -> &'static Counters {
    let mut ops = lock(&OPERATIONS);
    if let Some(c) = ops.get(operation) {
        return c;
    }
    let c: &'static Counters = Box::leak(Box::default());
    ops.insert(operation.to_owned(), c);
    c
}

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Succeeded,
    Throttled,
    Failed,
}

/// A request goes on the wire (`attempt` 1 is the first, more are retries); in flight until the
/// returned guard drops.
pub(crate) fn sent(operation: &str, attempt: u32) -> InFlight {
    let c = counters(operation);
    c.sent.fetch_add(1, Ordering::Relaxed);
    if attempt > 1 {
        c.retries.fetch_add(1, Ordering::Relaxed);
    }
    IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
    InFlight
}

pub(crate) struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(crate) fn finished(operation: &str, outcome: Outcome) {
    let c = counters(operation);
    match outcome {
        Outcome::Succeeded => &c.succeeded,
        Outcome::Throttled => &c.throttled,
        Outcome::Failed => &c.failed,
    }
    .fetch_add(1, Ordering::Relaxed);
}

/// A request starts waiting for a quota slot; until the guard drops.
pub(crate) fn queued() -> Queued {
    QUEUED.fetch_add(1, Ordering::Relaxed);
    Queued
}

pub(crate) struct Queued;

impl Drop for Queued {
    fn drop(&mut self) {
        QUEUED.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A request got its slot (or gave up) after `waited`.
pub(crate) fn waited(operation: &str, waited: Duration, got_slot: bool) {
    let c = counters(operation);
    let ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
    if !got_slot {
        c.wait_timeouts.fetch_add(1, Ordering::Relaxed);
    }
    if ms > 0 {
        c.waited.fetch_add(1, Ordering::Relaxed);
        c.wait_total_ms.fetch_add(ms, Ordering::Relaxed);
        c.wait_max_ms.fetch_max(ms, Ordering::Relaxed);
    }
}

pub(crate) fn cache_hit() {
    CACHE_HITS.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn credentials_fetch() {
    FETCHES.fetch_add(1, Ordering::Relaxed);
}

/// The process's statistics now.
pub fn snapshot() -> Statistics {
    let ops = lock(&OPERATIONS);
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    Statistics {
        operations: ops
            .iter()
            .map(|(name, c)| {
                (
                    name.clone(),
                    OperationStatistics {
                        sent: get(&c.sent),
                        succeeded: get(&c.succeeded),
                        throttled: get(&c.throttled),
                        failed: get(&c.failed),
                        retries: get(&c.retries),
                        waited: get(&c.waited),
                        wait_total_ms: get(&c.wait_total_ms),
                        wait_max_ms: get(&c.wait_max_ms),
                        wait_timeouts: get(&c.wait_timeouts),
                    },
                )
            })
            .collect(),
        cache_hits: get(&CACHE_HITS),
        credentials_fetches: get(&FETCHES),
        in_flight: IN_FLIGHT.load(Ordering::Relaxed).max(0) as u64,
        queued: QUEUED.load(Ordering::Relaxed).max(0) as u64,
    }
}
