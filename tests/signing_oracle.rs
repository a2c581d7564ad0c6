//! Our signatures, made through the C ABI with credentials from the emulator, against botocore's
//! (an independent signer, tests/oracle/botocore_sigv4.py) for the same request, credentials
//! and time: header and query signing, S3 and other services, keys with spaces, unicode and `+`,
//! queries, headers, bodies, signed and unsigned payloads.

mod common;

use cognito_native::ffi::*;
use common::ffi::*;
use common::*;
use serde_json::{json, Value};
use std::ffi::CString;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Header,
    Query,
}

struct Case {
    kind: Kind,
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static [u8],
    unsigned_payload: bool,
    service: &'static str,
    region: Option<&'static str>,
}

fn case(kind: Kind, method: &'static str, url: &str, service: &'static str) -> Case {
    Case {
        kind,
        method,
        url: url.to_owned(),
        headers: vec![],
        body: b"",
        unsigned_payload: false,
        service,
        region: None,
    }
}

fn cases() -> Vec<Case> {
    use Kind::*;
    let s3 = "https://my-bucket.s3.eu-west-1.amazonaws.com";
    let api = "https://abc123.execute-api.us-east-1.amazonaws.com";
    let mut all = vec![];
    for kind in [Header, Query] {
        for key in [
            "/replays/match-1.bin",
            "/a%20key%20with%20spaces.txt",
            "/unicode/%E2%82%AC%C3%A9%F0%9F%8E%AE.dat",
            "/plus%2Bsign+raw.txt",
            "/deep/./path/../kept/as-is",
            "/",
        ] {
            all.push(Case {
                region: Some("eu-west-1"),
                ..case(kind, "GET", &format!("{s3}{key}"), "s3")
            });
        }
        all.push(Case {
            region: Some("eu-west-1"),
            ..case(
                kind,
                "GET",
                &format!("{s3}/?list-type=2&prefix=replays%2F&max-keys=10"),
                "s3",
            )
        });
        all.push(case(
            kind,
            "GET",
            &format!("{api}/prod/players/a%20b/../x?q=%E2%82%AC&a=1"),
            "execute-api",
        ));
        all.push(case(
            kind,
            "GET",
            &format!("{api}/prod/unicode/%C3%A9+plus"),
            "execute-api",
        ));
    }
    // Header signing only: bodies, headers, unsigned payloads, JSON protocols.
    all.push(Case {
        body: b"replay bytes \x00\x01\x02",
        headers: vec![
            ("content-type", "application/octet-stream"),
            ("x-amz-meta-player", "  two  spaces "),
        ],
        region: Some("eu-west-1"),
        ..case(
            Kind::Header,
            "PUT",
            &format!("{s3}/replays/match%202.bin"),
            "s3",
        )
    });
    all.push(Case {
        unsigned_payload: true,
        region: Some("eu-west-1"),
        ..case(
            Kind::Header,
            "PUT",
            &format!("{s3}/streamed/upload.bin"),
            "s3",
        )
    });
    all.push(Case {
        body: r#"{"TableName":"scores","Item":{"player":{"S":"p+1 é"}}}"#.as_bytes(),
        headers: vec![
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", "DynamoDB_20120810.PutItem"),
        ],
        ..case(
            Kind::Header,
            "POST",
            "https://dynamodb.us-east-1.amazonaws.com/",
            "dynamodb",
        )
    });
    all.push(Case {
        body: br#"{"StreamName":"events","Data":"aGVsbG8=","PartitionKey":"p1"}"#,
        headers: vec![
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "Kinesis_20131202.PutRecord"),
        ],
        region: Some("ap-northeast-1"),
        ..case(
            Kind::Header,
            "POST",
            "https://kinesis.ap-northeast-1.amazonaws.com/",
            "kinesis",
        )
    });
    all.push(Case {
        body: br#"{"score": 42}"#,
        headers: vec![("content-type", "application/json")],
        ..case(
            Kind::Header,
            "POST",
            "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/submit-score/invocations",
            "lambda",
        )
    });
    all
}

/// A C request for `c`; the strings live in `keep`.
fn c_request(
    c: &Case,
    keep: &mut Vec<CString>,
    headers: &mut Vec<cognito_header>,
) -> cognito_sign_request {
    let mut s = |v: &str| {
        keep.push(cstr(v));
        keep.last().unwrap().as_ptr().cast()
    };
    *headers = c
        .headers
        .iter()
        .map(|(k, v)| cognito_header {
            name: s(k),
            value: s(v),
        })
        .collect();
    cognito_sign_request {
        method: s(c.method),
        url: s(&c.url),
        headers: headers.as_ptr(),
        header_count: headers.len(),
        body: c.body.as_ptr(),
        body_len: c.body.len(),
        payload_sha256: std::ptr::null(),
        unsigned_payload: c.unsigned_payload,
        service: s(c.service),
        region: c.region.map_or(std::ptr::null(), &mut s),
    }
}

