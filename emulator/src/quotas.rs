//! Request quotas, as AWS enforces them per account and region: a token bucket per operation
//! holding one second of requests, refilled at the quota's rate; a request that finds it empty is
//! answered TooManyRequestsException "Rate exceeded" (STS: Throttling), as AWS does. Off unless
//! configured ([`crate::EmulatorConfig::quotas`], or `POST /__emulator/quotas`).
//!
//! Identity-pool quotas are per operation (`GetId`...). User-pool quotas are per category, as
//! AWS's quota page groups the operations ([`user_pool_category`]): `UserAuthentication`,
//! `RespondToAuthChallenge`, `UserCreation`, `UserAccountRecovery`, `UserToken`, `UserRead`,
//! `UserUpdate`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Instant;

#[derive(Default)]
pub(crate) struct Quotas {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    buckets: HashMap<String, Bucket>,
    throttled: BTreeMap<String, u64>,
}

struct Bucket {
    rate: f64,
    tokens: f64,
    refilled: Instant,
}

/// The quota category of a user-pool operation (AWS's "Quotas in Amazon Cognito" page). Kept
/// here on its own, not shared with the library's limiter: each checks the other.
pub(crate) fn user_pool_category(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "InitiateAuth" => "UserAuthentication",
        "RespondToAuthChallenge" => "RespondToAuthChallenge",
        "SignUp" | "ConfirmSignUp" => "UserCreation",
        "ForgotPassword" | "ConfirmForgotPassword" | "ResendConfirmationCode" => {
            "UserAccountRecovery"
        }
        "GetTokensFromRefreshToken" | "RevokeToken" | "GlobalSignOut" => "UserToken",
        "GetUser" => "UserRead",
        "ChangePassword"
        | "AssociateSoftwareToken"
        | "VerifySoftwareToken"
        | "SetUserMFAPreference" => "UserUpdate",
        _ => return None,
    })
}

/// The largest rate accepted (per second).
pub(crate) const MAX_RATE: f64 = 1_000_000.0;

impl Quotas {
    pub fn new(rates: &BTreeMap<String, f64>) -> Quotas {
        let q = Quotas::default();
        for (op, rate) in rates {
            q.set(op, Some(*rate));
        }
        q
    }

    /// Sets (`Some`) or removes (`None`) an operation's quota; a bucket starts full.
    pub fn set(&self, operation: &str, rate: Option<f64>) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match rate {
            Some(rate) => {
                let rate = rate.clamp(0.001, MAX_RATE);
                s.buckets.insert(
                    operation.to_owned(),
                    Bucket {
                        rate,
                        tokens: rate.max(1.0),
                        refilled: Instant::now(),
                    },
                );
            }
            None => {
                s.buckets.remove(operation);
            }
        }
    }

    /// Whether a request to `operation` may go ahead now (it takes a token); counts the refused.
    pub fn admit(&self, operation: &str) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some(b) = s.buckets.get_mut(operation) else {
            return true;
        };
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(b.refilled).as_secs_f64();
        b.tokens = (b.tokens + elapsed * b.rate).min(b.rate.max(1.0));
        b.refilled = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            return true;
        }
        *s.throttled.entry(operation.to_owned()).or_insert(0) += 1;
        false
    }

    /// The quotas now (operation → rate) and the requests refused so far per operation.
    pub fn snapshot(&self) -> (BTreeMap<String, f64>, BTreeMap<String, u64>) {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        (
            s.buckets.iter().map(|(k, b)| (k.clone(), b.rate)).collect(),
            s.throttled.clone(),
        )
    }

    pub fn clear_counts(&self) {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .throttled
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_of_burst_then_the_rate() {
        let q = Quotas::new(&BTreeMap::from([("GetId".to_owned(), 5.0)]));
        let admitted = (0..20).filter(|_| q.admit("GetId")).count();
        assert_eq!(admitted, 5);
        assert_eq!(q.snapshot().1["GetId"], 15);
        assert!(
            q.admit("GetCredentialsForIdentity"),
            "no quota: always admitted"
        );
        std::thread::sleep(std::time::Duration::from_millis(450));
        assert!(q.admit("GetId"), "refilled at 5 per second");
        q.set("GetId", None);
        assert!((0..100).all(|_| q.admit("GetId")));
    }
}
