//! Cognito Identity JSON 1.1 operations: request parsing, validation with AWS's
//! messages, and the three unsigned data-plane operations (the signed developer
//! operations are in `developer.rs`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::state::{Credentials, Principal, Shared};
use crate::util::{self, quote_value, validation_message, ApiError};
use crate::{Fault, Operation};

pub(crate) const TARGET_PREFIX: &str = "AWSCognitoIdentityService.";
pub(crate) const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
const MODEL_NAMESPACE: &str =
    "http://internal.amazon.com/coral/com.amazonaws.cognito.identity.model/";
const CORAL_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazon.coral.service/";

pub(crate) const ID_PATTERN: &str = r"[\w-]+:[0-9a-f-]+";
const ROLE_ARN_PATTERN: &str = r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+";

/// Value of `x-amzn-ErrorType` for an error code.
pub(crate) fn error_type_header(code: &str) -> String {
    let namespace = match code {
        "SerializationException"
        | "UnknownOperationException"
        | "MissingAuthenticationTokenException"
        | "IncompleteSignatureException"
        | "InvalidSignatureException"
        | "UnrecognizedClientException" => CORAL_NAMESPACE,
        _ => MODEL_NAMESPACE,
    };
    format!("{code}:{namespace}")
}

pub(crate) fn error_body(err: &ApiError) -> String {
    json!({"__type": err.code, "message": err.message}).to_string()
}

/// The operation an `X-Amz-Target` names, if it is one of ours.
pub(crate) fn operation_for_target(target: &str) -> Option<Operation> {
    let name = target.strip_prefix(TARGET_PREFIX)?;
    crate::Operation::ALL
        .into_iter()
        .find(|op| !op.is_sts() && op.name() == name)
}

pub(crate) fn unknown_operation(target: &str) -> ApiError {
    let shown: String = target.chars().take(128).collect();
    ApiError::bad_request(
        "UnknownOperationException",
        format!("Unknown operation: '{shown}'"),
    )
}

pub(crate) fn serialization(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("SerializationException", message)
}

/// Runs one Cognito operation. `fault` carries the faults that change the
/// operation's outcome rather than the HTTP answer.
pub(crate) fn handle(
    shared: &Shared,
    op: Operation,
    body: &[u8],
    fault: Option<&Fault>,
) -> Result<Value, ApiError> {
    let request = parse_body(body)?;
    match op {
        Operation::GetId => get_id(shared, &request),
        Operation::GetCredentialsForIdentity => get_credentials(shared, &request, fault),
        Operation::GetOpenIdToken => get_open_id_token(shared, &request, fault),
        Operation::GetOpenIdTokenForDeveloperIdentity
        | Operation::LookupDeveloperIdentity
        | Operation::UnlinkDeveloperIdentity => crate::developer::handle(shared, op, &request),
        Operation::AssumeRoleWithWebIdentity => Err(ApiError::bad_request(
            "UnknownOperationException",
            format!("{} is not a Cognito Identity operation", op.name()),
        )),
    }
}

fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(serialization("Start of structure or map expected")),
        Err(e) => Err(serialization(format!("Invalid JSON: {e}"))),
    }
}

pub(crate) fn string_field(
    req: &Map<String, Value>,
    name: &str,
) -> Result<Option<String>, ApiError> {
    match req.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(serialization(format!(
            "Value at '{name}' is not a STRING_VALUE"
        ))),
    }
}

pub(crate) fn logins_field(req: &Map<String, Value>) -> Result<BTreeMap<String, String>, ApiError> {
    match req.get("Logins") {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(serialization("Value in 'Logins' is not a STRING_VALUE")),
            })
            .collect(),
        Some(_) => Err(serialization("Value at 'Logins' is not a map")),
    }
}

/// Collects constraint failures so they are reported together, as AWS does.
#[derive(Default)]
pub(crate) struct Validator {
    errors: Vec<String>,
}

