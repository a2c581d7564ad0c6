//! The provider's flows, caching and events, through the public Rust API against the emulator.

mod common;

use cognito_native::{
    Config, CredentialsProvider, ErrorKind, FileIdentityStore, LoginsProvider, Secret,
};
use common::*;
use futures_util::FutureExt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_identity_and_credentials() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    assert_eq!(p.region(), "us-east-1");
    assert_eq!(p.cached_identity_id(), None);
    assert!(p.cached_credentials().is_none());

    let id = p.identity_id().await.unwrap();
    assert!(id.starts_with("us-east-1:"), "{id}");
    let creds = p.credentials().await.unwrap();
    assert_eq!(creds.identity_id, id);
    assert!(creds.access_key_id.starts_with("ASIA"));
    assert!(!creds.secret_access_key.is_empty());
    assert!(!creds.session_token.is_empty());
    let left = creds.expiration.duration_since(SystemTime::now()).unwrap();
    assert!(left > Duration::from_secs(3000) && left <= Duration::from_secs(3600));

    // Cached: no more requests, the same credentials.
    let again = p.credentials().await.unwrap();
    assert!(Arc::ptr_eq(&creds, &again));
    assert!(Arc::ptr_eq(&creds, &p.cached_credentials().unwrap()));
    assert_eq!(p.identity_id().await.unwrap(), id);
    assert_eq!(emu.request_count(Operation::GetId), 1);
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);

    // Secrets stay out of Debug output.
    let debug = format!("{creds:?} {p:?}");
    assert!(!debug.contains(creds.secret_access_key.expose()));
    assert!(!debug.contains(creds.session_token.expose()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_callers_cause_one_request_each() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    // Slow answers widen the window in which callers pile up.
    emu.inject(rule(
        Operation::GetId,
        Fault::Delay(Duration::from_millis(200)),
        Some(1),
    ));
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let p = p.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    p.credentials().await.map(|c| c.identity_id.clone())
                } else {
                    p.identity_id().await
                }
            })
        })
        .collect();
    let mut ids = Vec::new();
    for c in calls {
        ids.push(c.await.unwrap().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every caller sees the same identity");
    assert_eq!(emu.request_count(Operation::GetId), 1);
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);
    assert_eq!(emu.identity_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_that_give_up_do_not_cancel_the_request_for_others() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::Delay(Duration::from_millis(300)),
        Some(1),
    ));
    // The first caller gives up before the answer; the second gets the result of the same request.
    let impatient = tokio::time::timeout(Duration::from_millis(50), p.credentials()).await;
    assert!(impatient.is_err());
    let creds = p.credentials().await.unwrap();
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);
    assert!(Arc::ptr_eq(&creds, &p.cached_credentials().unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshes_in_the_background_before_expiry_while_reads_get_the_valid_ones() {
    let emu = emulator().await;
    emu.set_credential_lifetime(Duration::from_secs(4));
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    let first = p.credentials().await.unwrap();
    // The refresh will be held at the server for a while, and will bring long-lived credentials.
    emu.set_credential_lifetime(Duration::from_secs(3600));
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::Delay(Duration::from_millis(700)),
        Some(1),
    ));
    assert!(Arc::ptr_eq(&p.credentials().await.unwrap(), &first));
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);
    // Short-lived credentials are refreshed from halfway (2 s), well before they expire (4 s).
    // Every read until then, and while the refresh is held, gets the valid cached credentials.
    eventually("a background refresh", || {
        let c = p.cached_credentials().expect("still valid");
        assert!(Arc::ptr_eq(&c, &first));
        emu.request_count(Operation::GetCredentialsForIdentity) >= 2
    })
    .await;
    let during = p.credentials().await.unwrap();
    assert!(
        Arc::ptr_eq(&during, &first),
        "a read during the refresh returns the valid cached credentials"
    );
    eventually("the refreshed credentials", || {
        p.cached_credentials()
            .is_some_and(|c| c.access_key_id != first.access_key_id)
    })
    .await;
    let fresh = p.credentials().await.unwrap();
    assert!(fresh.expiration > first.expiration + Duration::from_secs(3000));
    assert_eq!(fresh.identity_id, first.identity_id);
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 2);
    assert_eq!(emu.request_count(Operation::GetId), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_clock_skew_does_not_make_credentials_look_expired() {
    for skew in [-7200i64, 7200] {
        let emu = emulator().await;
        emu.set_clock_skew(skew);
        let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
        let c = p.credentials().await.unwrap();
        let offset = p.server_clock_offset_ms();
        assert!(
            (offset - skew * 1000).abs() < 2000,
            "skew {skew}: learned offset {offset} ms"
        );
        // By the device clock these expire an hour ago (or in three hours); by the server's, in an hour.
        for _ in 0..5 {
            let again = p.credentials().await.unwrap();
            assert!(Arc::ptr_eq(&c, &again), "skew {skew}: refreshed needlessly");
        }
        assert!(p.cached_credentials().is_some());
        assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_flow_uses_open_id_token_and_sts() {
    let emu = emulator().await;
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.unauth_role_arn = Some(UNAUTH_ROLE.into());
    c.auth_role_arn = Some(AUTH_ROLE.into());
    let p = CredentialsProvider::new(c).unwrap();
    let creds = p.credentials().await.unwrap();
    assert_eq!(Some(creds.identity_id.clone()), p.cached_identity_id());
    assert!(creds.access_key_id.starts_with("ASIA"));
    assert!(creds.expiration > SystemTime::now());
    assert_eq!(emu.request_count(Operation::GetOpenIdToken), 1);
    assert_eq!(emu.request_count(Operation::AssumeRoleWithWebIdentity), 1);
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 0);

    // Signed in: the auth role, same identity (linked), new credentials.
    let token =
        emu.mint_user_pool_token(USER_POOL_PROVIDER, "basic-user", Duration::from_secs(3600));
    p.set_login(USER_POOL_PROVIDER, token).unwrap();
    assert!(
        p.cached_credentials().is_none(),
        "a login change clears credentials"
    );
    let auth = p.credentials().await.unwrap();
    assert_eq!(auth.identity_id, creds.identity_id);
    assert_ne!(auth.access_key_id, creds.access_key_id);
    assert_eq!(emu.request_count(Operation::AssumeRoleWithWebIdentity), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_errors_are_typed() {
    let emu = emulator().await;
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.unauth_role_arn = Some(UNAUTH_ROLE.into());
    let p = CredentialsProvider::new(c).unwrap();
    emu.inject(rule(
        Operation::AssumeRoleWithWebIdentity,
        Fault::ServiceError {
            status: 403,
            code: "AccessDenied".into(),
            message: "Not authorized to perform sts:AssumeRoleWithWebIdentity".into(),
        },
        Some(1),
    ));
    let e = p.credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AccessDenied);
    assert!(!e.is_retryable());
    assert!(e.message().contains("AssumeRoleWithWebIdentity"));
    assert!(e.request_id().is_some());
    // The identity survived the failure; the next call succeeds.
    let id = p.cached_identity_id().unwrap();
    assert_eq!(p.credentials().await.unwrap().identity_id, id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_pool_sign_in_on_an_auth_only_pool() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_AUTH_POOL_ID);
    let e = p.identity_id().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotAuthorized);
    assert_eq!(e.code(), "NotAuthorizedException");
    assert!(!e.is_retryable());
    assert_eq!(emu.request_count(Operation::GetId), 1, "never retried");

    let name = p.user_pool_provider_name("us-east-1_TestPool");
    assert_eq!(name, USER_POOL_PROVIDER);
    let token = emu.mint_user_pool_token(&name, "alice", Duration::from_secs(3600));
    p.set_login(&name, token.clone()).unwrap();
    assert!(p.contains_login(&name));
    assert_eq!(p.logins_count(), 1);
    assert_eq!(p.login_names(), vec![name.clone()]);
    let creds = p.credentials().await.unwrap();

    // The same user on another device gets the same identity.
    let other = provider(&emu, DEFAULT_AUTH_POOL_ID);
    other.set_login(&name, token).unwrap();
    assert_eq!(other.identity_id().await.unwrap(), creds.identity_id);

    // An expired id token is refused, and that is not retried either.
    let stale = provider(&emu, DEFAULT_AUTH_POOL_ID);
    let expired = emu.mint_user_pool_token(&name, "bob", Duration::ZERO);
    stale.set_login(&name, expired).unwrap();
    let before = emu.request_count(Operation::GetId);
    let e = stale.credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotAuthorized);
    assert_eq!(emu.request_count(Operation::GetId), before + 1);

    // Signing out forgets everything.
    p.clear();
    assert_eq!(p.logins_count(), 0);
    assert_eq!(p.cached_identity_id(), None);
    assert!(p.cached_credentials().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_merging_into_an_existing_identity_fires_one_event() {
    let emu = emulator().await;
    let name = USER_POOL_PROVIDER;
    let token = emu.mint_user_pool_token(name, "carol", Duration::from_secs(3600));
    // Carol's identity exists already (from another device).
    let elsewhere = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    elsewhere.set_login(name, token.clone()).unwrap();
    let carol = elsewhere.identity_id().await.unwrap();

    // Here she starts as a guest, then signs in: Cognito merges the guest identity into hers.
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    let seen = record_changes(&p);
    let guest = p.credentials().await.unwrap().identity_id.clone();
    assert_ne!(guest, carol);
    p.set_login(name, token).unwrap();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.credentials().await })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap().identity_id, carol);
    }
    assert_eq!(p.cached_identity_id().as_deref(), Some(carol.as_str()));
    let events = changes(&seen);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].old, None);
    assert_eq!(events[0].new, guest);
    assert_eq!(events[1].old.as_deref(), Some(guest.as_str()));
    assert_eq!(events[1].new, carol);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_provider_supplies_fresh_tokens_on_demand() {
    let emu = Arc::new(emulator().await);
    let p = provider(&emu, DEFAULT_AUTH_POOL_ID);
    let asked = Arc::new(AtomicU32::new(0));
    let (e, a) = (emu.clone(), asked.clone());
    let supplier: Arc<dyn LoginsProvider> = Arc::new(move |name: &str| {
        a.fetch_add(1, Ordering::SeqCst);
        // Each answer is a token that expires soon, as user pool id tokens do (after an hour).
        let token = e.mint_user_pool_token(name, "dave", Duration::from_secs(60));
        async move { Ok(Secret::new(token)) }.boxed()
    });
    p.set_logins_provider(USER_POOL_PROVIDER, supplier).unwrap();
    assert!(p.contains_login(USER_POOL_PROVIDER));
    let first = p.credentials().await.unwrap();
    let asked_once = asked.load(Ordering::SeqCst);
    assert!(asked_once >= 1);
    p.clear_credentials();
    let second = p.credentials().await.unwrap();
    assert_eq!(second.identity_id, first.identity_id);
    assert!(
        asked.load(Ordering::SeqCst) > asked_once,
        "asked again for the refresh"
    );

    // A supplier that fails makes the call fail with its error, and nothing is cached.
    let failing: Arc<dyn LoginsProvider> = Arc::new(|_: &str| {
        async {
            Err(cognito_native::Error::new(
                ErrorKind::LoginsProvider,
                "user signed out",
            ))
        }
        .boxed()
    });
    p.set_logins_provider(USER_POOL_PROVIDER, failing).unwrap();
    let e = p.credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LoginsProvider);
    assert!(p.cached_credentials().is_none());
    assert!(p.remove_login(USER_POOL_PROVIDER));
    assert!(!p.remove_login(USER_POOL_PROVIDER));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_validated() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    assert_eq!(
        p.set_login("", "t").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        p.set_login("x", "").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        p.set_login("x", "t".repeat(50_001)).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    for i in 0..10 {
        p.set_login(&format!("provider{i}.example"), "t").unwrap();
    }
    assert_eq!(
        p.set_login("eleven", "t").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(p.logins_count(), 10);
    assert_eq!(emu.total_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_store_keeps_the_identity_across_runs() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let make = || {
        let store = Arc::new(FileIdentityStore::new(dir.path()));
        CredentialsProvider::new(config(&emu, DEFAULT_UNAUTH_POOL_ID).with_identity_store(store))
            .unwrap()
    };
    let first = make();
    let id = first.identity_id().await.unwrap();
    drop(first);
    let second = make();
    assert_eq!(second.cached_identity_id().as_deref(), Some(id.as_str()));
    assert_eq!(second.credentials().await.unwrap().identity_id, id);
    assert_eq!(emu.request_count(Operation::GetId), 1);
    // Forgetting the identity also forgets it on disk.
    second.clear_identity_cache();
    assert_eq!(make().cached_identity_id(), None);
}

/// A store whose writes take their time (a slow disk, a host's PlayerPrefs), recording what it
/// holds.
struct SlowStore {
    delay: Duration,
    held: std::sync::Mutex<Option<String>>,
}

impl cognito_native::IdentityStore for SlowStore {
    fn load(&self, _pool_id: &str) -> cognito_native::Result<Option<String>> {
        Ok(self.held.lock().unwrap().clone())
    }
    fn save(&self, _pool_id: &str, identity_id: &str) -> cognito_native::Result<()> {
        std::thread::sleep(self.delay);
        *self.held.lock().unwrap() = Some(identity_id.to_owned());
        Ok(())
    }
    fn clear(&self, _pool_id: &str) -> cognito_native::Result<()> {
        std::thread::sleep(self.delay);
        *self.held.lock().unwrap() = None;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_id_is_stored_before_anyone_sees_it() {
    let emu = emulator().await;
    let store = Arc::new(SlowStore {
        delay: Duration::from_millis(300),
        held: Default::default(),
    });
    let p = CredentialsProvider::new(
        config(&emu, DEFAULT_UNAUTH_POOL_ID).with_identity_store(store.clone()),
    )
    .unwrap();
    let call = tokio::spawn({
        let p = p.clone();
        async move { p.credentials().await }
    });
    // Whenever the id shows, the store holds it already: a second provider created at that
    // moment (or the next launch) finds it.
    let mut observed = None;
    eventually("an identity id", || {
        // What the store holds at the moment the id shows.
        observed = p
            .cached_identity_id()
            .map(|id| (id, store.held.lock().unwrap().clone()));
        observed.is_some()
    })
    .await;
    let (seen, held) = observed.unwrap();
    assert_eq!(held.as_deref(), Some(seen.as_str()));
    assert_eq!(call.await.unwrap().unwrap().identity_id, seen);
}

#[test]
fn a_slow_store_write_does_not_hold_up_the_runtime() {
    // One I/O thread: a store write on it would stop every provider's requests while it runs.
    let (rt, emu) = emulator_on_own_runtime();
    rt.block_on(async {
        let slow = Arc::new(SlowStore {
            delay: Duration::from_secs(2),
            held: Default::default(),
        });
        let stalled = CredentialsProvider::new(
            config(&emu, DEFAULT_UNAUTH_POOL_ID).with_identity_store(slow.clone()),
        )
        .unwrap();
        let other = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
        let writing = tokio::spawn(async move { stalled.identity_id().await });
        eventually("the slow write under way (GetId answered)", || {
            emu.request_count(Operation::GetId) == 1
        })
        .await;
        let started = std::time::Instant::now();
        other.credentials().await.unwrap();
        assert!(
            slow.held.lock().unwrap().is_none(),
            "the other provider finished only after the slow write ({:?})",
            started.elapsed()
        );
        assert!(writing.await.unwrap().is_ok());
        assert!(slow.held.lock().unwrap().is_some());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clear_calls_forget_what_they_say() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    p.set_login("graph.facebook.com", "fb-token").unwrap();
    let c1 = p.credentials().await.unwrap();
    p.clear_credentials();
    assert!(p.cached_credentials().is_none());
    assert_eq!(
        p.cached_identity_id().as_deref(),
        Some(c1.identity_id.as_str())
    );
    let c2 = p.credentials().await.unwrap();
    assert_eq!(c2.identity_id, c1.identity_id);
    assert_ne!(c2.access_key_id, c1.access_key_id);

    p.clear_identity_cache();
    assert_eq!(p.cached_identity_id(), None);
    assert!(p.cached_credentials().is_none());
    assert_eq!(p.logins_count(), 1, "logins are kept");
    // The login maps to the same identity again.
    assert_eq!(p.identity_id().await.unwrap(), c1.identity_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_role_arn_is_sent_and_validated() {
    let emu = emulator().await;
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.custom_role_arn = Some("arn:aws:iam::123456789012:role/Custom".into());
    assert!(CredentialsProvider::new(c)
        .unwrap()
        .credentials()
        .await
        .is_ok());
    let mut bad = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    bad.custom_role_arn = Some("not-an-arn".into());
    assert_eq!(
        CredentialsProvider::new(bad).unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_the_emulators_ca_and_without() {
    let emu = emulator_with(cognito_emulator::EmulatorConfig {
        tls: true,
        ..Default::default()
    })
    .await;
    assert!(emu.url().starts_with("https://"));
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.endpoints.allow_http_loopback = false;
    c.ca_bundle_pem = Some(emu.ca_pem().unwrap().into_bytes());
    let p = CredentialsProvider::new(c).unwrap();
    assert!(p.credentials().await.is_ok());

    // Without the test CA the server is not trusted.
    let mut untrusted = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    untrusted.retry = cognito_native::RetryPolicy::no_retry();
    let e = CredentialsProvider::new(untrusted)
        .unwrap()
        .identity_id()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.message().to_lowercase().contains("certificate"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_needs_explicit_loopback_permission() {
    let emu = emulator().await;
    let mut c = Config::new(DEFAULT_UNAUTH_POOL_ID);
    c.endpoints.cognito_identity = Some(emu.url());
    let e = CredentialsProvider::new(c).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert!(e.message().contains("http"));
}

#[test]
fn building_outside_a_runtime_needs_a_handle() {
    let (rt, emu) = emulator_on_own_runtime();
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    assert_eq!(
        CredentialsProvider::new(c.clone()).unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
    c.runtime = Some(rt.handle().clone());
    let p = CredentialsProvider::new(c).unwrap();
    // Any executor can await it; the work runs on the given runtime.
    let id = futures_executor::block_on(p.identity_id()).unwrap();
    assert!(id.starts_with("us-east-1:"));
}
