//! The admin HTTP API and HTTPS mode.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_emulator::{Emulator, EmulatorConfig, Operation, DEFAULT_UNAUTH_POOL_ID};
use common::*;
use serde_json::json;

#[tokio::test]
async fn admin_api_drives_the_emulator() {
    let emu = start().await;
    let id = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;

    let stats = admin(&emu, "GET", "stats", None).await;
    assert_eq!(stats.status, 200);
    let v = stats.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["counts"]["GetId"], 1);
    assert_eq!(v["identities"], 1);
    assert!(v["connections"].as_u64().unwrap() >= 1);

    // Faults: throttle GetId once.
    let a = admin(
        &emu,
        "POST",
        "faults",
        Some(json!({"op": "GetId", "fault": "throttle", "times": 1})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        cognito(
            &emu,
            "GetId",
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID})
        )
        .await
        .error()
        .0,
        "TooManyRequestsException"
    );
    let a = admin(&emu, "POST", "faults", Some(json!({"op": null, "fault": "service_error", "status": 400, "code": "ExternalServiceException", "message": "idp down", "times": null}))).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        cognito(
            &emu,
            "GetId",
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID})
        )
        .await
        .error(),
        ("ExternalServiceException".into(), "idp down".into())
    );
    let a = admin(&emu, "POST", "faults", Some(json!({"fault": "explode"}))).await;
    assert_eq!(a.status, 400);

    // Reset clears counters and faults; admin calls never count.
    assert_eq!(admin(&emu, "POST", "reset", None).await.status, 200);
    assert_eq!(emu.total_requests(), 0);
    assert_eq!(
        cognito(
            &emu,
            "GetId",
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID})
        )
        .await
        .status,
        200
    );
    assert_eq!(emu.total_requests(), 1);

    // Clock and lifetime.
    admin(&emu, "POST", "clock", Some(json!({"skew_secs": -7200}))).await;
    admin(&emu, "POST", "lifetime", Some(json!({"secs": 5}))).await;
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    let exp = a.json()["Credentials"]["Expiration"].as_f64().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((exp - (now - 7200.0 + 5.0)).abs() < 30.0, "{exp}");

    // Identities.
    let a = admin(
        &emu,
        "POST",
        "identities/forbid",
        Some(json!({ "identity_id": id })),
    )
    .await;
    assert_eq!(a.json()["ok"], true);
    let r = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    assert_eq!(
        r.error().1,
        format!("Access to Identity '{id}' is forbidden.")
    );
    let a = admin(
        &emu,
        "POST",
        "identities/delete",
        Some(json!({ "identity_id": id })),
    )
    .await;
    assert_eq!(a.json()["ok"], true);
    let r = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    assert_eq!(r.error().0, "ResourceNotFoundException");

    // Tokens for a user pool provider work as logins.
    admin(&emu, "POST", "clock", Some(json!({"skew_secs": 0}))).await;
    let provider = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";
    let a = admin(
        &emu,
        "POST",
        "tokens",
        Some(json!({"provider": provider, "sub": "alice", "lifetime_secs": 3600})),
    )
    .await;
    let token = a.json()["token"].as_str().unwrap().to_string();
    let x = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!({ provider: token })).await;
    let token2 = emu.mint_user_pool_token(provider, "alice", Duration::from_secs(60));
    assert_eq!(
        get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!({ provider: token2 })).await,
        x
    );

    assert_eq!(admin(&emu, "GET", "nothing-here", None).await.status, 404);
    assert_eq!(emu.request_count(Operation::GetId), 3);
    emu.shutdown().await;
}

#[tokio::test]
async fn tls_mode_with_generated_ca() {
    let emu = Emulator::start(EmulatorConfig {
        tls: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert!(emu.url().starts_with("https://127.0.0.1:"), "{}", emu.url());
    let ca = emu.ca_pem().expect("TLS mode has a CA");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));

    let trusting = client_with(Some(&ca), TIMEOUT);
    let a = send_cognito(
        &trusting,
        &emu.url(),
        "GetId",
        &json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
    )
    .await
    .expect("TLS request with the CA trusted");
    assert_eq!(a.status, 200);
    // The leaf also names localhost.
    let localhost = format!("https://localhost:{}", emu.addr().port());
    let a = send_cognito(
        &trusting,
        &localhost,
        "GetId",
        &json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
    )
    .await
    .expect("TLS request to localhost");
    assert_eq!(a.status, 200);

    let untrusting = client_with(None, TIMEOUT);
    let err = send_cognito(
        &untrusting,
        &emu.url(),
        "GetId",
        &json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
    )
    .await
    .expect_err("unknown CA is refused");
    assert!(!err.is_timeout());
    assert_eq!(emu.request_count(Operation::GetId), 2);
    emu.shutdown().await;

    let plain = start().await;
    assert!(plain.ca_pem().is_none());
    assert!(plain.url().starts_with("http://"));
    plain.shutdown().await;
}

#[tokio::test]
async fn drop_stops_the_server() {
    let emu = start().await;
    let addr = emu.addr();
    drop(emu);
    // Give the aborted task a moment to close the listener.
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "listener still open after drop");
}

/// The expired and wrong-host leaf certificates are refused by a verifying client that trusts the
/// test CA (and the valid one is accepted by that same client).
#[tokio::test]
async fn tls_cert_variants_are_refused_for_the_right_reason() {
    use cognito_emulator::TlsCert;
    for (cert, needle) in [
        (TlsCert::Valid, None),
        (TlsCert::Expired, Some("expired")),
        (TlsCert::WrongHost, Some("notvalidforname")),
    ] {
        let emu = Emulator::start(EmulatorConfig {
            tls: true,
            tls_cert: cert,
            ..EmulatorConfig::default()
        })
        .await
        .unwrap();
        let ca = emu.ca_pem().expect("TLS mode has a CA");
        let trusting = client_with(Some(&ca), TIMEOUT);
        let result = send_cognito(
            &trusting,
            &emu.url(),
            "GetId",
            &json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
        )
        .await;
        match needle {
            None => assert_eq!(result.expect("valid certificate").status, 200),
            Some(needle) => {
                let err = result.expect_err("bad certificate is refused");
                let mut chain = err.to_string();
                let mut source = std::error::Error::source(&err);
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                let flat = chain.to_lowercase().replace([' ', '_'], "");
                assert!(flat.contains(needle), "{cert:?}: {chain}");
                assert_eq!(emu.request_count(Operation::GetId), 0, "{cert:?}");
            }
        }
        emu.shutdown().await;
    }
}
