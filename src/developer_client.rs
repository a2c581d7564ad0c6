//! The game backend's side of developer-authenticated identities: a backend that signs players in
//! itself asks Cognito, with its own AWS credentials (SigV4), for an identity id and an OpenID
//! token per player (`GetOpenIdTokenForDeveloperIdentity`), and can look up or unlink them. The
//! app side is [`crate::developer_source`].

use crate::config::Config;
use crate::credentials::AwsCredentials;
use crate::developer_source::DeveloperIdentity;
use crate::endpoints;
use crate::error::{Error, Result};
use crate::login_limits::{check_provider_name, MAX_LOGINS};
use crate::secret::Secret;
use crate::wire::Wire;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

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
        Ok(DeveloperIdentityClient {
            wire: config.validate()?.wire,
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
    endpoints::parse_id("identity pool id", &r.identity_pool_id)?;
    if let Some(id) = &r.identity_id {
        endpoints::parse_id("identity id", id)?;
    }
    check_provider_name(&r.developer_provider_name)?;
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
    if r.other_logins.len() >= MAX_LOGINS {
        return Err(Error::invalid_input("at most 10 logins are allowed"));
    }
    Ok(())
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
}
