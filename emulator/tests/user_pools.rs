//! The emulator's user pools over HTTP with raw JSON: hostile SRP input (with genuine
//! proofs computed by pycognito, then replayed, altered, late or sent to another client),
//! passwords, challenges, codes, TOTP (computed here), tokens, refresh, sign-out, the
//! admin API, and the identity pools' checks of user-pool id tokens.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use cognito_emulator::{
    AppClientConfig, CodeKind, Emulator, EmulatorConfig, Fault, MfaConfig, MfaMode, SeedUser,
    UserMfa, UserPoolConfig, UserStatus, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH,
    DEFAULT_UNAUTH_POOL_ID, DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_CLIENT_SECRET,
    DEFAULT_USER_POOL_ID, DEFAULT_USER_POOL_SECRET_CLIENT_ID,
};
use common::*;
use serde_json::{json, Value};

const POOL: &str = DEFAULT_USER_POOL_ID;
const PUBLIC: &str = DEFAULT_USER_POOL_CLIENT_ID;
const SECRET_CLIENT: &str = DEFAULT_USER_POOL_SECRET_CLIENT_ID;
const SECRET: &str = DEFAULT_USER_POOL_CLIENT_SECRET;
const PASSWORD: &str = "Correct-Horse-9";
const PROVIDER: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_EmuPool1";
/// RFC 3526's 3072-bit prime (the SRP group), hex.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

async fn idp(emu: &Emulator, op: &str, body: Value) -> Answer {
    let resp = client()
        .post(format!("{}/", emu.url()))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header(
            "X-Amz-Target",
            format!("AWSCognitoIdentityProviderService.{op}"),
        )
        .body(body.to_string())
        .send()
        .await
        .expect("request succeeds at the HTTP level");
    answer(resp).await.unwrap()
}

async fn ok(emu: &Emulator, op: &str, body: Value) -> Value {
    let a = idp(emu, op, body).await;
    assert_eq!(a.status, 200, "{op} failed: {}", a.body);
    a.json()
}

#[track_caller]
fn refused(a: &Answer, code: &str, message: &str) {
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(
        a.error(),
        (code.to_string(), message.to_string()),
        "{}",
        a.body
    );
    assert_eq!(
        a.header("x-amzn-errortype"),
        Some(format!("{code}:").as_str())
    );
}

fn secret_hash(username: &str, client_id: &str, secret: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{username}{client_id}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// RFC 6238 (HMAC-SHA1, 30 s, 6 digits), written here from the RFC.
fn totp(secret_b32: &str, unix: u64) -> String {
    let mut bits = 0u64;
    let mut nbits = 0;
    let mut key = Vec::new();
    for c in secret_b32.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32"),
        };
        bits = (bits << 5) | u64::from(v);
        nbits += 5;
        if nbits >= 8 {
            nbits -= 8;
            key.push((bits >> nbits) as u8);
        }
    }
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key);
    let mac = ring::hmac::sign(&k, &(unix / 30).to_be_bytes());
    let h = mac.as_ref();
    let o = (h[19] & 15) as usize;
    let n = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
    format!("{:06}", n % 1_000_000)
}

fn emulator_now(emu: &Emulator) -> u64 {
    // The emulator's Date header is its clock.
    let _ = emu;
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn password_auth(emu: &Emulator, client_id: &str, user: &str, password: &str) -> Answer {
    idp(
        emu,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
               "AuthParameters": {"USERNAME": user, "PASSWORD": password}}),
    )
    .await
}

async fn sign_in(emu: &Emulator, user: &str, password: &str) -> Value {
    let a = password_auth(emu, PUBLIC, user, password).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["AuthenticationResult"].clone()
}

fn payload(token: &str) -> Value {
    let p = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn venv_python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/moto-venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/moto-env.sh from the repository root",
        python.display()
    );
    python
}

/// `count` genuine PASSWORD_VERIFIER answers computed by pycognito (not sent).
async fn prepare_srp(
    emu: &Emulator,
    client_id: &str,
    user: &str,
    password: &str,
    count: usize,
) -> Vec<Value> {
    let config = json!({
        "url": emu.url(), "region": "us-east-1", "pool_id": POOL, "client_id": client_id,
        "username": user, "password": password, "client_secret": null, "count": count,
    });
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(venv_python())
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/pycognito/srp_prepare.py"
            ))
            .arg(config.to_string())
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("NO_PROXY", "*")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .output()
            .expect("run pycognito")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "srp_prepare.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().clone()
}

async fn respond_verifier(emu: &Emulator, client_id: &str, responses: &Value) -> Answer {
    idp(
        emu,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id,
               "ChallengeResponses": responses}),
    )
    .await
}

async fn start_with(users: Vec<SeedUser>) -> Emulator {
    let mut pool = UserPoolConfig::default_pool();
    pool.users = users;
    let emu = Emulator::start(EmulatorConfig {
        user_pools: vec![pool],
        ..Default::default()
    })
    .await
    .expect("emulator starts");
    emu
}

