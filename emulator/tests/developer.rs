//! Developer-authenticated identities: the three SigV4-signed operations, signed
//! with the `aws-sigv4` crate as a backend would sign them.

mod common;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use base64::Engine as _;
use cognito_emulator::{
    Emulator, EmulatorConfig, FaultRule, Operation, PoolConfig, DEFAULT_AUTH_POOL_ID,
    DEFAULT_DEVELOPER_PROVIDER_NAME as DEV, DEFAULT_UNAUTH_POOL_ID, TEST_ACCESS_KEY_ID,
    TEST_SECRET_ACCESS_KEY,
};
use common::*;
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_DeveloperAuth";
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// How a request gets signed.
#[derive(Clone)]
struct Signer {
    akid: String,
    secret: String,
    session_token: Option<String>,
    region: String,
    service: String,
    time: SystemTime,
}

impl Signer {
    fn test_key(emu: &Emulator) -> Signer {
        Signer {
            akid: TEST_ACCESS_KEY_ID.into(),
            secret: TEST_SECRET_ACCESS_KEY.into(),
            session_token: None,
            region: emu.region().into(),
            service: "cognito-identity".into(),
            time: SystemTime::now(),
        }
    }

    /// The headers `aws-sigv4` adds (X-Amz-Date, Authorization, X-Amz-Security-Token).
    fn headers(&self, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<(String, String)> {
        let identity = Credentials::new(
            &self.akid,
            &self.secret,
            self.session_token.clone(),
            None,
            "developer-tests",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(self.time)
            .settings(SigningSettings::default())
            .build()
            .expect("signing params")
            .into();
        let request = SignableRequest::new(
            "POST",
            url,
            headers.iter().copied(),
            SignableBody::Bytes(body),
        )
        .expect("signable request");
        let (instructions, _signature) = sign(request, &params).expect("signs").into_parts();
        instructions
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

/// Sends a Cognito request, signed by `signer` (if any); `tamper` changes the body
/// after signing.
async fn send(
    emu: &Emulator,
    op: &str,
    body: &Value,
    signer: Option<&Signer>,
    tamper: Option<&str>,
) -> Answer {
    let url = format!("{}/", emu.url());
    let target = format!("AWSCognitoIdentityService.{op}");
    let payload = body.to_string();
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target.as_str()),
    ];
    let mut req = client()
        .post(&url)
        .body(tamper.unwrap_or(&payload).to_string());
    for (k, v) in headers {
        req = req.header(k, v);
    }
    if let Some(signer) = signer {
        for (k, v) in signer.headers(&url, &headers, payload.as_bytes()) {
            req = req.header(k, v);
        }
    }
    answer(req.send().await.expect("request sent"))
        .await
        .expect("body read")
}

async fn signed(emu: &Emulator, op: &str, body: Value) -> Answer {
    send(emu, op, &body, Some(&Signer::test_key(emu)), None).await
}

async fn dev_token(emu: &Emulator, pool: &str, user: &str, extra: Value) -> Answer {
    let mut body = json!({"IdentityPoolId": pool, "Logins": { DEV: user }});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    signed(emu, "GetOpenIdTokenForDeveloperIdentity", body).await
}

/// IdentityId and Token of a successful GetOpenIdTokenForDeveloperIdentity.
async fn dev_ok(emu: &Emulator, user: &str, extra: Value) -> (String, String) {
    let a = dev_token(emu, DEFAULT_UNAUTH_POOL_ID, user, extra).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    (
        v["IdentityId"].as_str().unwrap().to_string(),
        v["Token"].as_str().unwrap().to_string(),
    )
}

fn payload(token: &str) -> Value {
    let segment = token.split('.').nth(1).expect("JWT payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON payload")
}

fn assert_error(a: &Answer, code: &str, message_start: &str) {
    assert_eq!(a.status, 400, "{}", a.body);
    let (c, m) = a.error();
    assert_eq!(c, code, "{}", a.body);
    assert!(m.starts_with(message_start), "{m}");
}

#[tokio::test]
async fn signed_token_creates_then_returns_the_identity() {
    let emu = start().await;
    let (id, token) = dev_ok(&emu, "alice", json!({"TokenDuration": 1234})).await;
    assert!(id.starts_with("us-east-1:"), "{id}");
    let claims = payload(&token);
    assert_eq!(claims["sub"], id.as_str());
    assert_eq!(claims["aud"], DEFAULT_UNAUTH_POOL_ID);
    assert_eq!(claims["iss"], "https://cognito-identity.amazonaws.com");
    assert_eq!(claims["amr"][0], "authenticated");
    assert_eq!(claims["amr"][1], DEV);
    let (exp, iat) = (
        claims["exp"].as_i64().unwrap(),
        claims["iat"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 1234);
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((iat - now).abs() < 30, "iat {iat} now {now}");

    // Same developer user, same identity; the default duration is 15 minutes.
    let (again, token) = dev_ok(&emu, "alice", json!({})).await;
    assert_eq!(again, id);
    let claims = payload(&token);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    let (other, _) = dev_ok(&emu, "bob", json!({})).await;
    assert_ne!(other, id);
    assert_eq!(emu.identity_count(), 2);
    assert_eq!(
        emu.request_count(Operation::GetOpenIdTokenForDeveloperIdentity),
        3
    );
    emu.shutdown().await;

    // The id derives from pool, provider and developer user: stable across restarts.
    let emu = start().await;
    assert_eq!(dev_ok(&emu, "alice", json!({})).await.0, id);
    // The auth-only pool has the same developer provider.
    let a = dev_token(&emu, DEFAULT_AUTH_POOL_ID, "alice", json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    emu.shutdown().await;
}

#[tokio::test]
async fn parameters_are_validated() {
    let emu = start().await;
    let tags: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    let a = dev_token(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        "u",
        json!({ "PrincipalTags": tags }),
    )
    .await;
    assert_error(
        &a,
        "InvalidParameterException",
        "1 validation error detected: Value at 'principalTags' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    let long_key = "k".repeat(129);
    let a = dev_token(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        "u",
        json!({"PrincipalTags": { long_key: "v" }}),
    )
    .await;
    assert_error(&a, "InvalidParameterException", "1 validation error");
    assert!(a.error().1.contains("Map keys must satisfy constraint"));
    let a = dev_token(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        "u",
        json!({"PrincipalTags": {"k": "v".repeat(257)}}),
    )
    .await;
    assert!(
        a.error().1.contains("Map value must satisfy constraint"),
        "{}",
        a.body
    );
    let a = dev_token(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        "u",
        json!({"PrincipalTags": {"k": 1}}),
    )
    .await;
    assert_error(&a, "SerializationException", "");
    for (duration, detail) in [
        (0, "greater than or equal to 1"),
        (86_401, "less than or equal to 86400"),
    ] {
        let a = dev_token(
            &emu,
            DEFAULT_UNAUTH_POOL_ID,
            "u",
            json!({ "TokenDuration": duration }),
        )
        .await;
        assert_error(&a, "InvalidParameterException", "1 validation error");
        assert!(a.error().1.contains(detail), "{}", a.body);
    }
    // Valid tags end up in the token, as AWS puts them.
    let (_, token) = dev_ok(
        &emu,
        "u",
        json!({"PrincipalTags": {"team": "red", "empty": ""}, "TokenDuration": 86_400}),
    )
    .await;
    let claims = payload(&token);
    assert_eq!(
        claims["https://aws.amazon.com/tags"]["principal_tags"],
        json!({"team": ["red"], "empty": [""]})
    );
    // Missing Logins; unknown pool.
    let a = signed(
        &emu,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({ "IdentityPoolId": DEFAULT_UNAUTH_POOL_ID }),
    )
    .await;
    assert_error(
        &a,
        "InvalidParameterException",
        "1 validation error detected: Value null at 'logins'",
    );
    let a = dev_token(&emu, "us-east-1:0000dead", "u", json!({})).await;
    assert_error(
        &a,
        "ResourceNotFoundException",
        "IdentityPool 'us-east-1:0000dead' not found.",
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn developer_provider_must_be_the_pools() {
    let emu = Emulator::start(EmulatorConfig {
        pools: vec![
            PoolConfig::new("eu-west-1:00000000-0000-4000-8000-0000000000aa", true),
            PoolConfig::new("eu-west-1:00000000-0000-4000-8000-0000000000bb", true)
                .with_developer_provider("login.example.app"),
        ],
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(emu.region(), "eu-west-1");
    let unsupported = "This identity pool does not support the specified developer provider.";
    let a = signed(
        &emu,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": "eu-west-1:00000000-0000-4000-8000-0000000000aa", "Logins": {"login.example.app": "u"}}),
    )
    .await;
    assert_error(&a, "NotAuthorizedException", unsupported);
    let pool = "eu-west-1:00000000-0000-4000-8000-0000000000bb";
    let a = signed(
        &emu,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": pool, "Logins": {"login.other.app": "u"}}),
    )
    .await;
    assert_error(&a, "NotAuthorizedException", unsupported);
    // The pool's own name works; other logins are checked and linked too.
    let a = signed(
        &emu,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": pool, "Logins": {"login.example.app": "u", "graph.facebook.com": "fb-u"}}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.json()["IdentityId"].as_str().unwrap().to_string();
    assert!(id.starts_with("eu-west-1:"));
    assert_eq!(
        get_id(&emu, pool, json!({"graph.facebook.com": "fb-u"})).await,
        id
    );
    let a = signed(
        &emu,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": pool, "Logins": {"login.example.app": "u", "graph.facebook.com": "invalid-token"}}),
    )
    .await;
    assert_error(&a, "NotAuthorizedException", "Invalid login token.");
    let a = signed(
        &emu,
        "UnlinkDeveloperIdentity",
        json!({"IdentityPoolId": pool, "IdentityId": id, "DeveloperProviderName": "login.other.app", "DeveloperUserIdentifier": "u"}),
    )
    .await;
    assert_error(&a, "NotAuthorizedException", unsupported);
    emu.shutdown().await;
}

#[tokio::test]
async fn token_works_as_login_and_with_sts_until_it_expires() {
    let emu = start().await;
    let (id, token) = dev_ok(&emu, "carol", json!({"TokenDuration": 60})).await;
    let logins = json!({ "cognito-identity.amazonaws.com": token });
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id, "Logins": logins}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["IdentityId"], id.as_str());
    assert!(a.json()["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .starts_with("ASIA"));
    let a = cognito(
        &emu,
        "GetOpenIdToken",
        json!({"IdentityId": id, "Logins": logins}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["IdentityId"], id.as_str());
    // The identity is authenticated now: no logins is not enough.
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id }),
    )
    .await;
    assert_error(&a, "NotAuthorizedException", "Logins don't match.");

    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "backend"),
            ("WebIdentityToken", &token),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.xml_tag("SubjectFromWebIdentityToken").as_deref(),
        Some(id.as_str())
    );
    assert_eq!(
        a.xml_tag("Audience").as_deref(),
        Some(DEFAULT_UNAUTH_POOL_ID)
    );

    // 60 seconds later the token is no longer accepted anywhere.
    emu.set_clock_skew(61);
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id, "Logins": logins}),
    )
    .await;
    assert_error(
        &a,
        "NotAuthorizedException",
        "Invalid login token. Token expired: ",
    );
    let a = sts(
        &emu,
        &[
            ("RoleArn", ROLE),
            ("RoleSessionName", "backend"),
            ("WebIdentityToken", &token),
        ],
    )
    .await;
    assert_eq!(a.xml_tag("Code").as_deref(), Some("ExpiredTokenException"));
    emu.shutdown().await;
}

#[tokio::test]
async fn lookup_and_unlink() {
    let emu = start().await;
    let (id, _) = dev_ok(&emu, "dave", json!({})).await;
    let (same, _) = dev_ok(&emu, "dave-2", json!({ "IdentityId": id })).await;
    assert_eq!(same, id);

    let lookup = |body: Value| signed(&emu, "LookupDeveloperIdentity", body);
    let a = lookup(json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "DeveloperUserIdentifier": "dave", "MaxResults": 10})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.json(),
        json!({"IdentityId": id, "DeveloperUserIdentifierList": ["dave", "dave-2"]})
    );
    let a = lookup(
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": id, "MaxResults": 1}),
    )
    .await;
    assert_eq!(a.json()["DeveloperUserIdentifierList"], json!(["dave"]));
    let next = a.json()["NextToken"].as_str().unwrap().to_string();
    let a = lookup(json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": id, "MaxResults": 1, "NextToken": next})).await;
    assert_eq!(a.json()["DeveloperUserIdentifierList"], json!(["dave-2"]));
    assert!(a.json().get("NextToken").is_none());

    let a = lookup(json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "MaxResults": 10})).await;
    assert_error(
        &a,
        "InvalidParameterException",
        "Either IdentityId or DeveloperUserIdentifier",
    );
    let a = lookup(
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "DeveloperUserIdentifier": "nobody"}),
    )
    .await;
    assert_error(&a, "ResourceNotFoundException", "");
    let a = lookup(json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": "us-east-1:00000000-0000-4000-8000-00000000dead"})).await;
    assert_error(&a, "ResourceNotFoundException", "Identity 'us-east-1:");
    let a = lookup(
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": id, "MaxResults": 61}),
    )
    .await;
    assert_error(&a, "InvalidParameterException", "1 validation error");

    let unlink = |user: &str| {
        signed(
            &emu,
            "UnlinkDeveloperIdentity",
            json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": id, "DeveloperProviderName": DEV, "DeveloperUserIdentifier": user}),
        )
    };
    let a = unlink("dave-2").await;
    assert_eq!((a.status, a.json()), (200, json!({})), "{}", a.body);
    let a = lookup(json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": id})).await;
    assert_eq!(a.json()["DeveloperUserIdentifierList"], json!(["dave"]));
    let a = unlink("dave-2").await;
    assert_error(&a, "ResourceNotFoundException", "");
    // An unlinked developer user is a new user next time.
    let (fresh, _) = dev_ok(&emu, "dave-2", json!({})).await;
    assert_ne!(fresh, id);

    // Without its last login the identity is inaccessible, but can be looked up.
    let (solo, _) = dev_ok(&emu, "solo", json!({})).await;
    let a = signed(
        &emu,
        "UnlinkDeveloperIdentity",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": solo, "DeveloperProviderName": DEV, "DeveloperUserIdentifier": "solo"}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = lookup(json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": solo})).await;
    assert_eq!(
        a.json(),
        json!({"IdentityId": solo, "DeveloperUserIdentifierList": []})
    );
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": solo }),
    )
    .await;
    assert_error(&a, "NotAuthorizedException", "Access to Identity");
    assert_eq!(emu.request_count(Operation::UnlinkDeveloperIdentity), 3);
    assert_eq!(emu.request_count(Operation::LookupDeveloperIdentity), 9);
    emu.shutdown().await;
}

