//! The developer-authenticated identity operations, which a developer's backend
//! calls with AWS credentials (the server checks the SigV4 signature before these
//! run): `GetOpenIdTokenForDeveloperIdentity`, `LookupDeveloperIdentity` and
//! `UnlinkDeveloperIdentity`.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::cognito::{logins_field, serialization, string_field, Validator};
use crate::state::{Login, Shared};
use crate::tokens::{LoginSubject, DEVELOPER_PROVIDER};
use crate::util::{self, ApiError};
use crate::{Operation, PoolConfig};

/// `TokenDuration` when the request has none (AWS: 15 minutes).
pub(crate) const DEFAULT_TOKEN_DURATION_SECS: i64 = 900;
const MAX_TOKEN_DURATION_SECS: i64 = 86_400;
const MAX_PRINCIPAL_TAGS: usize = 50;
const MAX_RESULTS: i64 = 60;
const PROVIDER_NAME_PATTERN: &str = r"[\w._-]+";

pub(crate) fn handle(
    shared: &Shared,
    op: Operation,
    req: &Map<String, Value>,
) -> Result<Value, ApiError> {
    match op {
        Operation::GetOpenIdTokenForDeveloperIdentity => get_token(shared, req),
        Operation::LookupDeveloperIdentity => lookup(shared, req),
        Operation::UnlinkDeveloperIdentity => unlink(shared, req),
        other => Err(ApiError::bad_request(
            "UnknownOperationException",
            format!("{} is not a developer identity operation", other.name()),
        )),
    }
}

fn pool_not_found(pool_id: &str) -> ApiError {
    ApiError::bad_request(
        "ResourceNotFoundException",
        format!("IdentityPool '{pool_id}' not found."),
    )
}

/// The pool has no developer provider, or the request names another one.
fn unsupported_provider() -> ApiError {
    ApiError::not_authorized(
        "This identity pool does not support the specified developer provider.",
    )
}

fn null(member: &str) -> String {
    format!("Value null at '{member}' failed to satisfy constraint: Member must not be null")
}

/// A JSON integer (`Long` in the model).
fn long_field(req: &Map<String, Value>, name: &str) -> Result<Option<i64>, ApiError> {
    match req.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Ok(Some(i)),
            (None, Some(_), _) => Ok(Some(i64::MAX)),
            (None, None, Some(f)) if f.fract() == 0.0 => Ok(Some(f as i64)),
            _ => Err(serialization(format!(
                "Value at '{name}' is not a LONG_VALUE"
            ))),
        },
        Some(_) => Err(serialization(format!(
            "Value at '{name}' is not a LONG_VALUE"
        ))),
    }
}

/// A map of strings (`PrincipalTags`).
fn string_map_field(
    req: &Map<String, Value>,
    name: &str,
) -> Result<Option<BTreeMap<String, String>>, ApiError> {
    match req.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(serialization(format!(
                    "Value in '{name}' is not a STRING_VALUE"
                ))),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(serialization(format!("Value at '{name}' is not a map"))),
    }
}

fn principal_tags(v: &mut Validator, tags: &BTreeMap<String, String>) {
    if tags.len() > MAX_PRINCIPAL_TAGS {
        v.push(format!(
            "Value at 'principalTags' failed to satisfy constraint: Member must have length less than or equal to {MAX_PRINCIPAL_TAGS}"
        ));
    }
    if tags.keys().any(|k| k.is_empty() || k.chars().count() > 128) {
        v.push(
            "Value at 'principalTags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]".into(),
        );
    }
    if tags.values().any(|t| t.chars().count() > 256) {
        v.push(
            "Value at 'principalTags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]".into(),
        );
    }
}

fn developer_user(v: &mut Validator, user: &str) {
    v.length(user, "developerUserIdentifier", 1, 1024);
}

fn find_pool<'a>(shared: &'a Shared, pool_id: &str) -> Result<&'a PoolConfig, ApiError> {
    shared.pool(pool_id).ok_or_else(|| pool_not_found(pool_id))
}

