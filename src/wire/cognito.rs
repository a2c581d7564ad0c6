//! Cognito Identity's JSON 1.1 protocol: request bodies, response parsing, error classification.

use crate::credentials::Credentials;
use crate::endpoints::parse_id;
use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub(crate) const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
pub(crate) const TARGET_PREFIX: &str = "AWSCognitoIdentityService.";

/// Logins as they go on the wire (the only place tokens are exposed).
#[derive(Serialize)]
#[serde(transparent)]
pub(crate) struct WireLogins<'a>(BTreeMap<&'a str, &'a str>);

impl<'a> WireLogins<'a> {
    pub fn new(logins: &'a BTreeMap<String, Secret>) -> Option<WireLogins<'a>> {
        if logins.is_empty() {
            return None;
        }
        Some(WireLogins(
            logins
                .iter()
                .map(|(k, v)| (k.as_str(), v.expose()))
                .collect(),
        ))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetIdRequest<'a> {
    pub identity_pool_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logins: Option<WireLogins<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetCredentialsForIdentityRequest<'a> {
    pub identity_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logins: Option<WireLogins<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_role_arn: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetOpenIdTokenRequest<'a> {
    pub identity_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logins: Option<WireLogins<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetIdResponse {
    identity_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetCredentialsForIdentityResponse {
    identity_id: String,
    credentials: WireCredentials,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireCredentials {
    access_key_id: String,
    secret_key: String,
    session_token: String,
    /// Epoch seconds, possibly with a fraction.
    expiration: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetOpenIdTokenResponse {
    identity_id: String,
    token: String,
}

/// An OpenID Connect token for an identity (valid about ten minutes).
#[derive(Debug)]
pub(crate) struct OpenIdToken {
    pub identity_id: String,
    pub token: Secret,
}

fn decode<'a, T: Deserialize<'a>>(body: &'a [u8], request_id: &Option<String>) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        // serde's message names the field and the line/column, never the value.
        Error::invalid_response(
            format!("unexpected Cognito Identity answer: {e}"),
            request_id.clone(),
        )
    })
}

fn checked_identity_id(id: String, request_id: &Option<String>) -> Result<String> {
    parse_id("identity id", &id)
        .map(|_| id)
        .map_err(|e| Error::invalid_response(e.message().to_owned(), request_id.clone()))
}

pub(crate) fn parse_get_id(body: &[u8], request_id: &Option<String>) -> Result<String> {
    let r: GetIdResponse = decode(body, request_id)?;
    checked_identity_id(r.identity_id, request_id)
}

pub(crate) fn parse_get_credentials(
    body: &[u8],
    request_id: &Option<String>,
) -> Result<Credentials> {
    let r: GetCredentialsForIdentityResponse = decode(body, request_id)?;
    let c = r.credentials;
    let invalid = |what: &str| Error::invalid_response(what.to_owned(), request_id.clone());
    if c.access_key_id.is_empty() || c.access_key_id.len() > 128 {
        return Err(invalid("AccessKeyId is empty or too long"));
    }
    if c.secret_key.is_empty() || c.session_token.is_empty() {
        return Err(invalid("SecretKey or SessionToken is empty"));
    }
    Ok(Credentials {
        access_key_id: c.access_key_id,
        secret_access_key: Secret::new(c.secret_key),
        session_token: Secret::new(c.session_token),
        expiration: epoch_seconds(c.expiration)
            .ok_or_else(|| invalid("Expiration is not a plausible time"))?,
        identity_id: checked_identity_id(r.identity_id, request_id)?,
    })
}

pub(crate) fn parse_get_open_id_token(
    body: &[u8],
    request_id: &Option<String>,
) -> Result<OpenIdToken> {
    let r: GetOpenIdTokenResponse = decode(body, request_id)?;
    if r.token.is_empty() {
        return Err(Error::invalid_response(
            "Token is empty",
            request_id.clone(),
        ));
    }
    Ok(OpenIdToken {
        identity_id: checked_identity_id(r.identity_id, request_id)?,
        token: Secret::new(r.token),
    })
}

/// The latest expiration believed from either service (2400-01-01, epoch seconds): credentials
/// said to live longer would never be refreshed.
pub(crate) const LATEST_EXPIRATION_SECS: i64 = 13_569_465_600;

/// Epoch seconds (with fraction) as a time, if it is a plausible one (1970 to 2400).
fn epoch_seconds(secs: f64) -> Option<SystemTime> {
    if !secs.is_finite() || !(0.0..=LATEST_EXPIRATION_SECS as f64).contains(&secs) {
        return None;
    }
    UNIX_EPOCH.checked_add(Duration::from_secs_f64(secs))
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "__type", default)]
    type_: Option<String>,
    #[serde(alias = "Message", default)]
    message: Option<String>,
}

/// Classifies an error answer by its `__type` (or the `x-amzn-ErrorType` header), never by the
/// status alone: AWS sends 400 for throttling at times.
pub(crate) fn parse_error(
    status: u16,
    error_type_header: Option<&str>,
    body: &[u8],
    request_id: Option<String>,
) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let (type_, message) = match parsed {
        Some(b) => (b.type_, b.message),
        None => (None, None),
    };
    let code = type_
        .as_deref()
        .or(error_type_header)
        .map(sanitize_code)
        .unwrap_or_default();
    let message = message.unwrap_or_else(|| format!("HTTP status {status}"));
    Error::service(code, &message, status, request_id)
}

/// `prefix#Name:http://...` -> `Name`.
fn sanitize_code(raw: &str) -> &str {
    let raw = raw.rsplit('#').next().unwrap_or(raw);
    raw.split(':').next().unwrap_or(raw).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const ID: &str = "us-east-1:11111111-2222-4333-8444-555555555555";

    #[test]
    fn get_id_and_bad_answers() {
        let rid = Some("req-1".to_string());
        assert_eq!(
            parse_get_id(format!(r#"{{"IdentityId":"{ID}"}}"#).as_bytes(), &rid).unwrap(),
            ID
        );
        for bad in [
            &b""[..],
            b"{",
            b"{}",
            b"[]",
            b"{\"IdentityId\":42}",
            b"{\"IdentityId\":\"no-colon\"}",
            b"{\"IdentityId\":null}",
            b"\xff\xfe",
        ] {
            let e = parse_get_id(bad, &rid).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{bad:?}");
            assert_eq!(e.request_id(), Some("req-1"));
        }
    }

    #[test]
    fn credentials_with_fractional_expiration() {
        let body = format!(
            r#"{{"IdentityId":"{ID}","Credentials":{{"AccessKeyId":"ASIA1","SecretKey":"s3cr3t","SessionToken":"tok","Expiration":1.7950000005E9}}}}"#
        );
        let c = parse_get_credentials(body.as_bytes(), &None).unwrap();
        assert_eq!(c.access_key_id, "ASIA1");
        assert_eq!(c.secret_access_key.expose(), "s3cr3t");
        let since = c.expiration.duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(since.as_secs(), 1_795_000_000);
        assert!(since.subsec_millis() >= 499);
        assert_eq!(c.identity_id, ID);
    }

    #[test]
    fn credentials_with_wrong_or_missing_fields() {
        for bad in [
            r#"{"IdentityId":"ID","Credentials":{"AccessKeyId":"A","SecretKey":"s","SessionToken":"t","Expiration":"soon"}}"#,
            r#"{"IdentityId":"ID","Credentials":{"AccessKeyId":"A","SecretKey":"s","Expiration":1}}"#,
            r#"{"IdentityId":"ID","Credentials":{"AccessKeyId":"","SecretKey":"s","SessionToken":"t","Expiration":1}}"#,
            r#"{"IdentityId":"ID","Credentials":{"AccessKeyId":"A","SecretKey":"s","SessionToken":"t","Expiration":-5}}"#,
            r#"{"IdentityId":"ID","Credentials":{"AccessKeyId":"A","SecretKey":"s","SessionToken":"t","Expiration":1e300}}"#,
            r#"{"IdentityId":"ID"}"#,
        ] {
            let body = bad.replace("ID", ID);
            let e = parse_get_credentials(body.as_bytes(), &None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{bad}");
        }
    }

    #[test]
    fn errors_are_classified_by_type_not_status() {
        let e = parse_error(
            400,
            None,
            br#"{"__type":"com.amazonaws.cognito#TooManyRequestsException","message":"Rate exceeded"}"#,
            Some("r".into()),
        );
        assert_eq!(e.kind(), ErrorKind::TooManyRequests);
        assert!(e.is_retryable());
        assert_eq!(e.message(), "Rate exceeded");
        assert_eq!(e.request_id(), Some("r"));

        let e = parse_error(
            400,
            Some("NotAuthorizedException:http://internal.amazon.com/coral/"),
            b"<html>oops</html>",
            None,
        );
        assert_eq!(e.kind(), ErrorKind::NotAuthorized);
        assert!(!e.is_retryable());

        let e = parse_error(502, None, b"Bad gateway", None);
        assert_eq!(e.kind(), ErrorKind::InternalError);
        assert!(e.is_retryable());

        let e = parse_error(
            400,
            None,
            br#"{"__type":"SomethingNew","Message":"hm"}"#,
            None,
        );
        assert_eq!(e.kind(), ErrorKind::UnknownService);
        assert_eq!(e.code(), "SomethingNew");
        assert_eq!(e.message(), "hm");
    }

    #[test]
    fn requests_serialize_as_aws_expects() {
        let logins: BTreeMap<String, Secret> =
            [("graph.facebook.com".to_string(), Secret::new("tok"))].into();
        let body = serde_json::to_string(&GetIdRequest {
            identity_pool_id: "us-east-1:1",
            account_id: None,
            logins: WireLogins::new(&logins),
        })
        .unwrap();
        assert_eq!(
            body,
            r#"{"IdentityPoolId":"us-east-1:1","Logins":{"graph.facebook.com":"tok"}}"#
        );
        let empty = BTreeMap::new();
        let body = serde_json::to_string(&GetCredentialsForIdentityRequest {
            identity_id: "us-east-1:2",
            logins: WireLogins::new(&empty),
            custom_role_arn: Some("arn:aws:iam::123456789012:role/r"),
        })
        .unwrap();
        assert_eq!(
            body,
            r#"{"IdentityId":"us-east-1:2","CustomRoleArn":"arn:aws:iam::123456789012:role/r"}"#
        );
    }
}
