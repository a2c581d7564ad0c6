//! Developer-authenticated identities: the backend's signed calls, and the app's provider fed by
//! the backend, against the emulator (which verifies SigV4 signatures).

mod common;

use cognito_emulator::{
    DEFAULT_DEVELOPER_PROVIDER_NAME, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY,
};
use cognito_native::{
    AwsCredentials, CredentialsProvider, DeveloperIdentity, DeveloperIdentityClient,
    DeveloperTokenRequest, ErrorKind, Secret,
};
use common::*;
use futures_util::FutureExt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn backend(emu: &cognito_emulator::Emulator, secret: &str) -> DeveloperIdentityClient {
    DeveloperIdentityClient::new(
        config(emu, DEFAULT_UNAUTH_POOL_ID),
        Some(AwsCredentials::new(TEST_ACCESS_KEY_ID, secret, None)),
    )
    .unwrap()
}

fn request(user: &str) -> DeveloperTokenRequest {
    DeveloperTokenRequest::new(
        DEFAULT_UNAUTH_POOL_ID,
        DEFAULT_DEVELOPER_PROVIDER_NAME,
        user,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_calls_give_stable_identities_and_tokens() {
    let emu = emulator().await;
    let server = backend(&emu, TEST_SECRET_ACCESS_KEY);
    let mut r = request("player-1");
    r.token_duration = Some(Duration::from_secs(600));
    r.principal_tags.insert("team".into(), "red".into());
    let first = server
        .get_open_id_token_for_developer_identity(&r)
        .await
        .unwrap();
    assert!(first.identity_id.starts_with("us-east-1:"));
    assert_eq!(first.token.expose().split('.').count(), 3, "a JWT");
    let again = server
        .get_open_id_token_for_developer_identity(&request("player-1"))
        .await
        .unwrap();
    assert_eq!(again.identity_id, first.identity_id);
    let other = server
        .get_open_id_token_for_developer_identity(&request("player-2"))
        .await
        .unwrap();
    assert_ne!(other.identity_id, first.identity_id);
    assert_eq!(
        emu.request_count(Operation::GetOpenIdTokenForDeveloperIdentity),
        3
    );

    let found = server
        .lookup_developer_identity(
            DEFAULT_UNAUTH_POOL_ID,
            Some(&first.identity_id),
            None,
            10,
            None,
        )
        .await
        .unwrap();
    assert_eq!(found.identity_id.as_ref(), Some(&first.identity_id));
    assert_eq!(found.developer_user_ids, vec!["player-1".to_string()]);
    server
        .unlink_developer_identity(
            DEFAULT_UNAUTH_POOL_ID,
            &first.identity_id,
            DEFAULT_DEVELOPER_PROVIDER_NAME,
            "player-1",
        )
        .await
        .unwrap();
    let after = server
        .lookup_developer_identity(
            DEFAULT_UNAUTH_POOL_ID,
            Some(&first.identity_id),
            None,
            10,
            None,
        )
        .await
        .unwrap();
    assert!(after.developer_user_ids.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signatures_and_keys_are_refused() {
    let emu = emulator().await;
    let e = backend(&emu, "not-the-secret")
        .get_open_id_token_for_developer_identity(&request("p"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "InvalidSignatureException", "{e}");
    assert!(!e.is_retryable());
    let stranger = DeveloperIdentityClient::new(
        config(&emu, DEFAULT_UNAUTH_POOL_ID),
        Some(AwsCredentials::new("AKIDUNKNOWN000000000", "x", None)),
    )
    .unwrap();
    let e = stranger
        .get_open_id_token_for_developer_identity(&request("p"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "UnrecognizedClientException", "{e}");
    // Checked before anything is sent.
    let mut bad = request("p");
    bad.token_duration = Some(Duration::from_secs(100_000));
    let before = emu.total_requests();
    let e = backend(&emu, TEST_SECRET_ACCESS_KEY)
        .get_open_id_token_for_developer_identity(&bad)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(emu.total_requests(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_uses_the_servers_clock() {
    // A device two hours off would sign "expired" requests; the provider signs at server time.
    let emu = emulator().await;
    emu.set_clock_skew(-7200);
    let server = backend(&emu, TEST_SECRET_ACCESS_KEY);
    // The first call may be refused (the skew is learned from its answer), the retry succeeds.
    let mut ok = None;
    for _ in 0..2 {
        if let Ok(d) = server
            .get_open_id_token_for_developer_identity(&request("p"))
            .await
        {
            ok = Some(d);
            break;
        }
    }
    assert!(ok.is_some());
}

/// The app side: a provider whose identity comes from "our backend" (here, the signed client).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_gets_credentials_for_a_developer_identity_and_refreshes_by_asking_again() {
    for basic in [false, true] {
        let emu = emulator().await;
        let server = Arc::new(backend(&emu, TEST_SECRET_ACCESS_KEY));
        let asked = Arc::new(AtomicU32::new(0));
        let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
        if basic {
            c.auth_role_arn = Some(AUTH_ROLE.into());
        }
        let p = CredentialsProvider::new(c).unwrap();
        let seen = record_changes(&p);
        let (s, a) = (server.clone(), asked.clone());
        p.set_developer_identity_source(Arc::new(move || {
            let (s, a) = (s.clone(), a.clone());
            async move {
                a.fetch_add(1, Ordering::SeqCst);
                s.get_open_id_token_for_developer_identity(&request("hero-42"))
                    .await
            }
            .boxed()
        }))
        .unwrap();
        assert!(p.contains_login(cognito_native::DEVELOPER_PROVIDER_NAME));

        let creds = p.credentials().await.unwrap();
        let expected = server
            .get_open_id_token_for_developer_identity(&request("hero-42"))
            .await
            .unwrap()
            .identity_id;
        assert_eq!(creds.identity_id, expected, "basic={basic}");
        assert_eq!(p.identity_id().await.unwrap(), expected);
        assert_eq!(asked.load(Ordering::SeqCst), 1, "basic={basic}");
        assert_eq!(
            emu.request_count(Operation::GetId),
            0,
            "no GetId: the backend names the identity"
        );
        if basic {
            assert_eq!(
                emu.request_count(Operation::GetOpenIdToken),
                0,
                "the token goes straight to STS"
            );
            assert_eq!(emu.request_count(Operation::AssumeRoleWithWebIdentity), 1);
        } else {
            assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);
        }
        // A refresh asks the backend again (tokens live minutes).
        p.clear_credentials();
        p.credentials().await.unwrap();
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        assert_eq!(changes(&seen).len(), 1, "one identity, one event");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_or_malformed_developer_source_is_an_error() {
    let emu = emulator().await;
    let p = provider(&emu, DEFAULT_UNAUTH_POOL_ID);
    p.set_developer_identity_source(Arc::new(|| {
        async {
            Ok(DeveloperIdentity {
                identity_id: "not an id".into(),
                token: Secret::new("t"),
            })
        }
        .boxed()
    }))
    .unwrap();
    assert_eq!(
        p.credentials().await.unwrap_err().kind(),
        ErrorKind::LoginsProvider
    );
    p.set_developer_identity_source(Arc::new(|| {
        async {
            Err(cognito_native::Error::new(
                ErrorKind::LoginsProvider,
                "backend down",
            ))
        }
        .boxed()
    }))
    .unwrap();
    let e = p.identity_id().await.unwrap_err();
    assert_eq!(e.message(), "backend down");
    assert_eq!(emu.total_requests(), 0);
    assert!(p.remove_login(cognito_native::DEVELOPER_PROVIDER_NAME));
    assert_eq!(p.logins_count(), 0);
}
