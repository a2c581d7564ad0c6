//! Cognito Identity semantics over HTTP.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_emulator::{
    Emulator, EmulatorConfig, Operation, PoolConfig, DEFAULT_AUTH_POOL_ID, DEFAULT_UNAUTH_POOL_ID,
};
use common::*;
use serde_json::json;

const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// A JWT with an arbitrary payload and a bogus signature (signatures are not checked).
fn jwt(payload: serde_json::Value) -> String {
    use base64::Engine as _;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b.encode(br#"{"alg":"RS256","kid":"k"}"#),
        b.encode(payload.to_string())
    )
}

#[tokio::test]
async fn get_id_unauthenticated_creates_new_identities() {
    let emu = start().await;
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(a.header("x-amzn-requestid").map(str::len), Some(36));
    let first = a.json()["IdentityId"].as_str().unwrap().to_string();
    let second = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    assert_ne!(first, second);
    assert!(first.starts_with("us-east-1:"), "{first}");
    assert_eq!(first.len(), "us-east-1:".len() + 36);
    assert_eq!(emu.identity_count(), 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn auth_only_pool_rejects_unauthenticated() {
    let emu = start().await;
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": DEFAULT_AUTH_POOL_ID}),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error(),
        (
            "NotAuthorizedException".into(),
            "Unauthenticated access is not supported for this identity pool.".into()
        )
    );
    assert_eq!(
        a.header("x-amzn-errortype"),
        Some("NotAuthorizedException:http://internal.amazon.com/coral/com.amazonaws.cognito.identity.model/")
    );
    // With a login it works.
    let id = get_id(
        &emu,
        DEFAULT_AUTH_POOL_ID,
        json!({"graph.facebook.com": "fb-user"}),
    )
    .await;
    assert!(id.starts_with("us-east-1:"));
    emu.shutdown().await;
}

#[tokio::test]
async fn unknown_pool_and_validation_errors() {
    let emu = start().await;
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": "us-east-1:0000dead"}),
    )
    .await;
    assert_eq!(
        a.error(),
        (
            "ResourceNotFoundException".into(),
            "IdentityPool 'us-east-1:0000dead' not found.".into()
        )
    );
    let a = cognito(&emu, "GetId", json!({})).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error(),
        ("InvalidParameterException".into(), "1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null".into())
    );
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": "nope"}),
    )
    .await;
    assert_eq!(a.error().0, "InvalidParameterException");
    assert!(a.error().1.contains("regular expression pattern"));
    // Broken JSON.
    let resp = client()
        .post(emu.url())
        .header("X-Amz-Target", "AWSCognitoIdentityService.GetId")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let a = answer(resp).await.unwrap();
    assert_eq!(
        (a.status, a.error().0.as_str()),
        (400, "SerializationException")
    );
    // Unknown and missing targets.
    let a = cognito(&emu, "DescribeIdentityPool", json!({})).await;
    assert_eq!(
        (a.status, a.error().0.as_str()),
        (400, "UnknownOperationException")
    );
    let resp = client().post(emu.url()).body("{}").send().await.unwrap();
    let a = answer(resp).await.unwrap();
    assert_eq!(a.error().0, "UnknownOperationException");
    // Developer-identity operations are recognised; unsigned, they are refused.
    let a = cognito(&emu, "LookupDeveloperIdentity", json!({})).await;
    assert_eq!(a.error().0, "MissingAuthenticationTokenException");
    assert_eq!(emu.request_count(Operation::LookupDeveloperIdentity), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn same_login_same_identity_across_restarts() {
    let emu = start().await;
    let logins = json!({ "graph.facebook.com": "user-42" });
    let a = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, logins.clone()).await;
    let b = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, logins.clone()).await;
    assert_eq!(a, b);
    let other = get_id(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        json!({"graph.facebook.com": "user-43"}),
    )
    .await;
    assert_ne!(a, other);
    // A user pool token for the same user identifies by `sub`, whatever the token.
    let t1 = emu.mint_user_pool_token(USER_POOL, "alice", Duration::from_secs(600));
    let t2 = jwt(
        json!({"sub": "alice", "iss": format!("https://{USER_POOL}"), "exp": now_secs() as i64 + 60}),
    );
    let c = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!({ USER_POOL: t1 })).await;
    let d = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!({ USER_POOL: t2 })).await;
    assert_eq!(c, d);
    emu.shutdown().await;

    let again = start().await;
    assert_eq!(get_id(&again, DEFAULT_UNAUTH_POOL_ID, logins).await, a);
    again.shutdown().await;
}

