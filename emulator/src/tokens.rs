//! JWT minting and checking: the emulator's OpenID tokens (HS256 with a per-instance
//! secret) and the login tokens clients present (see the crate docs for the rules).

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::hmac;
use serde_json::{json, Map, Value};

use crate::util::ApiError;

pub(crate) const COGNITO_ISSUER: &str = "https://cognito-identity.amazonaws.com";
pub(crate) const DEVELOPER_PROVIDER: &str = "cognito-identity.amazonaws.com";

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

fn unb64(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .or_else(|_| URL_SAFE.decode(segment))
        .ok()
}

fn decode_object(segment: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(&unb64(segment)?).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Header and payload of a JWT, without looking at the signature.
pub(crate) fn decode_unverified(token: &str) -> Option<(Map<String, Value>, Map<String, Value>)> {
    let mut parts = token.split('.');
    let (h, p, _s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((decode_object(h)?, decode_object(p)?))
}

pub(crate) fn mint_hs256(key: &hmac::Key, payload: &Value) -> String {
    let header = json!({"alg": "HS256", "kid": "cognito-emulator", "typ": "JWT"});
    let signing_input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let tag = hmac::sign(key, signing_input.as_bytes());
    format!("{signing_input}.{}", b64(tag.as_ref()))
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum VerifyError {
    Malformed,
    BadSignature,
}

/// The payload of a token this emulator signed.
pub(crate) fn verify_hs256(
    key: &hmac::Key,
    token: &str,
) -> Result<Map<String, Value>, VerifyError> {
    let (signing_input, signature) = token.rsplit_once('.').ok_or(VerifyError::Malformed)?;
    let (header, payload) = decode_unverified(token).ok_or(VerifyError::Malformed)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(VerifyError::BadSignature);
    }
    let signature = unb64(signature).ok_or(VerifyError::Malformed)?;
    hmac::verify(key, signing_input.as_bytes(), &signature)
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(payload)
}

/// `exp` (or any numeric date claim) as whole seconds.
pub(crate) fn numeric_claim(payload: &Map<String, Value>, name: &str) -> Option<i64> {
    let v = payload.get(name)?;
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
}

/// Who a login designates once its token is accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LoginSubject {
    /// A user of an external provider, identified by this key.
    User(String),
    /// A developer-authenticated login naming an identity directly.
    Identity(String),
}

fn invalid_token(detail: &str) -> ApiError {
    if detail.is_empty() {
        ApiError::not_authorized("Invalid login token.")
    } else {
        ApiError::not_authorized(format!("Invalid login token. {detail}"))
    }
}

/// Applies the login token rules to one `Logins` entry.
pub(crate) fn check_login(
    key: &hmac::Key,
    pool_id: &str,
    provider: &str,
    token: &str,
    now: i64,
) -> Result<LoginSubject, ApiError> {
    if provider == DEVELOPER_PROVIDER {
        let payload =
            verify_hs256(key, token).map_err(|_| invalid_token("Not a Cognito token."))?;
        if payload.get("iss").and_then(Value::as_str) != Some(COGNITO_ISSUER) {
            return Err(invalid_token("Issuer doesn't match providerName"));
        }
        check_exp(&payload, now)?;
        if payload.get("aud").and_then(Value::as_str) != Some(pool_id) {
            return Err(invalid_token("Incorrect token audience."));
        }
        let sub = payload
            .get("sub")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid_token("Not a Cognito token."))?;
        return Ok(LoginSubject::Identity(sub.to_string()));
    }

    let is_user_pool = provider.starts_with("cognito-idp.");
    if let Some((_header, payload)) = decode_unverified(token) {
        check_exp(&payload, now)?;
        if is_user_pool {
            if let Some(iss) = payload.get("iss") {
                if iss.as_str() != Some(&format!("https://{provider}")) {
                    return Err(invalid_token("Issuer doesn't match providerName"));
                }
            }
            if payload.get("token_use").and_then(Value::as_str) == Some("access") {
                return Err(invalid_token("Not a valid OpenId Connect identity token."));
            }
        }
        let user = payload
            .get("sub")
            .and_then(Value::as_str)
            .or_else(|| payload.get("cognito:username").and_then(Value::as_str))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid_token("Not a valid OpenId Connect identity token."))?;
        return Ok(LoginSubject::User(user.to_string()));
    }

    if is_user_pool {
        return Err(invalid_token("Not a valid OpenId Connect identity token."));
    }
    if token.starts_with("invalid") {
        return Err(invalid_token(""));
    }
    Ok(LoginSubject::User(token.to_string()))
}

