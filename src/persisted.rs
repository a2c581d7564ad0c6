//! Credentials kept across launches (opt-in: [`crate::Config::persist_credentials`]), so that a
//! launch while they are valid costs no request.
//!
//! They go through the identity store (its credentials entry), as one JSON text with what it
//! takes to judge them on the next launch without asking the service: the identity and the logins
//! they belong to, and the server clock's offset when they were saved (their expiration is in
//! server time). An entry is used only when all of that still holds; anything else (corrupt,
//! another pool's, expired, the device clock moved back past the save) is ignored.

use crate::credentials::Credentials;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const VERSION: u32 = 1;

/// A device clock more than this behind the time of the save has moved back: the saved offset
/// says nothing about it any more.
const CLOCK_BACK_TOLERANCE: Duration = Duration::from_secs(300);

/// Longest text accepted from a store (an entry is about 2 KB).
pub(crate) const MAX_ENTRY_LEN: usize = 64 * 1024;

/// The stored form. Never logged: it holds the secret key.
#[derive(Serialize, Deserialize)]
struct Entry {
    v: u32,
    pool_id: String,
    identity_id: String,
    /// [`logins_fingerprint`] of the logins the credentials were issued for.
    logins: String,
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Secret,
    /// Unix seconds, server time.
    expiration: u64,
    /// Server time minus local time when saved, in milliseconds.
    clock_offset_ms: i64,
    /// Unix seconds, local time, when saved.
    saved_at: u64,
}

/// Credentials loaded from the store, not used yet: they must match the provider's state when
/// they are first asked for.
pub(crate) struct Persisted {
    pub credentials: Credentials,
    pub logins: String,
    clock_offset_ms: i64,
    saved_at: SystemTime,
}

impl Persisted {
    /// How long they remain valid by the server's clock as estimated from the saved offset, or
    /// `None` when they have expired or the estimate cannot be trusted.
    pub fn lifetime(&self, now: SystemTime) -> Option<Duration> {
        if now + CLOCK_BACK_TOLERANCE < self.saved_at {
            return None;
        }
        let server_now = shift(now, self.clock_offset_ms);
        self.credentials
            .expiration
            .duration_since(server_now)
            .ok()
            .filter(|d| !d.is_zero())
    }

    /// Whether they belong to `identity_id` and to logins with this fingerprint.
    pub fn matches(&self, identity_id: Option<&str>, logins: Option<&str>) -> bool {
        identity_id == Some(self.credentials.identity_id.as_str())
            && logins == Some(self.logins.as_str())
    }
}

/// The stored text of `credentials` for `pool_id`.
pub(crate) fn encode(
    pool_id: &str,
    credentials: &Credentials,
    logins: &str,
    clock_offset_ms: i64,
) -> Secret {
    let entry = Entry {
        v: VERSION,
        pool_id: pool_id.to_owned(),
        identity_id: credentials.identity_id.clone(),
        logins: logins.to_owned(),
        access_key_id: credentials.access_key_id.clone(),
        secret_access_key: credentials.secret_access_key.clone(),
        session_token: credentials.session_token.clone(),
        expiration: unix_secs(credentials.expiration),
        clock_offset_ms,
        saved_at: unix_secs(SystemTime::now()),
    };
    // Serializing strings and numbers cannot fail.
    Secret::new(serde_json::to_string(&entry).unwrap_or_default())
}

