//! Our side of the peer benchmark (`scripts/bench.sh`): the same scenarios and the same one-line
//! JSON output as the peers in `benches/peers/`, for cognito-native's Rust API, plus the
//! references a peer cannot give:
//!
//! - `floor`: a minimal raw client (reqwest + rustls, only the test CA) doing what a cold provider
//!   must do: one TLS handshake and the two requests. Nothing can be cheaper with this stack.
//! - `capacity`: the same raw client, shared, resolving N logins: what the emulator can serve.
//! - `cached`: ns per read of valid cached credentials.
//! - `signing`: ns per signed request, ours and aws-sigv4 alone (P9, `client_signing.rs`).
//!
//! ```text
//! bench-client <scenario> --endpoint URL --region R --pool POOL [--runs N] [--warmup W]
//!              [--callers N] [--logins N] [--concurrency C] [--iters N]
//!              [--players N] [--mode unauth|developer] [--scale F] [--logins-timeout-ms N]
//! bench-client launch --endpoint URL --region R --pool POOL --case a|b|c|d --state-dir DIR
//!              [--ask-after-ms 500]
//! bench-client signing --endpoint URL --region R --pool POOL --s3-url URL --ddb-url URL
//!              --ddb-target T --ddb-body JSON --presign-url URL [--expires 900] [--round-ms 100]
//!              [--rounds 5]
//! bench-client srp-math ... --challenge FILE [--runs 100] [--warmup 10]
//! bench-client sign-in ... --user-pool ID --client-id ID --username U [--runs 20] [--warmup 3]
//! ```
//! `srp-math` and `sign-in` (P10, `benches/signin.py`) take the user's password from
//! `BENCH_SIGNIN_PASSWORD`, never from the command line.
//! The emulator's test CA comes from `AWS_CA_BUNDLE`; in the `storm` scenario's developer mode the
//! game server's AWS credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.

use cognito_native::quotas::AWS_DEFAULT_QUOTAS;
use cognito_native::{
    Config, CredentialsProvider, DeveloperIdentityClient, DeveloperTokenRequest, FileIdentityStore,
    HttpClient, Limiting, RateLimits, TlsOptions,
};
use futures_util::stream::{self, StreamExt};
use futures_util::FutureExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "client_signing.rs"]
mod signing;

const PEER: &str = "cognito-native";
const LOGIN_PROVIDER: &str = "graph.facebook.com";

struct Args {
    scenario: String,
    endpoint: String,
    region: String,
    pool: String,
    ca_pem: Vec<u8>,
    options: HashMap<String, u64>,
    /// Options that are not whole numbers (`--mode`, `--scale`, `--case`, `--state-dir`).
    texts: HashMap<String, String>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut argv = std::env::args().skip(1);
        let scenario = argv
            .next()
            .ok_or("usage: bench-client <scenario> --endpoint URL ...")?;
        let mut strings = HashMap::new();
        let mut options = HashMap::new();
        let mut texts = HashMap::new();
        while let Some(flag) = argv.next() {
            let name = flag
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {flag}"))?
                .to_owned();
            let value = argv.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match name.as_str() {
                "endpoint" | "region" | "pool" => {
                    strings.insert(name, value);
                }
                "mode" | "scale" | "case" | "state-dir" | "s3-url" | "ddb-url" | "ddb-target"
                | "ddb-body" | "presign-url" | "challenge" | "user-pool" | "client-id"
                | "username" => {
                    texts.insert(name, value);
                }
                _ => {
                    let n = value
                        .parse()
                        .map_err(|_| format!("{flag} needs a number, not {value}"))?;
                    options.insert(name, n);
                }
            }
        }
        let mut take = |name: &str| {
            strings
                .remove(name)
                .ok_or_else(|| format!("--{name} is required"))
        };
        let ca = std::env::var("AWS_CA_BUNDLE").map_err(|_| "AWS_CA_BUNDLE is not set")?;
        Ok(Args {
            scenario,
            endpoint: take("endpoint")?,
            region: take("region")?,
            pool: take("pool")?,
            ca_pem: std::fs::read(&ca).map_err(|e| format!("{ca}: {e}"))?,
            options,
            texts,
        })
    }

    fn number(&self, name: &str, default: u64) -> u64 {
        self.options.get(name).copied().unwrap_or(default)
    }

    fn text<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.texts.get(name).map_or(default, String::as_str)
    }

    /// A provider config for the emulator, on `http_client` or else on the process's shared
    /// connection pool for the test CA.
    fn config(&self, http_client: Option<HttpClient>) -> Config {
        let mut config = Config::new(&self.pool);
        config.region = Some(self.region.clone());
        config.endpoints.cognito_identity = Some(self.endpoint.clone());
        config.endpoints.sts = Some(self.endpoint.clone());
        config.endpoints.use_environment = false;
        config.attempt_timeout = Duration::from_secs(30);
        config.ca_bundle_pem = Some(self.ca_pem.clone());
        config.http_client = http_client;
        config
    }

    /// A connection pool of its own, as the first provider of a process gets.
    fn own_pool(&self) -> Result<HttpClient, String> {
        HttpClient::new(&TlsOptions {
            extra_ca_pem: Some(self.ca_pem.clone()),
            ..Default::default()
        })
        .map_err(|e| e.to_string())
    }
}

