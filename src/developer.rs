//! Developer-authenticated identities.
//!
//! Server side ([`DeveloperIdentityClient`]): a game backend that signs players in itself asks
//! Cognito, with its own AWS credentials (SigV4), for an identity id and an OpenID token per player
//! (`GetOpenIdTokenForDeveloperIdentity`), and can look up or unlink them.
//!
//! Client side ([`DeveloperIdentitySource`]): the app gets (identity id, token) from its backend;
//! the provider sends the token under `cognito-identity.amazonaws.com` and asks again to refresh.

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use crate::wire::Wire;
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

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

/// What `GetOpenIdTokenForDeveloperIdentity` asks for.
#[derive(Clone, Debug)]
pub struct DeveloperTokenRequest {
    pub identity_pool_id: String,
    /// The pool's developer provider name (e.g. `login.mygame`).
    pub developer_provider_name: String,
    /// Your id for the player.
    pub developer_user_id: String,
    /// Link to this existing identity instead of finding or creating one.
    pub identity_id: Option<String>,
    /// Token lifetime (1 s to 24 h; AWS's default is 15 minutes).
    pub token_duration: Option<Duration>,
    /// Session tags for attribute-based access control (at most 50).
    pub principal_tags: BTreeMap<String, String>,
    /// Other logins to link at the same time.
    pub other_logins: BTreeMap<String, Secret>,
}

impl DeveloperTokenRequest {
    pub fn new(
        identity_pool_id: impl Into<String>,
        developer_provider_name: impl Into<String>,
        developer_user_id: impl Into<String>,
    ) -> DeveloperTokenRequest {
        DeveloperTokenRequest {
            identity_pool_id: identity_pool_id.into(),
            developer_provider_name: developer_provider_name.into(),
            developer_user_id: developer_user_id.into(),
            identity_id: None,
            token_duration: None,
            principal_tags: BTreeMap::new(),
            other_logins: BTreeMap::new(),
        }
    }
}

/// An identity id and its OpenID token, as the backend hands them to the app.
#[derive(Clone, Debug)]
pub struct DeveloperIdentity {
    pub identity_id: String,
    pub token: Secret,
}

/// The answer of `LookupDeveloperIdentity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeveloperIdentityLookup {
    pub identity_id: Option<String>,
    pub developer_user_ids: Vec<String>,
    pub next_token: Option<String>,
}

/// Signs and sends the developer identity operations with the backend's AWS credentials.
pub struct DeveloperIdentityClient {
    wire: Wire,
    credentials: AwsCredentials,
}

impl DeveloperIdentityClient {
    /// Uses `config`'s region, endpoints, timeouts, retries and TLS settings (its pool id picks the
    /// region and is otherwise unused); credentials given, or from the environment.
    pub fn new(
        config: Config,
        credentials: Option<AwsCredentials>,
    ) -> Result<DeveloperIdentityClient> {
        let credentials = match credentials {
            Some(c) => c,
            None => AwsCredentials::from_env()?,
        };
        let v = config.validate()?;
        Ok(DeveloperIdentityClient {
            wire: Wire::new(v, &config),
            credentials,
        })
    }

    pub async fn get_open_id_token_for_developer_identity(
        &self,
        request: &DeveloperTokenRequest,
    ) -> Result<DeveloperIdentity> {
        check_developer_request(request)?;
        let mut logins: BTreeMap<&str, &str> = request
            .other_logins
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        logins.insert(&request.developer_provider_name, &request.developer_user_id);
        let body = Body {
            identity_pool_id: &request.identity_pool_id,
            identity_id: request.identity_id.as_deref(),
            logins,
            principal_tags: (!request.principal_tags.is_empty()).then_some(&request.principal_tags),
            token_duration: request.token_duration.map(|d| d.as_secs()),
        };
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Body<'a> {
            identity_pool_id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            identity_id: Option<&'a str>,
            logins: BTreeMap<&'a str, &'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            principal_tags: Option<&'a BTreeMap<String, String>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            token_duration: Option<u64>,
        }
        let token = self
            .wire
            .signed_call(
                "GetOpenIdTokenForDeveloperIdentity",
                &body,
                &self.credentials,
            )
            .await
            .and_then(|r| crate::wire::cognito::parse_get_open_id_token(&r.body, &r.request_id))?;
        Ok(DeveloperIdentity {
            identity_id: token.identity_id,
            token: token.token,
        })
    }

    pub async fn lookup_developer_identity(
        &self,
        identity_pool_id: &str,
        identity_id: Option<&str>,
        developer_user_id: Option<&str>,
        max_results: u32,
        next_token: Option<&str>,
    ) -> Result<DeveloperIdentityLookup> {
        if identity_id.is_none() && developer_user_id.is_none() {
            return Err(Error::invalid_input(
                "give an identity id or a developer user id to look up",
            ));
        }
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Body<'a> {
            identity_pool_id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            identity_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            developer_user_identifier: Option<&'a str>,
            max_results: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            next_token: Option<&'a str>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Answer {
            #[serde(default)]
            identity_id: Option<String>,
            #[serde(default)]
            developer_user_identifier_list: Vec<String>,
            #[serde(default)]
            next_token: Option<String>,
        }
        let body = Body {
            identity_pool_id,
            identity_id,
            developer_user_identifier: developer_user_id,
            max_results: max_results.clamp(1, 60),
            next_token,
        };
        let r = self
            .wire
            .signed_call("LookupDeveloperIdentity", &body, &self.credentials)
            .await?;
        let a: Answer = serde_json::from_slice(&r.body).map_err(|e| {
            Error::invalid_response(
                format!("unexpected Cognito Identity answer: {e}"),
                r.request_id,
            )
        })?;
        Ok(DeveloperIdentityLookup {
            identity_id: a.identity_id,
            developer_user_ids: a.developer_user_identifier_list,
            next_token: a.next_token,
        })
    }

    pub async fn unlink_developer_identity(
        &self,
        identity_pool_id: &str,
        identity_id: &str,
        developer_provider_name: &str,
        developer_user_id: &str,
    ) -> Result<()> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Body<'a> {
            identity_id: &'a str,
            identity_pool_id: &'a str,
            developer_provider_name: &'a str,
            developer_user_identifier: &'a str,
        }
        let body = Body {
            identity_id,
            identity_pool_id,
            developer_provider_name,
            developer_user_identifier: developer_user_id,
        };
        self.wire
            .signed_call("UnlinkDeveloperIdentity", &body, &self.credentials)
            .await
            .map(drop)
    }
}

