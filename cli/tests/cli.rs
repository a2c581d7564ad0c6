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
