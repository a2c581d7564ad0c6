//! The generic endpoint for every other AWS service: a request signed with
//! credentials the emulator issued (or a developer key) is verified with the SigV4
//! rules of services other than S3, for the service and region of its credential
//! scope, and what it carried is echoed back as JSON.
//!
//! - JSON protocol (`X-Amz-Target: <Service_Version>.<Operation>`, e.g.
//!   `DynamoDB_20120810.PutItem`): the body must be a JSON object (or empty);
//!   errors are AWS's JSON errors with status 400.
//! - Any other signed request (REST services such as Lambda or API Gateway
//!   `execute-api`): echoed the same way, with method, path and query; errors are
//!   JSON with status 403, as those services answer authentication failures.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use bytes::Bytes;
use hyper::header::HeaderValue;
use serde_json::{json, Map, Value};

use crate::server::{response, Resp, RespBody};
use crate::sigv4::{self, Check, RequestView};
use crate::state::{Principal, RecentRequest, Shared};
use crate::util::ApiError;

const JSON_1_1: &str = "application/x-amz-json-1.1";
const JSON_1_0: &str = "application/x-amz-json-1.0";

/// The service of the credential scope, or `unknown` for requests without one.
fn service_name(view: &RequestView<'_>) -> String {
    sigv4::signed_service(view)
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .unwrap_or_else(|| "unknown".into())
}

/// The operation part of a target (`DynamoDB_20120810.PutItem` -> `PutItem`).
fn operation_of(target: &str) -> &str {
    target.rsplit_once('.').map_or(target, |(_, op)| op)
}

pub(crate) fn handle(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: &Bytes,
    request_id: &str,
    target: Option<&str>,
) -> Resp {
    let view = RequestView::from_parts(parts, body);
    let service = service_name(&view);
    let operation = match target {
        Some(t) => format!("{service}:{}", shorten(operation_of(t), 128)),
        None => format!("{service}:{}", parts.method),
    };
    shared.count_named(&operation);
    // JSON 1.0 services (DynamoDB) are answered in 1.0, everything else in 1.1.
    let content_type = match view.header("content-type") {
        Some(ct) if ct.trim().eq_ignore_ascii_case(JSON_1_0) => JSON_1_0,
        _ if target.is_some() => JSON_1_1,
        _ => "application/json",
    };
    let error_status = if target.is_some() { 400 } else { 403 };
    let mut record = RecentRequest {
        operation,
        service: Some(service),
        region: None,
        access_key_id: None,
        identity_id: None,
        status: 0,
        error: None,
    };
    let result = echo(shared, parts, &view, target, &mut record);
    let resp = match result {
        Ok(value) => response(
            shared,
            200,
            content_type,
            request_id,
            RespBody::full(value.to_string()),
        ),
        Err(mut err) => {
            tracing::debug!(code = %err.code, message = %err.message, "signed request refused");
            record.error = Some(err.code.clone());
            if err.status == 400 {
                err.status = error_status;
            }
            let mut resp = response(
                shared,
                err.status,
                content_type,
                request_id,
                RespBody::full(crate::cognito::error_body(&err)),
            );
            if let Ok(v) = HeaderValue::from_str(&crate::cognito::error_type_header(&err.code)) {
                resp.headers_mut().insert("x-amzn-errortype", v);
            }
            resp
        }
    };
    record.status = resp.status().as_u16();
    shared.record_recent(record);
    resp
}

fn shorten(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn echo(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    view: &RequestView<'_>,
    target: Option<&str>,
    record: &mut RecentRequest,
) -> Result<Value, ApiError> {
    let check = Check {
        region: None,
        service: None,
        now: shared.now(),
        max_skew: sigv4::SERVICE_MAX_SKEW,
        s3: false,
    };
    let mut principal = Principal::default();
    let verified = sigv4::verify_with(view, &check, |akid, token| {
        let (secret, p) = shared.credentials_for(akid, token)?;
        principal = p;
        Ok(secret)
    })
    .map_err(sigv4::Failure::into_json)?;
    record.region = Some(verified.region.clone());
    record.access_key_id = Some(verified.access_key_id.clone());
    record.identity_id = principal.identity_id.clone();
    tracing::debug!(
        service = %verified.service,
        target = ?target,
        identity = ?principal.identity_id,
        "signed request verified"
    );

    let mut out = Map::new();
    out.insert("Service".into(), json!(verified.service));
    out.insert("Region".into(), json!(verified.region));
    out.insert("AccessKeyId".into(), json!(verified.access_key_id));
    out.insert("IdentityId".into(), json!(principal.identity_id));
    if let Some(arn) = &principal.assumed_role_arn {
        out.insert("AssumedRoleArn".into(), json!(arn));
    }
    out.insert("Presigned".into(), json!(verified.presigned));
    match target {
        Some(t) => {
            out.insert("Target".into(), json!(t));
            out.insert("Operation".into(), json!(operation_of(t)));
            let body = if view.body.iter().all(u8::is_ascii_whitespace) {
                Value::Object(Map::new())
            } else {
                match serde_json::from_slice::<Value>(view.body) {
                    Ok(v @ Value::Object(_)) => v,
                    Ok(_) => {
                        return Err(crate::cognito::serialization(
                            "Start of structure or map expected",
                        ))
                    }
                    Err(e) => {
                        return Err(crate::cognito::serialization(format!("Invalid JSON: {e}")))
                    }
                }
            };
            out.insert("Body".into(), body);
        }
        None => {
            out.insert("Method".into(), json!(parts.method.as_str()));
            out.insert("Path".into(), json!(parts.uri.path()));
            let query: BTreeMap<String, String> = view
                .query_pairs()
                .into_iter()
                .filter(|(k, _)| !k.starts_with("X-Amz-"))
                .collect();
            out.insert("Query".into(), json!(query));
            if !view.body.is_empty() {
                match serde_json::from_slice::<Value>(view.body) {
                    Ok(v) => {
                        out.insert("Body".into(), v);
                    }
                    Err(_) => {
                        out.insert("BodyBase64".into(), json!(B64.encode(view.body)));
                    }
                }
            }
        }
    }
    Ok(Value::Object(out))
}
