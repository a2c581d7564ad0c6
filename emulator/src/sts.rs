//! STS `AssumeRoleWithWebIdentity` over the Query protocol (form in, XML out).
//! Only OpenID tokens minted by this emulator instance are accepted.

use std::collections::HashMap;
use std::time::Duration;

use quick_xml::escape::escape;
use serde_json::Value;

use crate::state::{Credentials, Principal, Shared};
use crate::tokens::{self, VerifyError, COGNITO_ISSUER};
use crate::util::{self, quote_value, validation_message, ApiError};
use crate::Fault;

pub(crate) const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
pub(crate) const CONTENT_TYPE: &str = "text/xml";
pub(crate) const ACTION: &str = "AssumeRoleWithWebIdentity";
/// STS's SigV4 signing name (clients may sign the unsigned operation anyway).
pub(crate) const SIGNING_NAME: &str = "sts";

pub(crate) fn error_xml(err: &ApiError, request_id: &str) -> String {
    let kind = if err.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    format!(
        "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        escape(err.code.as_str()),
        escape(err.message.as_str())
    )
}

pub(crate) fn invalid_action(action: &str) -> ApiError {
    let shown: String = action.chars().take(128).collect();
    ApiError::bad_request(
        "InvalidAction",
        format!("Could not find operation {shown} for version 2011-06-15"),
    )
}

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("ValidationError", message)
}

fn is_session_name_char(c: char) -> bool {
    util::is_word(c) || "+=,.@-".contains(c)
}

/// A stable `AROA...` id per role, as IAM's role ids are.
fn role_id(role_arn: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, role_arn.as_bytes());
    let chars: String = digest
        .as_ref()
        .iter()
        .take(17)
        .map(|b| util::UPPER_ALNUM[*b as usize % util::UPPER_ALNUM.len()] as char)
        .collect();
    format!("AROA{chars}")
}

