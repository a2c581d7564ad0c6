//! The user-pool client against the emulator's user pools, which check what moto does not: the
//! SRP proof (a wrong password fails at PASSWORD_VERIFIER), SECRET_HASH, codes, and RS256 id
//! tokens that the emulator's identity pools verify. Plus what sessions do to a provider: the
//! login that ends with the session, and credentials persisted for the same user.

mod common;

use cognito_emulator::{
    CodeKind, Emulator, EmulatorConfig, MfaConfig, MfaMode, SeedUser, UserMfa, UserPoolConfig,
    UserStatus, DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_CLIENT_SECRET, DEFAULT_USER_POOL_ID,
    DEFAULT_USER_POOL_SECRET_CLIENT_ID,
};
use cognito_native::user_pool::{
    ChallengeName, MemorySessionStore, SignIn, UserPool, UserPoolConfig as ClientConfig,
};
use cognito_native::{CredentialsProvider, ErrorKind, FileIdentityStore, RetryPolicy};
use common::*;
use std::sync::Arc;

const PASSWORD: &str = "Correct-Horse-9";

async fn emulator_with_users(users: Vec<SeedUser>) -> Emulator {
    let mut pool = UserPoolConfig::default_pool();
    pool.users = users;
    emulator_with(EmulatorConfig {
        user_pools: vec![pool],
        ..Default::default()
    })
    .await
}

fn alice() -> SeedUser {
    SeedUser::new("alice", PASSWORD)
        .with_attribute("email", "alice@example.com")
        .with_attribute("email_verified", "true")
}

fn client_config(emu: &Emulator, client: &str) -> ClientConfig {
    let mut c = ClientConfig::new(DEFAULT_USER_POOL_ID, client).with_local_endpoint(&emu.url());
    c.endpoints.use_environment = false;
    c.retry = RetryPolicy::no_retry();
    c
}

fn public_pool(emu: &Emulator) -> UserPool {
    UserPool::new(client_config(emu, DEFAULT_USER_POOL_CLIENT_ID)).unwrap()
}

