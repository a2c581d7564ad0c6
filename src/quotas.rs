//! Cognito's request quotas, kept on the client side. Cognito counts requests per account and
//! region (GetId: 25 per second by default); a game server whose 10,000 players reconnect at once
//! would otherwise send a wall of requests that come back TooManyRequestsException, and retries
//! with jitter would turn part of that wall into failed logins.
//!
//! So every request the library sends waits for a slot of its operation and region, shared by
//! every provider and client of the process: callers wait in order (FIFO), each no longer than its
//! own deadline; a request never sent is never throttled. When the service throttles anyway (the
//! account's quota is lower, other processes share it), the rate steps down; while it does not,
//! it climbs back to the configured one. Cached reads and callers waiting on a request in flight
//! are never counted: only requests that go on the wire are.

use crate::error::{Error, ErrorKind, Result};
use crate::stats;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
// tokio's clock: the same as std's, except under a paused test clock.
use tokio::time::Instant;

/// AWS's default quotas, requests per second per account and region ("Quotas in Amazon
/// Cognito"). The user-pool operations are counted per category (UserAuthentication,
/// UserCreation, UserAccountRecovery...), RespondToAuthChallenge on its own.
pub const AWS_DEFAULT_QUOTAS: &[(&str, f64)] = &[
    ("GetId", 25.0),
    ("GetCredentialsForIdentity", 200.0),
    ("GetOpenIdToken", 200.0),
    ("GetOpenIdTokenForDeveloperIdentity", 50.0),
    ("LookupDeveloperIdentity", 25.0),
    ("UnlinkDeveloperIdentity", 25.0),
    ("UserAuthentication", 120.0),
    ("RespondToAuthChallenge", 360.0),
    ("UserCreation", 50.0),
    ("UserAccountRecovery", 30.0),
    ("UserToken", 120.0),
    ("UserRead", 120.0),
    ("UserUpdate", 25.0),
];

/// STS has no published per-operation quota of this kind: not limited here.
fn bucket_of(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "GetId"
        | "GetCredentialsForIdentity"
        | "GetOpenIdToken"
        | "GetOpenIdTokenForDeveloperIdentity"
        | "LookupDeveloperIdentity"
        | "UnlinkDeveloperIdentity" => {
            AWS_DEFAULT_QUOTAS
                .iter()
                .find(|(name, _)| *name == operation)?
                .0
        }
        "InitiateAuth" => "UserAuthentication",
        "RespondToAuthChallenge" => "RespondToAuthChallenge",
        "SignUp" | "ConfirmSignUp" => "UserCreation",
        "ForgotPassword" | "ConfirmForgotPassword" | "ResendConfirmationCode" => {
            "UserAccountRecovery"
        }
        "GetTokensFromRefreshToken" | "RevokeToken" | "GlobalSignOut" => "UserToken",
        "GetUser" => "UserRead",
        "ChangePassword" | "AssociateSoftwareToken" | "VerifySoftwareToken" => "UserUpdate",
        _ => return None,
    })
}

/// Client-side rate limits: requests per second per quota (an operation, or a user-pool
/// category), and how long a request may wait for its slot.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimits {
    /// Quota name → requests per second. Quotas not named keep AWS's default.
    pub rates: HashMap<String, f64>,
    /// Whether requests wait for their slot: [`Limiting::Aws`] (the default) limits the requests
    /// to AWS's own endpoints and not those to another (a local emulator has no quotas).
    pub limiting: Limiting,
    /// Longest a request waits for its slot before it fails (TooManyRequests, not retried).
    pub max_wait: Duration,
    /// Log a warning (once per quota) when requests have waited this long.
    pub warn_after: Duration,
}

/// How long a request may wait for its slot by default.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(120);

/// Highest rate accepted: more than any Cognito quota anyone has.
pub const MAX_RATE: f64 = 100_000.0;

/// Which requests the limiter holds to their quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limiting {
    /// Those to AWS's endpoints (`*.amazonaws.com`, `*.amazonaws.com.cn`).
    Aws,
    /// All of them (also to an emulator with quotas).
    Always,
    /// None: requests go out as they come, and the service throttles what is too much.
    Never,
}

