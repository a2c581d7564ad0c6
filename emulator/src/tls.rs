//! A throwaway CA and leaf certificate per emulator, so HTTPS clients can be tested
//! with real certificate validation (trusting [`crate::Emulator::ca_pem`]).

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

pub(crate) struct TlsSetup {
    pub acceptor: TlsAcceptor,
    pub ca_pem: String,
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("TLS setup: {e}"))
}

pub(crate) fn setup(cert: crate::TlsCert) -> io::Result<TlsSetup> {
    let now = time::OffsetDateTime::now_utc();

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "cognito-emulator test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = now - time::Duration::days(1);
    ca_params.not_after = now + time::Duration::days(3650);
    let ca_key = KeyPair::generate().map_err(other)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(other)?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let names = match cert {
        crate::TlsCert::WrongHost => vec!["wrong.example".to_string()],
        crate::TlsCert::Valid | crate::TlsCert::Expired => vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
        ],
    };
    let common_name = names[0].clone();
    let mut leaf_params = CertificateParams::new(names).map_err(other)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if cert == crate::TlsCert::Expired {
        leaf_params.not_before = now - time::Duration::days(30);
        leaf_params.not_after = now - time::Duration::days(1);
    } else {
        leaf_params.not_before = now - time::Duration::days(1);
        // Within the 398-day limit some platforms (Apple) enforce for leaf certificates.
        leaf_params.not_after = now + time::Duration::days(397);
    }
    let leaf_key = KeyPair::generate().map_err(other)?;
    let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).map_err(other)?;

    let chain = vec![
        CertificateDer::from(leaf_cert.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(other)?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(other)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsSetup {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca_pem,
    })
}
