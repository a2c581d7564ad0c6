//! `AWS_CA_BUNDLE` adds a trust root, as in the AWS SDKs. A binary of its own: the variable is
//! read when the process-wide HTTP client is built (first use), so it is set before anything else
//! and this binary has a single test.

mod common;

use cognito_emulator::EmulatorConfig;
use cognito_native::{CredentialsProvider, ErrorKind, HttpClient, RetryPolicy, TlsOptions};
use common::*;
use std::time::Duration;

#[test]
fn aws_ca_bundle_adds_a_root_for_the_shared_client() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emu = emulator_with(EmulatorConfig {
            tls: true,
            ..Default::default()
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("emulator-ca.pem");
        std::fs::write(&bundle, emu.ca_pem().unwrap()).unwrap();
        // Before the first provider: the shared client reads it when it is built.
        std::env::set_var("AWS_CA_BUNDLE", &bundle);

        // No ca_bundle_pem, no http client, default connect timeout: the process-wide client.
        let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
        c.endpoints.allow_http_loopback = false;
        c.connect_timeout = TlsOptions::default().connect_timeout;
        assert!(c.ca_bundle_pem.is_none() && c.http_client.is_none());
        let p = CredentialsProvider::new(c).unwrap();
        let creds = tokio::time::timeout(Duration::from_secs(20), p.credentials())
            .await
            .expect("bounded")
            .expect("the emulator's CA from AWS_CA_BUNDLE is trusted");
        assert_eq!(Some(creds.identity_id.clone()), p.cached_identity_id());

        // A provider-specific client (other connect timeout) honours it as well.
        let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
        c.endpoints.allow_http_loopback = false;
        c.connect_timeout = Duration::from_secs(3);
        let p = CredentialsProvider::new(c).unwrap();
        assert!(p.identity_id().await.is_ok());

        // Control: the same setup with AWS_CA_BUNDLE ignored is refused, so the variable is what
        // made the difference.
        let mut c = config(&emu, DEFAULT_UNAUTH_POOL_ID);
        c.endpoints.allow_http_loopback = false;
        c.retry = RetryPolicy::no_retry();
        c.http_client = Some(
            HttpClient::new(&TlsOptions {
                use_aws_ca_bundle: false,
                ..Default::default()
            })
            .unwrap(),
        );
        let e = CredentialsProvider::new(c)
            .unwrap()
            .identity_id()
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Network, "{e}");
        assert!(e.message().to_lowercase().contains("certificate"), "{e}");

        // A bundle that is not PEM is a configuration error, not a silent fallback.
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        std::env::set_var("AWS_CA_BUNDLE", &junk);
        let e = HttpClient::new(&TlsOptions::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e}");
        std::env::remove_var("AWS_CA_BUNDLE");
        emu.shutdown().await;
    });
}