fn secret_pool(emu: &Emulator) -> UserPool {
    UserPool::new(
        client_config(emu, DEFAULT_USER_POOL_SECRET_CLIENT_ID)
            .with_client_secret(DEFAULT_USER_POOL_CLIENT_SECRET),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn srp_sign_in_is_verified_by_the_server() {
    let emu = emulator_with_users(vec![alice()]).await;
    for pool in [public_pool(&emu), secret_pool(&emu)] {
        let session = pool
            .sign_in_srp("alice", PASSWORD)
            .await
            .unwrap()
            .signed_in()
            .unwrap();
        assert_eq!(session.username(), "alice");
        let attributes = session.attributes().await.unwrap();
        assert!(attributes.contains(&("email".to_owned(), "alice@example.com".to_owned())));

        // The proof of a wrong password is refused by the server's SRP check, and not retried.
        let wrong = pool
            .sign_in_srp("alice", "Wrong-Horse-9")
            .await
            .unwrap_err();
        assert_eq!(wrong.kind(), ErrorKind::NotAuthorized, "{wrong}");
        assert_eq!(wrong.message(), "Incorrect username or password.");
        let unknown = pool.sign_in_srp("nobody", PASSWORD).await.unwrap_err();
        assert_eq!(unknown.kind(), ErrorKind::UserNotFound, "{unknown}");
    }
    // A secret client without its secret: the SECRET_HASH is missing.
    let bare = UserPool::new(client_config(&emu, DEFAULT_USER_POOL_SECRET_CLIENT_ID)).unwrap();
    let e = bare.sign_in_srp("alice", PASSWORD).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotAuthorized, "{e}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_sign_out_and_credentials_from_the_verified_id_token() {
    let emu = emulator_with_users(vec![alice()]).await;
    let pool = public_pool(&emu);
    let session = pool
        .sign_in_srp("alice", PASSWORD)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let before = session.cached_tokens();
    let refreshed = session.refresh().await.unwrap();
    assert_ne!(refreshed.id_token, before.id_token);

    // The emulator's identity pool verifies the id token's RS256 signature, issuer, audience.
    let provider = provider(&emu, DEFAULT_AUTH_POOL_ID);
    provider.set_user_pool_session(&session).unwrap();
    let credentials = provider.credentials().await.unwrap();
    assert!(credentials.access_key_id.starts_with("ASIA"));
    let identity = provider.cached_identity_id().unwrap();

    // Signed in again later: the same identity.
    let again = pool
        .sign_in_password("alice", PASSWORD)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let other = provider_for(&emu, DEFAULT_AUTH_POOL_ID);
    other.set_user_pool_session(&again).unwrap();
    assert_eq!(other.identity_id().await.unwrap(), identity);

    // Sign-out everywhere revokes the refresh token: a refresh is refused, and the session's
    // login leaves the provider.
    session.sign_out(true).await.unwrap();
    assert!(!provider.contains_login(&session.provider_name()));
    let refused = again.refresh().await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::NotAuthorized, "{refused}");
    emu.shutdown().await;
}

fn provider_for(emu: &Emulator, pool: &str) -> CredentialsProvider {
    provider(emu, pool)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_password_and_sms_mfa_challenges() {
    let mut temporary = SeedUser::new("bob", "Temporary-Pass-1").with_attribute("email", "b@x.y");
    temporary.status = UserStatus::ForceChangePassword;
    let mut sms = SeedUser::new("carol", PASSWORD).with_attribute("phone_number", "+15550100");
    sms.mfa = UserMfa {
        sms: true,
        ..Default::default()
    };
    let emu = emulator_with_users(vec![temporary, sms]).await;
    emu.set_user_pool_mfa(
        DEFAULT_USER_POOL_ID,
        MfaConfig {
            mode: MfaMode::Optional,
            ..Default::default()
        },
    )
    .unwrap();
    let pool = public_pool(&emu);

    let SignIn::Challenge(c) = pool.sign_in_srp("bob", "Temporary-Pass-1").await.unwrap() else {
        panic!("a new password is required");
    };
    assert_eq!(c.name, ChallengeName::NewPasswordRequired);
    let session = pool
        .respond_new_password(&c, "Brand-New-Pass-2", &[])
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    assert_eq!(session.username(), "bob");
    pool.sign_in_srp("bob", "Brand-New-Pass-2")
        .await
        .unwrap()
        .signed_in()
        .unwrap();

    let SignIn::Challenge(c) = pool.sign_in_srp("carol", PASSWORD).await.unwrap() else {
        panic!("an SMS code is asked for");
    };
    assert_eq!(c.name, ChallengeName::SmsMfa);
    let wrong = pool.respond_mfa(&c, "000000").await.unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::CodeMismatch, "{wrong}");
    let code = emu
        .last_code(DEFAULT_USER_POOL_ID, "carol", CodeKind::SmsMfa)
        .expect("a code was sent")
        .code;
    let session = pool
        .respond_mfa(&c, &code)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    assert_eq!(session.username(), "carol");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_password_reset_with_the_codes_sent() {
    let emu = emulator_with_users(vec![alice()]).await;
    let pool = secret_pool(&emu);
    let up = pool
        .sign_up("dave", PASSWORD, &[("email", "dave@example.com")])
        .await
        .unwrap();
    assert!(!up.user_confirmed);
    let e = pool.sign_in_srp("dave", PASSWORD).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UserNotConfirmed, "{e}");
    let code = emu
        .last_code(DEFAULT_USER_POOL_ID, "dave", CodeKind::SignUp)
        .unwrap()
        .code;
    let wrong = pool.confirm_sign_up("dave", "999999").await.unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::CodeMismatch, "{wrong}");
    pool.confirm_sign_up("dave", &code).await.unwrap();
    pool.sign_in_srp("dave", PASSWORD)
        .await
        .unwrap()
        .signed_in()
        .unwrap();

    let delivery = pool.forgot_password("alice").await.unwrap();
    assert!(delivery.is_some());
    let code = emu
        .last_code(DEFAULT_USER_POOL_ID, "alice", CodeKind::ForgotPassword)
        .unwrap()
        .code;
    pool.confirm_forgot_password("alice", &code, "Reset-Horse-10")
        .await
        .unwrap();
    let old = pool.sign_in_srp("alice", PASSWORD).await.unwrap_err();
    assert_eq!(old.kind(), ErrorKind::NotAuthorized);
    pool.sign_in_srp("alice", "Reset-Horse-10")
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ending_removes_only_its_own_login() {
    let emu = emulator_with_users(vec![alice()]).await;
    let pool = public_pool(&emu);
    let first = pool
        .sign_in_srp("alice", PASSWORD)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let second = pool
        .sign_in_srp("alice", PASSWORD)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let p = provider(&emu, DEFAULT_AUTH_POOL_ID);
    p.set_user_pool_session(&first).unwrap();
    // The app signs in again and hands the provider the new session: the old one's end must
    // not take the new login with it.
    p.set_user_pool_session(&second).unwrap();
    first.sign_out(false).await.unwrap();
    assert!(p.contains_login(&second.provider_name()));
    p.credentials().await.unwrap();
    second.sign_out(false).await.unwrap();
    assert!(!p.contains_login(&second.provider_name()));
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persisted_credentials_follow_the_signed_in_user() {
    let emu = emulator_with_users(vec![alice(), SeedUser::new("erin", PASSWORD)]).await;
    let (ids, sessions) = (
        tempfile::tempdir().unwrap(),
        Arc::new(MemorySessionStore::new()),
    );
    let pool = UserPool::new(
        client_config(&emu, DEFAULT_USER_POOL_CLIENT_ID).with_session_store(sessions.clone()),
    )
    .unwrap();
    let launch = || {
        let mut c = config(&emu, DEFAULT_AUTH_POOL_ID)
            .with_identity_store(Arc::new(FileIdentityStore::new(ids.path())));
        c.persist_credentials = true;
        CredentialsProvider::new(c).unwrap()
    };
    let entry = FileIdentityStore::new(ids.path()).credentials_path_for(DEFAULT_AUTH_POOL_ID);

    let session = pool
        .sign_in_srp("alice", PASSWORD)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let first = launch();
    first.set_user_pool_session(&session).unwrap();
    let credentials = first.credentials().await.unwrap();
    for _ in 0..200 {
        if entry.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(entry.exists());

    // The next launch resumes alice's session (a refresh: a new id token, the same user): her
    // credentials apply, no identity-pool request.
    let sent = emu.request_count(Operation::GetCredentialsForIdentity);
    let resumed = pool.resume_saved().await.unwrap().expect("a saved session");
    let second = launch();
    second.set_user_pool_session(&resumed).unwrap();
    let cached = second
        .cached_credentials()
        .expect("alice's credentials, from the store");
    assert_eq!(cached.access_key_id, credentials.access_key_id);
    assert_eq!(
        emu.request_count(Operation::GetCredentialsForIdentity),
        sent
    );

    // Erin signs in on this device: not hers.
    let erin = pool
        .sign_in_srp("erin", PASSWORD)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let third = launch();
    third.set_user_pool_session(&erin).unwrap();
    assert!(third.cached_credentials().is_none());
    emu.shutdown().await;
}
