//! GetOpenIdToken -> STS AssumeRoleWithWebIdentity.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_emulator::{Emulator, Fault, FaultRule, Operation, DEFAULT_UNAUTH_POOL_ID};
use common::*;
use serde_json::json;

const ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_DemoUnauth_Role";

async fn open_id_token(emu: &Emulator) -> (String, String) {
    let id = get_id(emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let a = cognito(emu, "GetOpenIdToken", json!({ "IdentityId": id })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["IdentityId"], id.as_str());
    (id, v["Token"].as_str().unwrap().to_string())
}

fn parse_iso(s: &str) -> f64 {
    let dt = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    dt.unix_timestamp_nanos() as f64 / 1e9
}

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Checks the document is well-formed XML.
fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("bad XML {e}: {xml}"),
        }
    }
}

#[tokio::test]
async fn assume_role_with_open_id_token() {
    let emu = start().await;
    let (id, token) = open_id_token(&emu).await;
    assert_eq!(token.split('.').count(), 3);
    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "game-session"),
            ("WebIdentityToken", &token),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("content-type"), Some("text/xml"));
    assert_well_formed(&a.body);
    assert!(a.body.starts_with(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    ));
    assert_eq!(a.xml_tag("SubjectFromWebIdentityToken").unwrap(), id);
    assert_eq!(a.xml_tag("Audience").unwrap(), DEFAULT_UNAUTH_POOL_ID);
    assert_eq!(
        a.xml_tag("Arn").unwrap(),
        "arn:aws:sts::123456789012:assumed-role/Cognito_DemoUnauth_Role/game-session"
    );
    let role_id = a.xml_tag("AssumedRoleId").unwrap();
    assert!(role_id.starts_with("AROA") && role_id.ends_with(":game-session"));
    assert!(a.xml_tag("AccessKeyId").unwrap().starts_with("ASIA"));
    assert_eq!(a.xml_tag("SecretAccessKey").unwrap().len(), 40);
    assert!(a.xml_tag("SessionToken").unwrap().len() >= 300);
    assert_eq!(
        a.xml_tag("Provider").unwrap(),
        "cognito-identity.amazonaws.com"
    );
    assert_eq!(
        a.xml_tag("RequestId").unwrap(),
        a.header("x-amzn-requestid").unwrap()
    );
    let expiration = a.xml_tag("Expiration").unwrap();
    assert!(
        expiration.ends_with('Z') && expiration.contains('.'),
        "{expiration}"
    );
    assert!((parse_iso(&expiration) - (now_secs() + 3600.0)).abs() < 30.0);

    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "s1"),
            ("WebIdentityToken", &token),
            ("DurationSeconds", "900"),
        ],
    )
    .await;
    let expiration = parse_iso(&a.xml_tag("Expiration").unwrap());
    assert!((expiration - (now_secs() + 900.0)).abs() < 30.0);
    assert_eq!(emu.request_count(Operation::AssumeRoleWithWebIdentity), 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn sts_rejects_bad_tokens_and_parameters() {
    let emu = start().await;
    let (_, token) = open_id_token(&emu).await;

    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "s"),
            ("WebIdentityToken", "not-a-jwt-at-all"),
        ],
    )
    .await;
    // Session name too short is reported before the token is looked at.
    assert_eq!(a.status, 400);
    assert_eq!(a.xml_tag("Code").unwrap(), "ValidationError");

    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "sess"),
            ("WebIdentityToken", "not-a-jwt-at-all"),
        ],
    )
    .await;
    assert_eq!(a.status, 400);
    assert_well_formed(&a.body);
    assert!(a.body.starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"), "{}", a.body);
    assert_eq!(
        a.xml_tag("RequestId").unwrap(),
        a.header("x-amzn-requestid").unwrap()
    );

    // A token from a user pool (not minted by GetOpenIdToken) is not accepted.
    let up = emu.mint_user_pool_token(
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_x",
        "u",
        Duration::from_secs(60),
    );
    let mut tampered = up.clone();
    tampered.push('x');
    for bad in [&up, &tampered, &format!("{}x", token)] {
        let a = sts(
            &emu,
            &[
                ("RoleArn", ROLE),
                ("RoleSessionName", "sess"),
                ("WebIdentityToken", bad),
            ],
        )
        .await;
        assert_eq!(
            a.xml_tag("Code").unwrap(),
            "InvalidIdentityToken",
            "{}",
            a.body
        );
    }

    let a = sts(
        &emu,
        &[
            ("RoleArn", "arn:aws:iam::123456789012:user/NotARole"),
            ("RoleSessionName", "sess"),
            ("WebIdentityToken", &token),
        ],
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.xml_tag("Code").unwrap(), "ValidationError");

    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "sess"),
            ("WebIdentityToken", &token),
            ("DurationSeconds", "60000"),
        ],
    )
    .await;
    assert_eq!(a.xml_tag("Code").unwrap(), "ValidationError");

    // Expired by the emulator's clock.
    emu.set_clock_skew(601);
    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "sess"),
            ("WebIdentityToken", &token),
        ],
    )
    .await;
    assert_eq!(a.xml_tag("Code").unwrap(), "ExpiredTokenException");

    // Unknown action.
    let resp = client()
        .post(emu.url())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await
        .unwrap();
    let a = answer(resp).await.unwrap();
    assert_eq!(
        (a.status, a.xml_tag("Code").unwrap().as_str()),
        (400, "InvalidAction")
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn sts_faults_answer_in_xml() {
    let emu = start().await;
    let (_, token) = open_id_token(&emu).await;
    emu.inject(FaultRule::once(
        Operation::AssumeRoleWithWebIdentity,
        Fault::ServerError(503),
    ));
    emu.inject(FaultRule::once(
        Operation::AssumeRoleWithWebIdentity,
        Fault::Throttle,
    ));
    emu.inject(FaultRule::once(
        Operation::AssumeRoleWithWebIdentity,
        Fault::ExpiredCredentials,
    ));
    let form = [
        ("RoleArn", ROLE),
        ("RoleSessionName", "sess"),
        ("WebIdentityToken", token.as_str()),
    ];
    let a = sts(&emu, &form).await;
    assert_eq!(a.status, 503);
    assert_eq!(a.xml_tag("Code").unwrap(), "ServiceUnavailable");
    assert_eq!(a.xml_tag("Type").unwrap(), "Receiver");
    let a = sts(&emu, &form).await;
    assert_eq!(
        (a.status, a.xml_tag("Code").unwrap().as_str()),
        (400, "Throttling")
    );
    let a = sts(&emu, &form).await;
    assert_eq!(a.status, 200);
    assert!(parse_iso(&a.xml_tag("Expiration").unwrap()) < now_secs());
    let a = sts(&emu, &form).await;
    assert!(parse_iso(&a.xml_tag("Expiration").unwrap()) > now_secs());
    emu.shutdown().await;
}
