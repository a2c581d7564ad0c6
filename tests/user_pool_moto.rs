//! The user-pool client against moto, an independent implementation of Cognito user pools: the
//! message flow of every sign-in path (moto answers SRP with its own values and does not check
//! the proof: the math is checked against pycognito and the emulator), SECRET_HASH, the new
//! password challenge, refresh, sign-up, wrong passwords, and sign-in → identity pool →
//! credentials end to end.

mod common;

use cognito_native::user_pool::{
    ChallengeName, MemorySessionStore, SessionEnded, SessionStore, SignIn, UserPool, UserPoolConfig,
};
use cognito_native::{Config, CredentialsProvider, ErrorKind, RetryPolicy};
use std::sync::{Arc, Mutex};

struct Setup {
    moto: common::moto::Moto,
    v: serde_json::Value,
}

impl Setup {
    fn new() -> Setup {
        let venv = common::python_venv();
        let moto = common::moto::start(&venv);
        let v = common::moto::set_up(&venv, &moto, "setup_user_pool.py");
        Setup { moto, v }
    }

    fn s(&self, k: &str) -> String {
        self.v[k].as_str().unwrap().to_owned()
    }

    fn config(&self, client: &str) -> UserPoolConfig {
        let mut c = UserPoolConfig::new(self.s("user_pool_id"), self.s(client))
            .with_local_endpoint(&self.moto.url);
        c.endpoints.use_environment = false;
        c.retry = RetryPolicy::no_retry();
        c
    }