impl Validator {
    pub fn required<'a>(&mut self, value: &'a Option<String>, member: &str) -> Option<&'a str> {
        if value.is_none() {
            self.errors.push(format!(
                "Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ));
        }
        value.as_deref()
    }

    pub fn length(&mut self, value: &str, member: &str, min: usize, max: usize) {
        let n = value.chars().count();
        if n < min {
            self.errors.push(format!(
                "Value {} at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}",
                quote_value(value)
            ));
        } else if n > max {
            self.errors.push(format!(
                "Value {} at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}",
                quote_value(value)
            ));
        }
    }

    pub fn pattern(&mut self, value: &str, member: &str, ok: bool, pattern: &str) {
        if !ok {
            self.errors.push(format!(
                "Value {} at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}",
                quote_value(value)
            ));
        }
    }

    pub fn id(&mut self, value: &str, member: &str) {
        self.length(value, member, 1, 55);
        self.pattern(
            value,
            member,
            util::is_pool_or_identity_id(value),
            ID_PATTERN,
        );
    }

    /// Tokens are secrets: constraint messages never quote them.
    pub fn logins(&mut self, logins: &BTreeMap<String, String>) {
        if logins.len() > 10 {
            self.errors.push(
                "Value at 'logins' failed to satisfy constraint: Member must have length less than or equal to 10".into(),
            );
        }
        if logins
            .keys()
            .any(|k| k.is_empty() || k.chars().count() > 128)
        {
            self.errors.push(
                "Value at 'logins' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]".into(),
            );
        }
        if logins
            .values()
            .any(|v| v.is_empty() || v.chars().count() > 50_000)
        {
            self.errors.push(
                "Value at 'logins' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]".into(),
            );
        }
    }

    /// A failure the generic helpers do not cover, in AWS's wording.
    pub fn push(&mut self, error: String) {
        self.errors.push(error);
    }

    /// `Value '<n>' at '<member>' ... value greater/less than or equal to`.
    pub fn range(&mut self, value: i64, member: &str, min: i64, max: i64) {
        if value < min {
            self.errors.push(format!(
                "Value '{value}' at '{member}' failed to satisfy constraint: Member must have value greater than or equal to {min}"
            ));
        } else if value > max {
            self.errors.push(format!(
                "Value '{value}' at '{member}' failed to satisfy constraint: Member must have value less than or equal to {max}"
            ));
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::bad_request(
                "InvalidParameterException",
                validation_message(&self.errors),
            ))
        }
    }
}

fn get_id(shared: &Shared, req: &Map<String, Value>) -> Result<Value, ApiError> {
    let pool_id = string_field(req, "IdentityPoolId")?;
    let account_id = string_field(req, "AccountId")?;
    let logins = logins_field(req)?;
    let mut v = Validator::default();
    if let Some(id) = v.required(&pool_id, "identityPoolId") {
        v.id(id, "identityPoolId");
    }
    if let Some(account) = &account_id {
        let ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        v.pattern(account, "accountId", ok, r"\d{12}");
    }
    v.logins(&logins);
    v.finish()?;
    let pool_id = pool_id.unwrap_or_default();
    let pool = shared.pool(&pool_id).ok_or_else(|| {
        ApiError::bad_request(
            "ResourceNotFoundException",
            format!("IdentityPool '{pool_id}' not found."),
        )
    })?;
    let checked = shared.check_logins(&pool.id, &logins)?;
    let identity_id = shared.with_store(|s| s.get_id(pool, &checked))?;
    tracing::debug!(pool = %pool.id, identity = %identity_id, logins = logins.len(), "GetId");
    Ok(json!({ "IdentityId": identity_id }))
}

/// Validation and identity resolution common to the two identity-using operations.
fn resolve(
    shared: &Shared,
    req: &Map<String, Value>,
    extra: impl FnOnce(&mut Validator) -> Result<(), ApiError>,
    fault: Option<&Fault>,
) -> Result<crate::state::Resolved, ApiError> {
    let identity_id = string_field(req, "IdentityId")?;
    let logins = logins_field(req)?;
    let mut v = Validator::default();
    if let Some(id) = v.required(&identity_id, "identityId") {
        v.id(id, "identityId");
    }
    v.logins(&logins);
    extra(&mut v)?;
    v.finish()?;
    let identity_id = identity_id.unwrap_or_default();
    let pool_id = shared.with_store(|s| s.live_pool_of(&identity_id))?;
    let pool = shared
        .pool(&pool_id)
        .ok_or_else(|| ApiError::identity_not_found(&identity_id))?;
    let checked = shared.check_logins(&pool.id, &logins)?;
    let fresh = matches!(fault, Some(Fault::DifferentIdentity));
    let resolved = shared.with_store(|s| s.use_identity(&identity_id, pool, &checked, fresh))?;
    if resolved.identity_id != identity_id {
        tracing::debug!(from = %identity_id, to = %resolved.identity_id, "identity merged");
    }
    Ok(resolved)
}

fn get_credentials(
    shared: &Shared,
    req: &Map<String, Value>,
    fault: Option<&Fault>,
) -> Result<Value, ApiError> {
    let role = string_field(req, "CustomRoleArn")?;
    let resolved = resolve(
        shared,
        req,
        |v| {
            if let Some(role) = &role {
                v.length(role, "customRoleArn", 20, 2048);
                v.pattern(
                    role,
                    "customRoleArn",
                    util::is_role_arn(role),
                    ROLE_ARN_PATTERN,
                );
            }
            Ok(())
        },
        fault,
    )?;
    let now = shared.now();
    let expiration = if matches!(fault, Some(Fault::ExpiredCredentials)) {
        now.checked_sub(Duration::from_secs(60)).unwrap_or(now)
    } else {
        util::later(now, shared.credential_lifetime())
    };
    let creds = Credentials::generate(expiration);
    shared.register_session(
        &creds,
        Principal {
            identity_id: Some(resolved.identity_id.clone()),
            assumed_role_arn: None,
            issued_by: Some(Operation::GetCredentialsForIdentity.name()),
        },
    );
    tracing::debug!(identity = %resolved.identity_id, "GetCredentialsForIdentity");
    Ok(json!({
        "IdentityId": resolved.identity_id,
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "SecretKey": creds.secret_key,
            "SessionToken": creds.session_token,
            "Expiration": util::epoch_secs_f64(creds.expiration),
        }
    }))
}