pub(crate) fn assume_role_with_web_identity(
    shared: &Shared,
    form: &HashMap<String, String>,
    fault: Option<&Fault>,
    request_id: &str,
) -> Result<String, ApiError> {
    let role_arn = form.get("RoleArn");
    let session = form.get("RoleSessionName");
    let token = form.get("WebIdentityToken");
    let mut errors = Vec::new();
    let null = |member: &str| {
        format!("Value null at '{member}' failed to satisfy constraint: Member must not be null")
    };
    let too_short = |v: &str, member: &str, min: usize| {
        format!("Value {} at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}", quote_value(v))
    };
    let too_long = |v: &str, member: &str, max: usize| {
        format!("Value {} at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}", quote_value(v))
    };
    match role_arn {
        None => errors.push(null("roleArn")),
        Some(r) if r.chars().count() < 20 => errors.push(too_short(r, "roleArn", 20)),
        Some(r) if r.chars().count() > 2048 => errors.push(too_long(r, "roleArn", 2048)),
        _ => {}
    }
    match session {
        None => errors.push(null("roleSessionName")),
        Some(s) => {
            let n = s.chars().count();
            if n < 2 {
                errors.push(too_short(s, "roleSessionName", 2));
            } else if n > 64 {
                errors.push(too_long(s, "roleSessionName", 64));
            }
            if !s.chars().all(is_session_name_char) {
                errors.push(format!(
                    "Value {} at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
                    quote_value(s)
                ));
            }
        }
    }
    match token {
        None => errors.push(null("webIdentityToken")),
        // Never quote the token itself.
        Some(t) if t.chars().count() < 4 => errors.push(
            "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4".into(),
        ),
        Some(t) if t.chars().count() > 20_000 => errors.push(
            "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000".into(),
        ),
        _ => {}
    }
    let duration = match form.get("DurationSeconds") {
        None => None,
        Some(d) => match d.trim().parse::<i64>() {
            Ok(n) if n < 900 => {
                errors.push(format!("Value '{n}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"));
                None
            }
            Ok(n) if n > 43_200 => {
                errors.push(format!("Value '{n}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"));
                None
            }
            Ok(n) => Some(Duration::from_secs(n as u64)),
            Err(_) => {
                return Err(ApiError::bad_request(
                    "InvalidParameterValue",
                    format!(
                        "Value {} for parameter DurationSeconds is invalid.",
                        quote_value(d)
                    ),
                ))
            }
        },
    };
    if !errors.is_empty() {
        return Err(validation(validation_message(&errors)));
    }
    let (role_arn, session, token) = match (role_arn, session, token) {
        (Some(r), Some(s), Some(t)) => (r, s, t),
        _ => return Err(validation("Missing parameter")),
    };
    let (partition, account, role_path) =
        util::parse_role_arn(role_arn).ok_or_else(|| validation("Request ARN is invalid"))?;
    let role_name = role_path.rsplit('/').next().unwrap_or(role_path);

    let payload = tokens::verify_hs256(shared.secret(), token).map_err(|e| match e {
        VerifyError::Malformed => ApiError::bad_request(
            "InvalidIdentityToken",
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
        ),
        VerifyError::BadSignature => {
            ApiError::bad_request("InvalidIdentityToken", "Token signature is invalid.")
        }
    })?;
    if payload.get("iss").and_then(Value::as_str) != Some(COGNITO_ISSUER) {
        return Err(ApiError::bad_request(
            "InvalidIdentityToken",
            "Issuer in the token is not a trusted identity provider.",
        ));
    }
    let now_secs = shared.now_secs();
    match tokens::numeric_claim(&payload, "exp") {
        Some(exp) if now_secs < exp => {}
        Some(exp) => {
            return Err(ApiError::bad_request(
                "ExpiredTokenException",
                format!("Token expired: current date/time {now_secs} must be before the expiration date/time {exp}"),
            ))
        }
        None => {
            return Err(ApiError::bad_request(
                "InvalidIdentityToken",
                "The token has no expiration.",
            ))
        }
    }
    let subject = payload.get("sub").and_then(Value::as_str).unwrap_or("");
    let audience = payload.get("aud").and_then(Value::as_str).unwrap_or("");

    let now = shared.now();
    let expiration = if matches!(fault, Some(Fault::ExpiredCredentials)) {
        now.checked_sub(Duration::from_secs(60)).unwrap_or(now)
    } else {
        util::later(
            now,
            duration.unwrap_or_else(|| shared.credential_lifetime()),
        )
    };
    let creds = Credentials::generate(expiration);
    let assumed_role_arn =
        format!("arn:{partition}:sts::{account}:assumed-role/{role_name}/{session}");
    shared.register_session(
        &creds,
        Principal {
            identity_id: Some(subject.to_string()).filter(|s| !s.is_empty()),
            assumed_role_arn: Some(assumed_role_arn.clone()),
            issued_by: Some(crate::Operation::AssumeRoleWithWebIdentity.name()),
        },
    );
    tracing::debug!(role = %role_arn, subject = %subject, "AssumeRoleWithWebIdentity");
    Ok(format!(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"{XMLNS}\"><AssumeRoleWithWebIdentityResult>\
<SubjectFromWebIdentityToken>{subject}</SubjectFromWebIdentityToken><Audience>{audience}</Audience>\
<AssumedRoleUser><Arn>{assumed_role_arn}</Arn>\
<AssumedRoleId>{role_id}:{session}</AssumedRoleId></AssumedRoleUser>\
<Credentials><SessionToken>{token}</SessionToken><SecretAccessKey>{secret}</SecretAccessKey>\
<Expiration>{expiration}</Expiration><AccessKeyId>{akid}</AccessKeyId></Credentials>\
<Provider>cognito-identity.amazonaws.com</Provider></AssumeRoleWithWebIdentityResult>\
<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>",
        subject = escape(subject),
        audience = escape(audience),
        assumed_role_arn = escape(assumed_role_arn.as_str()),
        session = escape(session.as_str()),
        role_id = role_id(role_arn),
        token = escape(creds.session_token.as_str()),
        secret = escape(creds.secret_key.as_str()),
        expiration = util::iso8601_millis(creds.expiration),
        akid = creds.access_key_id,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EmulatorConfig;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_Auth";

    #[test]
    fn success_and_errors() {
        let s = Shared::new(&EmulatorConfig::default());
        let token = s.mint_openid_token("us-east-1:abc", "us-east-1:def", &[]);
        let xml = assume_role_with_web_identity(
            &s,
            &form(&[
                ("RoleArn", ROLE),
                ("RoleSessionName", "app"),
                ("WebIdentityToken", &token),
                ("DurationSeconds", "900"),
            ]),
            None,
            "rid",
        )
        .unwrap();
        assert!(xml.contains("<SubjectFromWebIdentityToken>us-east-1:abc<"));
        assert!(xml.contains("<Arn>arn:aws:sts::123456789012:assumed-role/Cognito_Auth/app</Arn>"));
        assert!(xml.contains(":app</AssumedRoleId>"));

        let err = assume_role_with_web_identity(
            &s,
            &form(&[
                ("RoleArn", "arn:aws:iam::123456789012:user/Nope"),
                ("RoleSessionName", "app"),
                ("WebIdentityToken", &token),
            ]),
            None,
            "rid",
        )
        .unwrap_err();
        assert_eq!(err.code, "ValidationError");

        let err = assume_role_with_web_identity(
            &s,
            &form(&[
                ("RoleArn", ROLE),
                ("RoleSessionName", "a"),
                ("WebIdentityToken", &token),
                ("DurationSeconds", "100"),
            ]),
            None,
            "rid",
        )
        .unwrap_err();
        assert!(err.message.starts_with("2 validation errors detected"));

        let other = Shared::new(&EmulatorConfig::default());
        let foreign = other.mint_openid_token("us-east-1:abc", "us-east-1:def", &[]);
        let err = assume_role_with_web_identity(
            &s,
            &form(&[
                ("RoleArn", ROLE),
                ("RoleSessionName", "app"),
                ("WebIdentityToken", &foreign),
            ]),
            None,
            "rid",
        )
        .unwrap_err();
        assert_eq!(err.code, "InvalidIdentityToken");

        s.set_clock_skew(3600);
        let err = assume_role_with_web_identity(
            &s,
            &form(&[
                ("RoleArn", ROLE),
                ("RoleSessionName", "app"),
                ("WebIdentityToken", &token),
            ]),
            None,
            "rid",
        )
        .unwrap_err();
        assert_eq!(err.code, "ExpiredTokenException");
    }

    #[test]
    fn error_document() {
        let xml = error_xml(&ApiError::new(503, "ServiceUnavailable", "a<b"), "r1");
        assert_eq!(
            xml,
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>a&lt;b</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
        );
    }
}