fn get_token(shared: &Shared, req: &Map<String, Value>) -> Result<Value, ApiError> {
    let pool_id = string_field(req, "IdentityPoolId")?;
    let identity_id = string_field(req, "IdentityId")?;
    let logins = match req.get("Logins") {
        None | Some(Value::Null) => None,
        Some(_) => Some(logins_field(req)?),
    };
    let tags = string_map_field(req, "PrincipalTags")?;
    let duration = long_field(req, "TokenDuration")?;
    let mut v = Validator::default();
    if let Some(id) = v.required(&pool_id, "identityPoolId") {
        v.id(id, "identityPoolId");
    }
    if let Some(id) = &identity_id {
        v.id(id, "identityId");
    }
    match &logins {
        None => v.push(null("logins")),
        Some(logins) => v.logins(logins),
    }
    if let Some(tags) = &tags {
        principal_tags(&mut v, tags);
    }
    if let Some(d) = duration {
        v.range(d, "tokenDuration", 1, MAX_TOKEN_DURATION_SECS);
    }
    v.finish()?;

    let pool = find_pool(shared, pool_id.as_deref().unwrap_or_default())?;
    let dev_provider = pool
        .developer_provider_name
        .as_deref()
        .ok_or_else(unsupported_provider)?;
    let mut logins = logins.unwrap_or_default();
    let user = logins
        .remove(dev_provider)
        .ok_or_else(unsupported_provider)?;
    if logins.contains_key(DEVELOPER_PROVIDER) {
        return Err(ApiError::not_authorized(
            "Invalid login token. Can't pass in a Cognito token.",
        ));
    }
    let others = shared.check_logins(&pool.id, &logins)?;
    let dev = Login {
        provider: dev_provider.to_string(),
        subject: LoginSubject::User(user.clone()),
    };
    let identity_id =
        shared.with_store(|s| s.developer_identity(pool, identity_id.as_deref(), &dev, &others))?;

    // AWS's shape: the providers, then the developer provider and
    // "<provider>:<pool>:<developer user>".
    let mut amr = vec!["authenticated".to_string()];
    amr.extend(logins.into_keys());
    amr.push(dev_provider.to_string());
    amr.push(format!("{dev_provider}:{}:{user}", pool.id));
    let lifetime = duration.unwrap_or(DEFAULT_TOKEN_DURATION_SECS).max(1) as u64;
    let token = shared.mint_openid_token_with(
        &identity_id,
        &pool.id,
        &amr,
        Duration::from_secs(lifetime),
        tags.as_ref(),
    );
    tracing::debug!(pool = %pool.id, identity = %identity_id, "GetOpenIdTokenForDeveloperIdentity");
    Ok(json!({ "IdentityId": identity_id, "Token": token }))
}

/// `NextToken` of LookupDeveloperIdentity: the identity and the offset reached.
fn page_token(identity_id: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{offset}|{identity_id}"))
}

fn page_offset(token: &str, identity_id: &str) -> Option<usize> {
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let (offset, id) = decoded.split_once('|')?;
    (id == identity_id).then_some(())?;
    offset.parse().ok()
}