fn alice() -> SeedUser {
    SeedUser::new("alice", PASSWORD)
        .with_attribute("email", "alice@example.com")
        .with_attribute("email_verified", "true")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn srp_hostile_input_gets_aws_errors() {
    let emu = start_with(vec![alice()]).await;
    emu.add_app_client(POOL, AppClientConfig::new("otherpublicclient"))
        .unwrap();
    let start = |a: &str| {
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": PUBLIC,
               "AuthParameters": {"USERNAME": "alice", "SRP_A": a}})
    };
    // Oversized, not hex, 0 and N: refused before any exponentiation.
    let t = std::time::Instant::now();
    for a in ["f".repeat(200_000), "zz".into(), String::new()] {
        let r = idp(&emu, "InitiateAuth", start(&a)).await;
        refused(
            &r,
            "InvalidParameterException",
            "SRP_A must be a hexadecimal number of at most 1024 digits",
        );
    }
    assert!(t.elapsed() < Duration::from_secs(5));
    let zero_n = format!("00{N_HEX}");
    for a in ["0", "000", N_HEX, zero_n.as_str()] {
        let r = idp(&emu, "InitiateAuth", start(a)).await;
        refused(
            &r,
            "InvalidParameterException",
            "SRP_A is not a valid value (0 mod N, or not below N)",
        );
    }
    let r = idp(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": PUBLIC, "AuthParameters": {"USERNAME": "alice"}}),
    )
    .await;
    refused(
        &r,
        "InvalidParameterException",
        "Missing required parameter SRP_A",
    );

    // Genuine proofs by pycognito, used in every wrong way.
    let prepared = prepare_srp(&emu, PUBLIC, "alice", PASSWORD, 6).await;
    let challenge = &prepared[0]["challenge"];
    assert_eq!(challenge["USERNAME"], "alice");
    assert_eq!(challenge["USER_ID_FOR_SRP"], "alice");
    assert!(u128::from_str_radix(&challenge["SALT"].as_str().unwrap()[..8], 16).is_ok());

    // 0: sent to another app client than the one it was started with.
    let r = respond_verifier(&emu, "otherpublicclient", &prepared[0]["responses"]).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );
    // ... and the secret block is spent: the right client cannot use it afterwards.
    let r = respond_verifier(&emu, PUBLIC, &prepared[0]["responses"]).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );

    // 1: accepted once, then replayed.
    let r = respond_verifier(&emu, PUBLIC, &prepared[1]["responses"]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["AuthenticationResult"]["IdToken"].is_string());
    let r = respond_verifier(&emu, PUBLIC, &prepared[1]["responses"]).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );

    // 2: a flipped bit in the signature; 3: garbage base64; 4: another valid timestamp.
    let mut flipped = prepared[2]["responses"].clone();
    let sig = flipped["PASSWORD_CLAIM_SIGNATURE"]
        .as_str()
        .unwrap()
        .to_string();
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(&sig)
        .unwrap();
    bytes[0] ^= 1;
    flipped["PASSWORD_CLAIM_SIGNATURE"] =
        json!(base64::engine::general_purpose::STANDARD.encode(&bytes));
    let r = respond_verifier(&emu, PUBLIC, &flipped).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    let mut garbage = prepared[3]["responses"].clone();
    garbage["PASSWORD_CLAIM_SIGNATURE"] = json!("%%%not base64%%%");
    let r = respond_verifier(&emu, PUBLIC, &garbage).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    let mut other_time = prepared[4]["responses"].clone();
    let ts = other_time["TIMESTAMP"].as_str().unwrap().to_string();
    // Another second than the one signed: well-formed, fresh, but not what was signed.
    let (head, tail) = ts.split_at(ts.find(':').unwrap() + 6);
    let secs: u32 = head[head.len() - 2..].parse().unwrap();
    let moved = format!("{}{:02}{tail}", &head[..head.len() - 2], (secs + 1) % 60);
    assert_ne!(moved, ts);
    other_time["TIMESTAMP"] = json!(moved);
    let r = respond_verifier(&emu, PUBLIC, &other_time).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    let mut bad_format = prepared[5]["responses"].clone();
    bad_format["TIMESTAMP"] = json!("2024-03-06T12:34:56Z");
    let r = respond_verifier(&emu, PUBLIC, &bad_format).await;
    refused(
        &r,
        "InvalidParameterException",
        "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
    );
    // A garbage secret block is no session.
    let mut block = prepared[5]["responses"].clone();
    block["PASSWORD_CLAIM_SECRET_BLOCK"] = json!("!!!");
    let r = respond_verifier(&emu, PUBLIC, &block).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn srp_sessions_expire_and_proofs_name_their_user() {
    let emu = start_with(vec![alice(), SeedUser::new("bob", PASSWORD)]).await;
    let prepared = prepare_srp(&emu, PUBLIC, "alice", PASSWORD, 2).await;
    // A proof answered in the name of another user.
    let mut as_bob = prepared[0]["responses"].clone();
    as_bob["USERNAME"] = json!("bob");
    let r = respond_verifier(&emu, PUBLIC, &as_bob).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    // Three minutes later the secret block is dead.
    emu.set_clock_skew(181);
    let r = respond_verifier(&emu, PUBLIC, &prepared[1]["responses"]).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );
}

#[tokio::test]
async fn password_auth_states_and_lockout() {
    let emu = start_with(vec![
        alice(),
        SeedUser::new("unconfirmed", PASSWORD).with_status(UserStatus::Unconfirmed),
        SeedUser::new("reset", PASSWORD).with_status(UserStatus::ResetRequired),
    ])
    .await;
    let tokens = sign_in(&emu, "alice", PASSWORD).await;
    assert!(tokens["RefreshToken"].as_str().unwrap().len() > 500);
    refused(
        &password_auth(&emu, PUBLIC, "alice", "Wrong-Horse-9").await,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    refused(
        &password_auth(&emu, PUBLIC, "nobody", PASSWORD).await,
        "UserNotFoundException",
        "User does not exist.",
    );
    refused(
        &password_auth(&emu, PUBLIC, "unconfirmed", PASSWORD).await,
        "UserNotConfirmedException",
        "User is not confirmed.",
    );
    // A wrong password never reveals the state.
    refused(
        &password_auth(&emu, PUBLIC, "unconfirmed", "Wrong-Horse-9").await,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    refused(
        &password_auth(&emu, PUBLIC, "reset", PASSWORD).await,
        "PasswordResetRequiredException",
        "Password reset required for the user",
    );
    emu.set_user_enabled(POOL, "alice", false).unwrap();
    refused(
        &password_auth(&emu, PUBLIC, "alice", PASSWORD).await,
        "NotAuthorizedException",
        "User is disabled.",
    );
    emu.set_user_enabled(POOL, "alice", true).unwrap();
    // SECRET_HASH on the client with a secret.
    refused(
        &password_auth(&emu, SECRET_CLIENT, "alice", PASSWORD).await,
        "NotAuthorizedException",
        &format!(
            "Client {SECRET_CLIENT} is configured with secret but SECRET_HASH was not received"
        ),
    );
    let a = idp(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": SECRET_CLIENT,
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD,
                                  "SECRET_HASH": secret_hash("alice", SECRET_CLIENT, SECRET)}}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    // Hash over another name than the one sent.
    let a = idp(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": SECRET_CLIENT,
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD,
                                  "SECRET_HASH": secret_hash("Alice", SECRET_CLIENT, SECRET)}}),
    )
    .await;
    refused(
        &a,
        "NotAuthorizedException",
        &format!("Unable to verify secret hash for client {SECRET_CLIENT}"),
    );
    // Five wrong passwords in a row: locked, even with the right one, for a while.
    for _ in 0..5 {
        let _ = password_auth(&emu, PUBLIC, "alice", "Wrong-Horse-9").await;
    }
    refused(
        &password_auth(&emu, PUBLIC, "alice", PASSWORD).await,
        "NotAuthorizedException",
        "Password attempts exceeded",
    );
    emu.set_clock_skew(3);
    assert_eq!(
        password_auth(&emu, PUBLIC, "alice", PASSWORD).await.status,
        200
    );
}

#[tokio::test]
async fn flows_clients_and_validation() {
    let emu = start_with(vec![alice()]).await;
    emu.add_app_client(
        POOL,
        AppClientConfig::new("srponlyclient")
            .with_auth_flows(&[ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]),
    )
    .unwrap();
    refused(
        &password_auth(&emu, "srponlyclient", "alice", PASSWORD).await,
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    );
    refused(
        &password_auth(&emu, "nosuchclient", "alice", PASSWORD).await,
        "ResourceNotFoundException",
        "User pool client nosuchclient does not exist.",
    );
    let a = idp(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "ADMIN_NO_SRP_AUTH", "ClientId": PUBLIC}),
    )
    .await;
    refused(
        &a,
        "InvalidParameterException",
        "Initiate Auth method not supported.",
    );
    let a = idp(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "NOPE", "ClientId": PUBLIC}),
    )
    .await;
    assert_eq!(a.error().0, "InvalidParameterException");
    assert!(
        a.error().1.contains("Member must satisfy enum value set"),
        "{}",
        a.body
    );
    let a = idp(&emu, "InitiateAuth", json!({})).await;
    assert_eq!(
        a.error(),
        (
            "InvalidParameterException".into(),
            "2 validation errors detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null; Value null at 'clientId' failed to satisfy constraint: Member must not be null".into()
        )
    );
    let a = idp(&emu, "InitiateAuth", json!({"AuthFlow": 5})).await;
    assert_eq!(a.error().0, "SerializationException");
    let resp = client()
        .post(format!("{}/", emu.url()))
        .header(
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer(resp).await.unwrap().error().0,
        "SerializationException"
    );
    let a = idp(&emu, "AdminCreateUser", json!({})).await;
    assert_eq!(a.error().0, "UnknownOperationException");
    // Counted by name, refused ones included.
    assert!(emu.request_count_named("cognito-idp:InitiateAuth") >= 6);
    assert_eq!(emu.request_count_named("cognito-idp:unknown"), 1);
}