#[tokio::test]
async fn jwt_expiry_and_issuer_rules() {
    let emu = start().await;
    let expired =
        jwt(json!({"sub": "bob", "iss": format!("https://{USER_POOL}"), "exp": 1_000_000_000}));
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {USER_POOL: expired}}),
    )
    .await;
    let (code, message) = a.error();
    assert_eq!(code, "NotAuthorizedException");
    assert!(
        message.starts_with("Invalid login token. Token expired: ")
            && message.ends_with(" >= 1000000000"),
        "{message}"
    );
    let foreign = jwt(
        json!({"sub": "bob", "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"}),
    );
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {USER_POOL: foreign}}),
    )
    .await;
    assert_eq!(
        a.error(),
        (
            "NotAuthorizedException".into(),
            "Invalid login token. Issuer doesn't match providerName".into()
        )
    );
    let a = cognito(&emu, "GetId", json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {"accounts.google.com": "invalid-token"}})).await;
    assert_eq!(
        a.error(),
        (
            "NotAuthorizedException".into(),
            "Invalid login token.".into()
        )
    );
    // A minted token that expired by the emulator's clock.
    let t = emu.mint_user_pool_token(USER_POOL, "carol", Duration::from_secs(60));
    emu.set_clock_skew(120);
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {USER_POOL: t}}),
    )
    .await;
    assert!(a.error().1.contains("Token expired"), "{}", a.body);
    emu.shutdown().await;
}

#[tokio::test]
async fn credentials_shape() {
    let emu = start().await;
    let id = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    // Expiration is a JSON number with a fraction, as AWS sends it.
    let raw_expiration = a.body.split("\"Expiration\":").nth(1).unwrap();
    let number: String = raw_expiration
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    assert!(number.contains('.'), "{}", a.body);
    let v = a.json();
    assert_eq!(v["IdentityId"], id.as_str());
    let c = &v["Credentials"];
    let akid = c["AccessKeyId"].as_str().unwrap();
    assert!(akid.starts_with("ASIA") && akid.len() == 20);
    assert!(akid[4..]
        .chars()
        .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()));
    assert_eq!(c["SecretKey"].as_str().unwrap().len(), 40);
    assert!(c["SessionToken"].as_str().unwrap().len() >= 300);
    let exp = c["Expiration"].as_f64().unwrap();
    assert!((exp - (now_secs() + 3600.0)).abs() < 30.0, "{exp}");

    emu.set_credential_lifetime(Duration::from_secs(5));
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id, "CustomRoleArn": "arn:aws:iam::123456789012:role/Custom"}),
    )
    .await;
    let exp = a.json()["Credentials"]["Expiration"].as_f64().unwrap();
    assert!((exp - (now_secs() + 5.0)).abs() < 30.0);
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id, "CustomRoleArn": "not-a-role-arn-at-all"}),
    )
    .await;
    assert_eq!(a.error().0, "InvalidParameterException");
    emu.shutdown().await;
}