fn elapsed_ns(start: Instant) -> u64 {
    start.elapsed().as_nanos() as u64
}

/// Fresh providers, each with a connection pool of its own (so each pays a TCP + TLS handshake,
/// like the first provider of a process); then fresh providers on the process's shared pool,
/// which is what any further provider costs (`shared_runs_ns`).
async fn cold(args: &Args) -> Result<Value, String> {
    let (runs, warmup) = (args.number("runs", 20), args.number("warmup", 3));
    let timed = |own_pool: bool| async move {
        let mut runs_ns = Vec::new();
        let mut identity_id = String::new();
        for run in 0..warmup + runs {
            let start = Instant::now();
            let pool = match own_pool {
                true => Some(args.own_pool()?),
                false => None,
            };
            let provider =
                CredentialsProvider::new(args.config(pool)).map_err(|e| e.to_string())?;
            let credentials = provider.credentials().await.map_err(|e| e.to_string())?;
            let ns = elapsed_ns(start);
            if credentials.access_key_id.is_empty() || credentials.session_token.expose().is_empty()
            {
                return Err("empty credentials".to_string());
            }
            if run >= warmup {
                runs_ns.push(ns);
            }
            identity_id = credentials.identity_id.clone();
        }
        Ok::<_, String>((runs_ns, identity_id))
    };
    let (runs_ns, identity_id) = timed(true).await?;
    let (shared_runs_ns, _) = timed(false).await?;
    Ok(json!({ "runs_ns": runs_ns, "identity_id": identity_id, "shared_runs_ns": shared_runs_ns }))
}

async fn coalesce(args: &Args) -> Result<Value, String> {
    let callers = args.number("callers", 64) as usize;
    let provider = CredentialsProvider::new(args.config(Some(args.own_pool()?)));
    let provider = Arc::new(provider.map_err(|e| e.to_string())?);
    let barrier = Arc::new(tokio::sync::Barrier::new(callers));
    let start = Instant::now();
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let (provider, barrier) = (provider.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                provider.credentials().await.is_ok()
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        ok += usize::from(task.await.unwrap_or(false));
    }
    Ok(json!({
        "callers": callers, "ok": ok, "errors": callers - ok, "elapsed_ns": elapsed_ns(start)
    }))
}

/// Resolves `logins` players, `concurrency` at a time: `resolve(i)` returns an error message.
async fn fan_out<F, Fut>(args: &Args, resolve: F) -> Value
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let logins = args.number("logins", 10_000) as usize;
    let concurrency = args.number("concurrency", 256) as usize;
    let start = Instant::now();
    let results: Vec<Result<(), String>> = stream::iter(0..logins)
        .map(&resolve)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = elapsed_ns(start);
    let first_error = results.iter().find_map(|r| r.clone().err());
    let errors = results.iter().filter(|r| r.is_err()).count();
    json!({
        "logins": logins, "concurrency": concurrency, "ok": logins - errors, "errors": errors,
        "elapsed_ns": elapsed, "first_error": first_error,
    })
}

/// One provider per player, all on one shared connection pool (the game-server pattern).
async fn fanout(args: &Args) -> Result<Value, String> {
    let shared = args.own_pool()?;
    Ok(fan_out(args, |i| {
        let config = args.config(Some(shared.clone()));
        async move {
            let provider = CredentialsProvider::new(config).map_err(|e| e.to_string())?;
            provider
                .set_login(LOGIN_PROVIDER, format!("player-{i}"))
                .map_err(|e| e.to_string())?;
            provider.credentials().await.map_err(|e| e.to_string())?;
            Ok(())
        }
    })
    .await)
}