/// (signature, signed headers, amz date, expires) of our signing of `c`.
fn ours(p: *mut cognito_provider, c: &Case) -> (String, String, String, u64) {
    let (mut keep, mut headers) = (vec![], vec![]);
    let request = c_request(c, &mut keep, &mut headers);
    match c.kind {
        Kind::Header => {
            let mut out = std::ptr::null_mut();
            assert_eq!(
                cognito_provider_sign_cached(p, &request, &mut out),
                cognito_status::Ok,
                "{}",
                last_error()
            );
            // SAFETY: a list the library handed out, freed below.
            let list = unsafe { &*out };
            let entries = unsafe { std::slice::from_raw_parts(list.headers, list.count) };
            let get = |name: &str| {
                entries
                    .iter()
                    .map(|h| unsafe { (read(h.name).unwrap(), read(h.value).unwrap()) })
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v)
            };
            let authorization = get("authorization").expect("authorization");
            let date = get("x-amz-date").expect("x-amz-date");
            cognito_signed_headers_free(out);
            let signature = authorization
                .rsplit_once("Signature=")
                .unwrap()
                .1
                .to_owned();
            let signed = authorization.split_once("SignedHeaders=").unwrap().1;
            let signed = signed.split_once(',').unwrap().0.to_owned();
            (signature, signed, date, 0)
        }
        Kind::Query => {
            let (mut url, mut expiration) = (None, 0i64);
            assert_eq!(
                cognito_provider_presign_cached(p, &request, 900, &mut url, &mut expiration),
                cognito_status::Ok,
                "{}",
                last_error()
            );
            let url = url.unwrap().to_str().to_owned();
            let query = url.split_once('?').unwrap().1;
            let param = |name: &str| {
                url::form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_else(|| panic!("no {name} in {url}"))
            };
            (
                param("X-Amz-Signature"),
                param("X-Amz-SignedHeaders"),
                param("X-Amz-Date"),
                param("X-Amz-Expires").parse().unwrap(),
            )
        }
    }
}

#[test]
fn botocore_agrees_with_every_signature() {
    let venv = python_venv();
    let (_rt, emu) = emulator_on_own_runtime();
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_credentials(p, Some(on_credentials), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap().0,
        cognito_status::Ok
    );
    let mut creds = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_cached_credentials(p, &mut creds),
        cognito_status::Ok
    );
    // SAFETY: valid until freed below.
    let (akid, secret, token) = unsafe {
        let c = &*creds;
        (
            read(c.access_key_id).unwrap(),
            read(c.secret_access_key).unwrap(),
            read(c.session_token).unwrap(),
        )
    };
    cognito_credentials_free(creds);

    let cases = cases();
    let mut input = String::new();
    let mut expected = vec![];
    for c in &cases {
        let (signature, signed_headers, amz_date, expires) = ours(p, c);
        input.push_str(
            &json!({
                "kind": if c.kind == Kind::Header { "header" } else { "query" },
                "method": c.method,
                "url": c.url,
                "headers": c.headers,
                "body_hex": c.body.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                "unsigned_payload": c.unsigned_payload,
                "service": c.service,
                "region": c.region.unwrap_or("us-east-1"),
                "access_key_id": akid,
                "secret_access_key": secret,
                "session_token": token,
                "amz_date": amz_date,
                "expires": expires,
            })
            .to_string(),
        );
        input.push('\n');
        expected.push((signature, signed_headers));
    }
    let mut child = Command::new(venv.join("bin/python"))
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/oracle/botocore_sigv4.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run botocore");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "botocore failed");
    let theirs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(theirs.len(), cases.len());
    let mut disagreements = vec![];
    for ((c, (signature, signed)), b) in cases.iter().zip(&expected).zip(&theirs) {
        if b["signature"] != signature.as_str() || b["signed_headers"] != signed.as_str() {
            disagreements.push(format!(
                "{} {} {} ({}): ours {signature} [{signed}], botocore {} [{}]",
                if c.kind == Kind::Header {
                    "header"
                } else {
                    "query"
                },
                c.method,
                c.url,
                c.service,
                b["signature"],
                b["signed_headers"]
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases differ:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    println!("botocore agrees on all {} signatures", cases.len());
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}