#[tokio::test]
async fn merge_returns_linked_identity_and_retires_the_other() {
    let emu = start().await;
    let y = get_id(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        json!({"accounts.google.com": "gina"}),
    )
    .await;
    let x = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    assert_ne!(x, y);
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": x, "Logins": {"accounts.google.com": "gina"}}),
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["IdentityId"], y.as_str());
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": x }),
    )
    .await;
    assert_eq!(
        a.error(),
        (
            "ResourceNotFoundException".into(),
            format!("Identity '{x}' not found.")
        )
    );
    // Y is authenticated now: without logins it is refused.
    let a = cognito(&emu, "GetOpenIdToken", json!({ "IdentityId": y })).await;
    assert_eq!(
        a.error(),
        ("NotAuthorizedException".into(), "Logins don't match. Please include at least one valid login for this identity or identity pool.".into())
    );
    // An unauthenticated identity that gains an unlinked login keeps its id.
    let z = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let a = cognito(
        &emu,
        "GetOpenIdToken",
        json!({"IdentityId": z, "Logins": {"accounts.google.com": "hank"}}),
    )
    .await;
    assert_eq!(a.json()["IdentityId"], z.as_str());
    assert_eq!(
        get_id(
            &emu,
            DEFAULT_UNAUTH_POOL_ID,
            json!({"accounts.google.com": "hank"})
        )
        .await,
        z
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn deleted_and_forbidden_identities() {
    let emu = start().await;
    let a = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let b = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    assert!(emu.delete_identity(&a));
    assert!(!emu.delete_identity(&a));
    assert!(emu.forbid_identity(&b));
    let r = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": a }),
    )
    .await;
    assert_eq!(
        r.error(),
        (
            "ResourceNotFoundException".into(),
            format!("Identity '{a}' not found.")
        )
    );
    let r = cognito(&emu, "GetOpenIdToken", json!({ "IdentityId": b })).await;
    assert_eq!(
        r.error(),
        (
            "NotAuthorizedException".into(),
            format!("Access to Identity '{b}' is forbidden.")
        )
    );
    let unknown = "us-east-1:11111111-2222-4333-8444-555555555555";
    let r = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": unknown }),
    )
    .await;
    assert_eq!(r.error().0, "ResourceNotFoundException");
    assert_eq!(emu.identity_count(), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn developer_login_with_openid_token() {
    let emu = start().await;
    let x = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let token = cognito(&emu, "GetOpenIdToken", json!({ "IdentityId": x }))
        .await
        .json()["Token"]
        .as_str()
        .unwrap()
        .to_string();
    let id = get_id(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        json!({ "cognito-identity.amazonaws.com": token }),
    )
    .await;
    assert_eq!(id, x);
    let r = cognito(&emu, "GetId", json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {"cognito-identity.amazonaws.com": "forged.token.here"}})).await;
    assert_eq!(r.error().0, "NotAuthorizedException");
    emu.shutdown().await;
}

#[tokio::test]
async fn clock_skew_shows_in_date_header_and_expirations() {
    let emu = Emulator::start(EmulatorConfig {
        clock_skew_secs: -7200,
        pools: vec![PoolConfig::new(
            "eu-west-1:00000000-0000-4000-8000-0000000000aa",
            true,
        )],
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(emu.region(), "eu-west-1");
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": "eu-west-1:00000000-0000-4000-8000-0000000000aa"}),
    )
    .await;
    let date = httpdate::parse_http_date(a.header("date").unwrap()).unwrap();
    let date_secs = date.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    assert!(
        (date_secs - (now_secs() - 7200.0)).abs() < 30.0,
        "{date_secs}"
    );
    let id = a.json()["IdentityId"].as_str().unwrap().to_string();
    assert!(id.starts_with("eu-west-1:"));
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    let exp = a.json()["Credentials"]["Expiration"].as_f64().unwrap();
    assert!((exp - (now_secs() - 3600.0)).abs() < 30.0, "{exp}");
    emu.set_clock_skew(3600);
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": "eu-west-1:00000000-0000-4000-8000-0000000000aa"}),
    )
    .await;
    let date = httpdate::parse_http_date(a.header("date").unwrap()).unwrap();
    let date_secs = date.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    assert!((date_secs - (now_secs() + 3600.0)).abs() < 30.0);
    emu.shutdown().await;
}

