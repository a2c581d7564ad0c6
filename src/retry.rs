//! Bounded retries with full jitter (AWS's "standard" policy shape).

use crate::error::{Error, Result};
use std::future::Future;
use std::time::Duration;

/// How often and how patiently a failed request is tried again. Only errors whose
/// [`Error::is_retryable`] is true are retried (throttling, 5xx, connect and timeout errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The backoff cap grows as `base_delay * 2^retry`, up to `max_delay`; the actual sleep is
    /// uniformly random below the cap ("full jitter").
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    pub fn no_retry() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// The sleep before retry number `retry` (0 for the first retry).
    pub fn backoff(&self, retry: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// Runs `attempt` until it succeeds, fails for good, or the attempts are used up.
    pub async fn run<T, F, Fut>(&self, what: &str, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let attempts = self.max_attempts.max(1);
        let mut n = 1;
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(e) if e.is_retryable() && n < attempts => {
                    let sleep = self.backoff(n - 1);
                    tracing::debug!(
                        operation = what,
                        attempt = n,
                        error = %ErrorSummary(&e),
                        backoff_ms = sleep.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(sleep).await;
                    n += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// The kind and request id of an error, for logs (messages come from servers: keep them out).
struct ErrorSummary<'a>(&'a Error);

impl std::fmt::Display for ErrorSummary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.code())?;
        if let Some(id) = self.0.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn backoff_stays_under_the_growing_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        };
        for _ in 0..200 {
            assert!(p.backoff(0) <= Duration::from_millis(10));
            assert!(p.backoff(1) <= Duration::from_millis(20));
            assert!(p.backoff(40) <= Duration::from_millis(50));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retries_retryable_errors_up_to_the_bound() {
        let calls = AtomicU32::new(0);
        let p = RetryPolicy {
            max_attempts: 4,
            ..Default::default()
        };
        let r: Result<()> = p
            .run("test", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Error::new(ErrorKind::TooManyRequests, "slow down"))
            })
            .await;
        assert_eq!(r.unwrap_err().kind(), ErrorKind::TooManyRequests);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn never_retries_final_errors() {
        let calls = AtomicU32::new(0);
        let r: Result<()> = RetryPolicy::default()
            .run("test", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Error::new(ErrorKind::NotAuthorized, "no"))
            })
            .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn succeeds_after_transient_failures() {
        let calls = AtomicU32::new(0);
        let r = RetryPolicy::default()
            .run("test", || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(Error::new(ErrorKind::Network, "reset"))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(r.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
