//! The cryptography the library's TLS client ships: *ring*'s, less what a client talking to AWS
//! endpoints never uses. Each cut is code every build would otherwise carry (measured by
//! `scripts/size.sh`):
//!
//! - no private-key loader (RSA, ECDSA and Ed25519 signing, for client or server certificates):
//!   the library presents no certificate of its own (45 KiB);
//! - AES-GCM cipher suites only, no ChaCha20-Poly1305: AES-GCM is TLS 1.3's mandatory suite and
//!   what AWS endpoints negotiate; ChaCha20 is faster only for bulk data on CPUs without AES
//!   instructions, and these connections carry a few kilobytes (63 KiB);
//! - no Ed25519 certificate signatures: the Web PKI's CAs may sign only with RSA and ECDSA (the
//!   CA/Browser Forum's Baseline Requirements, 6.1.5), so no server certificate carries one
//!   (12 KiB).
//!
//! Everything else is rustls's *ring* default, and the tests check it stays so.

use rustls::crypto::ring::cipher_suite::{
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::crypto::{CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom};
use rustls::pki_types::PrivateKeyDer;
use rustls::sign::SigningKey;
use rustls::SignatureScheme;
use std::sync::Arc;
use webpki::ring as alg;

/// The provider every [`super::http::HttpClient`] is built with. Built without
/// `rustls::crypto::ring::default_provider()`: calling it would link the suites and the key
/// loader left out here.
pub(crate) fn client_crypto() -> CryptoProvider {
    CryptoProvider {
        cipher_suites: vec![
            TLS13_AES_256_GCM_SHA384,
            TLS13_AES_128_GCM_SHA256,
            TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ],
        kx_groups: rustls::crypto::ring::DEFAULT_KX_GROUPS.to_vec(),
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &OsRandom,
        key_provider: &NoPrivateKeys,
    }
}

/// rustls's *ring* table (`crypto::ring::SUPPORTED_SIG_ALGS`, not public) without Ed25519, in its
/// order: the tests compare the two.
static SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        alg::ECDSA_P256_SHA256,
        alg::ECDSA_P256_SHA384,
        alg::ECDSA_P384_SHA256,
        alg::ECDSA_P384_SHA384,
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        alg::RSA_PKCS1_2048_8192_SHA256,
        alg::RSA_PKCS1_2048_8192_SHA384,
        alg::RSA_PKCS1_2048_8192_SHA512,
        alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    ],
    mapping: &[
        (
            SignatureScheme::ECDSA_NISTP384_SHA384,
            &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
        ),
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
        ),
        (
            SignatureScheme::RSA_PSS_SHA512,
            &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA384,
            &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA256,
            &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA512,
            &[alg::RSA_PKCS1_2048_8192_SHA512],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA384,
            &[alg::RSA_PKCS1_2048_8192_SHA384],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA256,
            &[alg::RSA_PKCS1_2048_8192_SHA256],
        ),
    ],
};

/// The OS's random source (ring's own is private to its provider).
#[derive(Debug)]
struct OsRandom;

impl SecureRandom for OsRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        getrandom::fill(buf).map_err(|_| GetRandomFailed)
    }
}

/// The library presents no certificate: there is no key to load.
#[derive(Debug)]
struct NoPrivateKeys;

