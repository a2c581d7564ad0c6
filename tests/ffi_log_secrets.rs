//! No secret reaches the C ABI's log sink (what Unity's console and a game server's logger see).
//! A binary of its own: the sink is process-wide. Flows run through the C ABI at TRACE, then every
//! line the sink received is searched for every token, secret key and session token used or
//! returned. `tests/secrets.rs` does the same for the Rust API's tracing output and `Debug`.

mod common;

use cognito_emulator::{Emulator, DEFAULT_DEVELOPER_PROVIDER_NAME, TEST_SECRET_ACCESS_KEY};
use cognito_native::ffi::*;
use common::ffi::*;
use common::*;
use std::ffi::c_void;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::Duration;

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn on_log(
    _user_data: *mut c_void,
    level: i32,
    target: *const safer_ffi::c_char,
    message: *const safer_ffi::c_char,
) {
    let line = format!(
        "{level} {} {}",
        read(target).unwrap_or_default(),
        read(message).unwrap_or_default()
    );
    LINES.lock().unwrap().push(line);
}

/// Secrets used or returned, to search for afterwards.
#[derive(Default)]
struct Secrets(Vec<(String, String)>);

impl Secrets {
    fn add(&mut self, what: impl Into<String>, value: &str) {
        assert!(value.len() >= 16, "long enough to search for: {value:?}");
        self.0.push((what.into(), value.to_owned()));
    }

    /// Reads the provider's cached credentials and records their secrets.
    fn cached_credentials(&mut self, what: &str, p: *mut cognito_provider) {
        let mut creds: *mut cognito_credentials = std::ptr::null_mut();
        assert_eq!(
            cognito_provider_cached_credentials(p, &mut creds),
            cognito_status::Ok,
            "{what}"
        );
        let c = unsafe { &*creds };
        self.add(
            format!("{what}: secret key"),
            &unsafe { read(c.secret_access_key) }.unwrap(),
        );
        self.add(
            format!("{what}: session token"),
            &unsafe { read(c.session_token) }.unwrap(),
        );
        cognito_credentials_free(creds);
    }
}

fn credentials(p: *mut cognito_provider) -> (cognito_status, Option<(u32, String)>) {
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_credentials(p, Some(on_credentials), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, _, error) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    (status, error)
}

fn add_login(p: *mut cognito_provider, provider_name: &str, token: &str) {
    let (name, token) = (cstr(provider_name), cstr(token));
    assert_eq!(
        cognito_provider_add_login(p, arg(&name), arg(&token)),
        cognito_status::Ok
    );
}

