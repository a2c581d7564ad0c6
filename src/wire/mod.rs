//! Talking to AWS: one method per operation, each with retries, timeouts and clock learning.

pub mod cognito;
pub mod http;
pub(crate) mod sign;
pub mod sts;
mod tls;

use crate::clock::ServerClock;
use crate::credentials::AwsCredentials;
use crate::credentials::Credentials;
use crate::error::{ErrorKind, Result};
use crate::quotas::Limiter;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::stats;
use cognito::{OpenIdToken, WireLogins};
use http::{HttpClient, RawResponse};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use url::Url;

/// Everything needed to send one operation.
pub(crate) struct Wire {
    pub region: String,
    pub http: HttpClient,
    pub cognito_url: Url,
    pub sts_url: Url,
    /// Cognito user pools (`cognito-idp`).
    pub user_pool_url: Url,
    pub clock: ServerClock,
    pub retry: RetryPolicy,
    /// Per attempt: connect, send and read the whole answer.
    pub attempt_timeout: Duration,
    /// Cognito's request quotas, on this side.
    pub limiter: Limiter,
}

#[derive(Clone, Copy)]
enum Protocol {
    CognitoJson,
    StsQuery,
    /// Cognito user pools: JSON 1.1 as Cognito Identity, with its own target prefix and host.
    UserPoolJson,
}

/// `X-Amz-Target` prefix of the user-pool operations.
const USER_POOL_TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

impl Wire {
    /// A Cognito Identity operation signed with SigV4 (the developer identity operations).
    pub async fn signed_call<T: serde::Serialize>(
        &self,
        operation: &'static str,
        body: &T,
        credentials: &AwsCredentials,
    ) -> Result<RawResponse> {
        self.send(
            Protocol::CognitoJson,
            operation,
            json(body),
            Some(credentials),
        )
        .await
    }

    /// A user-pool operation (unsigned: the session or access token in the body authorises it).
    pub async fn user_pool_call<T: serde::Serialize>(
        &self,
        operation: &'static str,
        body: &T,
    ) -> Result<RawResponse> {
        self.send(Protocol::UserPoolJson, operation, json(body), None)
            .await
    }

    pub async fn get_id(
        &self,
        pool_id: &str,
        account_id: Option<&str>,
        logins: &BTreeMap<String, Secret>,
    ) -> Result<String> {
        let body = json(&cognito::GetIdRequest {
            identity_pool_id: pool_id,
            account_id,
            logins: WireLogins::new(logins),
        });
        let r = self
            .send(Protocol::CognitoJson, "GetId", body, None)
            .await?;
        cognito::parse_get_id(&r.body, &r.request_id)
    }

    pub async fn get_credentials_for_identity(
        &self,
        identity_id: &str,
        logins: &BTreeMap<String, Secret>,
        custom_role_arn: Option<&str>,
    ) -> Result<Credentials> {
        let body = json(&cognito::GetCredentialsForIdentityRequest {
            identity_id,
            logins: WireLogins::new(logins),
            custom_role_arn,
        });
        let r = self
            .send(
                Protocol::CognitoJson,
                "GetCredentialsForIdentity",
                body,
                None,
            )
            .await?;
        cognito::parse_get_credentials(&r.body, &r.request_id)
    }

    pub async fn get_open_id_token(
        &self,
        identity_id: &str,
        logins: &BTreeMap<String, Secret>,
    ) -> Result<OpenIdToken> {
        let body = json(&cognito::GetOpenIdTokenRequest {
            identity_id,
            logins: WireLogins::new(logins),
        });
        let r = self
            .send(Protocol::CognitoJson, "GetOpenIdToken", body, None)
            .await?;
        cognito::parse_get_open_id_token(&r.body, &r.request_id)
    }

    pub async fn assume_role_with_web_identity(
        &self,
        role_arn: &str,
        token: &OpenIdToken,
    ) -> Result<Credentials> {
        let body = sts::assume_role_with_web_identity_body(role_arn, &token.token, None);
        let r = self
            .send(Protocol::StsQuery, "AssumeRoleWithWebIdentity", body, None)
            .await?;
        sts::parse_credentials(&r.body, &token.identity_id, &r.request_id)
    }

