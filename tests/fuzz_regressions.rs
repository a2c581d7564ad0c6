//! Replays the fuzz seeds (`fuzz/seeds/<target>/`) and past findings (`fuzz/regressions/<target>/`)
//! through the fuzz harness itself, so they run in every `cargo test`, without cargo-fuzz. The
//! harness panics when an invariant breaks (a parser error that is not a typed InvalidResponse,
//! a C ABI call that panics, fails without a last error message or never completes...): see
//! `fuzz/src/lib.rs`.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|e| e.expect("directory entry").path())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("{}: {e}", dir.display()),
    };
    files.retain(|f| f.is_file());
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let seeds = inputs("seeds", target);
    assert!(!seeds.is_empty(), "no seeds for {target}");
    for file in seeds.iter().chain(&inputs("regressions", target)) {
        let data = std::fs::read(file).expect("readable input");
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            panic!("{target} fails on {}", file.display());
        }
    }
}

#[test]
fn cognito_json() {
    replay("cognito_json", harness::cognito_json);
}

#[test]
fn sts_xml() {
    replay("sts_xml", harness::sts_xml);
}

#[test]
fn options_json() {
    replay("options_json", harness::options_json);
}

#[test]
fn ffi_entry() {
    replay("ffi_entry", harness::ffi_entry);
}

/// The seeds must reach the success paths, or the fuzzers would start from errors only.
#[test]
fn seeds_parse_as_aws_answers() {
    use cognito_native::fuzzing;
    let seed = |target: &str, name: &str| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fuzz/seeds/{target}/{name}"));
        let data = std::fs::read(path).expect("seed");
        let body = data.split(|b| *b == 0).next().unwrap_or_default().to_vec();
        body
    };
    let c = fuzzing::cognito_get_credentials(&seed("cognito_json", "get_credentials.json"), &None)
        .unwrap();
    assert_eq!(c.access_key_id, "ASIAZ2FAKEEXAMPLE7QX");
    fuzzing::cognito_get_id(&seed("cognito_json", "get_id.json"), &None).unwrap();
    fuzzing::cognito_get_open_id_token(&seed("cognito_json", "get_open_id_token.json"), &None)
        .unwrap();
    let body = seed("sts_xml", "assume_role_with_web_identity.xml");
    let c = fuzzing::sts_credentials(&body, "us-east-1:x", &None).unwrap();
    assert!(c.session_token.expose().contains("&token"));
    let e = fuzzing::sts_error(
        400,
        &seed("sts_xml", "error_invalid_identity_token.xml"),
        None,
    );
    assert_eq!(e.kind(), cognito_native::ErrorKind::InvalidIdentityToken);
    let options = String::from_utf8(seed("options_json", "all_keys.json")).unwrap();
    let config = fuzzing::provider_config(
        Some(&options),
        "eu-west-1:00000000-0000-4000-8000-000000000001",
    );
    assert!(config.is_ok(), "{:?}", config.err());
}

/// Found by `sts_xml` (fuzz/regressions/sts_xml/expiration-in-year-5391.xml): STS credentials
/// "expiring" in 5391 were accepted, and the cache would never have refreshed them. Expirations are
/// now held to the window Cognito's answers already were (1970 to 2400).
#[test]
fn sts_expirations_outside_1970_to_2400_are_refused() {
    use cognito_native::{fuzzing, ErrorKind};
    let answer = |expiration: &str| {
        format!(
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
             <AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
             <SessionToken>t</SessionToken><Expiration>{expiration}</Expiration>\
             </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
        )
    };
    for bad in [
        "5391-11-22T03:08:13Z",
        "2400-01-01T00:00:01Z",
        "1969-12-31T23:59:59Z",
    ] {
        let e = fuzzing::sts_credentials(answer(bad).as_bytes(), "us-east-1:1", &None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{bad}");
    }
    for good in [
        "1970-01-01T00:00:00Z",
        "2026-11-22T03:08:13.250Z",
        "2400-01-01T00:00:00Z",
    ] {
        assert!(fuzzing::sts_credentials(answer(good).as_bytes(), "us-east-1:1", &None).is_ok());
    }
}
