//! AWS credentials: the temporary ones a Cognito identity gets (and when to refresh them), and a
//! game backend's own, which sign the developer identity operations.

use crate::error::{Error, Result};
use crate::secret::Secret;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

/// Temporary AWS credentials for a Cognito identity. `Debug` hides the secret key and session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    /// When AWS says they expire (server time).
    pub expiration: SystemTime,
    /// The identity they were issued for.
    pub identity_id: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expiration", &httpdate::fmt_http_date(self.expiration))
            .field("identity_id", &self.identity_id)
            .finish()
    }
}

/// Credentials in the cache, with local monotonic deadlines computed once on arrival.
#[derive(Clone, Debug)]
pub(crate) struct CachedCredentials {
    pub credentials: std::sync::Arc<Credentials>,
    /// From here on a read still returns them but starts a refresh in the background.
    pub refresh_at: Instant,
    /// From here on they are too close to expiry to hand out: callers wait for new ones.
    pub usable_until: Instant,
}

/// Credentials with less than this left are not handed out: a request signed with them could
/// arrive after they expired.
const EXPIRY_BUFFER: Duration = Duration::from_secs(10);

impl CachedCredentials {
    /// `lifetime` is the time left until expiration by the server's clock, as of `now`.
    ///
    /// The refresh starts `refresh_window` before expiry, but never earlier than halfway through
    /// the credentials' life: short-lived credentials would otherwise be refreshed on every read.
    pub fn new(
        credentials: std::sync::Arc<Credentials>,
        lifetime: Duration,
        refresh_window: Duration,
        now: Instant,
    ) -> CachedCredentials {
        let expires = now + lifetime;
        CachedCredentials {
            credentials,
            refresh_at: expires - refresh_window.min(lifetime / 2),
            usable_until: expires - EXPIRY_BUFFER.min(lifetime / 4),
        }
    }

    pub fn is_usable(&self, now: Instant) -> bool {
        now < self.usable_until
    }

    pub fn needs_refresh(&self, now: Instant) -> bool {
        now >= self.refresh_at
    }
}

/// AWS credentials of the game backend, used to sign the developer identity operations.
#[derive(Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

impl AwsCredentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        session_token: Option<Secret>,
    ) -> AwsCredentials {
        AwsCredentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
        }
    }

    /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and (optional) `AWS_SESSION_TOKEN`.
    pub fn from_env() -> Result<AwsCredentials> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Ok(AwsCredentials::new(
                id,
                secret,
                var("AWS_SESSION_TOKEN").map(Secret::new),
            )),
            _ => Err(Error::invalid_config(
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or pass them",
            )),
        }
    }
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn creds() -> Arc<Credentials> {
        Arc::new(Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("very-secret-key"),
            session_token: Secret::new("very-secret-session"),
            expiration: SystemTime::now(),
            identity_id: "us-east-1:abc".into(),
        })
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!("{:?}", creds());
        assert!(text.contains("ASIAEXAMPLE"));
        assert!(!text.contains("very-secret"));
    }

    #[test]
    fn refresh_window_applies_to_long_lived_credentials() {
        let now = Instant::now();
        let hour = Duration::from_secs(3600);
        let c = CachedCredentials::new(creds(), hour, Duration::from_secs(300), now);
        assert!(!c.needs_refresh(now + Duration::from_secs(3200)));
        assert!(c.needs_refresh(now + Duration::from_secs(3300)));
        assert!(c.is_usable(now + Duration::from_secs(3589)));
        assert!(!c.is_usable(now + Duration::from_secs(3590)));
    }

    #[test]
    fn short_lived_credentials_refresh_halfway() {
        let now = Instant::now();
        let c = CachedCredentials::new(
            creds(),
            Duration::from_secs(8),
            Duration::from_secs(300),
            now,
        );
        assert!(!c.needs_refresh(now + Duration::from_millis(3900)));
        assert!(c.needs_refresh(now + Duration::from_millis(4000)));
        assert!(c.is_usable(now + Duration::from_millis(5900)));
        assert!(!c.is_usable(now + Duration::from_secs(6)));
    }

    #[test]
    fn expired_on_arrival_is_never_usable() {
        let now = Instant::now();
        let c = CachedCredentials::new(creds(), Duration::ZERO, Duration::from_secs(300), now);
        assert!(!c.is_usable(now));
        assert!(c.needs_refresh(now));
    }

    #[test]
    fn backend_credentials_debug_hides_secrets() {
        let c = AwsCredentials::new("AKID", "very-secret", Some(Secret::new("very-session")));
        let d = format!("{c:?}");
        assert!(d.contains("AKID") && !d.contains("very-"));
    }
}
