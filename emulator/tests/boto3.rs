//! An independent client: boto3/botocore (installed in target/moto-venv by
//! scripts/moto-env.sh) gets Cognito credentials from the emulator with its own
//! cognito-identity client and uses them on the emulator's S3 endpoint (put, get,
//! head, range, list and paginate, presigned GET and PUT, multipart upload and ranged
//! download through s3transfer, errors) and its generic JSON
//! endpoint (DynamoDB PutItem, echoed), over HTTP and over HTTPS with the test CA.

use std::path::PathBuf;
use std::process::Command;

use cognito_emulator::{Emulator, EmulatorConfig, DEFAULT_UNAUTH_POOL_ID};
use serde_json::Value;

/// The venv's python; fails (never skips) when the venv is missing.
fn venv_python() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("target/moto-venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: create the venv (moto, boto3, botocore) with `scripts/moto-env.sh` \
         from the repository root, then run this test again",
        python.display()
    );
    python
}

/// Runs the client script against `emu`; its JSON report.
fn run_client(emu: &Emulator, ca_file: Option<&std::path::Path>) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/boto3/client_check.py");
    let mut cmd = Command::new(venv_python());
    cmd.arg(&script)
        .arg(emu.url())
        .arg(DEFAULT_UNAUTH_POOL_ID)
        .arg(emu.region());
    if let Some(ca) = ca_file {
        cmd.arg(ca);
    }
    // Nothing from the machine's AWS set-up may take part.
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy");
    let out = cmd.output().expect("run the venv's python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "boto3 client check failed ({}):\n{stderr}\n{stdout}",
        out.status
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {stdout}\n{stderr}"))
}

fn check_report(emu: &Emulator, report: &Value) {
    let identity = report["identity_id"].as_str().unwrap();
    assert_eq!(report["echo"]["IdentityId"], identity);
    assert_eq!(report["after_delete"], "NoSuchKey");
    assert_eq!(report["wrong_secret"], "SignatureDoesNotMatch");
    assert_eq!(report["ddb_wrong_secret"], "InvalidSignatureException");
    // What boto3 stored is what the emulator holds.
    assert_eq!(
        emu.object("boto3-bucket", "presigned.bin").as_deref(),
        Some(&b"via presigned PUT"[..])
    );
    assert_eq!(
        emu.object("boto3-bucket", "page/1").as_deref(),
        Some(&b"1"[..])
    );
    assert_eq!(
        report["put_etag"].as_str(),
        Some(format!("\"{}\"", md5_hex(b"hello from boto3")).as_str())
    );
    // botocore presigns with SigV2 in us-east-1 unless told s3v4: refused, as S3
    // refuses it (the script then presigns with s3v4).
    assert_eq!(
        report["sigv2_presigned"][0], 400,
        "{}",
        report["sigv2_presigned"]
    );
    assert!(emu.request_count_named("s3:PutObject") >= 5);
    assert_eq!(emu.request_count_named("s3:CreateMultipartUpload"), 1);
    assert_eq!(emu.request_count_named("s3:UploadPart"), 2);
    assert_eq!(emu.request_count_named("s3:CompleteMultipartUpload"), 1);
    assert_eq!(
        emu.object("boto3-bucket", "big/nine.bin").map(|d| d.len()),
        Some(9 * 1024 * 1024)
    );
    assert_eq!(emu.request_count_named("dynamodb:PutItem"), 2);
    assert_eq!(emu.request_count_named("GetCredentialsForIdentity"), 1);
    let verified: Vec<_> = emu
        .recent_requests()
        .into_iter()
        .filter(|r| r.error.is_none())
        .collect();
    assert!(!verified.is_empty());
    assert!(verified
        .iter()
        .all(|r| r.identity_id.as_deref() == Some(identity)));
}

/// MD5 with the system's `md5sum`, independent of the emulator's own.
fn md5_hex(data: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("md5sum");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn boto3_over_http() {
    let emu = Emulator::start_background(EmulatorConfig::default()).expect("emulator starts");
    let report = run_client(&emu, None);
    check_report(&emu, &report);
    // Over plain HTTP botocore signs the payload's SHA-256 (and sends its CRC32 in
    // a header, which the emulator checks).
    let puts = report["put_requests"].as_array().unwrap();
    assert!(!puts.is_empty());
    assert!(
        puts.iter()
            .all(|p| p["checksum"] == serde_json::json!(["x-amz-checksum-crc32"])),
        "{puts:?}"
    );
    assert!(
        puts.iter().all(|p| p["x-amz-content-sha256"]
            .as_str()
            .is_some_and(|h| h.len() == 64)),
        "{puts:?}"
    );
}

#[test]
fn boto3_over_https() {
    let emu = Emulator::start_background(EmulatorConfig {
        tls: true,
        ..Default::default()
    })
    .expect("emulator starts");
    let dir = std::env::temp_dir().join(format!("emulator-boto3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, emu.ca_pem().unwrap()).unwrap();
    let report = run_client(&emu, Some(&ca));
    let _ = std::fs::remove_dir_all(&dir);
    check_report(&emu, &report);
    // Over HTTPS botocore streams uploads as aws-chunked with a checksum trailer:
    // the emulator decoded them and checked the trailer's checksum.
    let puts = report["put_requests"].as_array().unwrap();
    assert!(!puts.is_empty());
    assert!(
        puts.iter().all(
            |p| p["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
                && p["content-encoding"] == "aws-chunked"
        ),
        "{puts:?}"
    );
}
