//! Provider options as JSON: every option of the Rust [`Config`], extensible without new exports.

use crate::config::Config;
use crate::developer_client::{check_developer_request, DeveloperTokenRequest};
use crate::error::{Error, Result};
use crate::quotas::{Limiting, RateLimits};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::store::FileIdentityStore;
use crate::user_pool::{FileSessionStore, UserPoolConfig};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// `cognito_provider_new`'s `options_json`. Unknown keys are errors (a typo must not be ignored).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct ProviderOptions {
    region: Option<String>,
    account_id: Option<String>,
    unauth_role_arn: Option<String>,
    auth_role_arn: Option<String>,
    custom_role_arn: Option<String>,
    /// Both services at one URL (e.g. the local emulator).
    endpoint: Option<String>,
    cognito_endpoint: Option<String>,
    sts_endpoint: Option<String>,
    allow_http_loopback: bool,
    use_fips: bool,
    /// Honour AWS_ENDPOINT_URL* (default true).
    use_environment: Option<bool>,
    ca_bundle_pem: Option<String>,
    ca_bundle_file: Option<String>,
    refresh_window_secs: Option<u64>,
    attempt_timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    logins_timeout_ms: Option<u64>,
    max_attempts: Option<u32>,
    retry_base_delay_ms: Option<u64>,
    retry_max_delay_ms: Option<u64>,
    /// Keep the identity id in a file in this folder (ignored when store callbacks are given).
    identity_store_dir: Option<String>,
    /// Keep the credentials too (with `identity_store_dir`, or a host credentials store).
    persist_credentials: bool,
    /// Start getting credentials when the provider is created.
    prefetch: bool,
    rate_limits: Option<RateLimitOptions>,
}

impl ProviderOptions {
    pub fn parse(json: Option<&str>) -> Result<ProviderOptions> {
        parse_object("options_json", json)
    }

    pub fn apply(self, pool_id: &str) -> Result<Config> {
        let mut c = Config::new(pool_id);
        c.region = self.region;
        c.account_id = self.account_id;
        c.unauth_role_arn = self.unauth_role_arn;
        c.auth_role_arn = self.auth_role_arn;
        c.custom_role_arn = self.custom_role_arn;
        c.endpoints.cognito_identity = self.cognito_endpoint.or_else(|| self.endpoint.clone());
        c.endpoints.sts = self.sts_endpoint.or(self.endpoint);
        c.endpoints.allow_http_loopback = self.allow_http_loopback;
        c.endpoints.use_fips = self.use_fips;
        c.endpoints.use_environment = self.use_environment.unwrap_or(true);
        c.ca_bundle_pem = ca_bundle(self.ca_bundle_pem, self.ca_bundle_file)?;
        let ms = Duration::from_millis;
        if let Some(s) = self.refresh_window_secs {
            c.refresh_window = Duration::from_secs(s);
        }
        if let Some(v) = self.attempt_timeout_ms {
            c.attempt_timeout = ms(v);
        }
        if let Some(v) = self.connect_timeout_ms {
            c.connect_timeout = ms(v);
        }
        if let Some(v) = self.logins_timeout_ms {
            c.logins_timeout = ms(v);
        }
        c.retry = retry_policy(
            self.max_attempts,
            self.retry_base_delay_ms,
            self.retry_max_delay_ms,
        );
        if let Some(dir) = self.identity_store_dir {
            c.identity_store = Arc::new(FileIdentityStore::new(dir));
        } else if self.persist_credentials {
            return Err(Error::invalid_config(
                "persist_credentials needs identity_store_dir (or a host credentials store)",
            ));
        }
        c.persist_credentials = self.persist_credentials;
        c.prefetch = self.prefetch;
        if let Some(limits) = self.rate_limits {
            c.rate_limits = limits.apply()?;
        }
        Ok(c)
    }
}

/// `"rate_limits"`: Cognito's request quotas on this side, e.g.
/// `{"limiting":"always","rates":{"GetId":50},"max_wait_ms":60000,"warn_after_ms":5000}`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RateLimitOptions {
    /// "aws" (the default: requests to AWS's endpoints), "always" or "never".
    limiting: Option<String>,
    /// Requests per second per quota (GetId, GetCredentialsForIdentity, ..., UserAuthentication).
    rates: BTreeMap<String, f64>,
    max_wait_ms: Option<u64>,
    warn_after_ms: Option<u64>,
}

