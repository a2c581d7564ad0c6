//! The HTTP transport: one reqwest client (connection pool, TLS sessions) shared by every provider
//! that does not need its own trust roots, bounded bodies, and per-attempt timeouts.

use crate::error::{Error, ErrorKind, Result};
use once_cell::sync::OnceCell;
use rustls::pki_types::{pem::PemObject, CertificateDer};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Largest response body read. AWS answers these operations in a few kilobytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Trust roots and connection settings of an [`HttpClient`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsOptions {
    /// Extra PEM roots, e.g. a corporate proxy's CA or the local emulator's test CA.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Add the roots in the PEM file named by `AWS_CA_BUNDLE`, as the AWS SDKs do.
    pub use_aws_ca_bundle: bool,
    /// Add the operating system's roots where it has them (Linux, macOS, Windows).
    pub use_os_roots: bool,
    pub connect_timeout: Duration,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            extra_ca_pem: None,
            use_aws_ca_bundle: true,
            use_os_roots: true,
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// An HTTP client. Cheap to clone; clones share connections.
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
}

/// A response read to the end.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub date: Option<String>,
    pub error_type: Option<String>,
    pub body: Vec<u8>,
}

impl HttpClient {
    /// The process-wide client for these options, built on first use: providers with the same
    /// trust roots share connections and TLS sessions. A few distinct option sets are kept; past
    /// that, each call builds a client of its own.
    pub fn shared(options: &TlsOptions) -> Result<HttpClient> {
        const KEPT: usize = 8;
        static SHARED: Mutex<Vec<(TlsOptions, HttpClient)>> = Mutex::new(Vec::new());
        let mut shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, client)) = shared.iter().find(|(o, _)| o == options) {
            return Ok(client.clone());
        }
        let client = HttpClient::new(options)?;
        if shared.len() < KEPT {
            shared.push((options.clone(), client.clone()));
        }
        Ok(client)
    }

    pub fn new(options: &TlsOptions) -> Result<HttpClient> {
        let roots = root_store(options)?;
        let provider = Arc::new(super::tls::client_crypto());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::invalid_config(format!("TLS setup: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .https_only(false) // enforced per endpoint, where loopback http may be allowed
            .redirect(reqwest::redirect::Policy::none()) // AWS never redirects: tokens stay put
            .connect_timeout(options.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .user_agent(concat!("cognito-native/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::invalid_config(format!("HTTP client setup: {e}")))?;
        Ok(HttpClient { client })
    }

    /// Sends one POST and reads the whole answer, all within `timeout`.
    pub(crate) async fn post(
        &self,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<RawResponse> {
        let mut request = self.client.post(url.clone()).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let attempt = async {
            let mut response = request.send().await.map_err(transport_error)?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let request_id = header("x-amzn-requestid").or_else(|| header("x-amz-request-id"));
            let date = header("date");
            let error_type = header("x-amzn-errortype");
            let status = response.status().as_u16();
            let too_big = || {
                Error::invalid_response(
                    format!("response body exceeds {MAX_BODY_BYTES} bytes"),
                    request_id.clone(),
                )
            };
            if response
                .content_length()
                .is_some_and(|n| n > MAX_BODY_BYTES as u64)
            {
                return Err(too_big());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_big());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(RawResponse {
                status,
                request_id,
                date,
                error_type,
                body,
            })
        };
        match tokio::time::timeout(timeout, attempt).await {
            Ok(result) => result,
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "no complete answer from {} within {timeout:?}",
                    host_of(url)
                ),
            )),
        }
    }
}

fn host_of(url: &url::Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("?")),
        None => url.host_str().unwrap_or("?").to_owned(),
    }
}

fn transport_error(e: reqwest::Error) -> Error {
    // The chain says what really happened (refused, reset, certificate...); the URL has no secrets.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Network
    };
    Error::new(kind, message)
}

/// The bundled roots, and the OS's where asked: read and parsed once per process (a few
/// hundred certificates: most of a new client's set-up time otherwise).
fn base_roots(use_os_roots: bool) -> &'static rustls::RootCertStore {
    static BUNDLED: OnceCell<rustls::RootCertStore> = OnceCell::new();
    static WITH_OS: OnceCell<rustls::RootCertStore> = OnceCell::new();
    let bundled = || rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if !use_os_roots {
        return BUNDLED.get_or_init(bundled);
    }
    WITH_OS.get_or_init(|| {
        let mut roots = bundled();
        let native = rustls_native_certs::load_native_certs();
        if !native.errors.is_empty() {
            tracing::debug!(
                errors = native.errors.len(),
                "some OS root certificates could not be loaded"
            );
        }
        let (added, ignored) = roots.add_parsable_certificates(native.certs);
        tracing::debug!(added, ignored, "OS root certificates");
        roots
    })
}

fn root_store(options: &TlsOptions) -> Result<rustls::RootCertStore> {
    let mut roots = base_roots(options.use_os_roots).clone();
    if options.use_aws_ca_bundle {
        if let Some(path) = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
            let pem = read_ca_bundle(std::path::Path::new(&path), "AWS_CA_BUNDLE")?;
            add_pem(&mut roots, &pem, "AWS_CA_BUNDLE")?;
        }
    }
    if let Some(pem) = &options.extra_ca_pem {
        add_pem(&mut roots, pem, "the CA bundle")?;
    }
    Ok(roots)
}

/// Largest CA bundle read: the OS bundles are a few hundred kilobytes.
const MAX_CA_BUNDLE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a PEM CA bundle file: a regular file of bounded size (not `/dev/zero`, not a FIFO that
/// would block the caller).
pub(crate) fn read_ca_bundle(path: &std::path::Path, what: &str) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let fail =
        |detail: String| Error::invalid_config(format!("{what} {}: {detail}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let mut pem = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CA_BUNDLE_BYTES + 1).read_to_end(&mut pem))
        .map_err(|e| fail(e.to_string()))?;
    if pem.len() as u64 > MAX_CA_BUNDLE_BYTES {
        return Err(fail(format!("larger than {MAX_CA_BUNDLE_BYTES} bytes")));
    }
    Ok(pem)
}

fn add_pem(roots: &mut rustls::RootCertStore, pem: &[u8], what: &str) -> Result<()> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::invalid_config(format!("{what} is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::invalid_config(format!(
            "{what} holds no certificate"
        )));
    }
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(Error::invalid_config(format!(
            "{what} holds no usable CA certificate"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_bundle_files_must_be_regular_files_of_bounded_size() {
        for path in ["/dev/zero", "/", "/no/such/bundle.pem"] {
            let err = read_ca_bundle(std::path::Path::new(path), "ca_bundle_file").unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{path}");
            assert!(err.message().contains(path), "{err}");
        }
        let big = tempfile::NamedTempFile::new().unwrap();
        big.as_file().set_len(MAX_CA_BUNDLE_BYTES + 1).unwrap();
        let err = read_ca_bundle(big.path(), "ca_bundle_file").unwrap_err();
        assert!(err.message().contains("larger than"), "{err}");
    }

    #[test]
    fn bad_ca_bundles_are_config_errors() {
        let opts = |pem: &[u8]| TlsOptions {
            extra_ca_pem: Some(pem.to_vec()),
            use_aws_ca_bundle: false,
            use_os_roots: false,
            ..Default::default()
        };
        for bad in [
            &b"not pem"[..],
            b"",
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        ] {
            let err = HttpClient::new(&opts(bad)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad:?}");
        }
    }
}