#[tokio::test]
async fn new_password_required_cannot_be_bypassed() {
    let mut pool = UserPoolConfig::default_pool();
    pool.required_attributes = vec!["email".into()];
    pool.users =
        vec![SeedUser::new("bob", "Temp-Passw0rd!").with_status(UserStatus::ForceChangePassword)];
    let emu = Emulator::start(EmulatorConfig {
        user_pools: vec![pool],
        ..Default::default()
    })
    .await
    .unwrap();
    let a = password_auth(&emu, PUBLIC, "bob", "Temp-Passw0rd!").await;
    assert_eq!(a.status, 200, "{}", a.body);
    let c = a.json();
    assert_eq!(c["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    assert!(c.get("AuthenticationResult").is_none());
    assert_eq!(
        c["ChallengeParameters"]["requiredAttributes"],
        "[\"userAttributes.email\"]"
    );
    assert_eq!(c["ChallengeParameters"]["USER_ID_FOR_SRP"], "bob");
    let session = c["Session"].as_str().unwrap().to_string();
    let respond = |responses: Value, session: &str| {
        json!({"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": PUBLIC,
               "Session": session, "ChallengeResponses": responses})
    };
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        respond(json!({"USERNAME": "bob"}), &session),
    )
    .await;
    refused(
        &a,
        "InvalidParameterException",
        "Missing required parameter NEW_PASSWORD",
    );
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        respond(json!({"USERNAME": "bob", "NEW_PASSWORD": "weak"}), &session),
    )
    .await;
    refused(
        &a,
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    );
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        respond(
            json!({"USERNAME": "bob", "NEW_PASSWORD": "Brand-New-Passw0rd"}),
            &session,
        ),
    )
    .await;
    refused(
        &a,
        "InvalidParameterException",
        "Invalid attributes given, email is missing",
    );
    // Another challenge name on this session, or a made-up session: no.
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "SMS_MFA", "ClientId": PUBLIC, "Session": session,
               "ChallengeResponses": {"USERNAME": "bob", "SMS_MFA_CODE": "123456"}}),
    )
    .await;
    refused(
        &a,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        respond(
            json!({"USERNAME": "bob", "NEW_PASSWORD": "Brand-New-Passw0rd"}),
            "AYABeforgedsessionforgedsession",
        ),
    )
    .await;
    refused(
        &a,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );
    assert_eq!(
        emu.user_status(POOL, "bob"),
        Some((UserStatus::ForceChangePassword, true))
    );
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        respond(
            json!({"USERNAME": "bob", "NEW_PASSWORD": "Brand-New-Passw0rd",
                   "userAttributes.email": "bob@example.com"}),
            &session,
        ),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = payload(
        a.json()["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(id["email"], "bob@example.com");
    assert_eq!(
        emu.user_status(POOL, "bob"),
        Some((UserStatus::Confirmed, true))
    );
    // The session is spent; the temporary password is gone.
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        respond(json!({"USERNAME": "bob", "NEW_PASSWORD": "Other-New-Passw0rd", "userAttributes.email": "x@example.com"}), &session),
    )
    .await;
    refused(
        &a,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );
    refused(
        &password_auth(&emu, PUBLIC, "bob", "Temp-Passw0rd!").await,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    sign_in(&emu, "bob", "Brand-New-Passw0rd").await;
}

#[tokio::test]
async fn sms_email_and_select_mfa_with_codes_from_the_admin_api() {
    let mfa_user = SeedUser::new("mia", PASSWORD)
        .with_attribute("phone_number", "+15555550123")
        .with_attribute("email", "mia@example.com")
        .with_mfa(UserMfa {
            sms: true,
            email: true,
            ..UserMfa::default()
        });
    let emu = start_with(vec![mfa_user, alice()]).await;
    emu.set_user_pool_mfa(
        POOL,
        MfaConfig {
            mode: MfaMode::Optional,
            ..MfaConfig::default()
        },
    )
    .unwrap();
    // Alice has no factor: tokens at once under OPTIONAL.
    sign_in(&emu, "alice", PASSWORD).await;
    let c = password_auth(&emu, PUBLIC, "mia", PASSWORD).await.json();
    assert_eq!(c["ChallengeName"], "SELECT_MFA_TYPE");
    assert_eq!(
        c["ChallengeParameters"]["MFAS_CAN_CHOOSE"],
        "[\"SMS_MFA\",\"EMAIL_OTP\"]"
    );
    let c = ok(
        &emu,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "SELECT_MFA_TYPE", "ClientId": PUBLIC, "Session": c["Session"],
               "ChallengeResponses": {"USERNAME": "mia", "ANSWER": "SMS_MFA"}}),
    )
    .await;
    assert_eq!(c["ChallengeName"], "SMS_MFA");
    assert_eq!(
        c["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "SMS"
    );
    assert_eq!(
        c["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "+*******0123"
    );
    let code = emu.last_code(POOL, "mia", CodeKind::SmsMfa).unwrap();
    assert_eq!(code.destination, "+15555550123");
    let wrong = if code.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let respond = |code: &str| {
        json!({"ChallengeName": "SMS_MFA", "ClientId": PUBLIC, "Session": c["Session"],
               "ChallengeResponses": {"USERNAME": "mia", "SMS_MFA_CODE": code}})
    };
    let a = idp(&emu, "RespondToAuthChallenge", respond(wrong)).await;
    refused(
        &a,
        "CodeMismatchException",
        "Invalid code received for user",
    );
    let a = ok(&emu, "RespondToAuthChallenge", respond(&code.code)).await;
    assert!(a["AuthenticationResult"]["AccessToken"].is_string());

    // EMAIL_OTP preferred, and five wrong codes kill the session.
    emu.set_user_mfa(
        POOL,
        "mia",
        &UserMfa {
            sms: true,
            email: true,
            preferred: Some("EMAIL_OTP".into()),
            ..UserMfa::default()
        },
    )
    .unwrap();
    let c = password_auth(&emu, PUBLIC, "mia", PASSWORD).await.json();
    assert_eq!(c["ChallengeName"], "EMAIL_OTP");
    assert_eq!(
        c["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "m***@e***"
    );
    let code = emu.last_code(POOL, "mia", CodeKind::EmailOtp).unwrap().code;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let respond = |code: &str| {
        json!({"ChallengeName": "EMAIL_OTP", "ClientId": PUBLIC, "Session": c["Session"],
               "ChallengeResponses": {"USERNAME": "mia", "EMAIL_OTP_CODE": code}})
    };
    for _ in 0..4 {
        let a = idp(&emu, "RespondToAuthChallenge", respond(wrong)).await;
        assert_eq!(a.error().0, "CodeMismatchException");
    }
    let a = idp(&emu, "RespondToAuthChallenge", respond(wrong)).await;
    refused(
        &a,
        "TooManyFailedAttemptsException",
        "Too many failed attempts.",
    );
    let a = idp(&emu, "RespondToAuthChallenge", respond(&code)).await;
    refused(
        &a,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );

    // The code lives as long as the session: 3 minutes.
    let c = password_auth(&emu, PUBLIC, "mia", PASSWORD).await.json();
    let code = emu.last_code(POOL, "mia", CodeKind::EmailOtp).unwrap().code;
    emu.set_clock_skew(181);
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "EMAIL_OTP", "ClientId": PUBLIC, "Session": c["Session"],
               "ChallengeResponses": {"USERNAME": "mia", "EMAIL_OTP_CODE": code}}),
    )
    .await;
    refused(
        &a,
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );
}

