//! A minimal AWS client for the emulator's tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cognito_emulator::{Emulator, EmulatorConfig};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(10);

pub fn tls_config(ca_pem: Option<&str>) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = ca_pem {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots
                .add(cert.expect("CA PEM parses"))
                .expect("CA is usable");
        }
    }
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

pub fn client_with(ca_pem: Option<&str>, timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config(ca_pem))
        .no_proxy()
        .timeout(timeout)
        .build()
        .expect("client builds")
}

pub fn client() -> reqwest::Client {
    client_with(None, TIMEOUT)
}

pub async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts")
}

/// A decoded answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `(__type, message)` of a JSON error.
    pub fn error(&self) -> (String, String) {
        let v = self.json();
        (
            v["__type"].as_str().unwrap_or_default().to_string(),
            v["message"].as_str().unwrap_or_default().to_string(),
        )
    }

    pub fn xml_tag(&self, tag: &str) -> Option<String> {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find(&close)? + start;
        Some(self.body[start..end].to_string())
    }
}

pub async fn send_cognito(
    client: &reqwest::Client,
    url: &str,
    op: &str,
    body: &Value,
) -> reqwest::Result<Answer> {
    let resp = client
        .post(format!("{url}/"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", format!("AWSCognitoIdentityService.{op}"))
        .body(body.to_string())
        .send()
        .await?;
    answer(resp).await
}

pub async fn answer(resp: reqwest::Response) -> reqwest::Result<Answer> {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

pub async fn cognito(emu: &Emulator, op: &str, body: Value) -> Answer {
    send_cognito(&client(), &emu.url(), op, &body)
        .await
        .expect("request succeeds at the HTTP level")
}

pub async fn sts(emu: &Emulator, form: &[(&str, &str)]) -> Answer {
    let mut all = vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
    ];
    all.extend_from_slice(form);
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(all)
        .finish();
    let resp = client()
        .post(format!("{}/", emu.url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("STS request succeeds at the HTTP level");
    answer(resp).await.expect("STS body readable")
}

pub async fn get_id(emu: &Emulator, pool: &str, logins: Value) -> String {
    let a = cognito(
        emu,
        "GetId",
        json!({"IdentityPoolId": pool, "Logins": logins}),
    )
    .await;
    assert_eq!(a.status, 200, "GetId failed: {}", a.body);
    a.json()["IdentityId"].as_str().unwrap().to_string()
}

pub async fn admin(emu: &Emulator, method: &str, path: &str, body: Option<Value>) -> Answer {
    let c = client();
    let url = format!("{}/__emulator/{path}", emu.url());
    let req = match method {
        "GET" => c.get(url),
        _ => c.post(url),
    };
    let req = match body {
        Some(b) => req.body(b.to_string()),
        None => req,
    };
    answer(req.send().await.expect("admin request"))
        .await
        .unwrap()
}

/// One raw HTTP/1.1 exchange over a blocking socket: the bytes received until EOF,
/// and the error that ended reading, if any.
pub fn raw_exchange(addr: SocketAddr, request: &[u8]) -> (Vec<u8>, Option<std::io::Error>) {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.set_write_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(request).expect("write");
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (out, None),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => return (out, Some(e)),
        }
    }
}

/// Like [`raw_exchange`], as text, ignoring how reading ended.
pub fn raw_http(addr: SocketAddr, request: &[u8]) -> String {
    String::from_utf8_lossy(&raw_exchange(addr, request).0).into_owned()
}