fn lookup(shared: &Shared, req: &Map<String, Value>) -> Result<Value, ApiError> {
    let pool_id = string_field(req, "IdentityPoolId")?;
    let identity_id = string_field(req, "IdentityId")?;
    let user = string_field(req, "DeveloperUserIdentifier")?;
    let max_results = long_field(req, "MaxResults")?;
    let next_token = string_field(req, "NextToken")?;
    let mut v = Validator::default();
    if let Some(id) = v.required(&pool_id, "identityPoolId") {
        v.id(id, "identityPoolId");
    }
    if let Some(id) = &identity_id {
        v.id(id, "identityId");
    }
    if let Some(user) = &user {
        developer_user(&mut v, user);
    }
    if let Some(n) = max_results {
        v.range(n, "maxResults", 1, MAX_RESULTS);
    }
    if let Some(token) = &next_token {
        v.length(token, "nextToken", 1, 65_535);
    }
    v.finish()?;
    if identity_id.is_none() && user.is_none() {
        return Err(ApiError::bad_request(
            "InvalidParameterException",
            "Either IdentityId or DeveloperUserIdentifier must be specified.",
        ));
    }

    let pool = find_pool(shared, pool_id.as_deref().unwrap_or_default())?;
    let (identity_id, users) =
        shared.with_store(|s| s.developer_lookup(pool, identity_id.as_deref(), user.as_deref()))?;
    let offset = match &next_token {
        None => 0,
        Some(token) => page_offset(token, &identity_id).ok_or_else(|| {
            ApiError::bad_request("InvalidParameterException", "Invalid NextToken.")
        })?,
    };
    let max = max_results.unwrap_or(MAX_RESULTS) as usize;
    let end = offset.saturating_add(max).min(users.len());
    let page = users.get(offset.min(end)..end).unwrap_or_default();
    let mut out = json!({
        "IdentityId": identity_id,
        "DeveloperUserIdentifierList": page,
    });
    if end < users.len() {
        out["NextToken"] = Value::from(page_token(&identity_id, end));
    }
    Ok(out)
}

