//! An independent client of the emulator's user pools: pycognito (from target/moto-venv,
//! installed by scripts/moto-env.sh) signs in with its own SRP implementation through
//! boto3 pointed at the emulator — with and without a client secret, a wrong password
//! (refused by the emulator's proof check), a NEW_PASSWORD_REQUIRED user, TOTP MFA,
//! sign-up — PyJWT verifies the tokens with the emulator's JWKS, and boto3's
//! cognito-identity client trades the id token for credentials.

use std::path::PathBuf;
use std::process::Command;

use cognito_emulator::{
    Emulator, EmulatorConfig, MfaConfig, MfaMode, SeedUser, UserMfa, UserStatus,
    DEFAULT_UNAUTH_POOL_ID, DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_CLIENT_SECRET,
    DEFAULT_USER_POOL_ID, DEFAULT_USER_POOL_SECRET_CLIENT_ID,
};
use serde_json::{json, Value};

/// The venv's python; fails (never skips) when the venv is missing.
fn venv_python() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("target/moto-venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: create the venv (moto, boto3, pycognito) with `scripts/moto-env.sh` \
         from the repository root, then run this test again",
        python.display()
    );
    python
}

fn run(script: &str, config: &Value) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(script);
    let mut cmd = Command::new(venv_python());
    cmd.arg(&script).arg(config.to_string());
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
        "pycognito check failed ({}):\n{stderr}\n{stdout}",
        out.status
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {stdout}\n{stderr}"))
}

const PASSWORD: &str = "Correct-Horse-9";

/// A file with the CA's PEM, for the Python side (removed by the caller).
fn tempfile_with(pem: String) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "cognito-emulator-ca-{}-{}.pem",
        std::process::id(),
        fastrand_suffix()
    ));
    std::fs::write(&path, pem).unwrap();
    path
}

fn fastrand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}
/// Base32 of 20 bytes, as an authenticator app would hold it.
const MFA_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

#[test]
fn pycognito_signs_in_with_srp_and_a_wrong_password_is_refused_by_the_proof() {
    check(false);
}

/// The same over HTTPS, boto3 and urllib trusting the emulator's test CA.
#[test]
fn pycognito_over_https() {
    check(true);
}

