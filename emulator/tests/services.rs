//! The generic endpoint: any JSON-protocol `X-Amz-Target` that is not Cognito's (and
//! any other signed REST request) is verified with the credentials the emulator
//! issued and echoed back.

mod common;
mod signing;

use std::time::{Duration, SystemTime};

use cognito_emulator::{Emulator, DEFAULT_UNAUTH_POOL_ID};
use common::*;
use serde_json::{json, Value};
use signing::*;

async fn json_call(
    emu: &Emulator,
    signer: &Signer,
    target: &str,
    content_type: &str,
    signed_body: &[u8],
    sent_body: &[u8],
) -> Answer {
    let url = format!("{}/", emu.url());
    let headers = [("content-type", content_type), ("x-amz-target", target)];
    signed(
        signer,
        "POST",
        &url,
        &headers,
        Payload::Bytes(signed_body),
        sent_body,
    )
    .await
}

async fn put_item(emu: &Emulator, signer: &Signer) -> Answer {
    let body = br#"{"TableName":"Scores","Item":{"player":{"S":"alice"},"score":{"N":"42"}}}"#;
    json_call(
        emu,
        signer,
        "DynamoDB_20120810.PutItem",
        "application/x-amz-json-1.0",
        body,
        body,
    )
    .await
}

#[tokio::test]
async fn json_protocol_calls_are_verified_and_echoed() {
    let emu = start().await;
    let creds = guest_credentials(&emu).await;
    let dynamodb = Signer::new(&creds, "dynamodb", emu.region());
    let a = put_item(&emu, &dynamodb).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("content-type"), Some("application/x-amz-json-1.0"));
    let v = a.json();
    assert_eq!(v["Target"], "DynamoDB_20120810.PutItem");
    assert_eq!(v["Operation"], "PutItem");
    assert_eq!(v["Service"], "dynamodb");
    assert_eq!(v["Region"], emu.region());
    assert_eq!(v["IdentityId"], creds.identity_id.as_str());
    assert_eq!(v["AccessKeyId"], creds.akid.as_str());
    assert_eq!(v["Body"]["Item"]["score"]["N"], "42");
    // Secrets are not echoed.
    assert!(!a.body.contains(&creds.secret));
    assert!(!a.body.contains(creds.token.as_deref().unwrap()));

    // Another service in another region: the scope decides.
    let kinesis = Signer::new(&creds, "kinesis", "eu-central-1");
    let body = br#"{"StreamName":"events","Data":"aGk=","PartitionKey":"p"}"#;
    let a = json_call(
        &emu,
        &kinesis,
        "Kinesis_20131202.PutRecord",
        "application/x-amz-json-1.1",
        body,
        body,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(
        (a.json()["Service"].clone(), a.json()["Region"].clone()),
        (json!("kinesis"), json!("eu-central-1"))
    );
    // An empty body is an empty object.
    let a = json_call(
        &emu,
        &kinesis,
        "Kinesis_20131202.ListStreams",
        "application/x-amz-json-1.1",
        b"",
        b"",
    )
    .await;
    assert_eq!(a.json()["Body"], json!({}));

    assert_eq!(emu.request_count_named("dynamodb:PutItem"), 1);
    assert_eq!(emu.request_count_named("kinesis:PutRecord"), 1);
    let recent = emu.recent_requests();
    assert_eq!(recent[0].operation, "dynamodb:PutItem");
    assert_eq!(
        recent[0].identity_id.as_deref(),
        Some(creds.identity_id.as_str())
    );
    assert_eq!(recent[0].status, 200);
    // Cognito is still Cognito on the same URL.
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID}),
    )
    .await;
    assert_eq!(a.status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn refusals_use_aws_json_errors() {
    let emu = start().await;
    let creds = guest_credentials(&emu).await;
    let s = Signer::new(&creds, "dynamodb", emu.region());
    let error = |a: &Answer| (a.status, a.error().0);

    // Not signed.
    let a = client()
        .post(format!("{}/", emu.url()))
        .header("x-amz-target", "DynamoDB_20120810.PutItem")
        .body("{}")
        .send()
        .await
        .unwrap();
    let a = answer(a).await.unwrap();
    assert_eq!(
        error(&a),
        (400, "MissingAuthenticationTokenException".into())
    );
    // The body changed after signing.
    let a = json_call(
        &emu,
        &s,
        "DynamoDB_20120810.PutItem",
        "application/x-amz-json-1.0",
        b"{}",
        b"{\"x\":1}",
    )
    .await;
    assert_eq!(error(&a), (400, "InvalidSignatureException".into()));
    assert!(a
        .error()
        .1
        .starts_with("The request signature we calculated does not match"));
    assert_eq!(
        a.header("x-amzn-errortype"),
        Some(
            "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"
        )
    );
    // The target changed after signing.
    let url = format!("{}/", emu.url());
    let mut headers = s.headers(
        "POST",
        &url,
        &[("x-amz-target", "DynamoDB_20120810.GetItem")],
        Payload::Bytes(b"{}"),
    );
    headers.push((
        "x-amz-target".into(),
        "DynamoDB_20120810.DeleteTable".into(),
    ));
    let a = send("POST", &url, &headers, b"{}".to_vec()).await;
    assert_eq!(a.error().0, "InvalidSignatureException");
    // Wrong secret, unknown key, forged token.
    let wrong = Signer::new(&creds.with_secret("nope"), "dynamodb", emu.region());
    assert_eq!(
        put_item(&emu, &wrong).await.error().0,
        "InvalidSignatureException"
    );
    let mut unknown = creds.clone();
    unknown.akid = "ASIANOTISSUED0000000".into();
    let a = put_item(&emu, &Signer::new(&unknown, "dynamodb", emu.region())).await;
    assert_eq!(error(&a), (400, "UnrecognizedClientException".into()));
    assert_eq!(
        a.error().1,
        "The security token included in the request is invalid."
    );
    let forged = Signer::new(
        &creds.with_token(Some("IQoJforged")),
        "dynamodb",
        emu.region(),
    );
    assert_eq!(
        put_item(&emu, &forged).await.error().0,
        "UnrecognizedClientException"
    );
    // Signing time more than 15 minutes off.
    let old = s
        .clone()
        .at(SystemTime::now() - Duration::from_secs(16 * 60));
    let a = put_item(&emu, &old).await;
    assert_eq!(a.error().0, "InvalidSignatureException");
    assert!(
        a.error().1.starts_with("Signature expired: ") && a.error().1.ends_with(" - 15 min.)"),
        "{}",
        a.body
    );
    let early = s
        .clone()
        .at(SystemTime::now() + Duration::from_secs(16 * 60));
    assert!(put_item(&emu, &early)
        .await
        .error()
        .1
        .starts_with("Signature not yet current: "));
    let fine = s
        .clone()
        .at(SystemTime::now() - Duration::from_secs(10 * 60));
    assert_eq!(put_item(&emu, &fine).await.status, 200);
    // Expired credentials.
    emu.set_credential_lifetime(Duration::from_secs(1));
    let short = guest_credentials(&emu).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let a = put_item(&emu, &Signer::new(&short, "dynamodb", emu.region())).await;
    assert_eq!(error(&a), (400, "ExpiredTokenException".into()));
    assert_eq!(
        a.error().1,
        "The security token included in the request is expired"
    );
    // Not JSON.
    let a = json_call(
        &emu,
        &s,
        "DynamoDB_20120810.PutItem",
        "application/x-amz-json-1.0",
        b"[1]",
        b"[1]",
    )
    .await;
    assert_eq!(a.error().0, "SerializationException");
    let a = json_call(
        &emu,
        &s,
        "DynamoDB_20120810.PutItem",
        "application/x-amz-json-1.0",
        b"{",
        b"{",
    )
    .await;
    assert_eq!(a.error().0, "SerializationException");
    // Refusals are counted and logged.
    // (the unsigned one has no signing name to count it under)
    assert_eq!(emu.request_count_named("dynamodb:PutItem"), 10);
    assert_eq!(emu.request_count_named("unknown:PutItem"), 1);
    assert!(emu
        .recent_requests()
        .iter()
        .any(|r| r.error.as_deref() == Some("ExpiredTokenException")));
    emu.shutdown().await;
}

#[tokio::test]
async fn rest_requests_and_presigned_queries_are_echoed() {
    let emu = start().await;
    let creds = guest_credentials(&emu).await;
    // API Gateway with IAM auth, header-signed (the path is normalised and double
    // encoded by the signer, as for every service but S3).
    let s = Signer::new(&creds, "execute-api", emu.region());
    let url = format!("{}/prod/items/a%20b?limit=5", emu.url());
    let a = signed(&s, "GET", &url, &[], Payload::Bytes(b""), b"").await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v: Value = a.json();
    assert_eq!(
        (v["Service"].clone(), v["Method"].clone(), v["Path"].clone()),
        (
            json!("execute-api"),
            json!("GET"),
            json!("/prod/items/a%20b")
        )
    );
    assert_eq!(v["Query"]["limit"], "5");
    assert_eq!(v["IdentityId"], creds.identity_id.as_str());
    // Lambda Invoke: the payload comes back as the echo's body.
    let lambda = Signer::new(&creds, "lambda", emu.region());
    let invoke = format!("{}/2015-03-31/functions/scores/invocations", emu.url());
    let a = signed(
        &lambda,
        "POST",
        &invoke,
        &[],
        Payload::Bytes(b"{\"n\":1}"),
        b"{\"n\":1}",
    )
    .await;
    assert_eq!(a.json()["Body"]["n"], 1);
    // Refusals of REST services are 403s.
    let wrong = Signer::new(&creds.with_secret("nope"), "execute-api", emu.region());
    let a = signed(&wrong, "GET", &url, &[], Payload::Bytes(b""), b"").await;
    assert_eq!(
        (a.status, a.error().0),
        (403, "InvalidSignatureException".into())
    );
    // Presigned (query) signature.
    let presigned = s.presign("GET", &url, Duration::from_secs(60));
    let a = send("GET", &presigned, &[], vec![]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["Presigned"], true);
    let stale = s
        .clone()
        .at(SystemTime::now() - Duration::from_secs(120))
        .presign("GET", &url, Duration::from_secs(60));
    let a = send("GET", &stale, &[], vec![]).await;
    assert!(a.error().1.starts_with("Signature expired"), "{}", a.body);
    assert_eq!(emu.request_count_named("execute-api:GET"), 4);
    emu.shutdown().await;
}