#[tokio::test]
async fn counters_and_connection_reuse() {
    let emu = start().await;
    let c = client();
    let url = emu.url();
    for _ in 0..3 {
        send_cognito(
            &c,
            &url,
            "GetId",
            &json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
        )
        .await
        .unwrap();
    }
    send_cognito(&c, &url, "GetId", &json!({})).await.unwrap();
    send_cognito(&c, &url, "Bogus", &json!({})).await.unwrap();
    assert_eq!(emu.request_count(Operation::GetId), 4);
    assert_eq!(emu.request_count(Operation::GetOpenIdToken), 0);
    assert_eq!(emu.total_requests(), 5);
    assert_eq!(
        emu.counts().into_iter().collect::<Vec<_>>(),
        vec![("GetId".to_string(), 4)]
    );
    assert_eq!(
        emu.connections_accepted(),
        1,
        "keep-alive reuses one connection"
    );
    emu.reset_counters();
    assert_eq!(emu.total_requests(), 0);
    assert!(emu.counts().is_empty());
    emu.shutdown().await;
}

#[test]
fn background_emulator_serves_raw_http_without_a_runtime() {
    let emu = Emulator::start_background(EmulatorConfig::default()).unwrap();
    let body = format!(r#"{{"IdentityPoolId":"{DEFAULT_UNAUTH_POOL_ID}"}}"#);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let out = raw_http(emu.addr(), request.as_bytes());
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("\"IdentityId\":\"us-east-1:"));
    // Oversized bodies are refused before being read.
    let request = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        5 * 1024 * 1024
    );
    let out = raw_http(emu.addr(), request.as_bytes());
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    // Garbage is answered (or dropped), never a crash.
    let _ = raw_http(emu.addr(), b"\x00\x01GARBAGE\r\n\r\n");
    assert_eq!(emu.request_count(Operation::GetId), 1);
    drop(emu);
}

#[tokio::test]
async fn hostile_inputs_get_aws_errors_and_the_server_survives() {
    let emu = start().await;
    let c = client();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bodies: Vec<String> = vec![
        deep,
        "null".into(),
        "\"str\"".into(),
        r#"{"IdentityPoolId": null, "Logins": []}"#.into(),
        r#"{"IdentityPoolId": "us-east-1:00000000-0000-4000-8000-000000000001", "Logins": {"p": 5}}"#.into(),
        r#"{"IdentityPoolId": "us-east-1:00000000-0000-4000-8000-000000000001", "Logins": {"": "t"}}"#.into(),
        r#"{"IdentityPoolId": "us-east-1:00000000-0000-4000-8000-000000000001", "Logins": {"cognito-idp.x": "a.b.c"}}"#.into(),
        r#"{"IdentityId": "ü:ü", "CustomRoleArn": 7}"#.into(),
        format!(r#"{{"IdentityId": "{}"}}"#, "a".repeat(100_000)),
        "\u{0}\u{1}\u{2}".into(),
    ];
    for op in [
        "GetId",
        "GetCredentialsForIdentity",
        "GetOpenIdToken",
        "GetOpenIdTokenForDeveloperIdentity",
    ] {
        for body in &bodies {
            let a = send_cognito(&c, &emu.url(), op, &serde_json::Value::Null)
                .await
                .unwrap();
            assert_eq!(a.status, 400);
            let resp = c
                .post(emu.url())
                .header("X-Amz-Target", format!("AWSCognitoIdentityService.{op}"))
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let a = answer(resp).await.unwrap();
            assert_eq!(a.status, 400, "{op} {}", a.body);
            assert!(!a.error().0.is_empty(), "{}", a.body);
        }
    }
    let resp = c
        .post(emu.url())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("Action=AssumeRoleWithWebIdentity&RoleArn=%FF%FE&WebIdentityToken=%00")
        .send()
        .await
        .unwrap();
    let a = answer(resp).await.unwrap();
    assert_eq!(a.status, 400);
    assert!(a.xml_tag("Code").is_some());
    assert_eq!(
        get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null))
            .await
            .len(),
        46
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_get_distinct_identities() {
    let emu = std::sync::Arc::new(start().await);
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let emu = emu.clone();
            tokio::spawn(async move { get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap());
    }
    assert_eq!(ids.len(), 40);
    assert_eq!(emu.identity_count(), 40);
    assert_eq!(emu.request_count(Operation::GetId), 40);
}
