//! Admin HTTP API under `/__emulator/`, so tests in other processes (C, C#) can
//! drive the emulator. Admin requests are neither counted nor faulted.

use std::time::Duration;

use hyper::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::server::{response, Resp, RespBody};
use crate::state::Shared;
use crate::{Fault, FaultRule, Operation};

pub(crate) const PREFIX: &str = "/__emulator";

#[derive(Deserialize)]
struct FaultRequest {
    op: Option<String>,
    fault: String,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    ms: Option<u64>,
    bytes: Option<usize>,
    times: Option<u32>,
}

#[derive(Deserialize)]
struct ClockRequest {
    skew_secs: i64,
}

#[derive(Deserialize)]
struct LifetimeRequest {
    secs: Option<u64>,
    openid_secs: Option<u64>,
}

#[derive(Deserialize)]
struct IdentityRequest {
    identity_id: String,
}

#[derive(Deserialize)]
struct SigningKeyRequest {
    access_key_id: String,
    secret_access_key: String,
}

#[derive(Deserialize)]
struct TokenRequest {
    provider: String,
    sub: String,
    lifetime_secs: Option<u64>,
}

fn parse_fault(req: &FaultRequest) -> Result<FaultRule, String> {
    let op = match req.op.as_deref() {
        None | Some("") | Some("*") => None,
        Some(name) => Some(name.parse::<Operation>().map_err(|e| e.to_string())?),
    };
    Ok(FaultRule {
        op,
        fault: parse_fault_kind(req)?,
        times: req.times,
    })
}

fn parse_fault_kind(req: &FaultRequest) -> Result<Fault, String> {
    let fault = match req.fault.to_ascii_lowercase().as_str() {
        "throttle" => Fault::Throttle,
        "limit_exceeded" => Fault::LimitExceeded,
        "server_error" => Fault::ServerError(req.status.unwrap_or(500)),
        "service_error" => Fault::ServiceError {
            status: req.status.unwrap_or(400),
            code: req.code.clone().ok_or("service_error needs \"code\"")?,
            message: req.message.clone().unwrap_or_default(),
        },
        "delay" => Fault::Delay(Duration::from_millis(req.ms.ok_or("delay needs \"ms\"")?)),
        "hang" => Fault::Hang,
        "reset" => Fault::Reset,
        "reset_mid_body" => Fault::ResetMidBody,
        "malformed" => Fault::Malformed,
        "truncated" => Fault::Truncated,
        "huge_body" => Fault::HugeBody(req.bytes.unwrap_or(10 * 1024 * 1024)),
        "wrong_content_type" => Fault::WrongContentType,
        "wrong_types" => Fault::WrongTypes,
        "missing_fields" => Fault::MissingFields,
        "expired_credentials" => Fault::ExpiredCredentials,
        "different_identity" => Fault::DifferentIdentity,
        other => return Err(format!("unknown fault '{other}'")),
    };
    Ok(fault)
}

/// At most this many objects are listed by `GET /__emulator/objects`.
const MAX_LISTED_OBJECTS: usize = 10_000;

fn objects_listing(shared: &Shared) -> Value {
    shared.with_objects(|store| {
        let mut listed = 0usize;
        let buckets: Vec<Value> = store
            .buckets()
            .map(|(name, bucket)| {
                let objects: Vec<Value> = bucket
                    .objects
                    .iter()
                    .take(MAX_LISTED_OBJECTS.saturating_sub(listed))
                    .map(|(key, o)| {
                        json!({
                            "key": key,
                            "size": o.data.len(),
                            "etag": o.etag,
                            "last_modified": crate::util::iso8601_millis(o.last_modified),
                        })
                    })
                    .collect();
                listed += objects.len();
                json!({"name": name, "region": bucket.region, "objects": objects})
            })
            .collect();
        json!({
            "buckets": buckets,
            "objects": store.object_count(),
            "bytes": store.used(),
            "max_object_size": store.max_object_size,
            "max_store_bytes": store.max_total,
            "truncated": listed < store.object_count(),
        })
    })
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("bad request body: {e}"))
}

pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    path: &str,
    body: &[u8],
    request_id: &str,
) -> Resp {
    let route = path
        .strip_prefix(PREFIX)
        .unwrap_or(path)
        .trim_end_matches('/');
    let user_pools = shared
        .user_pools()
        .admin(method, route, body, shared.now_secs());
    let result: Result<Value, (u16, String)> = match (method, route) {
        _ if user_pools.is_some() => user_pools.unwrap_or(Ok(Value::Null)),
        (&Method::GET, "/stats") => Ok(json!({
            "total": shared.total_requests(),
            "counts": shared.counts(),
            "identities": shared.identity_count(),
            "connections": shared.connections_accepted(),
            "clock_skew_secs": shared.clock_skew(),
            "credential_lifetime_secs": shared.credential_lifetime().as_secs_f64(),
            "sessions": shared.session_count(),
            "objects": shared.with_objects(|s| s.object_count()),
            "object_store_bytes": shared.with_objects(|s| s.used()),
            "multipart_uploads": shared.with_objects(|s| s.upload_count()),
            "user_pools": shared.user_pools().counts(),
        })),
        (&Method::GET, "/objects") => Ok(objects_listing(shared)),
        (&Method::POST, "/objects/clear") => {
            shared.with_objects(|s| s.clear());
            Ok(json!({"ok": true}))
        }
        (&Method::GET, "/requests") => Ok(json!({ "requests": shared.recent_requests() })),
        (&Method::POST, "/reset") => {
            shared.reset_counters();
            shared.clear_faults();
            shared.quotas.clear_counts();
            Ok(json!({"ok": true}))
        }
        (&Method::POST, "/faults") => parse::<FaultRequest>(body)
            .and_then(|r| {
                // `cognito-idp:<Op>` (or `cognito-idp:*`): a user-pool operation.
                match r.op.as_deref().and_then(|o| o.strip_prefix("cognito-idp:")) {
                    Some(op) => {
                        let op = (op != "*" && !op.is_empty()).then(|| op.to_string());
                        shared.inject_user_pool_fault(op, parse_fault_kind(&r)?, r.times);
                    }
                    None => shared.inject(parse_fault(&r)?),
                }
                Ok(json!({"ok": true}))
            })
            .map_err(|e| (400, e)),
        (&Method::GET, "/quotas") => {
            let (rates, throttled) = shared.quotas.snapshot();
            Ok(json!({ "rates": rates, "throttled": throttled }))
        }
        (&Method::POST, "/quotas") => {
            parse::<std::collections::BTreeMap<String, Option<f64>>>(body)
                .and_then(|rates| {
                    if let Some((op, _)) = rates
                        .iter()
                        .find(|(_, r)| r.is_some_and(|r| !(r.is_finite() && r > 0.0)))
                    {
                        return Err(format!(
                            "the quota of {op} must be a positive number or null"
                        ));
                    }
                    for (op, rate) in &rates {
                        shared.quotas.set(op, *rate);
                    }
                    Ok(json!({"ok": true}))
                })
                .map_err(|e| (400, e))
        }
        (&Method::POST, "/faults/clear") | (&Method::DELETE, "/faults") => {
            shared.clear_faults();
            Ok(json!({"ok": true}))
        }
        (&Method::POST, "/clock") => parse::<ClockRequest>(body)
            .map(|r| {
                shared.set_clock_skew(r.skew_secs);
                json!({"ok": true})
            })
            .map_err(|e| (400, e)),
        (&Method::POST, "/lifetime") => parse::<LifetimeRequest>(body)
            .map(|r| {
                if let Some(secs) = r.secs {
                    shared.set_credential_lifetime(Duration::from_secs(secs));
                }
                if let Some(secs) = r.openid_secs {
                    shared.set_openid_token_lifetime(Duration::from_secs(secs));
                }
                json!({"ok": true})
            })
            .map_err(|e| (400, e)),
        (&Method::POST, "/identities/delete") => parse::<IdentityRequest>(body)
            .map(|r| json!({"ok": shared.delete_identity(&r.identity_id)}))
            .map_err(|e| (400, e)),
        (&Method::POST, "/identities/forbid") => parse::<IdentityRequest>(body)
            .map(|r| json!({"ok": shared.forbid_identity(&r.identity_id)}))
            .map_err(|e| (400, e)),
        (&Method::POST, "/tokens") => parse::<TokenRequest>(body)
            .map(|r| {
                let lifetime = Duration::from_secs(r.lifetime_secs.unwrap_or(3600));
                json!({"token": shared.mint_user_pool_token(&r.provider, &r.sub, lifetime)})
            })
            .map_err(|e| (400, e)),
        (&Method::POST, "/signing-keys") => parse::<SigningKeyRequest>(body)
            .and_then(|r| {
                if r.access_key_id.is_empty() || r.access_key_id.contains('/') {
                    return Err("access_key_id must be non-empty and without '/'".to_string());
                }
                shared.add_signing_key(r.access_key_id, r.secret_access_key);
                Ok(json!({"ok": true}))
            })
            .map_err(|e| (400, e)),
        _ => Err((404, format!("no admin route {method} {path}"))),
    };
    let (status, value) = match result {
        Ok(v) => (200, v),
        Err((status, e)) => (status, json!({ "error": e })),
    };
    response(
        shared,
        status,
        "application/json",
        request_id,
        RespBody::full(value.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(json: Value) -> FaultRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn fault_requests() {
        let rule = parse_fault(&req(
            json!({"op": "GetId", "fault": "throttle", "times": 2}),
        ))
        .unwrap();
        assert_eq!(
            rule,
            FaultRule {
                op: Some(Operation::GetId),
                fault: Fault::Throttle,
                times: Some(2)
            }
        );
        let rule = parse_fault(&req(json!({"op": null, "fault": "delay", "ms": 5}))).unwrap();
        assert_eq!(rule.fault, Fault::Delay(Duration::from_millis(5)));
        assert_eq!(rule.op, None);
        assert!(parse_fault(&req(json!({"fault": "explode"}))).is_err());
        assert!(parse_fault(&req(json!({"op": "Nope", "fault": "hang"}))).is_err());
        assert!(parse_fault(&req(json!({"fault": "service_error"}))).is_err());
    }
}
