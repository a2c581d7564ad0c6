//! No secret ever reaches a log line or a `Debug` string. Every flow runs with a TRACE subscriber
//! installed as the process-wide default (a binary of its own, one test), so events from the
//! library's runtime worker threads (flights, retries) and from the `log` crate (reqwest, rustls)
//! are captured too; then the capture and the `Debug` text of everything returned is searched for
//! every token, secret access key, session token and developer token used or returned.

mod common;

use cognito_emulator::{
    Emulator, DEFAULT_DEVELOPER_PROVIDER_NAME, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY,
};
use cognito_native::{
    AwsCredentials, CredentialsProvider, DeveloperIdentity, DeveloperIdentityClient,
    DeveloperTokenRequest, ErrorKind, LoginsProvider, RetryPolicy, Secret,
};
use common::*;
use futures_util::future::{BoxFuture, FutureExt};
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A `MakeWriter` appending to a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

/// The secrets to look for, and the `Debug` text of everything the flows produced.
#[derive(Default)]
struct Evidence {
    secrets: Vec<(String, String)>,
    debug: String,
}

impl Evidence {
    fn secret(&mut self, what: impl Into<String>, value: &str) {
        assert!(
            value.len() >= 16,
            "a real secret is long enough to search for"
        );
        self.secrets.push((what.into(), value.to_owned()));
    }
    fn debug(&mut self, value: &dyn std::fmt::Debug) {
        self.debug.push_str(&format!("{value:?}\n{value:#?}\n"));
    }
    fn credentials(&mut self, what: &str, c: &cognito_native::Credentials) {
        self.secret(format!("{what}: secret key"), c.secret_access_key.expose());
        self.secret(format!("{what}: session token"), c.session_token.expose());
        self.debug(c);
    }
    fn result<T: std::fmt::Debug>(&mut self, r: &cognito_native::Result<T>) {
        self.debug(r);
    }
}

fn user_pool_token(emu: &Emulator, sub: &str) -> String {
    emu.mint_user_pool_token(USER_POOL_PROVIDER, sub, Duration::from_secs(3600))
}