fn check_exp(payload: &Map<String, Value>, now: i64) -> Result<(), ApiError> {
    match payload.get("exp") {
        None => Ok(()),
        Some(_) => match numeric_claim(payload, "exp") {
            Some(exp) if now >= exp => {
                Err(invalid_token(&format!("Token expired: {now} >= {exp}")))
            }
            Some(_) => Ok(()),
            None => Err(invalid_token("Not a valid OpenId Connect identity token.")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, b"test secret")
    }

    fn unsigned(payload: Value) -> String {
        format!(
            "{}.{}.c2ln",
            b64(br#"{"alg":"RS256"}"#),
            b64(payload.to_string().as_bytes())
        )
    }

    const POOL: &str = "us-east-1:00000000-0000-4000-8000-000000000001";
    const UP: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";

    #[test]
    fn hs256_roundtrip_and_tamper() {
        let t = mint_hs256(&key(), &json!({"sub": "x"}));
        assert_eq!(verify_hs256(&key(), &t).unwrap()["sub"], "x");
        let other = hmac::Key::new(hmac::HMAC_SHA256, b"other");
        assert_eq!(verify_hs256(&other, &t), Err(VerifyError::BadSignature));
        assert_eq!(verify_hs256(&key(), "a.b"), Err(VerifyError::Malformed));
        let mut parts: Vec<&str> = t.split('.').collect();
        let forged = b64(br#"{"sub":"y"}"#);
        parts[1] = &forged;
        assert_eq!(
            verify_hs256(&key(), &parts.join(".")),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn jwt_rules() {
        let ok = unsigned(json!({"sub": "alice", "iss": format!("https://{UP}"), "exp": 2000}));
        assert_eq!(
            check_login(&key(), POOL, UP, &ok, 1000),
            Ok(LoginSubject::User("alice".into()))
        );
        let err = check_login(&key(), POOL, UP, &ok, 2000).unwrap_err();
        assert_eq!(
            err.message,
            "Invalid login token. Token expired: 2000 >= 2000"
        );
        let wrong_iss = unsigned(json!({"sub": "a", "iss": "https://elsewhere"}));
        let err = check_login(&key(), POOL, UP, &wrong_iss, 0).unwrap_err();
        assert_eq!(
            err.message,
            "Invalid login token. Issuer doesn't match providerName"
        );
        // Other providers do not check the issuer.
        assert!(check_login(&key(), POOL, "accounts.google.com", &wrong_iss, 0).is_ok());
        let by_username = unsigned(json!({"cognito:username": "bob"}));
        assert_eq!(
            check_login(&key(), POOL, UP, &by_username, 0),
            Ok(LoginSubject::User("bob".into()))
        );
        let access = unsigned(json!({"sub": "a", "token_use": "access"}));
        assert!(check_login(&key(), POOL, UP, &access, 0).is_err());
    }

    #[test]
    fn opaque_rules() {
        assert_eq!(
            check_login(&key(), POOL, "graph.facebook.com", "EAAB123", 0),
            Ok(LoginSubject::User("EAAB123".into()))
        );
        let err = check_login(&key(), POOL, "graph.facebook.com", "invalid-x", 0).unwrap_err();
        assert_eq!(err.code, "NotAuthorizedException");
        assert_eq!(err.message, "Invalid login token.");
        assert!(check_login(&key(), POOL, UP, "opaque", 0).is_err());
    }

    #[test]
    fn developer_rules() {
        let t = mint_hs256(
            &key(),
            &json!({"iss": COGNITO_ISSUER, "sub": "us-east-1:abc", "aud": POOL, "exp": 100}),
        );
        assert_eq!(
            check_login(&key(), POOL, DEVELOPER_PROVIDER, &t, 50),
            Ok(LoginSubject::Identity("us-east-1:abc".into()))
        );
        assert!(check_login(&key(), POOL, DEVELOPER_PROVIDER, &t, 100).is_err());
        assert!(check_login(&key(), "us-east-1:0", DEVELOPER_PROVIDER, &t, 50).is_err());
        let foreign = unsigned(json!({"iss": COGNITO_ISSUER, "sub": "x", "aud": POOL}));
        assert!(check_login(&key(), POOL, DEVELOPER_PROVIDER, &foreign, 50).is_err());
    }
}
