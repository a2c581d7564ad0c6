//! Failures: throttling, stale identities, hostile answers, hung and closed servers.

mod common;

use cognito_native::{CredentialsProvider, ErrorKind, RetryPolicy};
use common::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_then_success() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    emu.inject(rule(Operation::GetId, Fault::Throttle, Some(2)));
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::LimitExceeded,
        Some(1),
    ));
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::ServerError(503),
        Some(1),
    ));
    let c = p.credentials().await.unwrap();
    assert_eq!(c.identity_id, p.cached_identity_id().unwrap());
    assert_eq!(emu.request_count(Operation::GetId), 3);
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_forever_ends_in_a_typed_error_after_the_bound() {
    let emu = emulator().await;
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.retry.max_attempts = 4;
    let p = CredentialsProvider::new(c).unwrap();
    emu.inject(rule(Operation::GetId, Fault::Throttle, None));
    let e = p.credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooManyRequests);
    assert_eq!(e.code(), "TooManyRequestsException");
    assert!(e.is_retryable());
    assert!(e.request_id().is_some());
    assert_eq!(emu.request_count(Operation::GetId), 4);
    // Nothing was cached, and once the service recovers the provider does too.
    assert_eq!(p.cached_identity_id(), None);
    emu.clear_faults();
    assert!(p.credentials().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_parameter_is_not_retried() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    emu.inject(rule(
        Operation::GetId,
        Fault::ServiceError {
            status: 400,
            code: "InvalidParameterException".into(),
            message: "1 validation error detected".into(),
        },
        None,
    ));
    let e = p.identity_id().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidParameter);
    assert_eq!(emu.request_count(Operation::GetId), 1);
}

/// A cached identity that was deleted or forbidden server-side is replaced once, with one event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_identity_is_replaced_once_in_both_flows() {
    for (basic, forbid, signed_in) in [
        (false, false, false),
        (false, true, false),
        (true, false, false),
        (true, true, false),
        (false, false, true),
        (true, false, true),
    ] {
        {
            let emu = emulator().await;
            let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
            if basic {
                c.unauth_role_arn = Some(UNAUTH_ROLE.into());
                c.auth_role_arn = Some(AUTH_ROLE.into());
            }
            let p = CredentialsProvider::new(c).unwrap();
            if signed_in {
                let token =
                    emu.mint_user_pool_token(USER_POOL_PROVIDER, "erin", Duration::from_secs(3600));
                p.set_login(USER_POOL_PROVIDER, token).unwrap();
            }
            let seen = record_changes(&p);
            let old = p.credentials().await.unwrap().identity_id.clone();
            if forbid {
                assert!(emu.forbid_identity(&old));
            } else {
                assert!(emu.delete_identity(&old));
            }
            p.clear_credentials();
            let calls: Vec<_> = (0..20)
                .map(|_| {
                    let p = p.clone();
                    tokio::spawn(async move { p.credentials().await })
                })
                .collect();
            let mut new_ids = Vec::new();
            for call in calls {
                new_ids.push(call.await.unwrap().unwrap().identity_id.clone());
            }
            new_ids.dedup();
            let case = format!("basic={basic} forbid={forbid} signed_in={signed_in}");
            assert_eq!(new_ids.len(), 1, "{case}");
            assert_ne!(new_ids[0], old, "{case}");
            assert_eq!(p.cached_identity_id().as_ref(), Some(&new_ids[0]), "{case}");
            let events = changes(&seen);
            assert_eq!(events.len(), 2, "{case}: {events:?}");
            assert_eq!(events[1].old.as_ref(), Some(&old), "{case}");
            assert_eq!(events[1].new, new_ids[0], "{case}");
            assert_eq!(emu.request_count(Operation::GetId), 2, "{case}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_identity_recovery_is_attempted_only_once() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    p.identity_id().await.unwrap();
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::ServiceError {
            status: 400,
            code: "ResourceNotFoundException".into(),
            message: "Identity 'us-east-1:00000000-0000-0000-0000-000000000000' not found.".into(),
        },
        None,
    ));
    let e = p.credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResourceNotFound);
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 2);
    assert_eq!(emu.request_count(Operation::GetId), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_identity_in_the_answer_is_adopted_with_one_event() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    let seen = record_changes(&p);
    let first = p.identity_id().await.unwrap();
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::DifferentIdentity,
        Some(1),
    ));
    let c = p.credentials().await.unwrap();
    assert_ne!(c.identity_id, first);
    assert_eq!(p.cached_identity_id().as_ref(), Some(&c.identity_id));
    // Cached for the new identity.
    assert!(std::sync::Arc::ptr_eq(&c, &p.cached_credentials().unwrap()));
    let events = changes(&seen);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].old.as_ref(), Some(&first));
    assert_eq!(events[1].new, c.identity_id);
}