impl Default for RateLimits {
    fn default() -> RateLimits {
        RateLimits {
            rates: HashMap::new(),
            limiting: Limiting::Aws,
            max_wait: DEFAULT_MAX_WAIT,
            warn_after: Duration::from_secs(5),
        }
    }
}

impl RateLimits {
    /// The configured rate of a quota (AWS's default unless set).
    pub fn rate(&self, quota: &str) -> Option<f64> {
        self.rates.get(quota).copied().or_else(|| {
            AWS_DEFAULT_QUOTAS
                .iter()
                .find(|(name, _)| *name == quota)
                .map(|(_, r)| *r)
        })
    }

    /// Checks the limits: known quota names, rates above 0 and at most [`MAX_RATE`].
    pub fn check(&self) -> Result<()> {
        for (name, rate) in &self.rates {
            if !AWS_DEFAULT_QUOTAS.iter().any(|(q, _)| q == name) {
                return Err(Error::invalid_config(format!(
                    "{name:?} is not a Cognito quota (one of {})",
                    AWS_DEFAULT_QUOTAS
                        .iter()
                        .map(|(q, _)| *q)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            if !rate.is_finite() || *rate <= 0.0 || *rate > MAX_RATE {
                return Err(Error::invalid_config(format!(
                    "the rate of {name} must be above 0 and at most {MAX_RATE} per second"
                )));
            }
        }
        if self.max_wait.is_zero() {
            return Err(Error::invalid_config(
                "the longest wait for a slot must be positive",
            ));
        }
        Ok(())
    }
}

/// How many seconds of requests the limiter sends at once (its bucket's size), out of the one
/// second the service holds.
///
/// The service's bucket is full when a storm begins, and the limiter's starts full when its
/// first request is sent; but that burst reaches the service late (new connections: TCP and TLS
/// handshakes), while the service's bucket, full, cannot fill further. Requests sent later, on
/// the connections made by then, arrive sooner and meet the late ones: with a whole second spent
/// at the start, every such meeting is throttled (and each throttled request steps the rate down).
/// The half second left unspent absorbs arrivals that late; a long storm takes half a second
/// longer.
const BURST_SECONDS: f64 = 0.5;

/// The size of a bucket at `rate`: at least one request, whatever the rate.
fn burst(rate: f64) -> f64 {
    (rate * BURST_SECONDS).max(1.0)
}

/// One quota of one region: a token bucket (half a second of burst: [`BURST_SECONDS`]) whose
/// rate adapts.
struct Bucket {
    state: Mutex<BucketState>,
    /// Held by the caller whose turn it is; others wait behind it in order (tokio's mutex is
    /// fair, FIFO).
    turn: tokio::sync::Mutex<()>,
}

struct BucketState {
    configured: f64,
    /// The rate now: the configured one, or less after throttling.
    rate: f64,
    tokens: f64,
    refilled: Instant,
    /// No step down more often than this (one throttled burst is one event).
    last_step_down: Option<Instant>,
    waiting: usize,
    warned: bool,
}

impl BucketState {
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        // Back up while nothing is throttled: a tenth of the configured rate per second, from a
        // second after the last step down.
        let calm = self
            .last_step_down
            .is_none_or(|t| now.saturating_duration_since(t) > Duration::from_secs(1));
        if self.rate < self.configured && calm {
            self.rate = (self.rate + self.configured * 0.1 * elapsed).min(self.configured);
        }
        self.tokens = (self.tokens + elapsed * self.rate).min(burst(self.rate));
        self.refilled = now;
    }
}

/// A quota of a region.
type BucketKey = (String, &'static str);

/// The process's buckets.
static BUCKETS: Lazy<Mutex<HashMap<BucketKey, Arc<Bucket>>>> = Lazy::new(Default::default);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The limiter as a client of the library uses it: the limits it was configured with.
#[derive(Clone, Debug)]
pub(crate) struct Limiter {
    limits: Arc<RateLimits>,
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Limiter {
        Limiter {
            limits: Arc::new(limits),
        }
    }

    /// Whether requests to `endpoint` wait for their slot.
    pub fn paces(&self, endpoint: &url::Url) -> bool {
        match self.limits.limiting {
            Limiting::Always => true,
            Limiting::Never => false,
            Limiting::Aws => endpoint
                .host_str()
                .is_some_and(|h| h.ends_with(".amazonaws.com") || h.ends_with(".amazonaws.com.cn")),
        }
    }

    fn bucket(&self, region: &str, quota: &'static str, rate: f64) -> Arc<Bucket> {
        let mut buckets = lock(&BUCKETS);
        let bucket = buckets
            .entry((region.to_owned(), quota))
            .or_insert_with(|| {
                Arc::new(Bucket {
                    state: Mutex::new(BucketState {
                        configured: rate,
                        rate,
                        tokens: burst(rate),
                        refilled: Instant::now(),
                        last_step_down: None,
                        waiting: 0,
                        warned: false,
                    }),
                    turn: tokio::sync::Mutex::new(()),
                })
            })
            .clone();
        // The process has one quota per operation: the latest configuration sets its rate.
        let mut s = lock(&bucket.state);
        if s.configured != rate {
            s.configured = rate;
            s.rate = s.rate.min(rate);
        }
        drop(s);
        bucket
    }

    /// Waits for a slot to send `operation` in `region` to `endpoint` (in order, at most the
    /// configured wait). Returns at once for operations without a quota, or not limited there.
    pub async fn acquire(&self, endpoint: &url::Url, region: &str, operation: &str) -> Result<()> {
        let Some(quota) = bucket_of(operation) else {
            return Ok(());
        };
        if !self.paces(endpoint) {
            return Ok(());
        }
        let Some(rate) = self.limits.rate(quota) else {
            return Ok(());
        };
        let bucket = self.bucket(region, quota, rate);
        let started = Instant::now();
        let deadline = started + self.limits.max_wait;
        lock(&bucket.state).waiting += 1;
        let _queued = stats::queued();
        let waited = async {
            let _turn = tokio::time::timeout_at(deadline, bucket.turn.lock())
                .await
                .map_err(|_| self.too_long(quota))?;
            loop {
                let wait = {
                    let mut s = lock(&bucket.state);
                    let now = Instant::now();
                    s.refill(now);
                    if s.tokens >= 1.0 {
                        s.tokens -= 1.0;
                        return Ok(());
                    }
                    Duration::from_secs_f64((1.0 - s.tokens) / s.rate.max(0.01))
                };
                let wake = Instant::now() + wait;
                if wake > deadline {
                    return Err(self.too_long(quota));
                }
                tokio::time::sleep_until(wake).await;
            }
        };
        let result: Result<()> = waited.await;
        let mut s = lock(&bucket.state);
        s.waiting -= 1;
        let waited_for = started.elapsed();
        if waited_for >= self.limits.warn_after && !s.warned {
            s.warned = true;
            tracing::warn!(
                quota,
                region,
                waited_ms = waited_for.as_millis() as u64,
                queued = s.waiting,
                "requests are waiting for Cognito's request quota (raise it, or expect slower logins)"
            );
        }
        drop(s);
        stats::waited(operation, waited_for, result.is_ok());
        result
    }

    /// The service throttled `operation`, sent at `sent`, anyway: its rate steps down (halved;
    /// never under 5 % of the configured rate). Requests sent before the last step down were
    /// sent at the old rate: their throttling is that step's, not a new one.
    pub fn throttled(&self, endpoint: &url::Url, region: &str, operation: &str, sent: Instant) {
        let Some(quota) = bucket_of(operation) else {
            return;
        };
        if !self.paces(endpoint) {
            return;
        }
        let Some(bucket) = lock(&BUCKETS).get(&(region.to_owned(), quota)).cloned() else {
            return;
        };
        let mut s = lock(&bucket.state);
        let now = Instant::now();
        if s.last_step_down.is_some_and(|t| sent <= t) {
            return;
        }
        s.refill(now);
        s.rate = (s.rate / 2.0).max(s.configured * 0.05);
        s.tokens = s.tokens.min(0.0);
        s.last_step_down = Some(now);
        tracing::info!(
            quota,
            region,
            rate = s.rate,
            "throttled: stepping the request rate down"
        );
    }

    fn too_long(&self, quota: &str) -> Error {
        Error::new(
            ErrorKind::TooManyRequests,
            format!(
                "waited {:?} for a slot of Cognito's {quota} quota: too many requests queued",
                self.limits.max_wait
            ),
        )
        .not_retryable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(rate: f64, max_wait: Duration) -> Limiter {
        Limiter::new(RateLimits {
            rates: HashMap::from([("GetId".to_owned(), rate)]),
            limiting: Limiting::Always,
            max_wait,
            warn_after: Duration::from_secs(3600),
        })
    }

    fn url() -> url::Url {
        url::Url::parse("http://127.0.0.1:9/").unwrap()
    }

    /// The buckets are the process's: each test uses a region of its own.
    async fn acquire(l: &Limiter, region: &str) -> Result<()> {
        l.acquire(&url(), region, "GetId").await
    }

    #[tokio::test(start_paused = true)]
    async fn callers_get_their_slots_in_order_at_the_rate() {
        let l = limiter(10.0, Duration::from_secs(60));
        let start = tokio::time::Instant::now();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..30 {
            let (l, order) = (l.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                acquire(&l, "test-order-1").await.unwrap();
                lock(&order).push((i, start.elapsed()));
            }));
            // Each caller is queued before the next one arrives.
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.unwrap();
        }
        let order = lock(&order).clone();
        assert_eq!(
            order.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            (0..30).collect::<Vec<_>>()
        );
        // Half a second's burst at once, then one every 100 ms.
        assert!(order[4].1 < Duration::from_millis(10), "{:?}", order[4]);
        assert!(order[5].1 >= Duration::from_millis(90), "{:?}", order[5]);
        let last = order[29].1;
        assert!(
            last >= Duration::from_millis(2490) && last <= Duration::from_millis(2600),
            "{last:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_goes_away_gives_its_turn_to_the_next() {
        let l = limiter(1.0, Duration::from_secs(60));
        acquire(&l, "test-cancel-1").await.unwrap(); // the one token of the burst
        let start = tokio::time::Instant::now();
        let second = tokio::spawn({
            let l = l.clone();
            async move { acquire(&l, "test-cancel-1").await }
        });
        tokio::task::yield_now().await;
        let third = tokio::spawn({
            let l = l.clone();
            async move {
                acquire(&l, "test-cancel-1").await.unwrap();
                tokio::time::Instant::now()
            }
        });
        tokio::task::yield_now().await;
        second.abort();
        let got = third.await.unwrap();
        // The slot the second caller would have had (at 1 s), not the one after it (2 s).
        assert!(
            got - start <= Duration::from_millis(1050),
            "{:?}",
            got - start
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_would_wait_too_long_fails_at_once_and_is_not_retried() {
        let l = limiter(1.0, Duration::from_millis(500));
        acquire(&l, "test-deadline-1").await.unwrap();
        let e = acquire(&l, "test-deadline-1").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TooManyRequests);
        assert!(!e.is_retryable());
        // Operations without a quota, and endpoints that are not AWS's by default, never wait.
        let aws_only = Limiter::new(RateLimits {
            rates: HashMap::from([("GetId".to_owned(), 0.001)]),
            ..Default::default()
        });
        for _ in 0..5 {
            aws_only
                .acquire(&url(), "test-deadline-1", "GetId")
                .await
                .unwrap();
            l.acquire(&url(), "test-deadline-1", "AssumeRoleWithWebIdentity")
                .await
                .unwrap();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_halves_the_rate_and_calm_brings_it_back() {
        let l = limiter(10.0, Duration::from_secs(600));
        let region = "test-adapt-1";
        // The spacing of two slots after `drain` others (past the burst).
        let spacing = |l: Limiter, drain: usize| async move {
            for _ in 0..drain {
                acquire(&l, region).await.unwrap();
            }
            let t = tokio::time::Instant::now();
            acquire(&l, region).await.unwrap();
            t.elapsed()
        };
        assert!(spacing(l.clone(), 12).await <= Duration::from_millis(110));
        let sent = tokio::time::Instant::now();
        tokio::time::sleep(Duration::from_millis(10)).await;
        l.throttled(&url(), region, "GetId", sent);
        l.throttled(&url(), region, "GetId", sent); // sent at the same rate: one step down
        let slow = spacing(l.clone(), 1).await;
        assert!(
            slow >= Duration::from_millis(190) && slow <= Duration::from_millis(210),
            "{slow:?}"
        );
        // Throttled again although sent at the lower rate: down again, at once.
        l.throttled(&url(), region, "GetId", tokio::time::Instant::now());
        let slower = spacing(l.clone(), 1).await;
        assert!(
            slower >= Duration::from_millis(390) && slower <= Duration::from_millis(410),
            "{slower:?}"
        );
        tokio::time::sleep(Duration::from_secs(20)).await;
        let recovered = spacing(l.clone(), 12).await;
        assert!(recovered <= Duration::from_millis(110), "{recovered:?}");
    }

    /// The service's side of a quota, as the emulator and (as far as anyone outside AWS can
    /// tell) Cognito keep it: a token bucket holding a second of requests, full when the storm
    /// begins, counting what arrives.
    struct ServiceBucket {
        rate: f64,
        tokens: f64,
        refilled: Instant,
        throttled: usize,
    }

    impl ServiceBucket {
        fn admit(&mut self) {
            let now = Instant::now();
            let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.rate).min(self.rate);
            self.refilled = now;
            match self.tokens >= 1.0 {
                true => self.tokens -= 1.0,
                false => self.throttled += 1,
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_storm_whose_first_requests_arrive_late_is_not_throttled() {
        // A storm at exactly the service's quota. The first second's requests take 400 ms to
        // arrive (new connections: TCP and TLS handshakes, on a busy machine), later ones 5 ms on
        // the connections made by then. Requests sent 400 ms apart then arrive together: the
        // limiter must not have spent the service's whole second of burst at the start.
        let rate = 100.0;
        let l = limiter(rate, Duration::from_secs(60));
        let region = "test-late-arrivals-1";
        let service = Arc::new(Mutex::new(ServiceBucket {
            rate,
            tokens: rate,
            refilled: Instant::now(),
            throttled: 0,
        }));
        let start = Instant::now();
        let players = 800;
        let mut tasks = Vec::new();
        for _ in 0..players {
            let (l, service) = (l.clone(), service.clone());
            tasks.push(tokio::spawn(async move {
                acquire(&l, region).await.unwrap();
                let sent = Instant::now();
                let lag = match sent - start < Duration::from_secs(1) {
                    true => Duration::from_millis(400),
                    false => Duration::from_millis(5),
                };
                tokio::time::sleep(lag).await;
                lock(&service).admit();
                sent
            }));
            tokio::task::yield_now().await;
        }
        let mut last_sent = start;
        for t in tasks {
            last_sent = last_sent.max(t.await.unwrap());
        }
        assert_eq!(lock(&service).throttled, 0, "requests throttled");
        // Still no slower than the quota allows: 800 requests at 100 per second.
        assert!(
            last_sent - start <= Duration::from_secs_f64(players as f64 / rate),
            "{:?}",
            last_sent - start
        );
    }

    #[test]
    fn bad_limits_are_configuration_errors() {
        for rates in [
            HashMap::from([("GetId".to_owned(), 0.0)]),
            HashMap::from([("GetId".to_owned(), -5.0)]),
            HashMap::from([("GetId".to_owned(), f64::NAN)]),
            HashMap::from([("GetId".to_owned(), 1e9)]),
            HashMap::from([("GetIdd".to_owned(), 10.0)]),
        ] {
            let limits = RateLimits {
                rates: rates.clone(),
                ..Default::default()
            };
            assert_eq!(
                limits.check().unwrap_err().kind(),
                ErrorKind::InvalidConfig,
                "{rates:?}"
            );
        }
        let no_wait = RateLimits {
            max_wait: Duration::ZERO,
            ..Default::default()
        };
        assert!(no_wait.check().is_err());
        RateLimits::default().check().unwrap();
        assert_eq!(RateLimits::default().rate("GetId"), Some(25.0));
    }
}