impl RateLimitOptions {
    fn apply(self) -> Result<RateLimits> {
        let defaults = RateLimits::default();
        let limits = RateLimits {
            limiting: match self.limiting.as_deref() {
                None | Some("aws") => Limiting::Aws,
                Some("always") => Limiting::Always,
                Some("never") => Limiting::Never,
                Some(other) => {
                    return Err(Error::invalid_input(format!(
                        "rate_limits.limiting: {other:?} is not \"aws\", \"always\" or \"never\""
                    )))
                }
            },
            rates: self.rates.into_iter().collect(),
            max_wait: self
                .max_wait_ms
                .map_or(defaults.max_wait, Duration::from_millis),
            warn_after: self
                .warn_after_ms
                .map_or(defaults.warn_after, Duration::from_millis),
        };
        limits.check()?;
        Ok(limits)
    }
}

/// Extra trust roots: PEM text, or a file's.
fn ca_bundle(pem: Option<String>, file: Option<String>) -> Result<Option<Vec<u8>>> {
    Ok(match (pem, file) {
        (Some(pem), _) => Some(pem.into_bytes()),
        (None, Some(path)) => Some(crate::wire::http::read_ca_bundle(
            std::path::Path::new(&path),
            "ca_bundle_file",
        )?),
        (None, None) => None,
    })
}

fn retry_policy(
    max_attempts: Option<u32>,
    base_ms: Option<u64>,
    max_ms: Option<u64>,
) -> RetryPolicy {
    let defaults = RetryPolicy::default();
    RetryPolicy {
        max_attempts: max_attempts.unwrap_or(defaults.max_attempts).clamp(1, 10),
        base_delay: base_ms.map_or(defaults.base_delay, Duration::from_millis),
        max_delay: max_ms.map_or(defaults.max_delay, Duration::from_millis),
    }
}

/// `cognito_user_pool_new`'s `options_json`. Unknown keys are errors.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct UserPoolOptions {
    /// The app client's secret, for clients that have one.
    client_secret: Option<String>,
    region: Option<String>,
    /// The user pools' endpoint (e.g. the local emulator).
    endpoint: Option<String>,
    allow_http_loopback: bool,
    use_fips: bool,
    use_environment: Option<bool>,
    ca_bundle_pem: Option<String>,
    ca_bundle_file: Option<String>,
    refresh_window_secs: Option<u64>,
    attempt_timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    max_attempts: Option<u32>,
    retry_base_delay_ms: Option<u64>,
    retry_max_delay_ms: Option<u64>,
    /// The app client rotates refresh tokens (GetTokensFromRefreshToken).
    refresh_token_rotation: bool,
    /// Keep the signed-in session in a file in this folder (0600), to stay signed in.
    session_store_dir: Option<String>,
    rate_limits: Option<RateLimitOptions>,
}

impl UserPoolOptions {
    pub fn parse(json: Option<&str>) -> Result<UserPoolOptions> {
        parse_object("options_json", json)
    }

    pub fn apply(self, user_pool_id: &str, client_id: &str) -> Result<UserPoolConfig> {
        let mut c = UserPoolConfig::new(user_pool_id, client_id);
        c.client_secret = self.client_secret.map(Secret::new);
        c.region = self.region;
        c.endpoints.cognito_identity_provider = self.endpoint;
        c.endpoints.allow_http_loopback = self.allow_http_loopback;
        c.endpoints.use_fips = self.use_fips;
        c.endpoints.use_environment = self.use_environment.unwrap_or(true);
        c.ca_bundle_pem = ca_bundle(self.ca_bundle_pem, self.ca_bundle_file)?;
        if let Some(s) = self.refresh_window_secs {
            c.refresh_window = Duration::from_secs(s);
        }
        if let Some(v) = self.attempt_timeout_ms {
            c.attempt_timeout = Duration::from_millis(v);
        }
        if let Some(v) = self.connect_timeout_ms {
            c.connect_timeout = Duration::from_millis(v);
        }
        c.retry = retry_policy(
            self.max_attempts,
            self.retry_base_delay_ms,
            self.retry_max_delay_ms,
        );
        c.refresh_token_rotation = self.refresh_token_rotation;
        if let Some(dir) = self.session_store_dir {
            c.session_store = Some(Arc::new(FileSessionStore::new(dir)));
        }
        if let Some(limits) = self.rate_limits {
            c.rate_limits = limits.apply()?;
        }
        Ok(c)
    }
}

