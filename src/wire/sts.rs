//! STS AssumeRoleWithWebIdentity (the "basic" flow): Query protocol request, XML answers.

use super::cognito::LATEST_EXPIRATION_SECS;
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::Deserialize;
use std::time::SystemTime;

pub(crate) const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// The session name STS records for these credentials.
pub(crate) const ROLE_SESSION_NAME: &str = "CognitoNativeSession";

pub(crate) fn assume_role_with_web_identity_body(
    role_arn: &str,
    web_identity_token: &Secret,
    duration_seconds: Option<u32>,
) -> Vec<u8> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", "AssumeRoleWithWebIdentity")
        .append_pair("Version", "2011-06-15")
        .append_pair("RoleArn", role_arn)
        .append_pair("RoleSessionName", ROLE_SESSION_NAME)
        .append_pair("WebIdentityToken", web_identity_token.expose());
    if let Some(d) = duration_seconds {
        form.append_pair("DurationSeconds", &d.to_string());
    }
    form.finish().into_bytes()
}

#[derive(Deserialize)]
struct AssumeRoleWithWebIdentityResponse {
    #[serde(rename = "AssumeRoleWithWebIdentityResult")]
    result: AssumeRoleWithWebIdentityResult,
}

#[derive(Deserialize)]
struct AssumeRoleWithWebIdentityResult {
    #[serde(rename = "Credentials")]
    credentials: StsCredentials,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
}

/// Parses a success answer; the credentials are for `identity_id` (the token's subject).
pub(crate) fn parse_credentials(
    body: &[u8],
    identity_id: &str,
    request_id: &Option<String>,
) -> Result<Credentials> {
    let invalid = |what: String| Error::invalid_response(what, request_id.clone());
    let text = std::str::from_utf8(body).map_err(|_| invalid("STS answer is not UTF-8".into()))?;
    let r: AssumeRoleWithWebIdentityResponse = quick_xml::de::from_str(text)
        .map_err(|e| invalid(format!("unexpected STS answer: {e}")))?;
    let c = r.result.credentials;
    if c.access_key_id.is_empty() || c.secret_access_key.is_empty() || c.session_token.is_empty() {
        return Err(invalid("STS credentials have empty fields".into()));
    }
    let expiration = parse_iso8601(&c.expiration)
        .ok_or_else(|| invalid("STS Expiration is not a plausible ISO-8601 time".into()))?;
    Ok(Credentials {
        access_key_id: c.access_key_id,
        secret_access_key: Secret::new(c.secret_access_key),
        session_token: Secret::new(c.session_token),
        expiration,
        identity_id: identity_id.to_owned(),
    })
}

/// An RFC 3339 time, if it is a plausible expiration (1970 to 2400, as for Cognito's answers).
fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()?;
    (0..=LATEST_EXPIRATION_SECS)
        .contains(&t.unix_timestamp())
        .then(|| SystemTime::from(t))
}

#[derive(Deserialize)]
struct ErrorResponse {
    #[serde(rename = "Error")]
    error: ErrorDetail,
    #[serde(rename = "RequestId", default)]
    request_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "Code", default)]
    code: Option<String>,
    #[serde(rename = "Message", default)]
    message: Option<String>,
}

/// Classifies an STS error answer by its `Code`.
pub(crate) fn parse_error(status: u16, body: &[u8], request_id: Option<String>) -> Error {
    let parsed: Option<ErrorResponse> = std::str::from_utf8(body)
        .ok()
        .and_then(|t| quick_xml::de::from_str(t).ok());
    match parsed {
        Some(r) => Error::service(
            r.error.code.as_deref().unwrap_or(""),
            r.error
                .message
                .as_deref()
                .unwrap_or(&format!("HTTP status {status}")),
            status,
            request_id.or(r.request_id),
        ),
        None => Error::service("", &format!("HTTP status {status}"), status, request_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::time::{Duration, UNIX_EPOCH};

    const OK: &str = r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>us-east-1:abc</SubjectFromWebIdentityToken>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <SessionToken>session&amp;token</SessionToken>
      <SecretAccessKey>secret</SecretAccessKey>
      <Expiration>2026-11-22T03:08:13.250Z</Expiration>
      <AccessKeyId>ASIAXYZ</AccessKeyId>
    </Credentials>
    <Provider>cognito-identity.amazonaws.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>"#;

    #[test]
    fn parses_credentials_with_fractional_iso_time() {
        let c = parse_credentials(OK.as_bytes(), "us-east-1:abc", &None).unwrap();
        assert_eq!(c.access_key_id, "ASIAXYZ");
        assert_eq!(c.session_token.expose(), "session&token");
        let t = c.expiration.duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(t, Duration::from_millis(1_795_316_893_250));
    }

    #[test]
    fn rejects_what_sts_does_not_send() {
        for bad in [
            "",
            "<a>",
            "<AssumeRoleWithWebIdentityResponse/>",
            &OK.replace("2026-11-22T03:08:13.250Z", "tomorrow"),
            &OK.replace("<AccessKeyId>ASIAXYZ</AccessKeyId>", ""),
            &OK.replace("ASIAXYZ", ""),
        ] {
            let e = parse_credentials(bad.as_bytes(), "x", &None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{bad}");
        }
        let e = parse_credentials(b"\xff\xfe", "x", &None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    }

    #[test]
    fn parses_xml_errors() {
        let body = br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Couldn't verify</Message></Error><RequestId>r-9</RequestId></ErrorResponse>"#;
        let e = parse_error(400, body, None);
        assert_eq!(e.kind(), ErrorKind::InvalidIdentityToken);
        assert_eq!(e.message(), "Couldn't verify");
        assert_eq!(e.request_id(), Some("r-9"));
        assert!(!e.is_retryable());

        let e = parse_error(
            400,
            br#"<ErrorResponse><Error><Code>IDPCommunicationError</Code></Error></ErrorResponse>"#,
            None,
        );
        assert_eq!(e.kind(), ErrorKind::IdpCommunicationError);
        assert!(e.is_retryable());

        let e = parse_error(503, b"garbage", None);
        assert_eq!(e.kind(), ErrorKind::InternalError);
        assert!(e.is_retryable());
    }

    #[test]
    fn request_is_form_encoded() {
        let body = assume_role_with_web_identity_body(
            "arn:aws:iam::123456789012:role/Cognito_Unauth",
            &Secret::new("a+b/c="),
            Some(900),
        );
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FCognito_Unauth"));
        assert!(text.contains("WebIdentityToken=a%2Bb%2Fc%3D"));
        assert!(text.ends_with("DurationSeconds=900"));
    }
}
