//! What a provider is built from.

use crate::clock::ServerClock;
use crate::endpoints::{self, EndpointConfig, Service};
use crate::error::{Error, Result};
use crate::quotas::{Limiter, RateLimits};
use crate::retry::RetryPolicy;
use crate::store::{IdentityStore, MemoryIdentityStore};
use crate::wire::http::{HttpClient, TlsOptions};
use crate::wire::Wire;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The configuration of a [`crate::CredentialsProvider`]. Start from [`Config::new`] and set what
/// you need; everything but the pool id has a sensible default.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// `<region>:<guid>`.
    pub identity_pool_id: String,
    /// Defaults to the region in the pool id.
    pub region: Option<String>,
    /// The AWS account owning the pool (optional, sent with GetId).
    pub account_id: Option<String>,
    /// When set, credentials for unauthenticated identities come from the basic flow:
    /// GetOpenIdToken and STS AssumeRoleWithWebIdentity with this role.
    pub unauth_role_arn: Option<String>,
    /// The same for authenticated identities (with logins).
    pub auth_role_arn: Option<String>,
    /// Role to request in the enhanced flow (for pools with several roles per provider).
    pub custom_role_arn: Option<String>,
    pub endpoints: EndpointConfig,
    /// Credentials are refreshed this long before they expire (in the background, while readers
    /// still get the valid ones). Capped at half the credentials' lifetime.
    pub refresh_window: Duration,
    /// Bound on one HTTP attempt: connect, send and read the whole answer.
    pub attempt_timeout: Duration,
    pub connect_timeout: Duration,
    /// Bound on a logins provider's answer.
    pub logins_timeout: Duration,
    pub retry: RetryPolicy,
    /// Extra trust roots (PEM). Providers with the same roots share a connection pool.
    pub ca_bundle_pem: Option<Vec<u8>>,
    /// The HTTP client (connection pool) to use; default: the process-wide one for these trust
    /// roots and connect timeout.
    pub http_client: Option<HttpClient>,
    pub identity_store: Arc<dyn IdentityStore>,
    /// Keep the credentials in the identity store too (its credentials entry), so a later launch
    /// uses them while they are valid and sends no request. Off by default: they hold a secret
    /// key; give a store that keeps secrets where the platform keeps them.
    pub persist_credentials: bool,
    /// Start getting the identity and credentials (with the logins known then) as soon as the
    /// provider is created, in the background, so an app that asks after loading does not wait.
    /// Costs no request when persisted credentials are valid. See also
    /// [`crate::CredentialsProvider::prefetch`].
    pub prefetch: bool,
    /// Cognito's request quotas, kept on this side (shared by every client of the process).
    pub rate_limits: RateLimits,
    /// Where background work runs; default: the runtime the provider is created in.
    pub runtime: Option<tokio::runtime::Handle>,
}

impl Config {
    pub fn new(identity_pool_id: impl Into<String>) -> Config {
        Config {
            identity_pool_id: identity_pool_id.into(),
            region: None,
            account_id: None,
            unauth_role_arn: None,
            auth_role_arn: None,
            custom_role_arn: None,
            endpoints: EndpointConfig {
                use_environment: true,
                ..Default::default()
            },
            refresh_window: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            logins_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            ca_bundle_pem: None,
            http_client: None,
            identity_store: Arc::new(MemoryIdentityStore::new()),
            persist_credentials: false,
            prefetch: false,
            rate_limits: RateLimits::default(),
            runtime: None,
        }
    }

    /// Points every service at one endpoint, e.g. the local emulator (`http://127.0.0.1:PORT`,
    /// which this also allows).
    pub fn with_local_endpoint(mut self, url: &str) -> Config {
        self.endpoints = self.endpoints.with_local_endpoint(url);
        self
    }

    pub fn with_identity_store(mut self, store: Arc<dyn IdentityStore>) -> Config {
        self.identity_store = store;
        self
    }

    pub(crate) fn validate(&self) -> Result<Validated> {
        let pool_region = endpoints::parse_id("identity pool id", &self.identity_pool_id)
            .map_err(|e| Error::invalid_config(e.message().to_owned()))?;
        let region = self.region.clone().unwrap_or(pool_region);
        endpoints::check_region(&region)?;
        if let Some(account) = &self.account_id {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid_config("account id must be 12 digits"));
            }
        }
        for (what, arn) in [
            ("unauth role ARN", &self.unauth_role_arn),
            ("auth role ARN", &self.auth_role_arn),
            ("custom role ARN", &self.custom_role_arn),
        ] {
            if let Some(arn) = arn {
                check_role_arn(what, arn)?;
            }
        }
        if self.logins_timeout.is_zero() {
            return Err(Error::invalid_config("logins timeout must be positive"));
        }
        let wire = Transport {
            region,
            endpoints: &self.endpoints,
            attempt_timeout: self.attempt_timeout,
            connect_timeout: self.connect_timeout,
            retry: &self.retry,
            ca_bundle_pem: &self.ca_bundle_pem,
            http_client: &self.http_client,
            rate_limits: &self.rate_limits,
        }
        .wire()?;
        Ok(Validated {
            wire,
            runtime: runtime(&self.runtime, "the provider")?,
        })
    }
}