async fn flows(emu: &Emulator, ev: &mut Evidence) {
    // 1. Guest, enhanced flow.
    let p = provider(emu, DEFAULT_UNAUTH_POOL_ID);
    ev.debug(&p);
    let seen = record_changes(&p);
    let c = p.credentials().await.unwrap();
    ev.credentials("guest enhanced", &c);

    // 2. User pool login on the same provider (identity changes; credentials cleared).
    let token = user_pool_token(emu, "alice");
    ev.secret("user pool token (alice)", &token);
    p.set_login(USER_POOL_PROVIDER, token.as_str()).unwrap();
    let c = p.credentials().await.unwrap();
    ev.credentials("user pool login", &c);
    ev.debug(&changes(&seen));

    // 3. Basic flow with role ARNs, guest then signed in.
    let mut config = config_for(emu);
    config.unauth_role_arn = Some(UNAUTH_ROLE.into());
    config.auth_role_arn = Some(AUTH_ROLE.into());
    ev.debug(&config);
    let basic = CredentialsProvider::new(config).unwrap();
    let c = basic.credentials().await.unwrap();
    ev.credentials("basic guest", &c);
    let token = user_pool_token(emu, "bob");
    ev.secret("user pool token (bob)", &token);
    basic.set_login(USER_POOL_PROVIDER, token).unwrap();
    let c = basic.credentials().await.unwrap();
    ev.credentials("basic signed in", &c);

    // 4. A logins provider supplying fresh tokens.
    let supplied = user_pool_token(emu, "carol");
    ev.secret("logins provider token (carol)", &supplied);
    let lp = provider(emu, DEFAULT_AUTH_POOL_ID);
    let t = supplied.clone();
    let logins: Arc<dyn LoginsProvider> = Arc::new(
        move |_: &str| -> BoxFuture<'static, cognito_native::Result<Secret>> {
            let t = t.clone();
            async move { Ok(Secret::new(t)) }.boxed()
        },
    );
    lp.set_logins_provider(USER_POOL_PROVIDER, logins).unwrap();
    let c = lp.credentials().await.unwrap();
    ev.credentials("logins provider", &c);
    lp.clear_credentials();
    let c = lp.credentials().await.unwrap();
    ev.credentials("logins provider again", &c);

    // 5. Developer identities: the backend's signed calls (with a session token), then the app.
    let session_token = "FwoGZXIvYXdzEDEVELOPERsessionTOKEN0123456789abcdef";
    ev.secret("developer AWS secret key", TEST_SECRET_ACCESS_KEY);
    ev.secret("developer AWS session token", session_token);
    let creds = AwsCredentials::new(
        TEST_ACCESS_KEY_ID,
        TEST_SECRET_ACCESS_KEY,
        Some(Secret::new(session_token)),
    );
    ev.debug(&creds);
    let backend = DeveloperIdentityClient::new(config_for(emu), Some(creds)).unwrap();
    let mut request = DeveloperTokenRequest::new(
        DEFAULT_UNAUTH_POOL_ID,
        DEFAULT_DEVELOPER_PROVIDER_NAME,
        "player-1",
    );
    let other = user_pool_token(emu, "dave");
    ev.secret("user pool token in a developer request (dave)", &other);
    request
        .other_logins
        .insert(USER_POOL_PROVIDER.into(), Secret::new(other));
    request.principal_tags.insert("team".into(), "red".into());
    ev.debug(&request);
    let dev = backend
        .get_open_id_token_for_developer_identity(&request)
        .await
        .unwrap();
    ev.secret("developer OpenID token", dev.token.expose());
    ev.debug(&dev);
    let found = backend
        .lookup_developer_identity(
            DEFAULT_UNAUTH_POOL_ID,
            Some(&dev.identity_id),
            None,
            10,
            None,
        )
        .await;
    ev.result(&found);
    assert!(found.is_ok());
    // An unknown key: a signed call the service refuses.
    let wrong_secret = "wrongSECRETkey/never+logged/0000000000000";
    ev.secret("unknown AWS secret key", wrong_secret);
    let stranger = DeveloperIdentityClient::new(
        config_for(emu),
        Some(AwsCredentials::new(
            "AKIDUNKNOWNEXAMPLE00",
            wrong_secret,
            None,
        )),
    )
    .unwrap();
    let refused = stranger
        .get_open_id_token_for_developer_identity(&DeveloperTokenRequest::new(
            DEFAULT_UNAUTH_POOL_ID,
            DEFAULT_DEVELOPER_PROVIDER_NAME,
            "player-2",
        ))
        .await;
    ev.result(&refused);
    assert!(refused.is_err());

    for basic in [false, true] {
        let mut config = config_for(emu);
        if basic {
            config.auth_role_arn = Some(AUTH_ROLE.into());
        }
        let app = CredentialsProvider::new(config).unwrap();
        let backend = Arc::new(backend_client(emu));
        let source_tokens = Arc::new(Mutex::new(Vec::new()));
        let (b, tokens) = (backend.clone(), source_tokens.clone());
        app.set_developer_identity_source(Arc::new(
            move || -> BoxFuture<'static, cognito_native::Result<DeveloperIdentity>> {
                let (b, tokens) = (b.clone(), tokens.clone());
                async move {
                    let d = b
                        .get_open_id_token_for_developer_identity(&DeveloperTokenRequest::new(
                            DEFAULT_UNAUTH_POOL_ID,
                            DEFAULT_DEVELOPER_PROVIDER_NAME,
                            "player-3",
                        ))
                        .await?;
                    tokens.lock().unwrap().push(d.token.expose().to_owned());
                    Ok(d)
                }
                .boxed()
            },
        ))
        .unwrap();
        let c = app.credentials().await.unwrap();
        ev.credentials(&format!("developer source (basic={basic})"), &c);
        for t in source_tokens.lock().unwrap().iter() {
            ev.secret(format!("developer source token (basic={basic})"), t);
        }
        ev.debug(&app);
    }

    // 6. Errors and retries.
    let p = provider(emu, DEFAULT_UNAUTH_POOL_ID);
    emu.inject(rule(Operation::GetId, Fault::Throttle, Some(2)));
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::ResetMidBody,
        Some(1),
    ));
    let c = p.credentials().await.unwrap();
    ev.credentials("after throttling and a reset", &c);
    let token = user_pool_token(emu, "erin");
    ev.secret("user pool token (erin)", &token);
    p.set_login(USER_POOL_PROVIDER, token).unwrap();
    for fault in [
        Fault::ExpiredCredentials,
        Fault::Malformed,
        Fault::WrongTypes,
        Fault::Truncated,
        Fault::ServiceError {
            status: 400,
            code: "NotAuthorizedException".into(),
            message: "Invalid login token.".into(),
        },
    ] {
        emu.inject(rule(Operation::GetCredentialsForIdentity, fault, Some(3)));
        let r = p.credentials().await;
        ev.result(&r);
        assert!(r.is_err());
        emu.clear_faults();
    }
    let c = p.credentials().await.unwrap();
    ev.credentials("signed in after errors", &c);
    // Tokens the service refuses: an opaque invalid one, an expired user pool token.
    let bad = provider(emu, DEFAULT_UNAUTH_POOL_ID);
    let opaque = "invalid-opaque-facebook-token-0123456789";
    ev.secret("refused opaque token", opaque);
    bad.set_login("graph.facebook.com", opaque).unwrap();
    let r = bad.credentials().await;
    ev.result(&r);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::NotAuthorized);
    let expired = emu.mint_user_pool_token(USER_POOL_PROVIDER, "frank", Duration::from_secs(1));
    ev.secret("expired user pool token", &expired);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let bad = provider(emu, DEFAULT_UNAUTH_POOL_ID);
    bad.set_login(USER_POOL_PROVIDER, expired).unwrap();
    let r = bad.identity_id().await;
    ev.result(&r);
    assert!(r.is_err());
    // STS refusing in the basic flow, and a server that hangs.
    let mut config = config_for(emu);
    config.unauth_role_arn = Some(UNAUTH_ROLE.into());
    config.attempt_timeout = Duration::from_millis(300);
    config.retry = RetryPolicy::no_retry();
    let sts = CredentialsProvider::new(config).unwrap();
    emu.inject(rule(
        Operation::AssumeRoleWithWebIdentity,
        Fault::ServiceError {
            status: 400,
            code: "InvalidIdentityToken".into(),
            message: "Couldn't retrieve verification key from your identity provider".into(),
        },
        Some(1),
    ));
    let r = sts.credentials().await;
    ev.result(&r);
    assert!(r.is_err());
    emu.inject(rule(
        Operation::AssumeRoleWithWebIdentity,
        Fault::Hang,
        Some(1),
    ));
    let r = sts.credentials().await;
    ev.result(&r);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Timeout);
    let c = sts.credentials().await.unwrap();
    ev.credentials("basic after errors", &c);
}