/// Checks a request as the service would, before anything is sent.
pub(crate) fn check_developer_request(r: &DeveloperTokenRequest) -> Result<()> {
    crate::endpoints::parse_id("identity pool id", &r.identity_pool_id)?;
    if let Some(id) = &r.identity_id {
        crate::endpoints::parse_id("identity id", id)?;
    }
    crate::logins::check_provider_name(&r.developer_provider_name)?;
    if r.developer_user_id.is_empty() || r.developer_user_id.len() > 1024 {
        return Err(Error::invalid_input(
            "developer user id must have 1 to 1024 characters",
        ));
    }
    if let Some(d) = r.token_duration {
        if d.is_zero() || d > Duration::from_secs(86_400) {
            return Err(Error::invalid_input(
                "token duration must be between 1 second and 24 hours",
            ));
        }
    }
    if r.principal_tags.len() > 50
        || r.principal_tags
            .iter()
            .any(|(k, v)| k.is_empty() || k.len() > 128 || v.len() > 256)
    {
        return Err(Error::invalid_input(
            "principal tags: at most 50, keys of 1 to 128 and values of at most 256 characters",
        ));
    }
    if r.other_logins.len() >= crate::logins::MAX_LOGINS {
        return Err(Error::invalid_input("at most 10 logins are allowed"));
    }
    Ok(())
}

/// Supplies a developer-authenticated identity from the app's own backend, whenever the provider
/// needs one (first use, and every credentials refresh: tokens live minutes).
pub trait DeveloperIdentitySource: Send + Sync {
    fn refresh(&self) -> BoxFuture<'static, Result<DeveloperIdentity>>;
}

/// A closure as a [`DeveloperIdentitySource`].
impl<F> DeveloperIdentitySource for F
where
    F: Fn() -> BoxFuture<'static, Result<DeveloperIdentity>> + Send + Sync,
{
    fn refresh(&self) -> BoxFuture<'static, Result<DeveloperIdentity>> {
        self()
    }
}

/// Checks what a source answered.
pub(crate) fn check_developer_identity(d: &DeveloperIdentity) -> Result<()> {
    crate::endpoints::parse_id("identity id", &d.identity_id)
        .map_err(|e| Error::new(ErrorKind::LoginsProvider, e.message()))?;
    crate::logins::check_token(crate::endpoints::DEVELOPER_PROVIDER_NAME, d.token.expose())
        .map_err(|e| Error::new(ErrorKind::LoginsProvider, e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_sending() {
        let ok = DeveloperTokenRequest::new(
            "us-east-1:00000000-0000-4000-8000-000000000001",
            "login.mygame",
            "player-1",
        );
        check_developer_request(&ok).unwrap();
        let mut bad = ok.clone();
        bad.token_duration = Some(Duration::from_secs(86_401));
        assert!(check_developer_request(&bad).is_err());
        let mut bad = ok.clone();
        bad.developer_user_id.clear();
        assert!(check_developer_request(&bad).is_err());
        let mut bad = ok.clone();
        bad.principal_tags = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
        assert!(check_developer_request(&bad).is_err());
        let mut bad = ok;
        bad.identity_pool_id = "nope".into();
        assert!(check_developer_request(&bad).is_err());
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let c = AwsCredentials::new("AKID", "very-secret", Some(Secret::new("very-session")));
        let d = format!("{c:?}");
        assert!(d.contains("AKID") && !d.contains("very-"));
    }
}