/// How to reach AWS, as every client of the library does (identity pools, user pools, the
/// developer backend): endpoints, timeouts, retries, trust roots.
pub(crate) struct Transport<'a> {
    pub region: String,
    pub endpoints: &'a EndpointConfig,
    pub attempt_timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: &'a RetryPolicy,
    pub ca_bundle_pem: &'a Option<Vec<u8>>,
    pub http_client: &'a Option<HttpClient>,
    pub rate_limits: &'a RateLimits,
}

impl Transport<'_> {
    pub fn wire(self) -> Result<Wire> {
        for (what, d) in [
            ("attempt timeout", self.attempt_timeout),
            ("connect timeout", self.connect_timeout),
        ] {
            if d.is_zero() {
                return Err(Error::invalid_config(format!("{what} must be positive")));
            }
        }
        self.rate_limits.check()?;
        let env = |k: &str| std::env::var(k).ok();
        let url = |service| endpoints::resolve(service, &self.region, self.endpoints, &env);
        let http = match self.http_client {
            Some(client) => client.clone(),
            None => HttpClient::shared(&TlsOptions {
                extra_ca_pem: self.ca_bundle_pem.clone(),
                connect_timeout: self.connect_timeout,
                ..Default::default()
            })?,
        };
        Ok(Wire {
            limiter: Limiter::new(self.rate_limits.clone()),
            cognito_url: url(Service::CognitoIdentity)?,
            sts_url: url(Service::Sts)?,
            user_pool_url: url(Service::CognitoIdentityProvider)?,
            region: self.region,
            http,
            clock: ServerClock::default(),
            retry: self.retry.clone(),
            attempt_timeout: self.attempt_timeout,
        })
    }
}

/// Where background work runs: the given runtime, or the current one.
pub(crate) fn runtime(
    given: &Option<tokio::runtime::Handle>,
    what: &str,
) -> Result<tokio::runtime::Handle> {
    match given {
        Some(h) => Ok(h.clone()),
        None => tokio::runtime::Handle::try_current().map_err(|_| {
            Error::invalid_config(format!(
                "create {what} inside a tokio runtime, or set its runtime"
            ))
        }),
    }
}

/// A checked configuration: how to reach AWS, and where background work runs.
pub(crate) struct Validated {
    pub wire: Wire,
    pub runtime: tokio::runtime::Handle,
}

fn check_role_arn(what: &str, arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = arn.len() <= 2048
        && parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].starts_with("role/")
        && parts[5].len() > "role/".len();
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_config(format!(
            "{what} {arn:?} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
        )))
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("identity_pool_id", &self.identity_pool_id)
            .field("region", &self.region)
            .field("account_id", &self.account_id)
            .field("unauth_role_arn", &self.unauth_role_arn)
            .field("auth_role_arn", &self.auth_role_arn)
            .field("custom_role_arn", &self.custom_role_arn)
            .field("endpoints", &self.endpoints)
            .field("refresh_window", &self.refresh_window)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const POOL: &str = "eu-west-1:00000000-0000-4000-8000-000000000001";

    #[tokio::test]
    async fn region_comes_from_the_pool_id() {
        let v = Config::new(POOL).validate().unwrap();
        assert_eq!(v.wire.region, "eu-west-1");
        let mut c = Config::new(POOL);
        c.region = Some("eu-central-1".into());
        assert_eq!(c.validate().unwrap().wire.region, "eu-central-1");
    }

    #[tokio::test]
    async fn bad_configs_are_rejected_with_a_reason() {
        let cases: Vec<fn(&mut Config)> = vec![
            |c| c.identity_pool_id = "nope".into(),
            |c| c.region = Some("Not A Region".into()),
            |c| c.account_id = Some("12345".into()),
            |c| c.unauth_role_arn = Some("arn:aws:s3:::bucket".into()),
            |c| c.auth_role_arn = Some("arn:aws:iam::123:role/x".into()),
            |c| c.custom_role_arn = Some("role/x".into()),
            |c| c.attempt_timeout = Duration::ZERO,
            |c| c.endpoints.cognito_identity = Some("http://example.com".into()),
            |c| c.ca_bundle_pem = Some(b"garbage".to_vec()),
        ];
        for (i, set) in cases.iter().enumerate() {
            let mut c = Config::new(POOL);
            set(&mut c);
            let err = c
                .validate()
                .err()
                .unwrap_or_else(|| panic!("case {i} accepted"));
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "case {i}: {err}");
        }
        let mut ok = Config::new(POOL);
        ok.unauth_role_arn = Some("arn:aws:iam::123456789012:role/Cognito_Unauth".into());
        ok.auth_role_arn = Some("arn:aws-cn:iam::123456789012:role/path/Auth".into());
        ok.account_id = Some("123456789012".into());
        ok.validate().unwrap();
    }

    #[test]
    fn needs_a_runtime() {
        let err = Config::new(POOL).validate().err().unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains("tokio runtime"));
    }
}