/// `cognito_developer_client_get_token`'s `request_options_json`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct DeveloperRequestOptions {
    identity_id: Option<String>,
    token_duration_secs: Option<u64>,
    principal_tags: BTreeMap<String, String>,
}

pub(crate) fn developer_request(
    pool_id: &str,
    provider_name: &str,
    user_id: &str,
    json: Option<&str>,
) -> Result<DeveloperTokenRequest> {
    let o: DeveloperRequestOptions = parse_object("request_options_json", json)?;
    let mut r = DeveloperTokenRequest::new(pool_id, provider_name, user_id);
    r.identity_id = o.identity_id;
    r.token_duration = o.token_duration_secs.map(Duration::from_secs);
    r.principal_tags = o.principal_tags;
    check_developer_request(&r)?;
    Ok(r)
}

/// Parses an optional JSON object (NULL or blank: defaults). Arrays are refused: serde would
/// otherwise read a struct from one, field by field.
fn parse_object<T: DeserializeOwned + Default>(what: &str, json: Option<&str>) -> Result<T> {
    match json.map(str::trim) {
        None | Some("") => Ok(T::default()),
        Some(text) => {
            let invalid = |e: serde_json::Error| Error::invalid_input(format!("{what}: {e}"));
            let value: serde_json::Value = serde_json::from_str(text).map_err(invalid)?;
            if !value.is_object() {
                return Err(Error::invalid_input(format!(
                    "{what}: expected a JSON object"
                )));
            }
            // With the key's path in the message: serde alone says "expected u64", not where.
            serde_path_to_error::deserialize(value).map_err(|e| {
                let path = e.path().to_string();
                match path.as_str() {
                    "." => invalid(e.into_inner()),
                    _ => Error::invalid_input(format!("{what}: {path}: {}", e.into_inner())),
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_type_names_its_key() {
        let e = ProviderOptions::parse(Some(r#"{"region":"eu-west-1","refresh_window_secs":"x"}"#))
            .err()
            .unwrap();
        assert!(
            e.message()
                .contains("options_json: refresh_window_secs: invalid type"),
            "{e}"
        );
        let e = ProviderOptions::parse(Some(r#"{"regoin":"eu-west-1"}"#))
            .err()
            .unwrap();
        assert!(e.message().contains("unknown field `regoin`"), "{e}");
    }

    #[test]
    fn options_map_to_the_config() {
        let o = ProviderOptions::parse(Some(
            r#"{"endpoint":"http://127.0.0.1:9","allow_http_loopback":true,"max_attempts":5,
                "attempt_timeout_ms":1500,"unauth_role_arn":"arn:aws:iam::123456789012:role/U"}"#,
        ))
        .unwrap();
        let c = o
            .apply("us-east-1:00000000-0000-4000-8000-000000000001")
            .unwrap();
        assert_eq!(c.endpoints.sts.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(
            c.endpoints.cognito_identity.as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert!(c.endpoints.allow_http_loopback);
        assert_eq!(c.retry.max_attempts, 5);
        assert_eq!(c.attempt_timeout, Duration::from_millis(1500));
        assert!(c.unauth_role_arn.is_some());
    }

    #[test]
    fn bad_options_are_errors() {
        for bad in [
            "{",
            "[]",
            r#"{"regoin":"x"}"#,
            r#"{"max_attempts":"three"}"#,
            r#"{"use_fips":1}"#,
        ] {
            assert!(ProviderOptions::parse(Some(bad)).is_err(), "{bad}");
        }
        assert!(ProviderOptions::parse(None).is_ok());
        assert!(ProviderOptions::parse(Some("  ")).is_ok());
    }
}