/// Answers AWS never sends become `InvalidResponse` (or `Network` when the connection breaks),
/// never a panic, and the cached identity survives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_are_errors_and_state_survives() {
    let emu = emulator().await;
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.retry = RetryPolicy::no_retry();
    let p = CredentialsProvider::new(c).unwrap();
    let id = p.identity_id().await.unwrap();
    let cases = [
        (Fault::Malformed, ErrorKind::InvalidResponse),
        (Fault::WrongTypes, ErrorKind::InvalidResponse),
        (Fault::MissingFields, ErrorKind::InvalidResponse),
        (
            Fault::HugeBody(10 * 1024 * 1024),
            ErrorKind::InvalidResponse,
        ),
        (Fault::WrongContentType, ErrorKind::InvalidResponse),
        (Fault::ExpiredCredentials, ErrorKind::InvalidResponse),
        (Fault::Truncated, ErrorKind::Network),
        (Fault::Reset, ErrorKind::Network),
        (Fault::ResetMidBody, ErrorKind::Network),
    ];
    for (fault, kind) in cases {
        let name = format!("{fault:?}");
        emu.inject(rule(Operation::GetCredentialsForIdentity, fault, Some(1)));
        let e = p.credentials().await.unwrap_err();
        assert_eq!(e.kind(), kind, "{name}: {e}");
        assert_eq!(p.cached_identity_id().as_ref(), Some(&id), "{name}");
        assert!(p.cached_credentials().is_none(), "{name}");
    }
    // And the next normal answer is taken.
    assert_eq!(p.credentials().await.unwrap().identity_id, id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_resets_are_retried() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    emu.inject(rule(Operation::GetId, Fault::Reset, Some(2)));
    assert!(p.identity_id().await.is_ok());
    assert_eq!(emu.request_count(Operation::GetId), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out() {
    let emu = emulator().await;
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.attempt_timeout = Duration::from_millis(300);
    c.retry.max_attempts = 2;
    let p = CredentialsProvider::new(c).unwrap();
    emu.inject(rule(Operation::GetId, Fault::Hang, None));
    let e = tokio::time::timeout(Duration::from_secs(20), p.identity_id())
        .await
        .expect("the provider's own timeout ends the call")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_retryable());
    assert_eq!(emu.request_count(Operation::GetId), 2);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_a_network_error() {
    // A port that was just closed: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = cognito_native::Config::new(DEFAULT_UNAUTH_POOL_ID)
        .with_local_endpoint(&format!("http://127.0.0.1:{port}"));
    c.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    let p = CredentialsProvider::new(c).unwrap();
    let e = p.credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.is_retryable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_background_refresh_keeps_the_valid_credentials() {
    let emu = emulator().await;
    emu.set_credential_lifetime(Duration::from_secs(6));
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.retry = RetryPolicy::no_retry();
    let p = CredentialsProvider::new(c).unwrap();
    let first = p.credentials().await.unwrap();
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::ServerError(500),
        None,
    ));
    // From halfway (3 s) reads trigger a refresh, which fails; the reads still get valid credentials.
    eventually("a failed background refresh", || {
        let c = p.cached_credentials();
        assert!(c.is_some_and(|c| std::sync::Arc::ptr_eq(&c, &first)));
        emu.request_count(Operation::GetCredentialsForIdentity) >= 2
    })
    .await;
    // Failed refreshes are paused rather than repeated on every read.
    for _ in 0..50 {
        assert!(p.cached_credentials().is_some());
    }
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_logins_provider_is_an_error_not_a_stuck_provider() {
    use cognito_native::{LoginsProvider, Secret};
    use futures_util::future::BoxFuture;
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    let buggy: std::sync::Arc<dyn LoginsProvider> = std::sync::Arc::new(
        |_: &str| -> BoxFuture<'static, cognito_native::Result<Secret>> {
            panic!("a bug in the host's logins provider")
        },
    );
    p.set_logins_provider("graph.facebook.com", buggy).unwrap();
    assert_eq!(
        p.credentials().await.unwrap_err().kind(),
        ErrorKind::Internal
    );
    // Not stuck on the failed request: the next calls try again.
    assert_eq!(
        p.identity_id().await.unwrap_err().kind(),
        ErrorKind::Internal
    );
    assert_eq!(
        p.credentials().await.unwrap_err().kind(),
        ErrorKind::Internal
    );
    assert!(p.remove_login("graph.facebook.com"));
    assert!(p.credentials().await.is_ok());
}