fn flows(emu: &Emulator, secrets: &mut Secrets) {
    let url = emu.url();
    let quick = r#","max_attempts":4,"retry_base_delay_ms":5,"retry_max_delay_ms":20"#;

    // Guest, then signed in with a user pool token, enhanced flow.
    let p = new_provider(&url, DEFAULT_UNAUTH_POOL_ID, quick);
    assert_eq!(credentials(p).0, cognito_status::Ok);
    secrets.cached_credentials("guest", p);
    let token = emu.mint_user_pool_token(USER_POOL_PROVIDER, "alice", Duration::from_secs(3600));
    secrets.add("user pool token (alice)", &token);
    add_login(p, USER_POOL_PROVIDER, &token);
    assert_eq!(credentials(p).0, cognito_status::Ok);
    secrets.cached_credentials("signed in", p);

    // Throttling and a reset mid-body: retries, then success.
    assert_eq!(cognito_provider_clear_credentials(p), cognito_status::Ok);
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::Throttle,
        Some(1),
    ));
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::ResetMidBody,
        Some(1),
    ));
    assert_eq!(credentials(p).0, cognito_status::Ok);
    secrets.cached_credentials("after retries", p);
    // Answers that fail: expired credentials, garbage.
    for fault in [Fault::ExpiredCredentials, Fault::Malformed] {
        assert_eq!(cognito_provider_clear_credentials(p), cognito_status::Ok);
        emu.inject(rule(Operation::GetCredentialsForIdentity, fault, Some(4)));
        assert_eq!(credentials(p).0, cognito_status::ErrFailed);
        emu.clear_faults();
    }
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);

    // Basic flow (GetOpenIdToken, then STS), signed in.
    let roles = format!(r#","unauth_role_arn":"{UNAUTH_ROLE}","auth_role_arn":"{AUTH_ROLE}""#);
    let basic = new_provider(&url, DEFAULT_UNAUTH_POOL_ID, &roles);
    let token = emu.mint_user_pool_token(USER_POOL_PROVIDER, "bob", Duration::from_secs(3600));
    secrets.add("user pool token (bob)", &token);
    add_login(basic, USER_POOL_PROVIDER, &token);
    assert_eq!(credentials(basic).0, cognito_status::Ok);
    secrets.cached_credentials("basic flow", basic);
    assert_eq!(cognito_provider_free(basic), cognito_status::Ok);

    // A token the service refuses.
    let bad = new_provider(&url, DEFAULT_UNAUTH_POOL_ID, quick);
    let opaque = "invalid-opaque-facebook-token-0123456789";
    secrets.add("refused opaque token", opaque);
    add_login(bad, "graph.facebook.com", opaque);
    let (status, error) = credentials(bad);
    assert_eq!(status, cognito_status::ErrFailed);
    assert_eq!(error.unwrap().1, "NotAuthorizedException");
    assert_eq!(cognito_provider_free(bad), cognito_status::Ok);

    // The backend's signed developer call, with a session token.
    let session_token = "FwoGZXIvYXdzEDEVELOPERsessionTOKEN0123456789abcdef";
    secrets.add("developer AWS secret key", TEST_SECRET_ACCESS_KEY);
    secrets.add("developer AWS session token", session_token);
    let (pool, dev, player) = (
        cstr(DEFAULT_UNAUTH_POOL_ID),
        cstr(DEFAULT_DEVELOPER_PROVIDER_NAME),
        cstr("player-1"),
    );
    let client = new_developer_client(&url, Some(session_token));
    let (tx, rx) = mpsc::channel::<Token>();
    assert_eq!(
        cognito_developer_client_get_token(
            client,
            arg(&pool),
            arg(&dev),
            arg(&player),
            None,
            Some(on_token),
            Box::into_raw(Box::new(tx)).cast(),
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    let (status, id, token) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(status, cognito_status::Ok);
    assert!(id.is_some());
    secrets.add("developer OpenID token", &token.unwrap());
    assert_eq!(cognito_developer_client_free(client), cognito_status::Ok);
}

const CANARY: &str = "canary-SECRET-value-0123456789abcdef";

#[test]
fn no_secret_reaches_the_log_sink() {
    assert_eq!(cognito_init(2, -1), cognito_status::Ok);
    assert_eq!(
        cognito_set_log_sink(Some(on_log), std::ptr::null_mut(), 5),
        cognito_status::Ok
    );
    let (rt, emu) = emulator_on_own_runtime();
    let mut secrets = Secrets::default();
    flows(&emu, &mut secrets);
    rt.block_on(emu.shutdown());
    // Control for the scanner: a secret logged through the same path must be found.
    tracing::warn!(canary = CANARY, "scanner control");
    assert_eq!(cognito_shutdown(), cognito_status::Ok);

    let logs = LINES.lock().unwrap().join("\n");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ffi-log-capture.log");
    let _ = std::fs::write(&path, &logs);
    // The capture is real: lines at every level, from inside the flights.
    assert!(logs.lines().any(|l| l.starts_with("5 ")), "no TRACE line");
    for needle in [
        "AWS answered",               // DEBUG, each request
        "identity id changed",        // INFO
        "getting credentials failed", // WARN
        "AssumeRoleWithWebIdentity",
        "GetOpenIdTokenForDeveloperIdentity",
    ] {
        assert!(logs.contains(needle), "no {needle:?} line in:\n{logs}");
    }
    assert!(
        logs.contains(fragment(CANARY)),
        "the scanner finds a logged secret"
    );
    let logs = logs.replace(CANARY, "");
    let mut hits = Vec::new();
    for (what, secret) in &secrets.0 {
        for needle in [secret.as_str(), fragment(secret)] {
            if logs.contains(needle) {
                hits.push(format!("{what} ({needle:?})"));
            }
        }
    }
    println!(
        "{} log lines searched for {} secrets: {} hit(s)",
        logs.lines().count(),
        secrets.0.len(),
        hits.len()
    );
    assert!(
        hits.is_empty(),
        "secrets in the log sink (see {}): {hits:#?}",
        path.display()
    );
}