fn config_for(emu: &Emulator) -> cognito_native::Config {
    config(emu, DEFAULT_UNAUTH_POOL_ID)
}

fn backend_client(emu: &Emulator) -> DeveloperIdentityClient {
    DeveloperIdentityClient::new(
        config_for(emu),
        Some(AwsCredentials::new(
            TEST_ACCESS_KEY_ID,
            TEST_SECRET_ACCESS_KEY,
            None,
        )),
    )
    .unwrap()
}

const CANARY: &str = "canary-SECRET-value-0123456789abcdef";

#[test]
fn no_secret_in_logs_or_debug_output() {
    let capture = Capture::default();
    use tracing_subscriber::util::SubscriberInitExt as _;
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_thread_names(true)
        .finish()
        .try_init() // also routes the `log` crate (reqwest, rustls) into it
        .expect("the first subscriber of this process");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("lib-runtime-worker")
        .enable_all()
        .build()
        .unwrap();
    let mut ev = Evidence::default();
    rt.block_on(async {
        let emu = tokio::time::timeout(Duration::from_secs(5), emulator())
            .await
            .unwrap();
        tokio::time::timeout(Duration::from_secs(60), flows(&emu, &mut ev))
            .await
            .expect("the flows end in time");
        emu.shutdown().await;
        // Control for the scanner: a canary logged from a worker thread must be found.
        tokio::spawn(async { tracing::trace!(canary = CANARY, "scanner control") })
            .await
            .unwrap();
    });
    drop(rt);

    let logs = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/secrets-capture.log");
    let _ = std::fs::write(&path, &logs);
    // The capture is real: lines from the library on its runtime's worker threads, at every level.
    let on_workers = |needle: &str| {
        logs.lines()
            .any(|l| l.contains("lib-runtime-worker") && l.contains(needle))
    };
    for needle in [
        "AWS answered",               // DEBUG, each request, inside a flight
        "identity id changed",        // INFO
        "getting credentials failed", // WARN
        "cognito_native",             // the library's target
    ] {
        assert!(
            on_workers(needle),
            "no {needle:?} line from a runtime worker:\n{logs}"
        );
    }
    assert!(logs.contains("TRACE"), "TRACE events are captured");
    assert!(logs.contains("GetOpenIdTokenForDeveloperIdentity"));

    assert!(
        on_workers(CANARY) && logs.contains(fragment(CANARY)),
        "the scanner finds a secret logged on a worker"
    );
    let logs = logs.replace(CANARY, "");
    let mut hits = Vec::new();
    let mut checked = std::collections::BTreeSet::new();
    for (what, secret) in &ev.secrets {
        if !checked.insert(secret.clone()) {
            continue;
        }
        for (place, text) in [("logs", &logs), ("debug", &ev.debug)] {
            for needle in [secret.as_str(), fragment(secret)] {
                if text.contains(needle) {
                    hits.push(format!("{what} in {place} ({needle:?})"));
                }
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "secret scan: {} bytes of logs ({} lines), {} bytes of Debug output, {} distinct secrets \
         checked (full value + fragment each), {} hits",
        logs.len(),
        logs.lines().count(),
        ev.debug.len(),
        checked.len(),
        hits.len()
    );
    assert!(hits.is_empty(), "secrets leaked: {hits:#?}");
}
