//! The `cognito-native` command, run as a user would.

use cognito_emulator::{
    Emulator, EmulatorConfig, Operation, DEFAULT_DEVELOPER_PROVIDER_NAME, DEFAULT_UNAUTH_POOL_ID,
    TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY,
};
use std::process::Command;

fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_cognito-native"))
        .args(args)
        .env("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", TEST_SECRET_ACCESS_KEY)
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("run cognito-native");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.is_empty() {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn the_demo_prints_credentials_from_the_bundled_emulator() {
    let c = run(&["credentials"]);
    assert_eq!(c["Version"], 1);
    assert!(c["IdentityId"].as_str().unwrap().starts_with("us-east-1:"));
    assert!(c["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(!c["SecretAccessKey"].as_str().unwrap().is_empty());
    assert!(!c["SessionToken"].as_str().unwrap().is_empty());
    assert!(c["Expiration"].as_str().unwrap().ends_with('Z'));
    let i = run(&["identity"]);
    assert!(i["IdentityId"].as_str().unwrap().starts_with("us-east-1:"));
}

#[test]
fn bad_input_fails_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_cognito-native"))
        .args(["identity", "--pool", "not-a-pool"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_commands_against_a_running_emulator() {
    let emu = Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts");
    let url = emu.url();
    let token = run(&["dev-token", "--user-id", "player-9"]);
    assert!(token["IdentityId"]
        .as_str()
        .unwrap()
        .starts_with("us-east-1:"));

    let common = ["--pool", DEFAULT_UNAUTH_POOL_ID, "--endpoint", url.as_str()];
    let minted = run(&[
        &[
            "dev-token",
            "--user-id",
            "player-9",
            "--provider-name",
            DEFAULT_DEVELOPER_PROVIDER_NAME,
        ][..],
        &common[..],
    ]
    .concat());
    let id = minted["IdentityId"].as_str().unwrap().to_owned();
    let found = run(&[&["dev-lookup", "--user-id", "player-9"][..], &common[..]].concat());
    assert_eq!(found["IdentityId"], id.as_str());
    assert_eq!(found["DeveloperUserIdentifierList"][0], "player-9");
    run(&[
        &[
            "dev-unlink",
            "--identity-id",
            &id,
            "--provider-name",
            DEFAULT_DEVELOPER_PROVIDER_NAME,
            "--user-id",
            "player-9",
        ][..],
        &common[..],
    ]
    .concat());
    let after = run(&[&["dev-lookup", "--identity-id", &id][..], &common[..]].concat());
    assert_eq!(
        after["DeveloperUserIdentifierList"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(emu.request_count(Operation::UnlinkDeveloperIdentity), 1);
}

#[test]
fn credential_process_prints_what_the_aws_cli_reads() {
    let c = run(&["credential-process"]);
    let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "Expiration",
            "SecretAccessKey",
            "SessionToken",
            "Version"
        ],
        "exactly the credential_process keys"
    );
    assert_eq!(c["Version"], 1);
    let expiration = c["Expiration"].as_str().unwrap();
    time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{expiration}: {e}"));
}

/// The Python venv with botocore (scripts/moto-env.sh installs it if needed).
fn python() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(root.join("scripts/moto-env.sh"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run scripts/moto-env.sh");
    assert!(out.status.success(), "scripts/moto-env.sh failed");
    std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()).join("bin/python")
}

/// Stops the server when the test ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_credentials_feeds_botocore_and_refuses_requests_without_the_token() {
    use std::io::BufRead;
    let emu = Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts");
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_cognito-native"))
            .args([
                "serve-credentials",
                "--stats-every",
                "1",
                "--pool",
                DEFAULT_UNAUTH_POOL_ID,
                "--endpoint",
            ])
            .arg(emu.url())
            .env_remove("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start serve-credentials"),
    );
    let mut stdout = std::io::BufReader::new(server.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let announced: serde_json::Value = serde_json::from_str(&first).expect("a JSON line");
    let url = announced["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = announced["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(token.len(), 64);

    // The workspace's reqwest has no TLS provider of its own (the library brings ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    for (auth, status) in [
        (None, 403),
        (Some("wrong"), 403),
        (Some(token.as_str()), 200),
    ] {
        let mut req = client.get(&url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        assert_eq!(
            req.send().await.unwrap().status().as_u16(),
            status,
            "{auth:?}"
        );
    }
    let elsewhere = client
        .get(url.replace("/credentials", "/other"))
        .header("authorization", &token);
    assert_eq!(elsewhere.send().await.unwrap().status().as_u16(), 404);

    // botocore's container provider, as every AWS SDK reads it.
    let script = "import botocore.session, json; \
        c = botocore.session.get_session().get_credentials(); \
        f = c.get_frozen_credentials(); \
        print(json.dumps({'method': c.method, 'key': f.access_key, 'token': bool(f.token)}))";
    let python = python();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .args(["-c", script])
            .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)
            .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", &token)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["method"], "container-role");
    assert!(seen["key"].as_str().unwrap().starts_with("ASIA"), "{seen}");
    assert_eq!(seen["token"], true);
    // Served from the provider's cache: one GetCredentialsForIdentity for all of them.
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);

    // --stats-every: the statistics lines show the same (the first may predate the requests).
    let statistics = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        for _ in 0..5 {
            line.clear();
            stdout.read_line(&mut line).unwrap();
            let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
            if value["statistics"]["cache_hits"].as_u64() >= Some(2) {
                return value["statistics"].clone();
            }
        }
        panic!("no statistics with the cached reads: {line}");
    })
    .await
    .unwrap();
    let gcfi = &statistics["operations"]["GetCredentialsForIdentity"];
    assert_eq!(gcfi["sent"], 1, "{statistics}");
    assert_eq!(gcfi["succeeded"], 1, "{statistics}");
    assert_eq!(statistics["operations"]["GetId"]["sent"], 1, "{statistics}");
    drop(server);
    emu.shutdown().await;
}
