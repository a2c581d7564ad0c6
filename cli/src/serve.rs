//! `serve-credentials`: the provider's credentials, kept fresh, for other processes of this
//! machine (a game server's tools, the AWS CLI, any AWS SDK), in the ECS container-credentials
//! format the SDKs read through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`. Loopback only; a request without the token is refused.

use crate::provider::{self, ProviderArgs};
use crate::CliResult;
use clap::Args;
use cognito_native::CredentialsProvider;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::sync::Arc;

/// The path credentials are served at.
const PATH: &str = "/credentials";

#[derive(Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    provider: ProviderArgs,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Every SECONDS, print the library's statistics (requests by operation and outcome,
    /// throttles, quota waits, cached reads) as one JSON line on stdout.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    stats_every: Option<u64>,
}

pub(crate) async fn serve_credentials(args: ServeArgs) -> CliResult {
    // The caller's token (the variable the SDKs read), or a fresh random one.
    let token = match std::env::var("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
        Ok(t) if !t.is_empty() => t,
        _ => random_token()?,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let url = format!("http://{}{PATH}", listener.local_addr()?);
    let opened = provider::open(args.provider).await?;
    // Credentials first: a bad configuration fails here, not in the first client.
    opened.provider.credentials().await?;
    println!(
        "{}",
        serde_json::json!({
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": token,
        })
    );
    eprintln!("serving credentials at {url}; Ctrl-C stops it");
    let served = Arc::new(Served {
        provider: opened.provider.clone(),
        token,
    });
    let mut stats = args
        .stats_every
        .map(|s| tokio::time::interval(std::time::Duration::from_secs(s)));
    loop {
        tokio::select! {
            _ = async { stats.as_mut().unwrap().tick().await }, if stats.is_some() => {
                let line = serde_json::json!({ "statistics": cognito_native::stats::snapshot() });
                println!("{line}");
            }
            accepted = listener.accept() => {
                let (stream, _) = accepted?;
                let served = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let served = served.clone();
                        async move { Ok::<_, std::convert::Infallible>(served.answer(req).await) }
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    let _ = conn.await;
                });
            }
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    opened.close().await;
    Ok(())
}

struct Served {
    provider: CredentialsProvider,
    token: String,
}

impl Served {
    async fn answer(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        if req.uri().path() != PATH {
            return error(StatusCode::NOT_FOUND, "no such path");
        }
        if req.method() != Method::GET {
            return error(StatusCode::METHOD_NOT_ALLOWED, "GET only");
        }
        let given = req
            .headers()
            .get(AUTHORIZATION)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !same(given, self.token.as_bytes()) {
            return error(
                StatusCode::FORBIDDEN,
                "missing or wrong Authorization (AWS_CONTAINER_AUTHORIZATION_TOKEN)",
            );
        }
        let c = match self.provider.credentials().await {
            Ok(c) => c,
            Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
        };
        let Ok(expiration) = provider::rfc3339(&c) else {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "bad expiration");
        };
        json(
            StatusCode::OK,
            serde_json::json!({
                "AccessKeyId": c.access_key_id,
                "SecretAccessKey": c.secret_access_key.expose(),
                "Token": c.session_token.expose(),
                "Expiration": expiration,
            }),
        )
    }
}

fn json(status: StatusCode, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

fn error(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    json(status, serde_json::json!({ "message": message }))
}

/// Compares in time independent of where the bytes differ (the token is a secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 32 random bytes from the OS, as hex.
fn random_token() -> Result<String, Box<dyn std::error::Error>> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no OS randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