#[tokio::test]
async fn linking_conflicts_and_mismatched_logins() {
    let emu = start().await;
    let (alice, _) = dev_ok(&emu, "alice", json!({})).await;
    let (carol, _) = dev_ok(&emu, "carol", json!({})).await;
    let a = dev_token(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        "alice",
        json!({ "IdentityId": carol }),
    )
    .await;
    assert_error(
        &a,
        "ResourceConflictException",
        "Developer user identifier is already linked to a different identity.",
    );
    let a = dev_token(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        "alice",
        json!({"IdentityId": "us-east-1:00000000-0000-4000-8000-00000000dead"}),
    )
    .await;
    assert_error(&a, "ResourceNotFoundException", "Identity 'us-east-1:");
    // The identity must be in the requested pool.
    let a = dev_token(
        &emu,
        DEFAULT_AUTH_POOL_ID,
        "zed",
        json!({ "IdentityId": alice }),
    )
    .await;
    assert_error(&a, "ResourceNotFoundException", "Identity ");

    // An unauthenticated identity takes a developer user.
    let unauth = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!(null)).await;
    let (linked, _) = dev_ok(&emu, "erin", json!({ "IdentityId": unauth })).await;
    assert_eq!(linked, unauth);
    // An identity authenticated elsewhere needs one of its logins presented.
    let fb = get_id(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        json!({"graph.facebook.com": "fb-frank"}),
    )
    .await;
    let a = dev_token(
        &emu,
        DEFAULT_UNAUTH_POOL_ID,
        "frank",
        json!({ "IdentityId": fb }),
    )
    .await;
    assert_error(&a, "NotAuthorizedException", "Logins don't match.");
    let a = signed(
        &emu,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "IdentityId": fb,
               "Logins": {DEV: "frank", "graph.facebook.com": "fb-frank"}}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["IdentityId"], fb.as_str());
    // A Cognito token is not a login here.
    let a = signed(
        &emu,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID,
               "Logins": {DEV: "gina", "cognito-identity.amazonaws.com": "x.y.z"}}),
    )
    .await;
    assert_error(
        &a,
        "NotAuthorizedException",
        "Invalid login token. Can't pass in a Cognito token.",
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn signature_errors() {
    let emu = start().await;
    let body = json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {DEV: "sig"}});
    let op = "GetOpenIdTokenForDeveloperIdentity";

    let a = send(&emu, op, &body, None, None).await;
    assert_error(
        &a,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    );
    assert_eq!(
        a.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.coral.service/")
    );
    for op in ["LookupDeveloperIdentity", "UnlinkDeveloperIdentity"] {
        let a = send(&emu, op, &json!({}), None, None).await;
        assert_error(
            &a,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
    }

    let good = Signer::test_key(&emu);
    let unknown = Signer {
        akid: "AKIDUNKNOWN000000000".into(),
        ..good.clone()
    };
    let a = send(&emu, op, &body, Some(&unknown), None).await;
    assert_error(
        &a,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    );

    let wrong_secret = Signer {
        secret: "not/the/secret".into(),
        ..good.clone()
    };
    let a = send(&emu, op, &body, Some(&wrong_secret), None).await;
    assert_error(&a, "InvalidSignatureException", SIGNATURE_MISMATCH);
    assert_eq!(a.error().1, SIGNATURE_MISMATCH);

    let tampered =
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {DEV: "someone-else"}});
    let a = send(&emu, op, &body, Some(&good), Some(&tampered.to_string())).await;
    assert_error(&a, "InvalidSignatureException", SIGNATURE_MISMATCH);

    let expired = Signer {
        time: SystemTime::now() - Duration::from_secs(600),
        ..good.clone()
    };
    let a = send(&emu, op, &body, Some(&expired), None).await;
    assert_error(&a, "InvalidSignatureException", "Signature expired: ");
    assert!(a.error().1.ends_with(" - 5 min.)"), "{}", a.body);
    let future = Signer {
        time: SystemTime::now() + Duration::from_secs(600),
        ..good.clone()
    };
    let a = send(&emu, op, &body, Some(&future), None).await;
    assert_error(
        &a,
        "InvalidSignatureException",
        "Signature not yet current: ",
    );

    let wrong_region = Signer {
        region: "eu-central-1".into(),
        ..good.clone()
    };
    let a = send(&emu, op, &body, Some(&wrong_region), None).await;
    assert_error(
        &a,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'eu-central-1'.",
    );
    let wrong_service = Signer {
        service: "sts".into(),
        ..good.clone()
    };
    let a = send(&emu, op, &body, Some(&wrong_service), None).await;
    assert_error(
        &a,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'cognito-identity'.",
    );

    // A malformed Authorization header.
    let resp = client()
        .post(emu.url())
        .header("X-Amz-Target", format!("AWSCognitoIdentityService.{op}"))
        .header("X-Amz-Date", "20240101T000000Z")
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/cognito-identity/aws4_request",
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let a = answer(resp).await.unwrap();
    assert_error(
        &a,
        "IncompleteSignatureException",
        "Authorization header requires 'Signature' parameter.",
    );

    // Every attempt counted; none created an identity.
    assert_eq!(
        emu.request_count(Operation::GetOpenIdTokenForDeveloperIdentity),
        9
    );
    assert_eq!(emu.identity_count(), 0);
    // And the good signature works.
    let a = send(&emu, op, &body, Some(&good), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    emu.shutdown().await;
}