#[tokio::test]
async fn mfa_setup_with_totp_then_software_token_sign_in() {
    let emu = start_with(vec![alice()]).await;
    emu.set_user_pool_mfa(
        POOL,
        MfaConfig {
            mode: MfaMode::On,
            sms: false,
            software_token: true,
            email: false,
        },
    )
    .unwrap();
    let c = password_auth(&emu, PUBLIC, "alice", PASSWORD).await.json();
    assert_eq!(c["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        c["ChallengeParameters"]["MFAS_CAN_SETUP"],
        "[\"SOFTWARE_TOKEN_MFA\"]"
    );
    // Finishing the setup before verifying a code is refused.
    let a = idp(
        &emu,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "MFA_SETUP", "ClientId": PUBLIC, "Session": c["Session"],
               "ChallengeResponses": {"USERNAME": "alice"}}),
    )
    .await;
    assert_eq!(a.error().0, "InvalidParameterException");
    let assoc = ok(
        &emu,
        "AssociateSoftwareToken",
        json!({"Session": c["Session"]}),
    )
    .await;
    let secret = assoc["SecretCode"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 32);
    assert_eq!(
        emu.totp_secret(POOL, "alice").as_deref(),
        Some(secret.as_str())
    );
    let now = emulator_now(&emu);
    let wrong = if totp(&secret, now) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let a = idp(
        &emu,
        "VerifySoftwareToken",
        json!({"Session": assoc["Session"], "UserCode": wrong}),
    )
    .await;
    refused(
        &a,
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
    );
    let v = ok(
        &emu,
        "VerifySoftwareToken",
        json!({"Session": assoc["Session"], "UserCode": totp(&secret, now), "FriendlyDeviceName": "phone"}),
    )
    .await;
    assert_eq!(v["Status"], "SUCCESS");
    let done = ok(
        &emu,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "MFA_SETUP", "ClientId": PUBLIC, "Session": v["Session"],
               "ChallengeResponses": {"USERNAME": "alice"}}),
    )
    .await;
    let access = done["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let user = ok(&emu, "GetUser", json!({"AccessToken": access})).await;
    assert_eq!(user["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");

    // Next sign-in: SOFTWARE_TOKEN_MFA; codes of the previous and next 30 s step work,
    // two steps away do not.
    let c = password_auth(&emu, PUBLIC, "alice", PASSWORD).await.json();
    assert_eq!(c["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let respond = |code: String| {
        json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "ClientId": PUBLIC, "Session": c["Session"],
               "ChallengeResponses": {"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": code}})
    };
    let now = emulator_now(&emu);
    let far = totp(&secret, now + 90);
    if far != totp(&secret, now) && far != totp(&secret, now + 30) && far != totp(&secret, now - 30)
    {
        let a = idp(&emu, "RespondToAuthChallenge", respond(far)).await;
        refused(
            &a,
            "CodeMismatchException",
            "Invalid code received for user",
        );
    }
    // The previous step's code, unless the step may turn before the request arrives.
    let previous = if now % 30 < 25 { now - 30 } else { now };
    let a = ok(
        &emu,
        "RespondToAuthChallenge",
        respond(totp(&secret, previous)),
    )
    .await;
    assert!(a["AuthenticationResult"]["IdToken"].is_string());

    // Through an access token: associate, verify, enable by preference.
    let access = a["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let assoc = ok(
        &emu,
        "AssociateSoftwareToken",
        json!({"AccessToken": access}),
    )
    .await;
    let second = assoc["SecretCode"].as_str().unwrap().to_string();
    assert_ne!(second, secret);
    let v = ok(
        &emu,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": totp(&second, emulator_now(&emu))}),
    )
    .await;
    assert_eq!(v["Status"], "SUCCESS");
    ok(
        &emu,
        "SetUserMFAPreference",
        json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    let a = idp(&emu, "AssociateSoftwareToken", json!({})).await;
    assert_eq!(a.error().0, "InvalidParameterException");
}

#[tokio::test]
async fn sign_up_confirm_codes_expire_and_attempts_are_limited() {
    let emu = start_with(vec![alice()]).await;
    let sign_up = |user: &str, password: &str| {
        json!({"ClientId": SECRET_CLIENT, "Username": user, "Password": password,
               "SecretHash": secret_hash(user, SECRET_CLIENT, SECRET),
               "UserAttributes": [{"Name": "email", "Value": format!("{user}@example.com")},
                                  {"Name": "custom:level", "Value": "3"}]})
    };
    let a = idp(&emu, "SignUp", sign_up("alice", PASSWORD)).await;
    refused(&a, "UsernameExistsException", "User already exists");
    let a = idp(&emu, "SignUp", sign_up("erin", "short")).await;
    refused(
        &a,
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    );
    let mut no_hash = sign_up("erin", PASSWORD);
    no_hash.as_object_mut().unwrap().remove("SecretHash");
    let a = idp(&emu, "SignUp", no_hash).await;
    assert_eq!(a.error().0, "NotAuthorizedException");
    let mut bad_attr = sign_up("erin", PASSWORD);
    bad_attr["UserAttributes"] = json!([{"Name": "favourite_colour", "Value": "blue"}]);
    let a = idp(&emu, "SignUp", bad_attr).await;
    assert_eq!(a.error().0, "InvalidParameterException");
    let s = ok(&emu, "SignUp", sign_up("erin", PASSWORD)).await;
    assert_eq!(s["UserConfirmed"], false);
    assert_eq!(s["UserSub"].as_str().unwrap().len(), 36);
    assert_eq!(s["CodeDeliveryDetails"]["Destination"], "e***@e***");
    let code = emu.last_code(POOL, "erin", CodeKind::SignUp).unwrap();
    assert_eq!(code.destination, "erin@example.com");
    let confirm = |code: &str| {
        json!({"ClientId": SECRET_CLIENT, "Username": "erin", "ConfirmationCode": code,
               "SecretHash": secret_hash("erin", SECRET_CLIENT, SECRET)})
    };
    let wrong = if code.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let a = idp(&emu, "ConfirmSignUp", confirm(wrong)).await;
    refused(
        &a,
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    // A resent code replaces the old one; 25 hours later it has expired.
    let r = ok(
        &emu,
        "ResendConfirmationCode",
        json!({"ClientId": SECRET_CLIENT, "Username": "erin", "SecretHash": secret_hash("erin", SECRET_CLIENT, SECRET)}),
    )
    .await;
    assert_eq!(r["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let fresh = emu.last_code(POOL, "erin", CodeKind::SignUp).unwrap().code;
    emu.set_clock_skew(25 * 3600);
    let a = idp(&emu, "ConfirmSignUp", confirm(&fresh)).await;
    refused(
        &a,
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    );
    emu.set_clock_skew(0);
    ok(
        &emu,
        "ResendConfirmationCode",
        json!({"ClientId": SECRET_CLIENT, "Username": "erin", "SecretHash": secret_hash("erin", SECRET_CLIENT, SECRET)}),
    )
    .await;
    let code = emu.last_code(POOL, "erin", CodeKind::SignUp).unwrap().code;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        assert_eq!(
            idp(&emu, "ConfirmSignUp", confirm(wrong)).await.error().0,
            "CodeMismatchException"
        );
    }
    let a = idp(&emu, "ConfirmSignUp", confirm(wrong)).await;
    refused(
        &a,
        "TooManyFailedAttemptsException",
        "Too many failed attempts.",
    );
    // That code is dead now too.
    let a = idp(&emu, "ConfirmSignUp", confirm(&code)).await;
    assert_eq!(a.error().0, "CodeMismatchException");
    ok(
        &emu,
        "ResendConfirmationCode",
        json!({"ClientId": SECRET_CLIENT, "Username": "erin", "SecretHash": secret_hash("erin", SECRET_CLIENT, SECRET)}),
    )
    .await;
    let code = emu.last_code(POOL, "erin", CodeKind::SignUp).unwrap().code;
    ok(&emu, "ConfirmSignUp", confirm(&code)).await;
    let a = idp(&emu, "ConfirmSignUp", confirm(&code)).await;
    refused(
        &a,
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    );
    let t = sign_in(&emu, "erin", PASSWORD).await;
    let id = payload(t["IdToken"].as_str().unwrap());
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["custom:level"], "3");
}

#[tokio::test]
async fn forgot_password_and_reset_required() {
    let emu = start_with(vec![
        alice().with_status(UserStatus::ResetRequired),
        SeedUser::new("noemail", PASSWORD),
    ])
    .await;
    let forgot = |user: &str| json!({"ClientId": PUBLIC, "Username": user});
    let a = idp(&emu, "ForgotPassword", forgot("noemail")).await;
    refused(
        &a,
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    );
    refused(
        &idp(&emu, "ForgotPassword", forgot("ghost")).await,
        "UserNotFoundException",
        "User does not exist.",
    );
    let f = ok(&emu, "ForgotPassword", forgot("alice")).await;
    assert_eq!(f["CodeDeliveryDetails"]["AttributeName"], "email");
    let code = emu
        .last_code(POOL, "alice", CodeKind::ForgotPassword)
        .unwrap()
        .code;
    let confirm = |code: &str, password: &str| json!({"ClientId": PUBLIC, "Username": "alice", "ConfirmationCode": code, "Password": password});
    let a = idp(&emu, "ConfirmForgotPassword", confirm(&code, "weak")).await;
    assert_eq!(a.error().0, "InvalidPasswordException");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let a = idp(
        &emu,
        "ConfirmForgotPassword",
        confirm(wrong, "Reset-Passw0rd!"),
    )
    .await;
    assert_eq!(a.error().0, "CodeMismatchException");
    ok(
        &emu,
        "ConfirmForgotPassword",
        confirm(&code, "Reset-Passw0rd!"),
    )
    .await;
    assert_eq!(
        emu.user_status(POOL, "alice"),
        Some((UserStatus::Confirmed, true))
    );
    let a = idp(
        &emu,
        "ConfirmForgotPassword",
        confirm(&code, "Again-Passw0rd!"),
    )
    .await;
    assert_eq!(a.error().0, "CodeMismatchException");
    sign_in(&emu, "alice", "Reset-Passw0rd!").await;
    // Reset codes live an hour.
    ok(&emu, "ForgotPassword", forgot("alice")).await;
    let code = emu
        .last_code(POOL, "alice", CodeKind::ForgotPassword)
        .unwrap()
        .code;
    emu.set_clock_skew(3601);
    let a = idp(
        &emu,
        "ConfirmForgotPassword",
        confirm(&code, "Later-Passw0rd!"),
    )
    .await;
    refused(
        &a,
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    );
}

#[tokio::test]
async fn tokens_refresh_sign_out_and_revocation() {
    let emu = start_with(vec![alice()]).await;
    emu.add_app_client(
        POOL,
        AppClientConfig::new("rotatingclient").with_refresh_token_rotation(true),
    )
    .unwrap();
    let t = sign_in(&emu, "alice", PASSWORD).await;
    let (id, access, refresh) = (
        t["IdToken"].as_str().unwrap().to_string(),
        t["AccessToken"].as_str().unwrap().to_string(),
        t["RefreshToken"].as_str().unwrap().to_string(),
    );
    let claims = payload(&id);
    assert_eq!(claims["iss"], format!("https://{PROVIDER}"));
    assert_eq!(claims["aud"], PUBLIC);
    assert_eq!(claims["token_use"], "id");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    let user = ok(&emu, "GetUser", json!({"AccessToken": access})).await;
    assert_eq!(user["Username"], "alice");
    // An id token is not an access token.
    refused(
        &idp(&emu, "GetUser", json!({"AccessToken": id})).await,
        "NotAuthorizedException",
        "Invalid Access Token",
    );
    // REFRESH_TOKEN_AUTH: new id and access tokens, no new refresh token.
    let r = ok(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PUBLIC, "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    )
    .await;
    assert!(r["AuthenticationResult"].get("RefreshToken").is_none());
    refused(
        &idp(&emu, "InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": SECRET_CLIENT,
            "AuthParameters": {"REFRESH_TOKEN": refresh, "SECRET_HASH": secret_hash("alice", SECRET_CLIENT, SECRET)}})).await,
        "NotAuthorizedException",
        "Invalid Refresh Token",
    );
    // ChangePassword checks the old one.
    refused(
        &idp(&emu, "ChangePassword", json!({"AccessToken": access, "PreviousPassword": "Wrong-Horse-9", "ProposedPassword": "Next-Passw0rd!"})).await,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    ok(&emu, "ChangePassword", json!({"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": "Next-Passw0rd!"})).await;
    // GlobalSignOut: the access token and the refresh token die.
    ok(&emu, "GlobalSignOut", json!({"AccessToken": access})).await;
    refused(
        &idp(&emu, "GetUser", json!({"AccessToken": access})).await,
        "NotAuthorizedException",
        "Access Token has been revoked",
    );
    refused(
        &idp(&emu, "InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PUBLIC, "AuthParameters": {"REFRESH_TOKEN": refresh}})).await,
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    );
    // RevokeToken kills one sign-in's refresh and access tokens, not another's.
    let one = sign_in(&emu, "alice", "Next-Passw0rd!").await;
    let two = sign_in(&emu, "alice", "Next-Passw0rd!").await;
    ok(
        &emu,
        "RevokeToken",
        json!({"Token": one["RefreshToken"], "ClientId": PUBLIC}),
    )
    .await;
    refused(
        &idp(&emu, "GetUser", json!({"AccessToken": one["AccessToken"]})).await,
        "NotAuthorizedException",
        "Access Token has been revoked",
    );
    refused(
        &idp(&emu, "InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PUBLIC, "AuthParameters": {"REFRESH_TOKEN": one["RefreshToken"]}})).await,
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    );
    ok(&emu, "GetUser", json!({"AccessToken": two["AccessToken"]})).await;
    let a = idp(
        &emu,
        "RevokeToken",
        json!({"Token": two["AccessToken"], "ClientId": PUBLIC}),
    )
    .await;
    assert_eq!(a.error().0, "UnsupportedTokenTypeException");

    // Rotation: REFRESH_TOKEN_AUTH refused; GetTokensFromRefreshToken rotates.
    let rot = ok(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "rotatingclient",
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Next-Passw0rd!"}}),
    )
    .await["AuthenticationResult"]
        .clone();
    let old = rot["RefreshToken"].as_str().unwrap().to_string();
    let a = idp(&emu, "InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "rotatingclient", "AuthParameters": {"REFRESH_TOKEN": old}})).await;
    assert_eq!(a.error().0, "InvalidParameterException");
    let g = ok(
        &emu,
        "GetTokensFromRefreshToken",
        json!({"RefreshToken": old, "ClientId": "rotatingclient"}),
    )
    .await;
    let new = g["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    refused(
        &idp(
            &emu,
            "GetTokensFromRefreshToken",
            json!({"RefreshToken": old, "ClientId": "rotatingclient"}),
        )
        .await,
        "NotAuthorizedException",
        "Invalid Refresh Token",
    );
    ok(
        &emu,
        "GetTokensFromRefreshToken",
        json!({"RefreshToken": new, "ClientId": "rotatingclient"}),
    )
    .await;
    // GetTokensFromRefreshToken with the secret client needs the secret itself.
    let s = ok(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": SECRET_CLIENT,
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Next-Passw0rd!", "SECRET_HASH": secret_hash("alice", SECRET_CLIENT, SECRET)}}),
    )
    .await["AuthenticationResult"]["RefreshToken"]
        .clone();
    assert_eq!(
        idp(
            &emu,
            "GetTokensFromRefreshToken",
            json!({"RefreshToken": s, "ClientId": SECRET_CLIENT})
        )
        .await
        .error()
        .0,
        "NotAuthorizedException"
    );
    ok(
        &emu,
        "GetTokensFromRefreshToken",
        json!({"RefreshToken": s, "ClientId": SECRET_CLIENT, "ClientSecret": SECRET}),
    )
    .await;

    // Short-lived tokens for tests, judged against the emulator clock.
    emu.set_user_pool_token_validity(POOL, Some(PUBLIC), Duration::from_secs(5))
        .unwrap();
    let short = sign_in(&emu, "alice", "Next-Passw0rd!").await;
    assert_eq!(short["ExpiresIn"], 5);
    emu.set_clock_skew(6);
    refused(
        &idp(
            &emu,
            "GetUser",
            json!({"AccessToken": short["AccessToken"]}),
        )
        .await,
        "NotAuthorizedException",
        "Access Token has expired",
    );
}

#[tokio::test]
async fn identity_pools_validate_the_emulators_id_tokens() {
    let emu = start_with(vec![alice()]).await;
    let t = sign_in(&emu, "alice", PASSWORD).await;
    let id = t["IdToken"].as_str().unwrap().to_string();
    let sub = payload(&id)["sub"].as_str().unwrap().to_string();
    let get_id = |token: &str| json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID, "Logins": {PROVIDER: token}});
    let a = cognito(&emu, "GetId", get_id(&id)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let identity = a.json()["IdentityId"].as_str().unwrap().to_string();
    let a = cognito(
        &emu,
        "GetCredentialsForIdentity",
        json!({"IdentityId": identity, "Logins": {PROVIDER: id}}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    // The same user (sub) through another client's token: the same identity.
    let s = ok(
        &emu,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": SECRET_CLIENT,
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash("alice", SECRET_CLIENT, SECRET)}}),
    )
    .await;
    let id2 = s["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        cognito(&emu, "GetId", get_id(&id2)).await.json()["IdentityId"],
        identity
    );

    let expect = |a: Answer, message: &str| {
        assert_eq!(
            a.error(),
            ("NotAuthorizedException".into(), message.to_string()),
            "{}",
            a.body
        );
    };
    // Tampered payload, same signature.
    let parts: Vec<&str> = id.split('.').collect();
    let mut claims = payload(&id);
    claims["sub"] = json!("someone-else");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    expect(
        cognito(&emu, "GetId", get_id(&forged)).await,
        "Invalid login token. Couldn't verify signed token.",
    );
    // Unsigned (what the emulator accepts for pools it does not host).
    let unsigned = format!(
        "{}.{}.c2ln",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k"}"#),
        parts[1]
    );
    expect(
        cognito(&emu, "GetId", get_id(&unsigned)).await,
        "Invalid login token. Couldn't verify signed token.",
    );
    // Properly signed, but wrong audience / an access token / a foreign pool's issuer.
    let mut wrong_aud = payload(&id);
    wrong_aud["aud"] = json!("someotherclient");
    expect(
        cognito(&emu, "GetId", get_id(&emu.sign_user_pool_jwt(&wrong_aud))).await,
        "Invalid login token. Incorrect token audience.",
    );
    expect(
        cognito(&emu, "GetId", get_id(t["AccessToken"].as_str().unwrap())).await,
        "Invalid login token. Not a valid OpenId Connect identity token.",
    );
    let mut foreign = payload(&id);
    foreign["iss"] = json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Elsewhere");
    expect(
        cognito(&emu, "GetId", get_id(&emu.sign_user_pool_jwt(&foreign))).await,
        "Invalid login token. Issuer doesn't match providerName",
    );
    // Our pool's token under another (foreign) provider name.
    let a = cognito(
        &emu,
        "GetId",
        json!({"IdentityPoolId": DEFAULT_UNAUTH_POOL_ID,
               "Logins": {"cognito-idp.us-east-1.amazonaws.com/us-east-1_Elsewhere": id}}),
    )
    .await;
    expect(a, "Invalid login token. Issuer doesn't match providerName");
    // Another emulator's token (same key material in this process, another key id).
    let other = start_with(vec![alice()]).await;
    let other_id = sign_in(&other, "alice", PASSWORD).await["IdToken"]
        .as_str()
        .unwrap()
        .to_string();
    expect(
        cognito(&emu, "GetId", get_id(&other_id)).await,
        "Invalid login token. Couldn't verify signed token.",
    );
    // Expired on the emulator clock.
    emu.set_clock_skew(3601);
    let exp = payload(&id)["exp"].as_i64().unwrap();
    let a = cognito(&emu, "GetId", get_id(&id)).await;
    let (code, message) = a.error();
    assert_eq!(code, "NotAuthorizedException");
    assert!(
        message.starts_with("Invalid login token. Token expired: ")
            && message.ends_with(&format!(" >= {exp}")),
        "{message}"
    );
    // mint_user_pool_token for a hosted pool gives a real token of that user.
    emu.set_clock_skew(0);
    let minted = emu.mint_user_pool_token(PROVIDER, "alice", Duration::from_secs(60));
    assert_eq!(payload(&minted)["sub"], sub);
    assert_eq!(
        cognito(&emu, "GetId", get_id(&minted)).await.json()["IdentityId"],
        identity
    );
}

#[tokio::test]
async fn jwks_admin_api_and_seed_file() {
    let seed = r#"{
      "user_pools": [{"id": "eu-west-1_Game", "clients": [{"client_id": "gameclient"}],
                      "password_policy": {"min_length": 6, "require_symbols": false, "require_uppercase": false},
                      "users": [{"username": "pat", "password": "abc123"}]}],
      "users": [{"pool_id": "us-east-1_EmuPool1", "username": "sam", "password": "Seeded-Passw0rd",
                 "status": "FORCE_CHANGE_PASSWORD", "attributes": {"email": "sam@example.com"}}]
    }"#;
    let emu = Emulator::start(EmulatorConfig::default().with_user_pool_seed(seed).unwrap())
        .await
        .unwrap();
    assert_eq!(
        emu.user_pool_ids(),
        vec!["eu-west-1_Game".to_string(), POOL.to_string()]
    );
    assert_eq!(
        emu.user_status(POOL, "sam"),
        Some((UserStatus::ForceChangePassword, true))
    );
    let t = password_auth(&emu, "gameclient", "pat", "abc123").await;
    assert_eq!(t.status, 200, "{}", t.body);
    let id = t.json()["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        payload(&id)["iss"],
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Game"
    );

    // JWKS and OpenID configuration per pool; unknown pools 404.
    let jwks = client()
        .get(format!(
            "{}/eu-west-1_Game/.well-known/jwks.json",
            emu.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(jwks.status(), 200);
    let jwks: Value = serde_json::from_str(&jwks.text().await.unwrap()).unwrap();
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], jwks["keys"][0]["kid"]);
    let conf = client()
        .get(format!(
            "{}/{POOL}/.well-known/openid-configuration",
            emu.url()
        ))
        .send()
        .await
        .unwrap();
    let conf: Value = serde_json::from_str(&conf.text().await.unwrap()).unwrap();
    assert_eq!(conf["issuer"], format!("https://{PROVIDER}"));
    let missing = client()
        .get(format!(
            "{}/us-east-1_Nope/.well-known/jwks.json",
            emu.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // The admin API: users, passwords, states, codes, TOTP secrets, pool MFA, clients.
    let r = admin(&emu, "POST", "user-pools/users", Some(json!({"username": "kim", "password": PASSWORD,
        "attributes": {"email": "kim@example.com", "email_verified": "true", "phone_number": "+15555550199"},
        "mfa": {"sms": true}}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = admin(
        &emu,
        "POST",
        "user-pools/users",
        Some(json!({"username": "kim", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = admin(
        &emu,
        "POST",
        "user-pools/users",
        Some(json!({"username": "weak", "password": "x"})),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Password not long enough"), "{}", r.body);
    let r = admin(
        &emu,
        "POST",
        "user-pools/mfa",
        Some(json!({"pool_id": POOL, "mode": "ON", "sms": true})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let c = password_auth(&emu, PUBLIC, "kim", PASSWORD).await.json();
    assert_eq!(c["ChallengeName"], "SMS_MFA", "{c}");
    let code = admin(
        &emu,
        "POST",
        "user-pools/codes",
        Some(json!({"username": "kim", "pool_id": POOL, "kind": "sms_mfa"})),
    )
    .await
    .json();
    assert_eq!(code["destination"], "+15555550199");
    ok(
        &emu,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "SMS_MFA", "ClientId": PUBLIC, "Session": c["Session"],
               "ChallengeResponses": {"USERNAME": "kim", "SMS_MFA_CODE": code["code"]}}),
    )
    .await;
    admin(
        &emu,
        "POST",
        "user-pools/mfa",
        Some(json!({"pool_id": POOL, "mode": "OFF"})),
    )
    .await;
    let r = admin(&emu, "POST", "user-pools/users/password", Some(json!({"pool_id": POOL, "username": "kim", "password": "Other-Passw0rd", "permanent": false}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        password_auth(&emu, PUBLIC, "kim", "Other-Passw0rd")
            .await
            .json()["ChallengeName"],
        "NEW_PASSWORD_REQUIRED"
    );
    admin(
        &emu,
        "POST",
        "user-pools/users/status",
        Some(json!({"pool_id": POOL, "username": "kim", "status": "CONFIRMED"})),
    )
    .await;
    sign_in(&emu, "kim", "Other-Passw0rd").await;
    let u = admin(
        &emu,
        "POST",
        "user-pools/users/get",
        Some(json!({"pool_id": POOL, "username": "kim"})),
    )
    .await
    .json();
    assert_eq!(u["status"], "CONFIRMED");
    assert_eq!(u["mfa"]["sms"], true);
    let r = admin(&emu, "POST", "user-pools/users/mfa", Some(json!({"pool_id": POOL, "username": "kim", "software_token_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = admin(
        &emu,
        "POST",
        "user-pools/totp",
        Some(json!({"pool_id": POOL, "username": "kim"})),
    )
    .await
    .json();
    assert_eq!(s["secret"], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    let r = admin(&emu, "POST", "user-pools/clients", Some(json!({"pool_id": POOL, "client_id": "adminmadeclient", "client_secret": "s3cr3t", "refresh_token_rotation": true}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pools = admin(&emu, "GET", "user-pools", None).await.json();
    let ours = pools["user_pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == POOL)
        .unwrap()
        .clone();
    let clients = ours["clients"].as_array().unwrap().clone();
    assert!(clients
        .iter()
        .any(|c| c["client_id"] == "adminmadeclient" && c["refresh_token_rotation"] == true));
    let r = admin(
        &emu,
        "POST",
        "user-pools",
        Some(json!({"id": "ap-south-1_Second", "clients": [{"client_id": "secondclient"}]})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = admin(
        &emu,
        "POST",
        "user-pools/users",
        Some(json!({"pool_id": "ap-south-1_Second", "username": "lee", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        password_auth(&emu, "secondclient", "lee", PASSWORD)
            .await
            .status,
        200
    );
    let r = admin(&emu, "POST", "user-pools/seed", Some(json!({"users": [{"pool_id": "ap-south-1_Second", "username": "max", "password": PASSWORD}]}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        password_auth(&emu, "secondclient", "max", PASSWORD)
            .await
            .status,
        200
    );
    let r = admin(
        &emu,
        "POST",
        "user-pools/users/delete",
        Some(json!({"pool_id": POOL, "username": "kim"})),
    )
    .await
    .json();
    assert_eq!(r["ok"], true);
    refused(
        &password_auth(&emu, PUBLIC, "kim", "Other-Passw0rd").await,
        "UserNotFoundException",
        "User does not exist.",
    );
    let stats = admin(&emu, "GET", "stats", None).await.json();
    assert_eq!(stats["user_pools"]["user_pools"], 3);
    assert!(
        stats["counts"]["cognito-idp:InitiateAuth"]
            .as_u64()
            .unwrap()
            >= 5
    );
    assert!(EmulatorConfig::default()
        .with_user_pool_seed("{\"nope\": 1}")
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prevent_user_existence_errors_hides_who_exists() {
    let emu = start_with(vec![alice()]).await;
    let mut hiding = AppClientConfig::new("hidingclient");
    hiding.prevent_user_existence_errors = true;
    emu.add_app_client(POOL, hiding).unwrap();
    refused(
        &password_auth(&emu, "hidingclient", "ghost", PASSWORD).await,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    // SRP for an unknown user: a decoy challenge, refused at the proof like a wrong password.
    let prepared = prepare_srp(&emu, "hidingclient", "ghost", PASSWORD, 2).await;
    assert_eq!(
        prepared[0]["challenge"]["SALT"],
        prepared[1]["challenge"]["SALT"]
    );
    let r = respond_verifier(&emu, "hidingclient", &prepared[0]["responses"]).await;
    refused(
        &r,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    let f = ok(
        &emu,
        "ForgotPassword",
        json!({"ClientId": "hidingclient", "Username": "ghost"}),
    )
    .await;
    assert!(f["CodeDeliveryDetails"].is_object());
}

#[tokio::test]
async fn faults_on_user_pool_operations() {
    let emu = start_with(vec![alice()]).await;
    emu.inject_user_pool_fault(Some("InitiateAuth"), Fault::Throttle, Some(1));
    refused(
        &password_auth(&emu, PUBLIC, "alice", PASSWORD).await,
        "TooManyRequestsException",
        "Rate exceeded",
    );
    assert_eq!(
        password_auth(&emu, PUBLIC, "alice", PASSWORD).await.status,
        200
    );
    let r = admin(&emu, "POST", "faults", Some(json!({"op": "cognito-idp:InitiateAuth", "fault": "server_error", "status": 503, "times": 1}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a = password_auth(&emu, PUBLIC, "alice", PASSWORD).await;
    assert_eq!(
        (a.status, a.error().0.as_str()),
        (503, "InternalErrorException")
    );
    admin(
        &emu,
        "POST",
        "faults",
        Some(json!({"op": "cognito-idp:*", "fault": "limit_exceeded", "times": 1})),
    )
    .await;
    refused(
        &idp(&emu, "SignUp", json!({})).await,
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    // Faults of other operations, and identity-pool faults, leave user pools alone.
    emu.inject_user_pool_fault(Some("SignUp"), Fault::Malformed, None);
    emu.inject(cognito_emulator::FaultRule {
        op: None,
        fault: Fault::Throttle,
        times: None,
    });
    assert_eq!(
        password_auth(&emu, PUBLIC, "alice", PASSWORD).await.status,
        200
    );
    let a = idp(&emu, "SignUp", json!({})).await;
    assert_eq!(a.status, 200);
    assert!(serde_json::from_str::<Value>(&a.body).is_err());
    emu.clear_faults();
    assert_eq!(
        idp(&emu, "SignUp", json!({})).await.error().0,
        "InvalidParameterException"
    );
    // A reset connection: the client sees no answer.
    emu.inject_user_pool_fault(None, Fault::Reset, Some(1));
    let sent = client()
        .post(format!("{}/", emu.url()))
        .header("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser")
        .body("{}")
        .send()
        .await;
    assert!(sent.is_err());
    assert!(idp(&emu, "GetUser", json!({})).await.status == 400);
}

#[tokio::test]
async fn garbage_to_every_operation_gets_a_400_never_a_crash() {
    let emu = start_with(vec![alice()]).await;
    let ops = [
        "InitiateAuth",
        "RespondToAuthChallenge",
        "GetTokensFromRefreshToken",
        "SignUp",
        "ConfirmSignUp",
        "ResendConfirmationCode",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "ChangePassword",
        "GlobalSignOut",
        "RevokeToken",
        "GetUser",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    ];
    let long = "é".repeat(5_000);
    let bodies = [
        json!([1, 2]),
        json!("string"),
        json!({"ClientId": 7, "AccessToken": [], "Session": {}}),
        json!({"ClientId": PUBLIC, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": long, "SRP_A": long}}),
        json!({"ClientId": PUBLIC, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "alice", "PASSWORD": 5}}),
        json!({"ClientId": PUBLIC, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": {"USERNAME": "alice",
               "PASSWORD_CLAIM_SECRET_BLOCK": long, "PASSWORD_CLAIM_SIGNATURE": long, "TIMESTAMP": long}}),
        json!({"ClientId": PUBLIC, "ChallengeName": "SMS_MFA", "Session": long, "ChallengeResponses": {"USERNAME": "alice"}}),
        json!({"ClientId": PUBLIC, "Username": long, "Password": long, "ConfirmationCode": long,
               "UserAttributes": [{"Name": null}, 5], "AccessToken": long, "Token": long, "RefreshToken": long,
               "UserCode": long, "PreviousPassword": long, "ProposedPassword": long,
               "SoftwareTokenMfaSettings": {"Enabled": "yes"}}),
        json!({"AccessToken": "a.b.c", "Session": "AYABe0000000000000000000", "UserCode": "123456",
               "Token": "x", "ClientId": PUBLIC, "RefreshToken": "x"}),
    ];
    for op in ops {
        for body in &bodies {
            let a = idp(&emu, op, body.clone()).await;
            if op == "RevokeToken" && body["Token"] == "x" {
                // Revoking an unknown token is no error (as OAuth's revocation).
                assert_eq!((a.status, a.body.as_str()), (200, "{}"));
                continue;
            }
            assert_eq!(a.status, 400, "{op} {body:.80}: {}", a.body);
            let (code, _) = a.error();
            assert!(code.ends_with("Exception"), "{op}: {}", a.body);
        }
    }
    // Still serving.
    assert_eq!(
        password_auth(&emu, PUBLIC, "alice", PASSWORD).await.status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_by_alias_uses_user_id_for_srp() {
    let mut pool = UserPoolConfig::default_pool();
    pool.alias_attributes = vec!["email".into()];
    pool.users = vec![
        SeedUser::new("u-7f3a", PASSWORD)
            .with_attribute("email", "player@example.com")
            .with_attribute("email_verified", "true"),
        SeedUser::new("u-unverified", PASSWORD).with_attribute("email", "other@example.com"),
    ];
    let emu = Emulator::start(EmulatorConfig {
        user_pools: vec![pool],
        ..Default::default()
    })
    .await
    .unwrap();
    // pycognito types the email; the challenge names the user, and its math uses that.
    let prepared = prepare_srp(&emu, PUBLIC, "player@example.com", PASSWORD, 1).await;
    assert_eq!(prepared[0]["challenge"]["USER_ID_FOR_SRP"], "u-7f3a");
    assert_eq!(prepared[0]["responses"]["USERNAME"], "u-7f3a");
    let r = respond_verifier(&emu, PUBLIC, &prepared[0]["responses"]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = payload(
        r.json()["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(id["cognito:username"], "u-7f3a");
    assert!(sign_in(&emu, "player@example.com", PASSWORD).await["IdToken"].is_string());
    // Only verified emails are aliases.
    refused(
        &password_auth(&emu, PUBLIC, "other@example.com", PASSWORD).await,
        "UserNotFoundException",
        "User does not exist.",
    );
}

#[tokio::test]
async fn user_pool_quotas_are_per_category() {
    let mut pool = UserPoolConfig::default_pool();
    pool.users = vec![alice()];
    let emu = Emulator::start(EmulatorConfig {
        user_pools: vec![pool],
        // One request per 5 s: the first sign-in (which may make the signing key, seconds in a
        // debug build) cannot refill the bucket for the second.
        quotas: [("UserAuthentication".to_owned(), 0.2)].into(),
        ..Default::default()
    })
    .await
    .expect("emulator starts");
    // One request in the bucket: the first sign-in passes, the next is throttled.
    let first = password_auth(&emu, PUBLIC, "alice", PASSWORD).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let access = first.json()["AuthenticationResult"]["AccessToken"].clone();
    refused(
        &password_auth(&emu, PUBLIC, "alice", PASSWORD).await,
        "TooManyRequestsException",
        "Rate exceeded",
    );
    // Another category has a quota of its own (none here).
    for _ in 0..3 {
        ok(&emu, "GetUser", json!({"AccessToken": access})).await;
    }
    emu.shutdown().await;
}
