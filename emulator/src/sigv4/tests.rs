//! The verifier against the SigV4 test suite and hand-made requests.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;

/// A request as the test suite writes it: request line, headers (continuation
/// lines start with whitespace), blank line, body.
struct Raw {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn parse(text: &str) -> Raw {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let first = lines.next().expect("request line");
        let (method, rest) = first.split_once(' ').expect("method");
        let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (target.to_string(), None),
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("continued header");
                last.1.push('\n');
                last.1.push_str(line);
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.to_ascii_lowercase(), value.to_string()));
            }
        }
        Raw {
            method: method.to_string(),
            path,
            query,
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn view(&self) -> RequestView<'_> {
        RequestView {
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: self.headers.clone(),
            body: &self.body,
        }
    }
}

struct Context {
    akid: String,
    secret: String,
    region: String,
    service: String,
    now: SystemTime,
    normalize: bool,
}

fn context(dir: &Path) -> Option<Context> {
    let text = std::fs::read_to_string(dir.join("context.json")).ok()?;
    let v: Value = serde_json::from_str(&text).expect("context.json parses");
    let ts = v["timestamp"].as_str()?;
    let now = time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
        .expect("timestamp parses");
    Some(Context {
        akid: v["credentials"]["access_key_id"].as_str()?.to_string(),
        secret: v["credentials"]["secret_access_key"].as_str()?.to_string(),
        region: v["region"].as_str()?.to_string(),
        service: v["service"].as_str()?.to_string(),
        now: UNIX_EPOCH + Duration::from_secs(now.unix_timestamp() as u64),
        normalize: v["normalize"].as_bool().unwrap_or(true),
    })
}

fn check(ctx: &Context, req: &RequestView<'_>, secret: &str) -> Result<Verified, ApiError> {
    let policy = Policy {
        region: &ctx.region,
        service: &ctx.service,
        now: ctx.now,
    };
    verify(req, &policy, |akid| {
        (akid == ctx.akid).then(|| secret.to_string())
    })
}

/// Runs one vector directory (both signature locations); the failures.
fn run_vector(dir: &Path) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let Some(ctx) = context(dir) else {
        return vec![];
    };
    let mut failures = Vec::new();
    for kind in ["header", "query"] {
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{kind}-signed-request.txt")))
        else {
            continue;
        };
        let raw = Raw::parse(&text);
        let req = raw.view();
        match check(&ctx, &req, &ctx.secret) {
            Ok(v) if v.access_key_id == ctx.akid => {}
            other => failures.push(format!("{name} ({kind}): {other:?}")),
        }
        let wrong = format!("{}x", ctx.secret);
        if check(&ctx, &req, &wrong).map_err(|e| e.code) != Err("InvalidSignatureException".into())
        {
            failures.push(format!("{name} ({kind}): accepted with a wrong secret"));
        }
        let mut tampered = raw.view();
        let body = [raw.body.as_slice(), b"!"].concat();
        tampered.body = &body;
        if check(&ctx, &tampered, &ctx.secret).is_ok() {
            failures.push(format!("{name} ({kind}): accepted with a changed body"));
        }
    }
    failures
}

fn vector_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

#[test]
fn aws_sigv4_test_suite_vectors() {
    let root = crate::sigv4_suite::aws_sigv4_test_suite_dir();
    let mut ran = 0;
    let mut failures = Vec::new();
    for dir in vector_dirs(&root) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let normalized = context(&dir).is_some_and(|c| c.normalize);
        // The emulator verifies as a non-S3 service, which normalises paths; the
        // `double-*` vectors have no context.
        if !(name.starts_with("get-") || name.starts_with("post-")) || !normalized {
            continue;
        }
        ran += 1;
        failures.extend(run_vector(&dir));
    }
    assert!(ran >= 20, "only {ran} vectors in {}", root.display());
    assert!(failures.is_empty(), "{failures:#?}");
}

// ---- hand-made requests ----

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn at(amz_date: &str) -> SystemTime {
    parse_amz_date(amz_date).unwrap().1
}

fn policy(now: SystemTime) -> Policy<'static> {
    Policy {
        region: "us-east-1",
        service: "cognito-identity",
        now,
    }
}

/// Signs like a client would (the verifier's own building blocks are tested
/// against the suite above).
fn signed(body: &str, amz_date: &str, scope_region: &str, extra: &[(&str, &str)]) -> Raw {
    let mut raw = Raw {
        method: "POST".into(),
        path: "/".into(),
        query: None,
        headers: vec![
            ("host".into(), "127.0.0.1:4566".into()),
            (
                "x-amz-target".into(),
                "AWSCognitoIdentityService.LookupDeveloperIdentity".into(),
            ),
            ("x-amz-date".into(), amz_date.into()),
        ],
        body: body.as_bytes().to_vec(),
    };
    for (k, v) in extra {
        raw.headers.push((k.to_string(), v.to_string()));
    }
    let mut names: Vec<String> = raw.headers.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    let auth = Auth {
        credential: format!(
            "{AKID}/{}/{scope_region}/cognito-identity/aws4_request",
            &amz_date[..8]
        ),
        signed_headers: names.clone(),
        signature: String::new(),
        amz_date: amz_date.into(),
        date: at(amz_date),
        expires: None,
        presigned: false,
    };
    let canonical = canonical_request(&raw.view(), &[], &auth, false);
    let key = signing_key(SECRET, &amz_date[..8], scope_region, "cognito-identity");
    let sig = hex(hmac::sign(&key, string_to_sign(&auth, &canonical).as_bytes()).as_ref());
    raw.headers.push((
        "authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}, SignedHeaders={}, Signature={sig}",
            auth.credential,
            names.join(";")
        ),
    ));
    raw
}