async fn cached(args: &Args) -> Result<Value, String> {
    let iters = args.number("iters", 1_000_000);
    let provider = CredentialsProvider::new(args.config(None)).map_err(|e| e.to_string())?;
    provider.credentials().await.map_err(|e| e.to_string())?;
    let time = |f: &dyn Fn() -> bool| {
        for _ in 0..iters / 10 {
            std::hint::black_box(f()); // warm-up
        }
        let start = Instant::now();
        for _ in 0..iters {
            if !std::hint::black_box(f()) {
                return Err("no cached credentials".to_string());
            }
        }
        Ok(elapsed_ns(start) as f64 / iters as f64)
    };
    let sync_ns = time(&|| provider.cached_credentials().is_some())?;
    let handle = tokio::runtime::Handle::current();
    let async_ns =
        tokio::task::block_in_place(|| time(&|| handle.block_on(provider.credentials()).is_ok()))?;
    Ok(
        json!({ "iters": iters, "cached_credentials_ns": sync_ns, "credentials_await_ns": async_ns }),
    )
}

/// A raw client: reqwest + rustls trusting only the test CA, no retries, no caching.
struct Raw {
    client: reqwest::Client,
    endpoint: String,
    pool: String,
}

impl Raw {
    fn new(args: &Args) -> Result<Raw, String> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in pem_certs(&args.ca_pem)? {
            roots.add(cert).map_err(|e| e.to_string())?;
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Raw {
            client,
            endpoint: args.endpoint.clone(),
            pool: args.pool.clone(),
        })
    }

    async fn call(&self, operation: &str, body: Value) -> Result<Value, String> {
        let response = self
            .client
            .post(&self.endpoint)
            .header("Content-Type", "application/x-amz-json-1.1")
            .header(
                "X-Amz-Target",
                format!("AWSCognitoIdentityService.{operation}"),
            )
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{operation}: HTTP {status}"));
        }
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    /// GetId then GetCredentialsForIdentity; returns the identity id.
    async fn resolve(&self, logins: Option<Value>) -> Result<String, String> {
        let mut get_id = json!({ "IdentityPoolId": self.pool });
        let mut get_credentials = json!({});
        if let Some(logins) = logins {
            get_id["Logins"] = logins.clone();
            get_credentials["Logins"] = logins;
        }
        let id = self.call("GetId", get_id).await?;
        let id = id["IdentityId"].as_str().ok_or("no IdentityId")?.to_owned();
        get_credentials["IdentityId"] = json!(id);
        let answer = self
            .call("GetCredentialsForIdentity", get_credentials)
            .await?;
        if answer["Credentials"]["SessionToken"].as_str().is_none() {
            return Err("no credentials".into());
        }
        Ok(id)
    }
}

fn pem_certs(pem: &[u8]) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}

async fn floor(args: &Args) -> Result<Value, String> {
    let (runs, warmup) = (args.number("runs", 20), args.number("warmup", 3));
    let mut runs_ns = Vec::new();
    let mut identity_id = String::new();
    for run in 0..warmup + runs {
        let start = Instant::now();
        identity_id = Raw::new(args)?.resolve(None).await?;
        if run >= warmup {
            runs_ns.push(elapsed_ns(start));
        }
    }
    Ok(json!({ "runs_ns": runs_ns, "identity_id": identity_id }))
}

async fn capacity(args: &Args) -> Result<Value, String> {
    let raw = Raw::new(args)?;
    Ok(fan_out(args, |i| {
        let raw = &raw;
        async move {
            raw.resolve(Some(json!({ LOGIN_PROVIDER: format!("player-{i}") })))
                .await
                .map(|_| ())
        }
    })
    .await)
}

/// The emulator's developer provider name (`cognito_emulator::DEFAULT_DEVELOPER_PROVIDER_NAME`).
const DEVELOPER_PROVIDER: &str = "login.cognitonative.emulator";
/// `storm`: failures are counted by message, at most this many distinct ones.
const STORM_ERROR_KINDS: usize = 20;