fn unlink(shared: &Shared, req: &Map<String, Value>) -> Result<Value, ApiError> {
    let identity_id = string_field(req, "IdentityId")?;
    let pool_id = string_field(req, "IdentityPoolId")?;
    let provider = string_field(req, "DeveloperProviderName")?;
    let user = string_field(req, "DeveloperUserIdentifier")?;
    let mut v = Validator::default();
    if let Some(id) = v.required(&identity_id, "identityId") {
        v.id(id, "identityId");
    }
    if let Some(id) = v.required(&pool_id, "identityPoolId") {
        v.id(id, "identityPoolId");
    }
    if let Some(p) = v.required(&provider, "developerProviderName") {
        v.length(p, "developerProviderName", 1, 128);
        let ok = !p.is_empty() && p.chars().all(|c| util::is_word(c) || c == '.' || c == '-');
        v.pattern(p, "developerProviderName", ok, PROVIDER_NAME_PATTERN);
    }
    if let Some(u) = v.required(&user, "developerUserIdentifier") {
        developer_user(&mut v, u);
    }
    v.finish()?;

    let pool = find_pool(shared, pool_id.as_deref().unwrap_or_default())?;
    let provider = provider.unwrap_or_default();
    if pool.developer_provider_name.as_deref() != Some(provider.as_str()) {
        return Err(unsupported_provider());
    }
    let (identity_id, user) = (identity_id.unwrap_or_default(), user.unwrap_or_default());
    shared.with_store(|s| s.developer_unlink(pool, &identity_id, &provider, &user))?;
    tracing::debug!(identity = %identity_id, "UnlinkDeveloperIdentity");
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens;
    use crate::{EmulatorConfig, DEFAULT_DEVELOPER_PROVIDER_NAME, DEFAULT_UNAUTH_POOL_ID};

    fn shared() -> Shared {
        Shared::new(&EmulatorConfig::default())
    }

    fn call(s: &Shared, op: Operation, body: Value) -> Result<Value, ApiError> {
        match body {
            Value::Object(map) => handle(s, op, &map),
            _ => unreachable!(),
        }
    }

    fn token_for(s: &Shared, user: &str, extra: Value) -> Result<Value, ApiError> {
        let mut body = json!({
            "IdentityPoolId": DEFAULT_UNAUTH_POOL_ID,
            "Logins": { DEFAULT_DEVELOPER_PROVIDER_NAME: user },
        });
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        call(s, Operation::GetOpenIdTokenForDeveloperIdentity, body)
    }

    #[test]
    fn token_claims_and_duration() {
        let s = shared();
        let out = token_for(
            &s,
            "alice",
            json!({"TokenDuration": 120, "PrincipalTags": {"team": "red"}}),
        )
        .unwrap();
        let id = out["IdentityId"].as_str().unwrap();
        let payload = tokens::verify_hs256(s.secret(), out["Token"].as_str().unwrap()).unwrap();
        assert_eq!(payload["sub"], id);
        assert_eq!(payload["aud"], DEFAULT_UNAUTH_POOL_ID);
        let exp = tokens::numeric_claim(&payload, "exp").unwrap();
        let iat = tokens::numeric_claim(&payload, "iat").unwrap();
        assert_eq!(exp - iat, 120);
        assert_eq!(
            payload["amr"],
            json!([
                "authenticated",
                DEFAULT_DEVELOPER_PROVIDER_NAME,
                format!("{DEFAULT_DEVELOPER_PROVIDER_NAME}:{DEFAULT_UNAUTH_POOL_ID}:alice")
            ])
        );
        assert_eq!(
            payload["https://aws.amazon.com/tags"]["principal_tags"]["team"],
            json!(["red"])
        );
        let out = token_for(&s, "alice", json!({})).unwrap();
        assert_eq!(out["IdentityId"].as_str(), Some(id));
        let payload = tokens::verify_hs256(s.secret(), out["Token"].as_str().unwrap()).unwrap();
        let exp = tokens::numeric_claim(&payload, "exp").unwrap();
        let iat = tokens::numeric_claim(&payload, "iat").unwrap();
        assert_eq!(exp - iat, DEFAULT_TOKEN_DURATION_SECS);
    }

    #[test]
    fn validation() {
        let s = shared();
        let err = call(
            &s,
            Operation::GetOpenIdTokenForDeveloperIdentity,
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "1 validation error detected: Value null at 'logins' failed to satisfy constraint: Member must not be null"
        );
        let err = token_for(&s, "a", json!({"TokenDuration": 86_401})).unwrap_err();
        assert!(err.message.contains("Value '86401' at 'tokenDuration'"));
        let err = token_for(&s, "a", json!({"TokenDuration": 0})).unwrap_err();
        assert!(err.message.contains("greater than or equal to 1"));
        let err = token_for(&s, "a", json!({"TokenDuration": "60"})).unwrap_err();
        assert_eq!(err.code, "SerializationException");
        let err = token_for(&s, "a", json!({"PrincipalTags": {"": "x"}})).unwrap_err();
        assert!(err.message.contains("Map keys must satisfy"));
        let err = call(
            &s,
            Operation::LookupDeveloperIdentity,
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
        )
        .unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
        let err = call(
            &s,
            Operation::UnlinkDeveloperIdentity,
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
        )
        .unwrap_err();
        assert!(
            err.message.starts_with("3 validation errors detected"),
            "{}",
            err.message
        );
    }

    #[test]
    fn lookup_pages() {
        let s = shared();
        let id = token_for(&s, "u0", json!({})).unwrap()["IdentityId"]
            .as_str()
            .unwrap()
            .to_string();
        for i in 1..5 {
            token_for(&s, &format!("u{i}"), json!({ "IdentityId": id })).unwrap();
        }
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let mut body = json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": id, "MaxResults": 2});
            if let Some(t) = &next {
                body["NextToken"] = Value::from(t.clone());
            }
            let out = call(&s, Operation::LookupDeveloperIdentity, body).unwrap();
            for u in out["DeveloperUserIdentifierList"].as_array().unwrap() {
                seen.push(u.as_str().unwrap().to_string());
            }
            match out.get("NextToken").and_then(Value::as_str) {
                Some(t) => next = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, ["u0", "u1", "u2", "u3", "u4"]);
        let err = call(
            &s,
            Operation::LookupDeveloperIdentity,
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": id, "NextToken": "bogus"}),
        )
        .unwrap_err();
        assert_eq!(err.message, "Invalid NextToken.");
    }
}