impl KeyProvider for NoPrivateKeys {
    fn load_private_key(
        &self,
        _key: PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "this TLS client loads no private keys".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::CipherSuite;

    fn is_chacha(suite: CipherSuite) -> bool {
        format!("{suite:?}").contains("CHACHA20")
    }

    #[test]
    fn cipher_suites_are_rustls_defaults_without_chacha20() {
        let ours: Vec<_> = client_crypto()
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .collect();
        let expected: Vec<_> = rustls::crypto::ring::default_provider()
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .filter(|s| !is_chacha(*s))
            .collect();
        assert_eq!(ours, expected);
        assert!(
            ours.contains(&CipherSuite::TLS13_AES_128_GCM_SHA256),
            "TLS 1.3's mandatory suite"
        );
    }

    #[test]
    fn key_exchange_groups_are_rustls_defaults() {
        let names =
            |p: &CryptoProvider| -> Vec<_> { p.kx_groups.iter().map(|g| g.name()).collect() };
        assert_eq!(
            names(&client_crypto()),
            names(&rustls::crypto::ring::default_provider())
        );
    }

    #[test]
    fn signature_algorithms_are_rustls_defaults_without_ed25519() {
        // The algorithms are trait objects: their Debug names them (ids and curve).
        let name = |a: &&dyn rustls::pki_types::SignatureVerificationAlgorithm| format!("{a:?}");
        let is_ed25519 = |n: &String| n.contains("ED25519") || n.contains("Ed25519");
        let default = rustls::crypto::ring::default_provider().signature_verification_algorithms;

        let ours: Vec<String> = SIGNATURE_ALGORITHMS.all.iter().map(name).collect();
        let expected: Vec<String> = default
            .all
            .iter()
            .map(name)
            .filter(|n| !is_ed25519(n))
            .collect();
        assert_eq!(ours, expected);
        assert_eq!(
            default.all.len(),
            ours.len() + 1,
            "exactly one algorithm left out"
        );

        let mapping = |m: &[(
            SignatureScheme,
            &[&dyn rustls::pki_types::SignatureVerificationAlgorithm],
        )]| {
            m.iter()
                .filter(|(scheme, _)| *scheme != SignatureScheme::ED25519)
                .map(|(scheme, algs)| (*scheme, algs.iter().map(name).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            mapping(SIGNATURE_ALGORITHMS.mapping),
            mapping(default.mapping)
        );
        assert_eq!(
            SIGNATURE_ALGORITHMS.mapping.len() + 1,
            default.mapping.len()
        );
    }

    #[test]
    fn loads_no_private_key() {
        let key = PrivateKeyDer::Pkcs8(vec![0x30, 0x00].into());
        assert!(client_crypto().key_provider.load_private_key(key).is_err());
    }

    #[test]
    fn random_is_filled() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        OsRandom.fill(&mut a).unwrap();
        OsRandom.fill(&mut b).unwrap();
        assert_ne!(a, b);
    }

    /// Loopback HTTPS servers the client must (or must not) complete a request with.
    mod handshakes {
        use crate::error::ErrorKind;
        use crate::wire::http::{HttpClient, TlsOptions};
        use rcgen::{
            BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SignatureAlgorithm,
        };
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use rustls::version::{TLS12, TLS13};
        use rustls::SupportedProtocolVersion;
        use std::sync::Arc;
        use std::time::Duration;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        fn rsa_key() -> KeyPair {
            use rsa::pkcs8::EncodePrivateKey;
            let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap();
            let der = key.to_pkcs8_der().unwrap();
            KeyPair::from_pkcs8_der_and_sign_algo(
                &der.as_bytes().to_vec().into(),
                &rcgen::PKCS_RSA_SHA256,
            )
            .unwrap()
        }

        fn key_for(alg: &'static SignatureAlgorithm) -> KeyPair {
            if alg == &rcgen::PKCS_RSA_SHA256 {
                rsa_key()
            } else {
                KeyPair::generate_for(alg).unwrap()
            }
        }

        /// A CA and a leaf for 127.0.0.1, both of `alg`; the server's config and the CA's PEM.
        fn server_config(
            alg: &'static SignatureAlgorithm,
            versions: &[&'static SupportedProtocolVersion],
            suites: Option<Vec<rustls::SupportedCipherSuite>>,
        ) -> (rustls::ServerConfig, String) {
            let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
            ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            let ca_key = key_for(alg);
            let ca_cert = ca.self_signed(&ca_key).unwrap();
            let ca_pem = ca_cert.pem();
            let issuer = Issuer::new(ca, ca_key);
            let leaf_key = key_for(alg);
            let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
                .unwrap()
                .signed_by(&leaf_key, &issuer)
                .unwrap();
            let mut provider = rustls::crypto::ring::default_provider();
            if let Some(suites) = suites {
                provider.cipher_suites = suites;
            }
            let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
                .with_protocol_versions(versions)
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(
                    vec![
                        CertificateDer::from(leaf.der().to_vec()),
                        CertificateDer::from(ca_cert.der().to_vec()),
                    ],
                    PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap(),
                )
                .unwrap();
            (config, ca_pem)
        }

        /// Serves one connection: answers one request with 200 "ok", or ends at a failed
        /// handshake. Returns what the client got: the body, or its error.
        async fn request(
            config: rustls::ServerConfig,
            ca_pem: String,
        ) -> crate::error::Result<Vec<u8>> {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url: url::Url = format!(
                "https://127.0.0.1:{}/",
                listener.local_addr().unwrap().port()
            )
            .parse()
            .unwrap();
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
            let server = tokio::spawn(async move {
                let (tcp, _) = listener.accept().await.unwrap();
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                let _ = tls.write_all(answer).await;
                let _ = tls.shutdown().await;
            });
            let client = HttpClient::new(&TlsOptions {
                extra_ca_pem: Some(ca_pem.into_bytes()),
                use_aws_ca_bundle: false,
                use_os_roots: false,
                ..Default::default()
            })
            .unwrap();
            let result = client
                .post(&url, &[], Vec::new(), Duration::from_secs(10))
                .await
                .map(|r| r.body);
            tokio::time::timeout(Duration::from_secs(10), server)
                .await
                .expect("the server finished")
                .unwrap();
            result
        }

        #[tokio::test]
        async fn completes_with_each_version_and_web_pki_key_type() {
            for alg in [
                &rcgen::PKCS_ECDSA_P256_SHA256,
                &rcgen::PKCS_ECDSA_P384_SHA384,
                &rcgen::PKCS_RSA_SHA256,
            ] {
                for version in [&TLS13, &TLS12] {
                    let (config, ca) = server_config(alg, &[version], None);
                    let body = request(config, ca).await;
                    assert_eq!(
                        body.as_deref().ok(),
                        Some(&b"ok"[..]),
                        "{alg:?} {version:?}: {body:?}"
                    );
                }
            }
        }

        #[tokio::test]
        async fn refuses_what_it_left_out_with_a_clear_error() {
            use rustls::crypto::ring::cipher_suite::{
                TLS13_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            };
            let chacha_only = server_config(
                &rcgen::PKCS_ECDSA_P256_SHA256,
                &[&TLS13, &TLS12],
                Some(vec![
                    TLS13_CHACHA20_POLY1305_SHA256,
                    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                ]),
            );
            let ed25519 = server_config(&rcgen::PKCS_ED25519, &[&TLS13], None);
            for (what, (config, ca)) in [("ChaCha20 only", chacha_only), ("Ed25519", ed25519)] {
                let err = request(config, ca).await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Network, "{what}: {err}");
                let text = err.message().to_lowercase();
                assert!(
                    text.contains("handshake")
                        || text.contains("certificate")
                        || text.contains("alert"),
                    "{what}: {err}"
                );
            }
        }
    }
}
