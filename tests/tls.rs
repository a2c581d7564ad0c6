//! TLS certificate checks against the emulator's HTTPS mode: certificates issued by a trusted CA
//! but expired, or naming another host, are refused with a Network error that says why.
//! (Unknown CA: tests/provider.rs `tls_with_the_emulators_ca_and_without`; http only for
//! loopback when allowed: tests/provider.rs `plain_http_needs_explicit_loopback_permission`;
//! AWS_CA_BUNDLE: tests/tls_aws_ca_bundle.rs, a binary of its own for the environment variable.)

mod common;

use cognito_emulator::{EmulatorConfig, TlsCert};
use cognito_native::{CredentialsProvider, ErrorKind, RetryPolicy};
use common::*;
use std::time::Duration;

/// A provider that trusts the emulator's test CA, over https only.
async fn trusting_provider(cert: TlsCert) -> (cognito_emulator::Emulator, CredentialsProvider) {
    let emu = emulator_with(EmulatorConfig {
        tls: true,
        tls_cert: cert,
        ..Default::default()
    })
    .await;
    assert!(emu.url().starts_with("https://127.0.0.1:"), "{}", emu.url());
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.endpoints.allow_http_loopback = false;
    c.ca_bundle_pem = Some(emu.ca_pem().unwrap().into_bytes());
    c.retry = RetryPolicy::no_retry();
    c.attempt_timeout = Duration::from_secs(5);
    (emu, CredentialsProvider::new(c).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_valid_certificate_is_accepted_as_a_control() {
    let (emu, p) = trusting_provider(TlsCert::Valid).await;
    let c = p.credentials().await.unwrap();
    assert_eq!(Some(c.identity_id.clone()), p.cached_identity_id());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_certificate_is_rejected() {
    let (emu, p) = trusting_provider(TlsCert::Expired).await;
    let e = tokio::time::timeout(Duration::from_secs(20), p.credentials())
        .await
        .expect("bounded")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    let m = e.message().to_lowercase();
    assert!(m.contains("certificate") && m.contains("expired"), "{e}");
    // Nothing reached the service, nothing was cached.
    assert_eq!(emu.total_requests(), 0);
    assert_eq!(p.cached_identity_id(), None);
    assert!(p.cached_credentials().is_none());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_for_another_host_is_rejected() {
    let (emu, p) = trusting_provider(TlsCert::WrongHost).await;
    let e = tokio::time::timeout(Duration::from_secs(20), p.identity_id())
        .await
        .expect("bounded")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    let m = e.message().to_lowercase();
    assert!(
        m.contains("certificate") && m.contains("not valid for name"),
        "{e}"
    );
    assert_eq!(emu.total_requests(), 0);
    assert_eq!(p.cached_identity_id(), None);
    emu.shutdown().await;
}

/// Retries do not turn a certificate failure into success or a different error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_failures_stay_network_errors_after_retries() {
    for cert in [TlsCert::Expired, TlsCert::WrongHost] {
        let emu = emulator_with(EmulatorConfig {
            tls: true,
            tls_cert: cert,
            ..Default::default()
        })
        .await;
        let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
        c.endpoints.allow_http_loopback = false;
        c.ca_bundle_pem = Some(emu.ca_pem().unwrap().into_bytes());
        let p = CredentialsProvider::new(c).unwrap();
        let e = tokio::time::timeout(Duration::from_secs(20), p.credentials())
            .await
            .expect("bounded")
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Network, "{cert:?}: {e}");
        assert!(e.message().to_lowercase().contains("certificate"), "{e}");
        assert_eq!(emu.total_requests(), 0, "{cert:?}");
        emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_trusting_the_same_ca_share_connections() {
    let (emu, first) = trusting_provider(TlsCert::Valid).await;
    first.credentials().await.unwrap();
    let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
    c.ca_bundle_pem = Some(emu.ca_pem().unwrap().into_bytes());
    for _ in 0..3 {
        let next = CredentialsProvider::new(c.clone()).unwrap();
        next.credentials().await.unwrap();
    }
    // One TLS handshake for the four providers: the later ones reuse the pooled connection.
    assert_eq!(emu.connections_accepted(), 1);
    assert!(emu.request_count(Operation::GetCredentialsForIdentity) >= 4);
    emu.shutdown().await;
}