fn check(tls: bool) {
    let emu = Emulator::start_background(EmulatorConfig {
        tls,
        ..Default::default()
    })
    .expect("emulator starts");
    let ca = tempfile_with(emu.ca_pem().unwrap_or_default());
    let pool = DEFAULT_USER_POOL_ID;
    emu.create_user(
        pool,
        SeedUser::new("alice", PASSWORD)
            .with_attribute("email", "alice@example.com")
            .with_attribute("email_verified", "true")
            .with_attribute("custom:team", "red"),
    )
    .unwrap();
    emu.create_user(
        pool,
        SeedUser::new("bob", "Temp-Passw0rd!").with_status(UserStatus::ForceChangePassword),
    )
    .unwrap();
    emu.create_user(
        pool,
        SeedUser::new("carol", PASSWORD).with_mfa(UserMfa {
            software_token_secret: Some(MFA_SECRET.into()),
            ..UserMfa::default()
        }),
    )
    .unwrap();
    emu.set_user_pool_mfa(
        pool,
        MfaConfig {
            mode: MfaMode::Optional,
            ..MfaConfig::default()
        },
    )
    .unwrap();

    let report = run(
        "tests/pycognito/user_pool_check.py",
        &json!({
            "url": emu.url(),
            "region": "us-east-1",
            "pool_id": pool,
            "client_id": DEFAULT_USER_POOL_CLIENT_ID,
            "secret_client_id": DEFAULT_USER_POOL_SECRET_CLIENT_ID,
            "client_secret": DEFAULT_USER_POOL_CLIENT_SECRET,
            "identity_pool_id": DEFAULT_UNAUTH_POOL_ID,
            "user": "alice",
            "email": "alice@example.com",
            "password": PASSWORD,
            "new_user": "bob",
            "temp_password": "Temp-Passw0rd!",
            "new_password": "Brand-New-Passw0rd",
            "mfa_user": "carol",
            "mfa_secret": MFA_SECRET,
            "signup_user": "dave",
            "ca": if tls { json!(ca.to_str().unwrap()) } else { Value::Null },
        }),
    );
    let _ = std::fs::remove_file(&ca);
    assert!(report["url"]
        .as_str()
        .unwrap()
        .starts_with(if tls { "https://" } else { "http://" }));
    eprintln!("{report:#}");

    // SRP completed: the tokens carry Cognito's claims.
    let claims: Vec<&str> = report["srp_public"]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for c in [
        "aud",
        "auth_time",
        "cognito:username",
        "custom:team",
        "email",
        "email_verified",
        "event_id",
        "exp",
        "iat",
        "iss",
        "jti",
        "origin_jti",
        "sub",
        "token_use",
    ] {
        assert!(claims.contains(&c), "id token lacks {c}: {claims:?}");
    }
    assert_eq!(report["srp_public"]["aud"], DEFAULT_USER_POOL_CLIENT_ID);
    let access: Vec<&str> = report["srp_public"]["access_claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for c in [
        "client_id",
        "scope",
        "username",
        "token_use",
        "origin_jti",
        "exp",
    ] {
        assert!(access.contains(&c), "access token lacks {c}: {access:?}");
    }
    assert_eq!(report["get_user"]["email"], "alice@example.com");
    assert_eq!(report["get_user"]["sub"], report["srp_public"]["sub"]);
    assert_eq!(report["pyjwt_tampered"], "InvalidSignatureError");

    // With the client secret; without it, or with a wrong one, refused.
    assert_eq!(report["srp_secret_aud"], DEFAULT_USER_POOL_SECRET_CLIENT_ID);
    assert_eq!(
        report["srp_secret_missing"],
        json!([
            "NotAuthorizedException",
            format!(
                "Client {DEFAULT_USER_POOL_SECRET_CLIENT_ID} is configured with secret but SECRET_HASH was not received"
            )
        ])
    );
    assert_eq!(
        report["srp_secret_wrong"],
        json!([
            "NotAuthorizedException",
            format!("Unable to verify secret hash for client {DEFAULT_USER_POOL_SECRET_CLIENT_ID}")
        ])
    );

    // The proof check: pycognito's proof for a wrong password is refused.
    assert_eq!(
        report["srp_wrong_password"],
        json!(["NotAuthorizedException", "Incorrect username or password."])
    );
    assert_eq!(
        report["srp_unknown_user"],
        json!(["UserNotFoundException", "User does not exist."])
    );

    assert_eq!(report["refresh_has_refresh_token"], false);
    assert_eq!(report["refresh_origin_kept"], true);

    assert_eq!(report["new_password_challenge"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(report["new_password_tokens"], true);
    assert_eq!(report["new_password_sign_in"], true);
    assert_eq!(
        report["old_temp_password"],
        json!(["NotAuthorizedException", "Incorrect username or password."])
    );
    assert_eq!(
        emu.user_status(pool, "bob"),
        Some((UserStatus::Confirmed, true))
    );

    assert_eq!(
        report["totp_wrong"],
        json!(["CodeMismatchException", "Invalid code received for user"])
    );
    assert_eq!(report["totp_tokens"], "carol");

    assert_eq!(report["sign_up"]["confirmed"], false);
    assert_eq!(report["sign_up"]["delivery"]["DeliveryMedium"], "EMAIL");
    assert_eq!(report["sign_up"]["delivery"]["Destination"], "n***@e***");
    assert_eq!(
        report["unconfirmed_sign_in"],
        json!(["UserNotConfirmedException", "User is not confirmed."])
    );
    assert_eq!(report["signed_up_sign_in"], true);

    assert!(report["identity"]["id"]
        .as_str()
        .unwrap()
        .starts_with("us-east-1:"));
    assert_eq!(report["identity"]["access_key"], "ASIA");
    assert_eq!(
        report["identity_tampered"],
        json!([
            "NotAuthorizedException",
            "Invalid login token. Couldn't verify signed token."
        ])
    );

    // Counted per operation.
    assert!(emu.request_count_named("cognito-idp:InitiateAuth") >= 8);
    assert!(emu.request_count_named("cognito-idp:RespondToAuthChallenge") >= 6);
}