fn secret(akid: &str) -> Option<String> {
    (akid == AKID).then(|| SECRET.to_string())
}

fn code(r: Result<Verified, ApiError>) -> String {
    r.map_or_else(|e| e.code, |_| "ok".into())
}

#[test]
fn hand_made_requests() {
    let date = "20240102T030405Z";
    let now = at(date);
    let raw = signed("{}", date, "us-east-1", &[]);
    let ok = verify(&raw.view(), &policy(now), secret).unwrap();
    assert_eq!(ok.access_key_id, AKID);
    assert_eq!(ok.session_token, None);

    let with_token = signed("{}", date, "us-east-1", &[("x-amz-security-token", "tok")]);
    let ok = verify(&with_token.view(), &policy(now), secret).unwrap();
    assert_eq!(ok.session_token.as_deref(), Some("tok"));

    // Unknown key, wrong region, tampered body.
    assert_eq!(
        code(verify(&raw.view(), &policy(now), |_| None)),
        "UnrecognizedClientException"
    );
    let elsewhere = signed("{}", date, "eu-west-1", &[]);
    let err = verify(&elsewhere.view(), &policy(now), secret).unwrap_err();
    assert_eq!(
        err.message,
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
    );
    let mut tampered = raw.view();
    tampered.body = b"{ }";
    assert_eq!(
        code(verify(&tampered, &policy(now), secret)),
        "InvalidSignatureException"
    );

    // Five minutes either way.
    let err = verify(&raw.view(), &policy(now + Duration::from_secs(301)), secret).unwrap_err();
    assert_eq!(
        err.message,
        "Signature expired: 20240102T030405Z is now earlier than 20240102T030406Z (20240102T030906Z - 5 min.)"
    );
    assert!(verify(&raw.view(), &policy(now + Duration::from_secs(300)), secret).is_ok());
    let err = verify(&raw.view(), &policy(now - Duration::from_secs(301)), secret).unwrap_err();
    assert!(
        err.message
            .starts_with("Signature not yet current: 20240102T030405Z is still later than"),
        "{}",
        err.message
    );
}

#[test]
fn malformed_authorization() {
    let date = "20240102T030405Z";
    let now = at(date);
    let mut raw = signed("{}", date, "us-east-1", &[]);
    raw.headers.retain(|(n, _)| n != "authorization");
    assert_eq!(
        code(verify(&raw.view(), &policy(now), secret)),
        "MissingAuthenticationTokenException"
    );
    for (auth, expected) in [
        ("Bearer abc", "Unsupported AWS 'algorithm': 'Bearer'"),
        (
            "AWS4-HMAC-SHA256 Credential=x",
            "Authorization header requires 'Signature' parameter.",
        ),
        (
            "AWS4-HMAC-SHA256 garbage",
            "'garbage' not a valid key=value pair",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=00",
            "Credential must have exactly 5 slash-delimited elements",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=a/20240102/us-east-1/cognito-identity/aws4_request, SignedHeaders=x-amz-date, Signature=00",
            "'Host' or ':authority' must be a 'SignedHeader'",
        ),
    ] {
        let mut r = signed("{}", date, "us-east-1", &[]);
        r.headers.retain(|(n, _)| n != "authorization");
        r.headers.push(("authorization".into(), auth.into()));
        let err = verify(&r.view(), &policy(now), secret).unwrap_err();
        assert_eq!(err.code, "IncompleteSignatureException", "{auth}");
        assert!(err.message.contains(expected), "{auth}: {}", err.message);
    }
    let mut r = signed("{}", date, "us-east-1", &[]);
    for h in r.headers.iter_mut().filter(|(n, _)| n == "x-amz-date") {
        h.1 = "2024-01-02T03:04:05Z".into();
    }
    let err = verify(&r.view(), &policy(now), secret).unwrap_err();
    assert!(err
        .message
        .starts_with("Date must be in ISO-8601 'basic format'"));
}

#[test]
fn building_blocks() {
    assert_eq!(normalize_path(""), "/");
    assert_eq!(normalize_path("/"), "/");
    assert_eq!(normalize_path("//example//"), "/example/");
    assert_eq!(normalize_path("/a/b/../.."), "/");
    assert_eq!(normalize_path("/a/./b/."), "/a/b/");
    assert_eq!(uri_encode("/a b/%3D", true), "/a%20b/%253D");
    assert_eq!(uri_encode("a/b~", false), "a%2Fb~");
    assert_eq!(percent_decode("%E1%88%B4=%zz%4"), "\u{1234}=%zz%4");
    assert_eq!(canonical_value("  a   b\n   c "), "a b c");
    assert_eq!(format_amz_date(at("20150830T123600Z")), "20150830T123600Z");
    assert!(parse_amz_date("20151330T123600Z").is_err());
    assert_eq!(unhex("0aFF"), Some(vec![10, 255]));
    assert_eq!(unhex("0"), None);
}