/// A login storm: `--players` players start at once, each with a provider of its own, all on one
/// connection pool and behind the process's rate limiter, configured with the account's quotas
/// (AWS's defaults × `--scale`, which is how the emulator is started). `--mode unauth`: GetId +
/// GetCredentialsForIdentity; `--mode developer`: the game server's signed
/// GetOpenIdTokenForDeveloperIdentity (a `DeveloperIdentityClient`, credentials from the
/// environment) feeds each player's provider, which then calls GetCredentialsForIdentity.
/// `--logins-timeout-ms`: the providers' `logins_timeout` (default: the library's, the limiter's
/// longest wait), which bounds the developer identity source, and so its wait for a slot of the
/// quota.
async fn storm(args: &Args) -> Result<Value, String> {
    let players = args.number("players", 1_000) as usize;
    let mode = args.text("mode", "unauth").to_owned();
    let scale: f64 = args
        .text("scale", "1")
        .parse()
        .map_err(|_| "--scale needs a number".to_string())?;
    let rate_limits = RateLimits {
        rates: AWS_DEFAULT_QUOTAS
            .iter()
            .map(|(quota, rate)| ((*quota).to_owned(), rate * scale))
            .collect(),
        // The emulator is not an AWS endpoint: limit it too.
        limiting: Limiting::Always,
        ..Default::default()
    };
    let shared = args.own_pool()?;
    let logins_timeout = args.options.get("logins-timeout-ms").copied();
    let config = || {
        let mut config = args.config(Some(shared.clone()));
        config.rate_limits = rate_limits.clone();
        if let Some(ms) = logins_timeout {
            config.logins_timeout = Duration::from_millis(ms);
        }
        config
    };
    let backend = match mode.as_str() {
        "unauth" => None,
        "developer" => Some(Arc::new(
            DeveloperIdentityClient::new(config(), None).map_err(|e| e.to_string())?,
        )),
        other => return Err(format!("--mode is unauth or developer, not {other}")),
    };
    let pool = args.pool.clone();
    let release = Arc::new(tokio::sync::Barrier::new(players + 1));
    let tasks: Vec<_> = (0..players)
        .map(|i| {
            let (config, backend, release, pool) =
                (config(), backend.clone(), release.clone(), pool.clone());
            tokio::spawn(async move {
                release.wait().await;
                let provider = CredentialsProvider::new(config).map_err(|e| e.to_string())?;
                if let Some(backend) = backend {
                    let request =
                        DeveloperTokenRequest::new(pool, DEVELOPER_PROVIDER, format!("player-{i}"));
                    provider
                        .set_developer_identity_source(Arc::new(move || {
                            let (backend, request) = (backend.clone(), request.clone());
                            async move {
                                backend
                                    .get_open_id_token_for_developer_identity(&request)
                                    .await
                            }
                            .boxed()
                        }))
                        .map_err(|e| e.to_string())?;
                }
                provider.credentials().await.map_err(|e| e.to_string())?;
                Ok::<_, String>(Instant::now())
            })
        })
        .collect();
    release.wait().await;
    let start = Instant::now();
    let mut times_ns = Vec::with_capacity(players);
    let mut first_error = None;
    let mut errors = std::collections::BTreeMap::<String, u64>::new();
    for task in tasks {
        match task.await.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(done) => times_ns.push(done.saturating_duration_since(start).as_nanos() as u64),
            Err(e) => {
                // Failures by message: at most STORM_ERROR_KINDS distinct ones, the rest together.
                let key = match errors.contains_key(&e) || errors.len() < STORM_ERROR_KINDS {
                    true => e.clone(),
                    false => "(other messages)".to_owned(),
                };
                *errors.entry(key).or_default() += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    let elapsed = elapsed_ns(start);
    times_ns.sort_unstable();
    let stats = cognito_native::stats::snapshot();
    let (sent, throttled) = stats
        .operations
        .values()
        .fold((0, 0), |(s, t), op| (s + op.sent, t + op.throttled));
    Ok(json!({
        "mode": mode, "players": players, "ok": times_ns.len(), "failed": players - times_ns.len(),
        "first_error": first_error, "error_counts": errors, "p50_ns": percentile(&times_ns, 0.50),
        "p99_ns": percentile(&times_ns, 0.99), "elapsed_ns": elapsed, "scale": scale,
        "sent": sent, "throttled": throttled, "stats": stats,
        "logins_timeout_ms": config().logins_timeout.as_millis() as u64,
    }))
}

/// The `q` quantile of sorted values (nearest rank), or null when there are none.
fn percentile(sorted: &[u64], q: f64) -> Option<u64> {
    let rank = ((q * sorted.len() as f64 - 1e-9).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

// ---- launch: process start to credentials (benches/launch.py) ------------------------------------

/// `LAUNCH_T0_UNIX_NS`: the wall-clock time (ns since the epoch) the driver took just before it
/// started this process. Times are reported from it, so they include the process's start-up.
fn launch_t0() -> Result<u128, String> {
    std::env::var("LAUNCH_T0_UNIX_NS")
        .map_err(|_| "LAUNCH_T0_UNIX_NS is not set".to_string())?
        .parse()
        .map_err(|_| "LAUNCH_T0_UNIX_NS is not a number".to_string())
}

fn unix_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// One game launch: a provider with a `FileIdentityStore` in `--state-dir` (empty for a first
/// launch; left by a previous launch otherwise), then credentials. `c`: credentials persisted
/// through the store (`persist_credentials`); `d`: the app asks `--ask-after-ms` after creating
/// the provider, which starts resolving at creation (`prefetch`).
async fn launch(args: &Args, t_main: u128) -> Result<Value, String> {
    let t0 = launch_t0()?;
    let since = |t: u128| t.saturating_sub(t0) as u64;
    let case = args.texts.get("case").ok_or("--case a|b|c|d is required")?;
    let dir = args
        .texts
        .get("state-dir")
        .ok_or("--state-dir is required")?;
    let store = FileIdentityStore::new(dir);
    let identity_from_state = store.path_for(&args.pool).exists();
    let mut config = args.config(None).with_identity_store(Arc::new(store));
    match case.as_str() {
        "a" | "b" => {}
        "c" => config.persist_credentials = true,
        "d" => config.prefetch = true,
        other => return Err(format!("unknown case {other} (a, b, c or d)")),
    }
    let provider = CredentialsProvider::new(config).map_err(|e| e.to_string())?;
    let t_created = unix_ns();
    if case == "d" {
        tokio::time::sleep(Duration::from_millis(args.number("ask-after-ms", 500))).await;
    }
    let t_ask = unix_ns();
    let credentials = provider.credentials().await.map_err(|e| e.to_string())?;
    let t_credentials = unix_ns();
    if credentials.access_key_id.is_empty() || credentials.session_token.expose().is_empty() {
        return Err("empty credentials".to_string());
    }
    Ok(json!({
        "case": case, "identity_id": credentials.identity_id, "identity_from_state": identity_from_state,
        "t_main_ns": since(t_main), "t_created_ns": since(t_created), "t_ask_ns": since(t_ask),
        "t_credentials_ns": since(t_credentials),
    }))
}

fn signin_password() -> Result<String, String> {
    std::env::var("BENCH_SIGNIN_PASSWORD").map_err(|_| "BENCH_SIGNIN_PASSWORD is not set".into())
}

/// P10: the client's SRP math, in this process, through the library's own code
/// (`cognito_native::user_pool::srp_bench`). Per run: A (a fresh `a`, g^a mod N), then the
/// password claim for the challenge in `--challenge` (a JSON file: `pool_name`,
/// `user_id_for_srp`, `salt`, `srp_b`, `secret_block`, and `exponent` for the single modpows).
/// Then `--runs` single modpows B^e mod N and 2^e mod N with that exponent.
fn srp_math(args: &Args) -> Result<Value, String> {
    use cognito_native::user_pool::srp_bench::{modpow, timestamp_now, Client};
    let path = args
        .texts
        .get("challenge")
        .ok_or("--challenge FILE is required")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let ch: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let field = |k: &str| {
        ch[k]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{path}: no {k}"))
    };
    let (pool_name, user, salt) = (
        field("pool_name")?,
        field("user_id_for_srp")?,
        field("salt")?,
    );
    let (srp_b, secret_block, exponent) =
        (field("srp_b")?, field("secret_block")?, field("exponent")?);
    let password = signin_password()?;
    let (runs, warmup) = (args.number("runs", 100), args.number("warmup", 10));
    let (mut a_ns, mut claim_ns, mut a_bits) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..warmup + runs {
        let start = Instant::now();
        let client = Client::new().map_err(|e| e.to_string())?;
        let big_a = client.srp_a();
        let t_a = elapsed_ns(start);
        let timestamp = timestamp_now();
        let start = Instant::now();
        let claim = client
            .password_claim(
                &pool_name,
                &user,
                &salt,
                &srp_b,
                &secret_block,
                &password,
                &timestamp,
            )
            .map_err(|e| e.to_string())?;
        let t_claim = elapsed_ns(start);
        if big_a.is_empty() || claim.is_empty() {
            return Err("empty A or claim".into());
        }
        if run >= warmup {
            a_ns.push(t_a);
            claim_ns.push(t_claim);
            a_bits.push(client.a_bits());
        }
    }
    let timed = |base: &str| -> Result<Vec<u64>, String> {
        let mut out = Vec::new();
        for run in 0..warmup + runs {
            let start = Instant::now();
            let r = modpow(base, &exponent).map_err(|e| e.to_string())?;
            let ns = elapsed_ns(start);
            if r.is_empty() {
                return Err("empty modpow".into());
            }
            if run >= warmup {
                out.push(ns);
            }
        }
        Ok(out)
    };
    let modpow_ns = timed(&srp_b)?;
    let modpow_g_ns = timed("2")?;
    Ok(json!({
        "runs": runs, "a_ns": a_ns, "claim_ns": claim_ns, "a_bits": a_bits,
        "modpow_ns": modpow_ns, "modpow_g_ns": modpow_g_ns,
        "bigint": "num-bigint (BigUint::modpow)",
    }))
}

/// P10: `--warmup` + `--runs` sign-ins with `UserPool::sign_in_srp` (InitiateAuth USER_SRP_AUTH,
/// RespondToAuthChallenge PASSWORD_VERIFIER) on one `UserPool` (one connection pool, as an app
/// has), each timed until the tokens are in hand.
async fn sign_in(args: &Args) -> Result<Value, String> {
    use cognito_native::user_pool::{SignIn, UserPool, UserPoolConfig};
    let text = |k: &str| {
        args.texts
            .get(k)
            .cloned()
            .ok_or_else(|| format!("--{k} is required"))
    };
    let (pool_id, client_id, username) =
        (text("user-pool")?, text("client-id")?, text("username")?);
    let password = signin_password()?;
    let mut config = UserPoolConfig::new(pool_id, client_id).with_local_endpoint(&args.endpoint);
    config.endpoints.use_environment = false;
    config.region = Some(args.region.clone());
    config.ca_bundle_pem = Some(args.ca_pem.clone());
    config.attempt_timeout = Duration::from_secs(30);
    let pool = UserPool::new(config).map_err(|e| e.to_string())?;
    let (runs, warmup) = (args.number("runs", 20), args.number("warmup", 3));
    let mut runs_ns = Vec::new();
    for run in 0..warmup + runs {
        let start = Instant::now();
        let session = match pool.sign_in_srp(&username, &password).await {
            Ok(SignIn::SignedIn(session)) => session,
            Ok(SignIn::Challenge(c)) => return Err(format!("unexpected challenge {:?}", c.name)),
            Err(e) => return Err(e.to_string()),
        };
        let ns = elapsed_ns(start);
        if session.cached_tokens().id_token.expose().is_empty() {
            return Err("empty id token".into());
        }
        if run >= warmup {
            runs_ns.push(ns);
        }
    }
    Ok(json!({ "runs_ns": runs_ns }))
}

#[tokio::main]
async fn main() {
    let t_main = unix_ns();
    let args = match Args::parse() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("bench-client: {e}");
            std::process::exit(2);
        }
    };
    let result = match args.scenario.as_str() {
        "cold" => cold(&args).await,
        "coalesce" => coalesce(&args).await,
        "fanout" => fanout(&args).await,
        "cached" => cached(&args).await,
        "floor" => floor(&args).await,
        "capacity" => capacity(&args).await,
        "storm" => storm(&args).await,
        "launch" => launch(&args, t_main).await,
        "signing" => signing::signing(&args).await,
        "srp-math" => srp_math(&args),
        "sign-in" => sign_in(&args).await,
        other => Err(format!("unknown scenario {other}")),
    };
    match result {
        Ok(mut value) => {
            value["peer"] = json!(PEER);
            value["version"] = json!(env!("CARGO_PKG_VERSION"));
            value["scenario"] = json!(args.scenario);
            println!("{value}");
        }
        Err(e) => {
            eprintln!("bench-client {}: {e}", args.scenario);
            std::process::exit(1);
        }
    }
}
