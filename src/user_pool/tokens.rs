//! A signed-in user's tokens: the id token (what an identity pool takes as the login), the access
//! token (what the user's own operations take), the refresh token, and what the JWTs say.

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The tokens of a signed-in user. `Debug` shows only who and until when.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    pub id_token: Secret,
    pub access_token: Secret,
    /// Absent from a refresh's answer unless the app client rotates refresh tokens.
    pub refresh_token: Option<Secret>,
    /// The user's name in the pool (`cognito:username`), which SECRET_HASH and refresh use.
    pub username: String,
    /// The id token's `exp` (server time).
    pub expires_at: SystemTime,
    /// The device key, when the pool tracks devices (a refresh needs it then).
    pub device_key: Option<String>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("username", &self.username)
            .field("expires_at", &httpdate::fmt_http_date(self.expires_at))
            .field("id_token", &self.id_token)
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .finish()
    }
}

/// What the library reads from a Cognito JWT (it does not verify the signature: the token came
/// over TLS from the pool itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    pub expires_at: SystemTime,
    pub username: Option<String>,
    pub token_use: Option<String>,
}

pub(crate) fn claims(what: &str, jwt: &str) -> Result<Claims> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("the {what} is not a JWT Cognito issues: {why}"),
        )
    };
    let mut parts = jwt.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not three parts"));
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| bad("payload not base64url"))?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| bad("payload not JSON"))?;
    let exp = v["exp"]
        .as_f64()
        .filter(|e| e.is_finite() && *e > 0.0 && *e < 1e11)
        .ok_or_else(|| bad("no exp"))?;
    let text = |k: &str| v[k].as_str().map(str::to_owned);
    Ok(Claims {
        expires_at: UNIX_EPOCH + Duration::from_secs_f64(exp),
        username: text("cognito:username").or_else(|| text("username")),
        token_use: text("token_use"),
    })
}

#[cfg(test)]
pub(crate) fn test_jwt(claims: serde_json::Value) -> String {
    let part = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2lnbmF0dXJl",
        part(&serde_json::json!({"alg": "RS256", "kid": "k"})),
        part(&claims)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claims_come_from_the_payload() {
        let jwt =
            test_jwt(json!({"exp": 1_700_000_000, "cognito:username": "p1", "token_use": "id"}));
        let c = claims("id token", &jwt).unwrap();
        assert_eq!(
            c.expires_at,
            UNIX_EPOCH + Duration::from_secs(1_700_000_000)
        );
        assert_eq!(c.username.as_deref(), Some("p1"));
        assert_eq!(c.token_use.as_deref(), Some("id"));
        // Access tokens carry `username` instead.
        let access = test_jwt(json!({"exp": 1.7e9, "username": "p2"}));
        assert_eq!(
            claims("access token", &access).unwrap().username.as_deref(),
            Some("p2")
        );
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in [
            "".to_owned(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            "a.!!!.c".to_owned(),
            format!("a.{}.c", URL_SAFE_NO_PAD.encode("not json")),
            test_jwt(json!({"no": "exp"})),
            test_jwt(json!({"exp": -1})),
            test_jwt(json!({"exp": 1e300})),
        ] {
            assert_eq!(
                claims("id token", &bad).unwrap_err().kind(),
                ErrorKind::InvalidResponse,
                "{bad}"
            );
        }
    }
}