#[tokio::test]
async fn signature_window_follows_the_emulator_clock() {
    let emu = start().await;
    emu.set_clock_skew(3600);
    let body = json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {DEV: "skewed"}});
    let op = "GetOpenIdTokenForDeveloperIdentity";
    // The emulator's clock is an hour ahead: the client's signature looks old.
    let a = send(&emu, op, &body, Some(&Signer::test_key(&emu)), None).await;
    assert_error(&a, "InvalidSignatureException", "Signature expired: ");
    // A client that corrects its clock from the Date header gets through.
    let corrected = Signer {
        time: SystemTime::now() + Duration::from_secs(3600),
        ..Signer::test_key(&emu)
    };
    let a = send(&emu, op, &body, Some(&corrected), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    emu.shutdown().await;
}

#[tokio::test]
async fn session_tokens_and_added_keys() {
    let emu = start().await;
    let body = json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {DEV: "keys"}});
    let op = "GetOpenIdTokenForDeveloperIdentity";
    let with_token = Signer {
        session_token: Some("IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN".into()),
        ..Signer::test_key(&emu)
    };
    assert!(with_token
        .headers(&emu.url(), &[], b"")
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("x-amz-security-token")));
    let a = send(&emu, op, &body, Some(&with_token), None).await;
    assert_eq!(a.status, 200, "{}", a.body);

    let other = Signer {
        akid: "AKIDBACKEND000000001".into(),
        secret: "backend-secret".into(),
        ..Signer::test_key(&emu)
    };
    let a = send(&emu, op, &body, Some(&other), None).await;
    assert_eq!(a.error().0, "UnrecognizedClientException");
    emu.add_signing_key("AKIDBACKEND000000001", "backend-secret");
    let a = send(&emu, op, &body, Some(&other), None).await;
    assert_eq!(a.status, 200, "{}", a.body);

    let third = Signer {
        akid: "AKIDFROMADMINAPI0001".into(),
        secret: "admin-secret".into(),
        ..Signer::test_key(&emu)
    };
    let a = admin(
        &emu,
        "POST",
        "signing-keys",
        Some(json!({"access_key_id": third.akid, "secret_access_key": third.secret})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = send(&emu, op, &body, Some(&third), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = admin(
        &emu,
        "POST",
        "signing-keys",
        Some(json!({"access_key_id": "", "secret_access_key": "x"})),
    )
    .await;
    assert_eq!(a.status, 400);
    emu.shutdown().await;
}

#[tokio::test]
async fn unsigned_operations_ignore_signatures() {
    let emu = start().await;
    let unknown = Signer {
        akid: "AKIDNOBODYKNOWS00000".into(),
        ..Signer::test_key(&emu)
    };
    let body = json!({ "IdentityPoolId": DEFAULT_UNAUTH_POOL_ID });
    for signer in [Some(&unknown), Some(&Signer::test_key(&emu)), None] {
        let a = send(&emu, "GetId", &body, signer, None).await;
        assert_eq!(a.status, 200, "{}", a.body);
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn faults_apply_to_signed_operations() {
    let emu = start().await;
    emu.inject(FaultRule::once(
        Operation::GetOpenIdTokenForDeveloperIdentity,
        cognito_emulator::Fault::Throttle,
    ));
    emu.inject(FaultRule::once(
        Operation::LookupDeveloperIdentity,
        cognito_emulator::Fault::WrongTypes,
    ));
    let body = json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {DEV: "faulty"}});
    let op = "GetOpenIdTokenForDeveloperIdentity";
    // A request failing authentication does not use up the fault.
    let a = send(&emu, op, &body, None, None).await;
    assert_eq!(a.error().0, "MissingAuthenticationTokenException");
    let a = signed(&emu, op, body.clone()).await;
    assert_error(&a, "TooManyRequestsException", "Rate exceeded");
    let a = signed(&emu, op, body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = signed(
        &emu,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "DeveloperUserIdentifier": "faulty"}),
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(a.json()["IdentityId"].is_number(), "{}", a.body);
    assert_eq!(
        emu.request_count(Operation::GetOpenIdTokenForDeveloperIdentity),
        3
    );
    emu.shutdown().await;
}
