//! The S3 endpoint: requests signed with `aws-sigv4` using credentials from the
//! emulator's GetCredentialsForIdentity (and STS), header-signed and presigned.

mod common;
mod signing;

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use cognito_emulator::{
    Emulator, EmulatorConfig, Fault, FaultRule, Operation, DEFAULT_UNAUTH_POOL_ID,
    TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY,
};
use common::*;
use serde_json::json;
use signing::*;

const MD5_HELLO: &str = "\"5d41402abc4b2a76b9719d911017c592\""; // md5("hello")

fn url(emu: &Emulator, path: &str) -> String {
    format!("{}{path}", emu.url())
}

async fn put(
    emu: &Emulator,
    s: &Signer,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Answer {
    signed(
        s,
        "PUT",
        &url(emu, path),
        headers,
        Payload::Bytes(body),
        body,
    )
    .await
}

async fn get(emu: &Emulator, s: &Signer, path: &str) -> Answer {
    signed(s, "GET", &url(emu, path), &[], Payload::Bytes(b""), b"").await
}

async fn s3_setup() -> (Emulator, Signer) {
    let emu = start().await;
    let creds = guest_credentials(&emu).await;
    let signer = Signer::new(&creds, "s3", emu.region());
    (emu, signer)
}

#[tokio::test]
async fn put_get_head_list_delete_round_trip() {
    let (emu, s) = s3_setup().await;
    let a = put(
        &emu,
        &s,
        "/replays/match-1.bin",
        b"hello",
        &[
            ("content-type", "text/plain"),
            ("x-amz-meta-player", "alice"),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("etag"), Some(MD5_HELLO));
    assert!(a.header("x-amz-request-id").is_some());
    assert_eq!(
        emu.object("replays", "match-1.bin").as_deref(),
        Some(&b"hello"[..])
    );

    let a = get(&emu, &s, "/replays/match-1.bin").await;
    assert_eq!((a.status, a.body.as_str()), (200, "hello"));
    assert_eq!(a.header("content-type"), Some("text/plain"));
    assert_eq!(a.header("x-amz-meta-player"), Some("alice"));
    assert_eq!(a.header("etag"), Some(MD5_HELLO));
    assert_eq!(a.header("content-length"), Some("5"));
    assert!(a.header("last-modified").is_some());

    let a = signed(
        &s,
        "HEAD",
        &url(&emu, "/replays/match-1.bin"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-length"), Some("5"));
    assert_eq!(a.body, "");

    put(&emu, &s, "/replays/match-2.bin", b"two", &[]).await;
    let a = get(&emu, &s, "/replays?list-type=2&prefix=match-").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("content-type"), Some("application/xml"));
    assert_eq!(a.xml_tag("KeyCount").as_deref(), Some("2"));
    assert_eq!(a.xml_tag("IsTruncated").as_deref(), Some("false"));
    assert!(a.body.contains("<Key>match-1.bin</Key>"), "{}", a.body);
    assert!(a.body.contains("<Size>3</Size>"));

    let a = signed(
        &s,
        "DELETE",
        &url(&emu, "/replays/match-1.bin"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.status, 204, "{}", a.body);
    let a = get(&emu, &s, "/replays/match-1.bin").await;
    assert_eq!((a.status, s3_code(&a).as_str()), (404, "NoSuchKey"));
    assert_eq!(a.xml_tag("Key").as_deref(), Some("match-1.bin"));
    // HEAD errors carry no body, as S3's.
    let a = signed(
        &s,
        "HEAD",
        &url(&emu, "/replays/match-1.bin"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!((a.status, a.body.as_str()), (404, ""));
    // Deleting a missing key is fine; a missing bucket is not.
    let a = signed(
        &s,
        "DELETE",
        &url(&emu, "/replays/match-1.bin"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.status, 204);
    let a = get(&emu, &s, "/no-such-bucket/k").await;
    assert_eq!((a.status, s3_code(&a).as_str()), (404, "NoSuchBucket"));

    assert_eq!(emu.request_count_named("s3:PutObject"), 2);
    assert_eq!(emu.request_count_named("s3:GetObject"), 3);
    assert_eq!(emu.request_count_named("s3:DeleteObject"), 2);
    let counts = emu.counts();
    assert_eq!(counts.get("s3:ListObjectsV2"), Some(&1));
    assert_eq!(counts.get("GetCredentialsForIdentity"), Some(&1));
    let recent = emu.recent_requests();
    let first = &recent[0];
    assert_eq!(first.operation, "s3:PutObject");
    assert_eq!(
        first.identity_id.as_deref(),
        Some(s.creds.identity_id.as_str())
    );
    assert_eq!(first.access_key_id.as_deref(), Some(s.creds.akid.as_str()));
    assert_eq!(
        recent.last().unwrap().error.as_deref(),
        Some("NoSuchBucket")
    );

    let stats = admin(&emu, "GET", "stats", None).await.json();
    assert_eq!(stats["objects"], 1);
    assert_eq!(stats["counts"]["s3:PutObject"], 2);
    let listing = admin(&emu, "GET", "objects", None).await.json();
    assert_eq!(listing["buckets"][0]["name"], "replays");
    assert_eq!(listing["buckets"][0]["objects"][0]["key"], "match-2.bin");
    let requests = admin(&emu, "GET", "requests", None).await.json();
    assert_eq!(requests["requests"][0]["operation"], "s3:PutObject");
    emu.shutdown().await;
}

#[tokio::test]
async fn unsigned_payload_and_presigned_urls() {
    let (emu, s) = s3_setup().await;
    let target = url(&emu, "/bucket-1/unsigned.txt");
    let a = signed(&s, "PUT", &target, &[], Payload::Unsigned, b"any body").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        emu.object("bucket-1", "unsigned.txt").as_deref(),
        Some(&b"any body"[..])
    );

    // Presigned GET, as a browser or UnityWebRequest would fetch it.
    let presigned = s.presign("GET", &target, Duration::from_secs(300));
    assert!(presigned.contains("X-Amz-Security-Token="), "{presigned}");
    let a = send("GET", &presigned, &[], vec![]).await;
    assert_eq!((a.status, a.body.as_str()), (200, "any body"));
    // With response-* overrides, which the URL signs.
    let with_override = s.presign(
        "GET",
        &format!("{target}?response-content-disposition=attachment%3B%20filename%3Dx.txt"),
        Duration::from_secs(300),
    );
    let a = send("GET", &with_override, &[], vec![]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.header("content-disposition"),
        Some("attachment; filename=x.txt")
    );

    // Presigned PUT: any body (UNSIGNED-PAYLOAD).
    let put_url = s.presign(
        "PUT",
        &url(&emu, "/bucket-1/uploaded.bin"),
        Duration::from_secs(60),
    );
    let a = send("PUT", &put_url, &[], b"uploaded".to_vec()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        emu.object("bucket-1", "uploaded.bin").as_deref(),
        Some(&b"uploaded"[..])
    );

    // The URL names one object: another path does not verify.
    let other = presigned.replace("/bucket-1/unsigned.txt", "/bucket-1/uploaded.bin");
    let a = send("GET", &other, &[], vec![]).await;
    assert_eq!(
        (a.status, s3_code(&a).as_str()),
        (403, "SignatureDoesNotMatch")
    );
    assert!(a
        .xml_tag("CanonicalRequest")
        .is_some_and(|c| c.contains("/bucket-1/uploaded.bin")));
    // The session token is not echoed back in the canonical request.
    assert!(
        !a.body.contains(s.creds.token.as_deref().unwrap()),
        "{}",
        a.body
    );
    // A method other than the one signed.
    let a = send("DELETE", &presigned, &[], vec![]).await;
    assert_eq!(s3_code(&a), "SignatureDoesNotMatch");

    // X-Amz-Expires is honoured.
    let short = s
        .clone()
        .at(SystemTime::now() - Duration::from_secs(120))
        .presign("GET", &target, Duration::from_secs(60));
    let a = send("GET", &short, &[], vec![]).await;
    assert_eq!((a.status, s3_code(&a).as_str()), (403, "AccessDenied"));
    assert_eq!(a.xml_tag("Message").as_deref(), Some("Request has expired"));
    assert_eq!(a.xml_tag("X-Amz-Expires").as_deref(), Some("60"));
    // At most 7 days.
    let long = s.presign("GET", &target, Duration::from_secs(7 * 86400 + 1));
    let a = send("GET", &long, &[], vec![]).await;
    assert_eq!(
        (a.status, s3_code(&a).as_str()),
        (400, "AuthorizationQueryParametersError")
    );
    let week = s.presign("GET", &target, Duration::from_secs(7 * 86400));
    assert_eq!(send("GET", &week, &[], vec![]).await.status, 200);
    // A presigned URL dated more than 15 minutes ahead is not valid yet.
    let future = s
        .clone()
        .at(SystemTime::now() + Duration::from_secs(20 * 60))
        .presign("GET", &target, Duration::from_secs(3600));
    let a = send("GET", &future, &[], vec![]).await;
    assert_eq!(
        a.xml_tag("Message").as_deref(),
        Some("Request is not valid yet")
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn tampered_requests_are_refused_with_s3_codes() {
    let (emu, s) = s3_setup().await;
    let target = url(&emu, "/bucket-2/k");
    // Signed payload, other body sent: the signature holds (the hash header is
    // signed), the body does not match it.
    let a = signed(
        &s,
        "PUT",
        &target,
        &[],
        Payload::Bytes(b"signed"),
        b"sent!!",
    )
    .await;
    assert_eq!(
        (a.status, s3_code(&a).as_str()),
        (400, "XAmzContentSHA256Mismatch")
    );
    assert!(a.xml_tag("S3ComputedContentSHA256").is_some());
    assert_eq!(emu.object("bucket-2", "k"), None);

    assert_eq!(put(&emu, &s, "/bucket-2/k", b"v", &[]).await.status, 200);
    // Signed for one path, sent to another.
    let mut headers = s.headers("GET", &target, &[], Payload::Bytes(b""));
    let a = send("GET", &url(&emu, "/bucket-2/other"), &headers, vec![]).await;
    assert_eq!(
        (a.status, s3_code(&a).as_str()),
        (403, "SignatureDoesNotMatch")
    );
    // A signed header changed.
    let with_meta = s.headers("PUT", &target, &[("x-amz-meta-a", "1")], Payload::Unsigned);
    let mut tampered = with_meta.clone();
    tampered.push(("x-amz-meta-a".into(), "2".into()));
    let a = send("PUT", &target, &tampered, b"x".to_vec()).await;
    assert_eq!(s3_code(&a), "SignatureDoesNotMatch", "{}", a.body);
    // The x-amz-content-sha256 header itself changed.
    for (n, v) in headers.iter_mut() {
        if n == "x-amz-content-sha256" {
            *v = "UNSIGNED-PAYLOAD".into();
        }
    }
    let a = send("GET", &target, &headers, vec![]).await;
    assert_eq!(s3_code(&a), "SignatureDoesNotMatch");

    // Wrong secret, unknown key, wrong or missing session token.
    let wrong = Signer::new(&s.creds.with_secret("not-the-secret"), "s3", emu.region());
    assert_eq!(
        s3_code(&get(&emu, &wrong, "/bucket-2/k").await),
        "SignatureDoesNotMatch"
    );
    let mut unknown = s.creds.clone();
    unknown.akid = "ASIAUNKNOWNKEY000000".into();
    let a = get(
        &emu,
        &Signer::new(&unknown, "s3", emu.region()),
        "/bucket-2/k",
    )
    .await;
    assert_eq!(
        (a.status, s3_code(&a).as_str()),
        (403, "InvalidAccessKeyId")
    );
    assert_eq!(
        a.xml_tag("AWSAccessKeyId").as_deref(),
        Some("ASIAUNKNOWNKEY000000")
    );
    let bad_token = Signer::new(&s.creds.with_token(Some("IQoJforged")), "s3", emu.region());
    let a = get(&emu, &bad_token, "/bucket-2/k").await;
    assert_eq!((a.status, s3_code(&a).as_str()), (400, "InvalidToken"));
    let no_token = Signer::new(&s.creds.with_token(None), "s3", emu.region());
    assert_eq!(
        s3_code(&get(&emu, &no_token, "/bucket-2/k").await),
        "InvalidAccessKeyId"
    );

    // Not signed at all; header-signed without x-amz-content-sha256; wrong region.
    let a = send("GET", &target, &[], vec![]).await;
    assert_eq!((a.status, s3_code(&a).as_str()), (403, "AccessDenied"));
    let plain = s
        .clone()
        .rules(false)
        .headers("GET", &target, &[], Payload::Bytes(b""));
    let a = send("GET", &target, &plain, vec![]).await;
    assert_eq!((a.status, s3_code(&a).as_str()), (400, "InvalidRequest"));
    let elsewhere = Signer::new(&s.creds, "s3", "eu-west-1");
    let a = get(&emu, &elsewhere, "/bucket-2/k").await;
    assert_eq!(
        (a.status, s3_code(&a).as_str()),
        (400, "AuthorizationHeaderMalformed")
    );
    assert_eq!(a.xml_tag("Region").as_deref(), Some(emu.region()));
    assert_eq!(a.header("x-amz-bucket-region"), Some(emu.region()));
    // A bad content hash value.
    let mut bad_hash = s.headers("GET", &target, &[], Payload::Bytes(b""));
    for (n, v) in bad_hash.iter_mut() {
        if n == "x-amz-content-sha256" {
            *v = "abc".into();
        }
    }
    assert_eq!(
        s3_code(&send("GET", &target, &bad_hash, vec![]).await),
        "InvalidArgument"
    );

    // The developer test key works too (no session token; no identity).
    let dev = Creds {
        akid: TEST_ACCESS_KEY_ID.into(),
        secret: TEST_SECRET_ACCESS_KEY.into(),
        token: None,
        identity_id: String::new(),
    };
    let a = get(&emu, &Signer::new(&dev, "s3", emu.region()), "/bucket-2/k").await;
    assert_eq!((a.status, a.body.as_str()), (200, "v"));
    let a = get(
        &emu,
        &Signer::new(&dev.with_token(Some("x")), "s3", emu.region()),
        "/bucket-2/k",
    )
    .await;
    assert_eq!(s3_code(&a), "InvalidToken");
    emu.shutdown().await;
}

#[tokio::test]
async fn expired_credentials_and_skewed_clocks() {
    let emu = start().await;
    // Credentials that expired already (fault), and ones that expire while held.
    emu.inject(FaultRule::once(
        Operation::GetCredentialsForIdentity,
        Fault::ExpiredCredentials,
    ));
    let expired = guest_credentials(&emu).await;
    let a = get(&emu, &Signer::new(&expired, "s3", emu.region()), "/bkt/k").await;
    assert_eq!((a.status, s3_code(&a).as_str()), (400, "ExpiredToken"));
    assert_eq!(
        a.xml_tag("Message").as_deref(),
        Some("The provided token has expired.")
    );

    emu.set_credential_lifetime(Duration::from_secs(1));
    let short = guest_credentials(&emu).await;
    emu.set_credential_lifetime(Duration::from_secs(3600));
    let s = Signer::new(&short, "s3", emu.region());
    assert_eq!(put(&emu, &s, "/bkt/k", b"hello", &[]).await.status, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(s3_code(&get(&emu, &s, "/bkt/k").await), "ExpiredToken");
    let presigned = s.presign("GET", &url(&emu, "/bkt/k"), Duration::from_secs(600));
    assert_eq!(
        s3_code(&send("GET", &presigned, &[], vec![]).await),
        "ExpiredToken"
    );

    // Signing time more than 15 minutes off the emulator's clock, either way.
    let creds = guest_credentials(&emu).await;
    let now = SystemTime::now();
    for (offset, ok) in [
        (-16 * 60, false),
        (16 * 60, false),
        (-14 * 60, true),
        (14 * 60, true),
    ] {
        let t = if offset < 0 {
            now - Duration::from_secs(-offset as u64)
        } else {
            now + Duration::from_secs(offset as u64)
        };
        let a = get(
            &emu,
            &Signer::new(&creds, "s3", emu.region()).at(t),
            "/bkt/k",
        )
        .await;
        if ok {
            assert_eq!(a.status, 200, "{offset}: {}", a.body);
        } else {
            assert_eq!(
                (a.status, s3_code(&a).as_str()),
                (403, "RequestTimeTooSkewed"),
                "{offset}"
            );
            assert_eq!(
                a.xml_tag("MaxAllowedSkewMilliseconds").as_deref(),
                Some("900000")
            );
        }
    }
    // The emulator's clock moved instead of the client's.
    emu.set_clock_skew(20 * 60);
    let a = get(&emu, &Signer::new(&creds, "s3", emu.region()), "/bkt/k").await;
    assert_eq!(s3_code(&a), "RequestTimeTooSkewed");
    emu.set_clock_skew(0);
    emu.shutdown().await;
}

#[tokio::test]
async fn keys_are_signed_as_sent_with_s3_rules() {
    let (emu, s) = s3_setup().await;
    // Spaces, unicode, '+', '=', and a double slash (which other services would
    // normalise away), percent-encoded once as S3 clients send them.
    let path = "/bucket-3/dir%20one//caf%C3%A9%2Bx%3D1.txt";
    let a = put(&emu, &s, path, b"hello", &[]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        emu.object("bucket-3", "dir one//café+x=1.txt").as_deref(),
        Some(&b"hello"[..])
    );
    assert_eq!(get(&emu, &s, path).await.body, "hello");
    // Signed with the rules of the other services (double encoding, normalised path):
    // S3 refuses.
    let other_rules = s.clone().rules(false);
    let mut headers = other_rules.headers("GET", &url(&emu, path), &[], Payload::Bytes(b""));
    headers.push((
        "x-amz-content-sha256".into(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
    ));
    let a = send("GET", &url(&emu, path), &headers, vec![]).await;
    assert_eq!(s3_code(&a), "SignatureDoesNotMatch", "{}", a.body);
    // Listing with encoding-type=url returns the key encoded.
    let a = get(&emu, &s, "/bucket-3?list-type=2&encoding-type=url").await;
    assert!(
        a.body
            .contains("<Key>dir%20one//caf%C3%A9%2Bx%3D1.txt</Key>"),
        "{}",
        a.body
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn listing_pages_prefixes_and_delimiters() {
    let (emu, s) = s3_setup().await;
    for k in ["a/1", "a/2", "a/x/3", "b", "c/1", "d", "e"] {
        assert_eq!(
            put(&emu, &s, &format!("/list/{k}"), k.as_bytes(), &[])
                .await
                .status,
            200
        );
    }
    // Paging through everything, two at a time.
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..10 {
        let mut q = "/list?list-type=2&max-keys=2".to_string();
        if let Some(t) = &token {
            q.push_str("&continuation-token=");
            q.extend(url::form_urlencoded::byte_serialize(t.as_bytes()));
        }
        let a = get(&emu, &s, &q).await;
        assert_eq!(a.status, 200, "{}", a.body);
        let mut rest = a.body.as_str();
        while let Some(i) = rest.find("<Key>") {
            let end = rest[i..].find("</Key>").unwrap() + i;
            keys.push(rest[i + 5..end].to_string());
            rest = &rest[end..];
        }
        token = a.xml_tag("NextContinuationToken");
        assert_eq!(
            a.xml_tag("IsTruncated").as_deref() == Some("true"),
            token.is_some()
        );
        if token.is_none() {
            break;
        }
    }
    assert_eq!(keys, ["a/1", "a/2", "a/x/3", "b", "c/1", "d", "e"]);

    // Delimiter: common prefixes count as entries and are paged over as a whole.
    let a = get(&emu, &s, "/list?list-type=2&delimiter=%2F&max-keys=2").await;
    assert!(
        a.body
            .contains("<CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes>"),
        "{}",
        a.body
    );
    assert!(a.body.contains("<Key>b</Key>"));
    assert_eq!(a.xml_tag("KeyCount").as_deref(), Some("2"));
    let t = a.xml_tag("NextContinuationToken").unwrap();
    let q = format!(
        "/list?list-type=2&delimiter=%2F&continuation-token={}",
        url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
    );
    let a = get(&emu, &s, &q).await;
    assert!(
        a.body.contains("<Prefix>c/</Prefix>") && a.body.contains("<Key>e</Key>"),
        "{}",
        a.body
    );
    assert!(!a.body.contains("<Key>b</Key>"));
    // Prefix, start-after, max-keys 0.
    let a = get(&emu, &s, "/list?list-type=2&prefix=a%2F&delimiter=%2F").await;
    assert!(a.body.contains("<Key>a/1</Key>") && a.body.contains("<Prefix>a/x/</Prefix>"));
    let a = get(&emu, &s, "/list?list-type=2&start-after=c%2F1").await;
    assert_eq!(a.xml_tag("KeyCount").as_deref(), Some("2"));
    let a = get(&emu, &s, "/list?list-type=2&max-keys=0").await;
    assert_eq!(
        (
            a.xml_tag("KeyCount").as_deref(),
            a.xml_tag("IsTruncated").as_deref()
        ),
        (Some("0"), Some("false"))
    );
    // ListObjects (v1) with a marker.
    let a = get(&emu, &s, "/list?marker=c%2F1").await;
    assert!(
        a.body.contains("<Key>d</Key>") && !a.body.contains("<Key>b</Key>"),
        "{}",
        a.body
    );
    // Bad parameters.
    for q in [
        "/list?list-type=2&continuation-token=garbage!",
        "/list?list-type=2&max-keys=-1",
        "/list?list-type=2&max-keys=ten",
        "/list?list-type=2&encoding-type=base64",
    ] {
        let a = get(&emu, &s, q).await;
        assert_eq!(
            (a.status, s3_code(&a).as_str()),
            (400, "InvalidArgument"),
            "{q}"
        );
    }
    let a = get(&emu, &s, "/nothing-here?list-type=2").await;
    assert_eq!(s3_code(&a), "NoSuchBucket");
    emu.shutdown().await;
}

#[tokio::test]
async fn size_limits() {
    let emu = Emulator::start(EmulatorConfig {
        max_object_size: 1024,
        max_store_bytes: 4096,
        ..Default::default()
    })
    .await
    .unwrap();
    let creds = guest_credentials(&emu).await;
    let s = Signer::new(&creds, "s3", emu.region());
    let big = vec![7u8; 1025];
    let a = put(&emu, &s, "/lim/big", &big, &[]).await;
    assert_eq!((a.status, s3_code(&a).as_str()), (400, "EntityTooLarge"));
    assert_eq!(a.xml_tag("MaxSizeAllowed").as_deref(), Some("1024"));
    // Far over the limit: refused from Content-Length, before the body is sent
    // (only the head is), and the connection closed.
    let head = "PUT /lim/huge HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 Credential=ASIAX/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\nContent-Length: 524288\r\n\r\n";
    let addr = emu.addr();
    let reply = tokio::task::spawn_blocking(move || raw_http(addr, head.as_bytes()))
        .await
        .unwrap();
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(
        reply.contains("<Code>EntityTooLarge</Code>") && reply.contains("<ProposedSize>524288<"),
        "{reply}"
    );
    assert!(
        reply.to_ascii_lowercase().contains("connection: close"),
        "{reply}"
    );
    // Up to the limit, until the store is full.
    let ok = vec![1u8; 1024];
    for i in 0..3 {
        let a = put(&emu, &s, &format!("/lim/{i}"), &ok, &[]).await;
        assert_eq!(a.status, 200, "{i}: {}", a.body);
    }
    let a = put(&emu, &s, "/lim/3", &ok, &[]).await;
    assert_eq!(s3_code(&a), "EntityTooLarge");
    assert!(
        a.xml_tag("Message")
            .unwrap()
            .contains("object store is full"),
        "{}",
        a.body
    );
    // Replacing an object reuses its budget; deleting frees it.
    assert_eq!(put(&emu, &s, "/lim/0", &ok, &[]).await.status, 200);
    signed(
        &s,
        "DELETE",
        &url(&emu, "/lim/1"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(put(&emu, &s, "/lim/3", &ok, &[]).await.status, 200);
    assert_eq!(emu.object_count(), 3);
    assert!(emu.object_store_bytes() <= 4096);
    // Keys and metadata are bounded too.
    let long_key = format!("/lim/{}", "k".repeat(1025));
    assert_eq!(
        s3_code(&put(&emu, &s, &long_key, b"", &[]).await),
        "KeyTooLongError"
    );
    let meta = "m".repeat(2100);
    let a = put(&emu, &s, "/lim/m", b"", &[("x-amz-meta-big", &meta)]).await;
    assert_eq!(s3_code(&a), "MetadataTooLarge");
    emu.clear_objects();
    assert_eq!(emu.object_count(), 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn ranges_conditions_and_checksums() {
    let (emu, s) = s3_setup().await;
    assert_eq!(
        put(&emu, &s, "/chk/k", b"0123456789", &[]).await.status,
        200
    );
    let target = url(&emu, "/chk/k");
    let range = |r: &'static str| {
        let s = s.clone();
        let target = target.clone();
        async move {
            signed(
                &s,
                "GET",
                &target,
                &[("range", r)],
                Payload::Bytes(b""),
                b"",
            )
            .await
        }
    };
    let a = range("bytes=2-4").await;
    assert_eq!((a.status, a.body.as_str()), (206, "234"));
    assert_eq!(a.header("content-range"), Some("bytes 2-4/10"));
    assert_eq!(range("bytes=-3").await.body, "789");
    let a = range("bytes=20-").await;
    assert_eq!((a.status, s3_code(&a).as_str()), (416, "InvalidRange"));

    let etag = get(&emu, &s, "/chk/k")
        .await
        .header("etag")
        .unwrap()
        .to_string();
    let a = signed(
        &s,
        "GET",
        &target,
        &[("if-none-match", &etag)],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!((a.status, a.body.as_str()), (304, ""));
    let a = signed(
        &s,
        "GET",
        &target,
        &[("if-match", "\"nope\"")],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(
        (a.status, s3_code(&a).as_str()),
        (412, "PreconditionFailed")
    );
    let a = signed(
        &s,
        "PUT",
        &target,
        &[("if-none-match", "*")],
        Payload::Bytes(b"x"),
        b"x",
    )
    .await;
    assert_eq!(s3_code(&a), "PreconditionFailed");

    // x-amz-checksum-crc32 and Content-MD5 are checked against the body.
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let crc = b64(&0x3610a686u32.to_be_bytes()); // CRC32("hello")
    let a = put(
        &emu,
        &s,
        "/chk/crc",
        b"hello",
        &[("x-amz-checksum-crc32", &crc)],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("x-amz-checksum-crc32"), Some(crc.as_str()));
    let a = signed(
        &s,
        "GET",
        &url(&emu, "/chk/crc"),
        &[("x-amz-checksum-mode", "ENABLED")],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.header("x-amz-checksum-crc32"), Some(crc.as_str()));
    let wrong = b64(&1u32.to_be_bytes());
    let a = put(
        &emu,
        &s,
        "/chk/crc",
        b"hello",
        &[("x-amz-checksum-crc32", &wrong)],
    )
    .await;
    assert_eq!((a.status, s3_code(&a).as_str()), (400, "BadDigest"));
    let md5_hex = MD5_HELLO.trim_matches('"');
    let md5: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&md5_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let md5 = b64(&md5);
    assert_eq!(
        put(&emu, &s, "/chk/md5", b"hello", &[("content-md5", &md5)])
            .await
            .status,
        200
    );
    assert_eq!(
        s3_code(&put(&emu, &s, "/chk/md5", b"hellO", &[("content-md5", &md5)]).await),
        "BadDigest"
    );

    // aws-chunked with unsigned chunks and a checksum trailer (what SDKs send over
    // HTTPS with flexible checksums).
    let body = format!("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n");
    let headers = [
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "5"),
        ("x-amz-trailer", "x-amz-checksum-crc32"),
    ];
    let a = signed(
        &s,
        "PUT",
        &url(&emu, "/chk/chunked"),
        &headers,
        Payload::StreamingTrailer,
        body.as_bytes(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(emu.object("chk", "chunked").as_deref(), Some(&b"hello"[..]));
    let a = get(&emu, &s, "/chk/chunked").await;
    assert_eq!(a.header("content-encoding"), None);
    let bad = format!("5\r\nhellO\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n");
    let a = signed(
        &s,
        "PUT",
        &url(&emu, "/chk/chunked"),
        &headers,
        Payload::StreamingTrailer,
        bad.as_bytes(),
    )
    .await;
    assert_eq!(s3_code(&a), "BadDigest");
    let short = "9\r\nhello\r\n0\r\n\r\n";
    let a = signed(
        &s,
        "PUT",
        &url(&emu, "/chk/chunked"),
        &headers,
        Payload::StreamingTrailer,
        short.as_bytes(),
    )
    .await;
    assert_eq!(s3_code(&a), "IncompleteBody");
    // Chunk-signed uploads are not implemented: said clearly.
    let mut h = s.headers("PUT", &url(&emu, "/chk/x"), &[], Payload::Unsigned);
    for (n, v) in h.iter_mut() {
        if n == "x-amz-content-sha256" {
            *v = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD".into();
        }
    }
    let a = send("PUT", &url(&emu, "/chk/x"), &h, vec![]).await;
    assert_eq!((a.status, s3_code(&a).as_str()), (501, "NotImplemented"));
    emu.shutdown().await;
}

#[tokio::test]
async fn buckets_and_unsupported_operations() {
    let (emu, s) = s3_setup().await;
    let region = emu.region().to_string();
    let a = signed(
        &s,
        "PUT",
        &url(&emu, "/made"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    // us-east-1 allows re-creating one's own bucket.
    assert_eq!(
        signed(
            &s,
            "PUT",
            &url(&emu, "/made"),
            &[],
            Payload::Bytes(b""),
            b""
        )
        .await
        .status,
        200
    );
    let a = signed(
        &s,
        "HEAD",
        &url(&emu, "/made"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(
        (a.status, a.header("x-amz-bucket-region")),
        (200, Some(region.as_str()))
    );
    let a = signed(
        &s,
        "HEAD",
        &url(&emu, "/missing"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.status, 404);
    let a = get(&emu, &s, "/made?location").await;
    assert_eq!(a.status, 200, "{}", a.body);
    put(&emu, &s, "/made/k", b"x", &[]).await;
    let a = get(&emu, &s, "/").await;
    assert!(a.body.contains("<Name>made</Name>"), "{}", a.body);
    let a = signed(
        &s,
        "DELETE",
        &url(&emu, "/made"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!((a.status, s3_code(&a).as_str()), (409, "BucketNotEmpty"));
    signed(
        &s,
        "DELETE",
        &url(&emu, "/made/k"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(
        signed(
            &s,
            "DELETE",
            &url(&emu, "/made"),
            &[],
            Payload::Bytes(b""),
            b""
        )
        .await
        .status,
        204
    );
    // Buckets in another region: created by the first request signed for it, and
    // then only reachable with that region.
    let eu = Signer::new(&s.creds, "s3", "eu-west-1");
    let config = b"<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";
    let a = signed(
        &eu,
        "PUT",
        &url(&emu, "/eu-bucket"),
        &[],
        Payload::Bytes(config),
        config,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = signed(
        &eu,
        "PUT",
        &url(&emu, "/eu-bucket"),
        &[],
        Payload::Bytes(config),
        config,
    )
    .await;
    assert_eq!(s3_code(&a), "BucketAlreadyOwnedByYou");
    let a = signed(
        &eu,
        "PUT",
        &url(&emu, "/eu-two"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(s3_code(&a), "IllegalLocationConstraintException");
    assert_eq!(put(&emu, &eu, "/eu-bucket/k", b"x", &[]).await.status, 200);
    assert_eq!(
        s3_code(&get(&emu, &s, "/eu-bucket/k").await),
        "AuthorizationHeaderMalformed"
    );
    assert!(get(&emu, &eu, "/eu-bucket?location")
        .await
        .body
        .contains(">eu-west-1</LocationConstraint>"));
    // Invalid names, features not modelled.
    assert_eq!(
        s3_code(&put(&emu, &s, "/Bad_Name/k", b"", &[]).await),
        "InvalidBucketName"
    );
    for (method, path) in [
        ("GET", "/made2/k?tagging"),
        ("GET", "/made2?uploads"),
        ("GET", "/made2/k?uploadId=x"),
        ("GET", "/made2?versions"),
    ] {
        let a = signed(&s, method, &url(&emu, path), &[], Payload::Bytes(b""), b"").await;
        assert_eq!(
            (a.status, s3_code(&a).as_str()),
            (501, "NotImplemented"),
            "{method} {path}"
        );
    }
    let copy = put(
        &emu,
        &s,
        "/made2/k",
        b"",
        &[("x-amz-copy-source", "/made2/j")],
    )
    .await;
    assert_eq!(s3_code(&copy), "NotImplemented");
    // Signature Version 2, header or query: refused as by SigV4-only buckets.
    let v2 = [(
        "authorization".to_string(),
        format!("AWS {}:c2lnbmF0dXJl", s.creds.akid),
    )];
    let a = send("GET", &url(&emu, "/made2/k"), &v2, vec![]).await;
    assert_eq!((a.status, s3_code(&a).as_str()), (400, "InvalidRequest"));
    assert!(a.body.contains("Please use AWS4-HMAC-SHA256"), "{}", a.body);
    let v2_url = url(
        &emu,
        "/made2/k?AWSAccessKeyId=AKID&Signature=c2ln&Expires=1",
    );
    assert_eq!(
        s3_code(&send("GET", &v2_url, &[], vec![]).await),
        "InvalidRequest"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn sts_credentials_sign_too() {
    let emu = start().await;
    let id = get_id(&emu, DEFAULT_UNAUTH_POOL_ID, json!({})).await;
    let token = cognito(&emu, "GetOpenIdToken", json!({"IdentityId": id}))
        .await
        .json()["Token"]
        .as_str()
        .unwrap()
        .to_string();
    let a = sts(
        &emu,
        &[
            ("RoleArn", "arn:aws:iam::123456789012:role/Cognito_Unauth"),
            ("RoleSessionName", "game"),
            ("WebIdentityToken", &token),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let creds = Creds {
        akid: a.xml_tag("AccessKeyId").unwrap(),
        secret: a.xml_tag("SecretAccessKey").unwrap(),
        token: a.xml_tag("SessionToken"),
        identity_id: id.clone(),
    };
    let s = Signer::new(&creds, "s3", emu.region());
    assert_eq!(put(&emu, &s, "/sts/k", b"hello", &[]).await.status, 200);
    let recent = emu.recent_requests();
    assert_eq!(recent[0].identity_id.as_deref(), Some(id.as_str()));
    assert_eq!(emu.issued_credentials(), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn multipart_uploads() {
    let (emu, s) = s3_setup().await;
    let object = url(&emu, "/multi/big.bin");
    let a = signed(
        &s,
        "POST",
        &format!("{object}?uploads"),
        &[("content-type", "video/mp4")],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.xml_tag("UploadId").unwrap();
    let part = |n: u32, data: Vec<u8>| {
        let s = s.clone();
        let u = format!("{object}?partNumber={n}&uploadId={id}");
        async move { signed(&s, "PUT", &u, &[], Payload::Bytes(&data), &data).await }
    };
    let first: Vec<u8> = (0..5 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let a = part(1, first.clone()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let etag1 = a.header("etag").unwrap().to_string();
    let etag2 = part(2, b"tail".to_vec())
        .await
        .header("etag")
        .unwrap()
        .to_string();
    let small = part(3, b"x".to_vec())
        .await
        .header("etag")
        .unwrap()
        .to_string();
    assert_eq!(s3_code(&part(0, b"x".to_vec()).await), "InvalidArgument");
    assert_eq!(
        s3_code(&part(10_001, b"x".to_vec()).await),
        "InvalidArgument"
    );
    let complete = |parts: Vec<(u32, String)>| {
        let s = s.clone();
        let u = format!("{object}?uploadId={id}");
        async move {
            let mut xml = String::from("<CompleteMultipartUpload>");
            for (n, e) in parts {
                xml.push_str(&format!(
                    "<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"
                ));
            }
            xml.push_str("</CompleteMultipartUpload>");
            signed(
                &s,
                "POST",
                &u,
                &[],
                Payload::Bytes(xml.as_bytes()),
                xml.as_bytes(),
            )
            .await
        }
    };
    // Only the last part may be under 5 MiB; parts in order, with their ETags.
    let a = complete(vec![(2, etag2.clone()), (3, small)]).await;
    assert_eq!((a.status, s3_code(&a).as_str()), (400, "EntityTooSmall"));
    let a = complete(vec![(2, etag2.clone()), (1, etag1.clone())]).await;
    assert_eq!(s3_code(&a), "InvalidPartOrder");
    let a = complete(vec![(1, etag2.clone()), (2, etag2.clone())]).await;
    assert_eq!(s3_code(&a), "InvalidPart");
    let a = complete(vec![]).await;
    assert_eq!(s3_code(&a), "MalformedXML");
    assert_eq!(emu.object("multi", "big.bin"), None);
    // Parts 1 and 2 (part 3 left out is discarded).
    let a = complete(vec![(1, etag1), (2, etag2)]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let etag = a.xml_tag("ETag").unwrap();
    assert!(etag.ends_with("-2&quot;"), "{etag}");
    let mut whole = first;
    whole.extend_from_slice(b"tail");
    assert_eq!(emu.object("multi", "big.bin"), Some(whole.clone()));
    let a = signed(&s, "HEAD", &object, &[], Payload::Bytes(b""), b"").await;
    assert_eq!(a.header("content-type"), Some("video/mp4"));
    assert_eq!(
        a.header("content-length"),
        Some(whole.len().to_string().as_str())
    );
    // The upload is gone.
    assert_eq!(s3_code(&part(4, b"x".to_vec()).await), "NoSuchUpload");
    // Abort frees the parts.
    let id2 = signed(
        &s,
        "POST",
        &format!("{object}?uploads"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await
    .xml_tag("UploadId")
    .unwrap();
    let used = emu.object_store_bytes();
    let u = format!("{object}?partNumber=1&uploadId={id2}");
    assert_eq!(
        signed(&s, "PUT", &u, &[], Payload::Bytes(b"abc"), b"abc")
            .await
            .status,
        200
    );
    assert!(emu.object_store_bytes() > used);
    let a = signed(
        &s,
        "DELETE",
        &format!("{object}?uploadId={id2}"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!(a.status, 204, "{}", a.body);
    assert_eq!(emu.object_store_bytes(), used);
    let a = signed(
        &s,
        "DELETE",
        &format!("{object}?uploadId={id2}"),
        &[],
        Payload::Bytes(b""),
        b"",
    )
    .await;
    assert_eq!((a.status, s3_code(&a).as_str()), (404, "NoSuchUpload"));
    assert_eq!(emu.request_count_named("s3:UploadPart"), 7);
    emu.shutdown().await;
}