    fn pool(&self) -> UserPool {
        UserPool::new(self.config("client_id")).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_and_srp_sign_in_refresh_and_wrong_passwords() {
    let setup = Setup::new();
    let pool = setup.pool();
    let (user, password) = (setup.s("confirmed"), setup.s("password"));

    let session = pool
        .sign_in_password(&user, &password)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let tokens = session.tokens().await.unwrap();
    assert_eq!(tokens.username, user);
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.expires_at > std::time::SystemTime::now());
    assert_eq!(tokens.id_token.expose().split('.').count(), 3);

    // SRP: moto runs the message flow (PASSWORD_VERIFIER, then tokens).
    let srp = pool
        .sign_in_srp(&user, &password)
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    assert_eq!(srp.username(), user);

    // A refresh gives new tokens and keeps the refresh token (REFRESH_TOKEN_AUTH does not
    // return one).
    let refreshed = session.refresh().await.unwrap();
    assert_eq!(refreshed.username, user);
    assert_eq!(refreshed.refresh_token, tokens.refresh_token);

    let wrong = pool
        .sign_in_password(&user, "Wrong-Password-1!")
        .await
        .unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::NotAuthorized, "{wrong}");
    let nobody = pool
        .sign_in_password("nobody-here", &password)
        .await
        .unwrap_err();
    assert!(
        matches!(
            nobody.kind(),
            ErrorKind::UserNotFound | ErrorKind::NotAuthorized
        ),
        "{nobody}"
    );
    // Bad input never reaches the pool.
    for (u, p) in [("", "x"), ("u", ""), ("a\nb", "x")] {
        let e = pool.sign_in_password(u, p).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_secret_signs_every_call_and_new_passwords_are_set() {
    let setup = Setup::new();
    // Without its secret, the secret client's calls are refused (moto checks SECRET_HASH on SRP
    // and refresh, not on USER_PASSWORD_AUTH).
    let no_secret = UserPool::new(setup.config("secret_client_id")).unwrap();
    let e = no_secret
        .sign_in_srp(&setup.s("confirmed"), &setup.s("password"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotAuthorized, "{e}");
    let with_secret = UserPool::new(
        setup
            .config("secret_client_id")
            .with_client_secret(setup.s("client_secret")),
    )
    .unwrap();
    let s = with_secret
        .sign_in_srp(&setup.s("confirmed"), &setup.s("password"))
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    // The refresh sends SECRET_HASH with the pool's username too.
    s.refresh().await.unwrap();

    // A user an admin created must choose a password on first sign-in.
    let pool = setup.pool();
    let fresh = setup.s("fresh");
    let challenge = match pool
        .sign_in_password(&fresh, &setup.s("temporary_password"))
        .await
        .unwrap()
    {
        SignIn::Challenge(c) => c,
        SignIn::SignedIn(_) => panic!("signed in without a new password"),
    };
    assert_eq!(challenge.name, ChallengeName::NewPasswordRequired);
    assert_eq!(challenge.username(), fresh);
    // An MFA code does not answer it.
    assert_eq!(
        pool.respond_mfa(&challenge, "123456")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    let session = pool
        .respond_new_password(&challenge, "Brand-New-Pass-3!", &[])
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    assert_eq!(session.username(), fresh);
    pool.sign_in_password(&fresh, "Brand-New-Pass-3!")
        .await
        .unwrap()
        .signed_in()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_a_session_kept_in_a_store() {
    let setup = Setup::new();
    let store = Arc::new(MemorySessionStore::new());
    let pool = UserPool::new(setup.config("client_id").with_session_store(store.clone())).unwrap();
    let up = pool
        .sign_up(
            "new-player",
            "New-Player-Pass-4!",
            &[("email", "new@example.com")],
        )
        .await
        .unwrap();
    assert!(up.user_sub.is_some());
    let again = pool
        .sign_up("new-player", "New-Player-Pass-4!", &[])
        .await
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::UsernameExists, "{again}");
    if !up.user_confirmed {
        // moto accepts any code for a user that signed up.
        pool.confirm_sign_up("new-player", "123456").await.unwrap();
    }
    let session = pool
        .sign_in_srp("new-player", "New-Player-Pass-4!")
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let key = format!("{}:{}", setup.s("user_pool_id"), setup.s("client_id"));
    let saved = store.load(&key).unwrap().expect("the session was saved");
    assert_eq!(saved.username, "new-player");

    // The next launch: resumed from the store, refreshed.
    let resumed = pool.resume_saved().await.unwrap().expect("a saved session");
    assert_eq!(resumed.username(), "new-player");
    assert!(!format!("{resumed:?} {saved:?}").contains(saved.refresh_token.expose()));

    // Signing out ends the session, tells the listeners, and forgets it in the store.
    let ended = Arc::new(Mutex::new(Vec::new()));
    let seen = ended.clone();
    session.on_ended(move |why| seen.lock().unwrap().push(why.clone()));
    session.sign_out(true).await.unwrap(); // moto has no RevokeToken (500): GlobalSignOut
    assert_eq!(*ended.lock().unwrap(), vec![SessionEnded::SignedOut]);
    assert!(store.load(&key).unwrap().is_none());
    assert_eq!(
        session.tokens().await.unwrap_err().kind(),
        ErrorKind::NotAuthorized
    );

    // Signed out everywhere: the other session's refresh token is refused, which ends it too.
    let other_ended = Arc::new(Mutex::new(Vec::new()));
    let seen = other_ended.clone();
    resumed.on_ended(move |why| seen.lock().unwrap().push(why.clone()));
    let refused = resumed.refresh().await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::NotAuthorized, "{refused}");
    assert!(matches!(
        other_ended.lock().unwrap().as_slice(),
        [SessionEnded::RefreshRefused(e)] if e.kind() == ErrorKind::NotAuthorized
    ));
    assert_eq!(
        resumed.tokens().await.unwrap_err().kind(),
        ErrorKind::NotAuthorized
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_pool_session_signs_the_identity_pool_in() {
    let setup = Setup::new();
    let session = setup
        .pool()
        .sign_in_srp(&setup.s("confirmed"), &setup.s("password"))
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    let mut config = Config::new(setup.s("identity_pool_id")).with_local_endpoint(&setup.moto.url);
    config.endpoints.use_environment = false;
    config.retry = RetryPolicy::no_retry();
    let provider = CredentialsProvider::new(config).unwrap();
    provider.set_user_pool_session(&session).unwrap();
    assert_eq!(provider.login_names(), vec![session.provider_name()]);
    let credentials = provider.credentials().await.unwrap();
    assert!(!credentials.access_key_id.is_empty());
    assert!(credentials.identity_id.starts_with("us-east-1:"));
    // Sign-out removes the login, and with it the credentials.
    session.sign_out(true).await.unwrap(); // moto has no RevokeToken (500): GlobalSignOut
    assert!(provider.login_names().is_empty());
    assert!(provider.cached_credentials().is_none());
}
