//! Fault injection, one kind at a time.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cognito_emulator::{Fault, FaultRule, Operation, DEFAULT_UNAUTH_POOL_ID};
use common::*;
use serde_json::json;

fn pool() -> serde_json::Value {
    json!({ "IdentityPoolId": DEFAULT_UNAUTH_POOL_ID })
}

/// A GetId over a raw socket, off the runtime's thread.
async fn raw_get_id(emu: &cognito_emulator::Emulator) -> (Vec<u8>, Option<std::io::Error>) {
    let body = pool().to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let addr = emu.addr();
    tokio::task::spawn_blocking(move || raw_exchange(addr, request.as_bytes()))
        .await
        .unwrap()
}

#[tokio::test]
async fn throttle_counts_down_then_succeeds() {
    let emu = start().await;
    emu.inject(FaultRule {
        op: Some(Operation::GetId),
        fault: Fault::Throttle,
        times: Some(2),
    });
    for _ in 0..2 {
        let a = cognito(&emu, "GetId", pool()).await;
        assert_eq!(a.status, 400);
        assert_eq!(
            a.error(),
            ("TooManyRequestsException".into(), "Rate exceeded".into())
        );
        assert!(a
            .header("x-amzn-errortype")
            .unwrap()
            .starts_with("TooManyRequestsException:"));
    }
    let a = cognito(&emu, "GetId", pool()).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        emu.request_count(Operation::GetId),
        3,
        "faulted requests count too"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn error_faults() {
    let emu = start().await;
    emu.inject(FaultRule::once(Operation::GetId, Fault::LimitExceeded));
    emu.inject(FaultRule::once(Operation::GetId, Fault::ServerError(502)));
    emu.inject(FaultRule::once(
        Operation::GetId,
        Fault::ServiceError {
            status: 400,
            code: "ResourceConflictException".into(),
            message: "conflict".into(),
        },
    ));
    let a = cognito(&emu, "GetId", pool()).await;
    assert_eq!(
        (a.status, a.error().0.as_str()),
        (400, "LimitExceededException")
    );
    let a = cognito(&emu, "GetId", pool()).await;
    assert_eq!(
        (a.status, a.error().0.as_str()),
        (502, "InternalErrorException")
    );
    let a = cognito(&emu, "GetId", pool()).await;
    assert_eq!(
        (a.status, a.error()),
        (400, ("ResourceConflictException".into(), "conflict".into()))
    );
    assert_eq!(cognito(&emu, "GetId", pool()).await.status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn rules_for_any_op_fire_until_cleared() {
    let emu = start().await;
    emu.inject(FaultRule {
        op: None,
        fault: Fault::ServerError(500),
        times: None,
    });
    for op in ["GetId", "GetOpenIdToken", "GetId"] {
        assert_eq!(cognito(&emu, op, pool()).await.status, 500);
    }
    emu.clear_faults();
    assert_eq!(cognito(&emu, "GetId", pool()).await.status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn reset_aborts_the_connection() {
    let emu = start().await;
    emu.inject(FaultRule::once(Operation::GetId, Fault::Reset));
    let err = send_cognito(&client(), &emu.url(), "GetId", &pool())
        .await
        .expect_err("reset must fail the request");
    assert!(!err.is_timeout(), "{err:?}");
    // The next request gets through on a new connection.
    assert_eq!(cognito(&emu, "GetId", pool()).await.status, 200);
    assert_eq!(emu.request_count(Operation::GetId), 2);
    // On the wire: no bytes at all, and a RST rather than an orderly close.
    emu.inject(FaultRule::once(Operation::GetId, Fault::Reset));
    let (received, error) = raw_get_id(&emu).await;
    assert!(received.is_empty());
    assert_eq!(
        error.map(|e| e.kind()),
        Some(std::io::ErrorKind::ConnectionReset)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn reset_mid_body_breaks_the_body() {
    let emu = start().await;
    emu.inject(FaultRule::once(Operation::GetId, Fault::ResetMidBody));
    let resp = client()
        .post(emu.url())
        .header("X-Amz-Target", "AWSCognitoIdentityService.GetId")
        .body(pool().to_string())
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.content_length().unwrap() > 0);
    assert!(resp.bytes().await.is_err());
    emu.inject(FaultRule::once(Operation::GetId, Fault::ResetMidBody));
    let (received, error) = raw_get_id(&emu).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("{\"IdentityId\""), "{text}");
    assert_eq!(
        error.map(|e| e.kind()),
        Some(std::io::ErrorKind::ConnectionReset)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn truncated_body_is_short_of_its_length() {
    let emu = start().await;
    emu.inject(FaultRule::once(Operation::GetId, Fault::Truncated));
    let resp = client()
        .post(emu.url())
        .header("X-Amz-Target", "AWSCognitoIdentityService.GetId")
        .body(pool().to_string())
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.bytes().await.is_err());
    // The raw view: fewer bytes than Content-Length, then the connection closes.
    emu.inject(FaultRule::once(Operation::GetId, Fault::Truncated));
    let body = pool().to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let addr = emu.addr();
    let raw = tokio::task::spawn_blocking(move || raw_http(addr, request.as_bytes()))
        .await
        .unwrap();
    let (head, sent) = raw.split_once("\r\n\r\n").unwrap();
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    assert!(sent.len() < declared, "{raw}");
    emu.shutdown().await;
}

#[tokio::test]
async fn hang_until_client_timeout_and_shutdown_still_returns() {
    let emu = start().await;
    emu.inject(FaultRule::once(Operation::GetId, Fault::Hang));
    let started = Instant::now();
    let err = send_cognito(
        &client_with(None, Duration::from_millis(400)),
        &emu.url(),
        "GetId",
        &pool(),
    )
    .await
    .expect_err("hang must time out");
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(400));
    // A second, concurrent hang is still open when the emulator shuts down.
    emu.inject(FaultRule::once(Operation::GetId, Fault::Hang));
    let url = emu.url();
    let pending = tokio::spawn(async move {
        send_cognito(
            &client_with(None, Duration::from_secs(20)),
            &url,
            "GetId",
            &pool(),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    tokio::time::timeout(Duration::from_secs(5), emu.shutdown())
        .await
        .expect("shutdown returns despite a hung request");
    let result = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("client sees the connection close")
        .unwrap();
    assert!(result.is_err());
}

#[tokio::test]
async fn delay_then_answer() {
    let emu = start().await;
    emu.inject(FaultRule::once(
        Operation::GetId,
        Fault::Delay(Duration::from_millis(300)),
    ));
    let started = Instant::now();
    let a = cognito(&emu, "GetId", pool()).await;
    assert_eq!(a.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    emu.shutdown().await;
}

#[tokio::test]
async fn huge_body_has_exact_size() {
    let emu = start().await;
    let size = 3 * 1024 * 1024 + 7;
    emu.inject(FaultRule::once(Operation::GetId, Fault::HugeBody(size)));
    let a = cognito(&emu, "GetId", pool()).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-length"), Some(size.to_string().as_str()));
    assert_eq!(a.body.len(), size);
    assert_eq!(a.json()["IdentityId"].as_str().unwrap().len(), size - 17);
    emu.shutdown().await;
}

#[tokio::test]
async fn broken_document_faults() {
    let emu = start().await;
    let op = Operation::GetCredentialsForIdentity;
    let id = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let req = json!({ "IdentityId": id });
    emu.inject(FaultRule::once(op, Fault::Malformed));
    emu.inject(FaultRule::once(op, Fault::WrongContentType));
    emu.inject(FaultRule::once(op, Fault::WrongTypes));
    emu.inject(FaultRule::once(op, Fault::MissingFields));

    let a = cognito(&emu, op.name(), req.clone()).await;
    assert_eq!(a.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&a.body).is_err());

    let a = cognito(&emu, op.name(), req.clone()).await;
    assert_eq!(
        (a.status, a.header("content-type")),
        (200, Some("text/html"))
    );
    assert!(a.body.starts_with("<html>"));

    let a = cognito(&emu, op.name(), req.clone()).await;
    let v = a.json();
    assert!(v["IdentityId"].is_number());
    assert!(v["Credentials"]["Expiration"].is_string());

    let a = cognito(&emu, op.name(), req.clone()).await;
    assert_eq!((a.status, a.body.as_str()), (200, "{}"));

    assert_eq!(cognito(&emu, op.name(), req).await.status, 200);
    assert_eq!(emu.request_count(op), 5);
    emu.shutdown().await;
}

#[tokio::test]
async fn expired_credentials_waits_for_a_credentials_call() {
    let emu = start().await;
    emu.inject(FaultRule {
        op: None,
        fault: Fault::ExpiredCredentials,
        times: Some(1),
    });
    // GetId does not consume the rule.
    let id = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    assert!(a.json()["Credentials"]["Expiration"].as_f64().unwrap() < now);
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    assert!(a.json()["Credentials"]["Expiration"].as_f64().unwrap() > now);
    emu.shutdown().await;
}

#[tokio::test]
async fn different_identity_merges_the_requested_one() {
    let emu = start().await;
    let x = get_id(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        json!({"graph.facebook.com": "fred"}),
    )
    .await;
    emu.inject(FaultRule::once(
        Operation::GetOpenIdToken,
        Fault::DifferentIdentity,
    ));
    let logins = json!({"graph.facebook.com": "fred"});
    let a = cognito(
        &emu,
        "GetOpenIdToken",
        json!({"IdentityId": x, "Logins": logins}),
    )
    .await;
    assert_eq!(a.status, 200);
    let y = a.json()["IdentityId"].as_str().unwrap().to_string();
    assert_ne!(x, y);
    assert!(y.starts_with("us-east-1:"));
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": x, "Logins": logins}),
    )
    .await;
    assert_eq!(a.error().0, "ResourceNotFoundException");
    // The login follows the new identity.
    assert_eq!(get_id(&emu, DEFAULT_UNAUTH_POOL_ID, logins).await, y);
    emu.shutdown().await;
}