    /// Sends `body` with retries; returns a 2xx answer or the classified error.
    async fn send(
        &self,
        protocol: Protocol,
        operation: &'static str,
        body: Vec<u8>,
        signer: Option<&AwsCredentials>,
    ) -> Result<RawResponse> {
        let prefix = match protocol {
            Protocol::UserPoolJson => USER_POOL_TARGET_PREFIX,
            _ => cognito::TARGET_PREFIX,
        };
        let target = format!("{prefix}{operation}");
        let json_headers = vec![
            ("content-type", cognito::CONTENT_TYPE),
            ("x-amz-target", target.as_str()),
        ];
        let (url, headers): (&Url, Vec<(&str, &str)>) = match protocol {
            Protocol::CognitoJson => (&self.cognito_url, json_headers),
            Protocol::UserPoolJson => (&self.user_pool_url, json_headers),
            Protocol::StsQuery => (&self.sts_url, vec![("content-type", sts::CONTENT_TYPE)]),
        };
        let sent = std::sync::atomic::AtomicU32::new(0);
        let request = Request {
            protocol,
            operation,
            url,
            headers: &headers,
            body: &body,
            signer,
        };
        self.retry
            .run(operation, || async {
                let mut requeued = 0;
                loop {
                    // Every request takes a slot of the operation's quota, then goes on the wire.
                    self.limiter.acquire(url, &self.region, operation).await?;
                    let n = sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    match self.send_once(&request, n).await {
                        // While the limiter paces these requests, a throttled one is its signal
                        // (it has stepped down): the request goes back in line for a slot at the
                        // new rate instead of using up the retry policy's attempts, which would
                        // turn a quota lower than configured into failed logins.
                        Err(e)
                            if e.kind() == ErrorKind::TooManyRequests
                                && self.limiter.paces(url)
                                && requeued < MAX_THROTTLED_REQUEUES =>
                        {
                            requeued += 1;
                        }
                        answer => return answer,
                    }
                }
            })
            .await
    }

    /// Sends one request and classifies its answer.
    async fn send_once(&self, request: &Request<'_>, n: u32) -> Result<RawResponse> {
        let Request {
            protocol,
            operation,
            url,
            headers,
            body,
            signer,
        } = *request;
        let _in_flight = stats::sent(operation, n);
        let started = Instant::now();
        // Each attempt is signed anew (signatures expire), at the server's time.
        let signed = match signer {
            Some(credentials) => sign::signing_headers(
                "POST",
                url.as_str(),
                headers,
                aws_sigv4::http_request::SignableBody::Bytes(body),
                &sign::SigningScope {
                    credentials,
                    region: &self.region,
                    service: "cognito-identity",
                    time: self.clock.now(),
                },
                Default::default(),
            )?,
            None => Vec::new(),
        };
        let mut all = headers.to_vec();
        all.extend(signed.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let sent = tokio::time::Instant::now();
        let r = match self
            .http
            .post(url, &all, body.to_vec(), self.attempt_timeout)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                stats::finished(operation, stats::Outcome::Failed);
                return Err(e);
            }
        };
        if let Some(date) = &r.date {
            self.clock.observe_date_header(date);
        }
        tracing::debug!(
            operation,
            status = r.status,
            request_id = r.request_id.as_deref().unwrap_or(""),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "AWS answered"
        );
        if (200..300).contains(&r.status) {
            stats::finished(operation, stats::Outcome::Succeeded);
            return Ok(r);
        }
        let error = match protocol {
            Protocol::CognitoJson | Protocol::UserPoolJson => {
                cognito::parse_error(r.status, r.error_type.as_deref(), &r.body, r.request_id)
            }
            Protocol::StsQuery => sts::parse_error(r.status, &r.body, r.request_id),
        };
        if error.kind() == ErrorKind::TooManyRequests {
            // The quota is lower than configured, or others share it: slow down.
            self.limiter.throttled(url, &self.region, operation, sent);
            stats::finished(operation, stats::Outcome::Throttled);
        } else {
            stats::finished(operation, stats::Outcome::Failed);
        }
        Err(error)
    }
}

/// How often a throttled request goes back in line for a slot while the limiter paces its
/// operation (its rate halves with each second of throttling: ten is far past any quota worth
/// pacing to).
const MAX_THROTTLED_REQUEUES: u32 = 10;

/// One request as [`Wire::send`] was asked for it.
#[derive(Clone, Copy)]
struct Request<'a> {
    protocol: Protocol,
    operation: &'static str,
    url: &'a Url,
    headers: &'a [(&'a str, &'a str)],
    body: &'a [u8],
    signer: Option<&'a AwsCredentials>,
}

fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Our request types hold only strings and maps of strings: serialization cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}