/// Reads a stored text; `None` (and a warning without its content) for anything that is not an
/// entry of this pool.
pub(crate) fn decode(pool_id: &str, text: &Secret) -> Option<Persisted> {
    let entry = (text.len() <= MAX_ENTRY_LEN)
        .then(|| serde_json::from_str::<Entry>(text.expose()).ok())
        .flatten()
        .filter(|e| e.v == VERSION && e.pool_id == pool_id)
        .filter(|e| crate::endpoints::parse_id("identity id", &e.identity_id).is_ok())
        .filter(|e| {
            !e.access_key_id.is_empty()
                && !e.secret_access_key.is_empty()
                && !e.session_token.is_empty()
        });
    let Some(e) = entry else {
        tracing::warn!("the stored credentials are corrupt or not this pool's; ignoring them");
        return None;
    };
    Some(Persisted {
        credentials: Credentials {
            access_key_id: e.access_key_id,
            secret_access_key: e.secret_access_key,
            session_token: e.session_token,
            expiration: UNIX_EPOCH + Duration::from_secs(e.expiration),
            identity_id: e.identity_id,
        },
        logins: e.logins,
        clock_offset_ms: e.clock_offset_ms,
        saved_at: UNIX_EPOCH + Duration::from_secs(e.saved_at),
    })
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn shift(t: SystemTime, ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        t + d
    } else {
        t.checked_sub(d).unwrap_or(UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POOL: &str = "us-east-1:00000000-0000-4000-8000-000000000001";
    const ID: &str = "us-east-1:11111111-2222-4333-8444-555555555555";

    fn credentials(expires_in: Duration) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("secret-key-value"),
            session_token: Secret::new("session-token-value"),
            expiration: SystemTime::now() + expires_in,
            identity_id: ID.into(),
        }
    }

    #[test]
    fn round_trip_keeps_what_judging_them_needs() {
        let hour = Duration::from_secs(3600);
        let text = encode(POOL, &credentials(hour), "fp", 0);
        let p = decode(POOL, &text).expect("an entry");
        assert_eq!(p.credentials.access_key_id, "ASIAEXAMPLE");
        assert_eq!(p.credentials.secret_access_key.expose(), "secret-key-value");
        assert!(p.matches(Some(ID), Some("fp")));
        assert!(!p.matches(Some(ID), Some("other")));
        assert!(!p.matches(None, Some("fp")));
        assert!(!p.matches(Some(ID), None));
        let left = p.lifetime(SystemTime::now()).unwrap();
        assert!(
            left > hour - Duration::from_secs(5) && left <= hour,
            "{left:?}"
        );
    }

    #[test]
    fn expiry_is_judged_on_the_saved_server_offset() {
        // Ten minutes left by the device clock, but the server was an hour ahead: expired.
        let text = encode(
            POOL,
            &credentials(Duration::from_secs(600)),
            "fp",
            3_600_000,
        );
        let p = decode(POOL, &text).unwrap();
        assert_eq!(p.lifetime(SystemTime::now()), None);
        // And with a server behind, they have more time than the device clock says.
        let text = encode(POOL, &credentials(Duration::from_secs(600)), "fp", -600_000);
        let left = decode(POOL, &text)
            .unwrap()
            .lifetime(SystemTime::now())
            .unwrap();
        assert!(left > Duration::from_secs(1150), "{left:?}");
    }

    #[test]
    fn a_clock_moved_back_past_the_save_is_not_trusted() {
        let text = encode(POOL, &credentials(Duration::from_secs(3600)), "fp", 0);
        let p = decode(POOL, &text).unwrap();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        assert_eq!(p.lifetime(an_hour_ago), None);
        assert!(p
            .lifetime(SystemTime::now() - Duration::from_secs(60))
            .is_some());
    }

    #[test]
    fn corrupt_or_foreign_entries_are_ignored() {
        let good = encode(POOL, &credentials(Duration::from_secs(3600)), "fp", 0);
        assert!(decode("eu-west-1:00000000-0000-4000-8000-000000000009", &good).is_none());
        let wrong_version = good.expose().replace("\"v\":1", "\"v\":2");
        let empty_key = good.expose().replace("secret-key-value", "");
        let bad_id = good.expose().replace(ID, "not-an-id");
        for text in [
            "",
            "{}",
            "[]",
            "null",
            "\u{0}\u{1}garbage",
            &good.expose()[..good.len() / 2],
            &wrong_version,
            &empty_key,
            &bad_id,
            &"x".repeat(MAX_ENTRY_LEN + 1),
        ] {
            assert!(decode(POOL, &Secret::new(text)).is_none(), "{text:.40}");
        }
    }
}