fn get_open_id_token(
    shared: &Shared,
    req: &Map<String, Value>,
    fault: Option<&Fault>,
) -> Result<Value, ApiError> {
    let resolved = resolve(shared, req, |_| Ok(()), fault)?;
    let token = shared.mint_openid_token(&resolved.identity_id, &resolved.pool_id, &resolved.amr);
    tracing::debug!(identity = %resolved.identity_id, "GetOpenIdToken");
    Ok(json!({ "IdentityId": resolved.identity_id, "Token": token }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EmulatorConfig, DEFAULT_AUTH_POOL_ID, DEFAULT_UNAUTH_POOL_ID};

    fn shared() -> Shared {
        Shared::new(&EmulatorConfig::default())
    }

    fn call(s: &Shared, op: Operation, body: Value) -> Result<Value, ApiError> {
        handle(s, op, body.to_string().as_bytes(), None)
    }

    #[test]
    fn targets() {
        assert_eq!(
            operation_for_target("AWSCognitoIdentityService.GetId"),
            Some(Operation::GetId)
        );
        assert_eq!(
            operation_for_target("AWSCognitoIdentityService.AssumeRoleWithWebIdentity"),
            None
        );
        assert_eq!(operation_for_target("GetId"), None);
    }

    #[test]
    fn validation_messages() {
        let s = shared();
        let err = call(&s, Operation::GetId, json!({})).unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
        assert_eq!(
            err.message,
            "1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null"
        );
        let err = call(
            &s,
            Operation::GetId,
            json!({"IdentityPoolId": "BAD", "AccountId": "12"}),
        )
        .unwrap_err();
        assert!(
            err.message.starts_with("2 validation errors detected: Value 'BAD' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+; "),
            "{}",
            err.message
        );
        let long = format!("us-east-1:{}", "a".repeat(50));
        let err = call(&s, Operation::GetId, json!({ "IdentityPoolId": long })).unwrap_err();
        assert!(err.message.contains("less than or equal to 55"));
        let logins: Map<String, Value> = (0..11)
            .map(|i| (format!("p{i}"), Value::from("tok")))
            .collect();
        let err = call(
            &s,
            Operation::GetId,
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": logins}),
        )
        .unwrap_err();
        assert!(err.message.contains("'logins'"));
        assert!(!err.message.contains("tok"));
    }

    #[test]
    fn serialization_errors() {
        let s = shared();
        for body in [&b"{"[..], b"[1]", b"{\"IdentityPoolId\": 5}"] {
            let err = handle(&s, Operation::GetId, body, None).unwrap_err();
            assert_eq!(err.code, "SerializationException");
        }
    }

    #[test]
    fn not_found_pool_and_auth_only() {
        let s = shared();
        let err = call(
            &s,
            Operation::GetId,
            json!({"IdentityPoolId": "us-east-1:0000"}),
        )
        .unwrap_err();
        assert_eq!(err.code, "ResourceNotFoundException");
        assert_eq!(err.message, "IdentityPool 'us-east-1:0000' not found.");
        let err = call(
            &s,
            Operation::GetId,
            json!({ "IdentityPoolId": DEFAULT_AUTH_POOL_ID }),
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "Unauthenticated access is not supported for this identity pool."
        );
    }

    #[test]
    fn credentials_and_roles() {
        let s = shared();
        let id = call(
            &s,
            Operation::GetId,
            json!({ "IdentityPoolId": DEFAULT_UNAUTH_POOL_ID }),
        )
        .unwrap()["IdentityId"]
            .as_str()
            .unwrap()
            .to_string();
        let out = call(
            &s,
            Operation::GetCredentialsForIdentity,
            json!({"IdentityId": id, "CustomRoleArn": "arn:aws:iam::123456789012:role/R"}),
        )
        .unwrap();
        let creds = &out["Credentials"];
        assert!(creds["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
        assert_eq!(creds["SecretKey"].as_str().unwrap().len(), 40);
        assert!(creds["Expiration"].as_f64().unwrap() > s.now_secs() as f64 + 3500.0);
        let err = call(
            &s,
            Operation::GetCredentialsForIdentity,
            json!({"IdentityId": id, "CustomRoleArn": "arn:aws:iam::123:user/nope-nope-nope"}),
        )
        .unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
        assert!(err.message.contains("'customRoleArn'"));
        let expired = handle(
            &s,
            Operation::GetCredentialsForIdentity,
            json!({ "IdentityId": id }).to_string().as_bytes(),
            Some(&Fault::ExpiredCredentials),
        )
        .unwrap();
        assert!(expired["Credentials"]["Expiration"].as_f64().unwrap() < s.now_secs() as f64);
    }
}
