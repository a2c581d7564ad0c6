//! Benchmark peer: the official AWS SDK for Rust (`aws-sdk-cognitoidentity`), GetId +
//! GetCredentialsForIdentity, unsigned.
//!
//! ```text
//! target/bench-peers/rust/release/cognito-peer-rust-sdk <cold|coalesce|fanout|storm> \
//!     --endpoint https://127.0.0.1:PORT --region us-east-1 --pool <IDENTITY_POOL_ID> [options]
//! target/bench-peers/rust/release/cognito-peer-rust-sdk launch --endpoint URL --region R \
//!     --pool ID --case a|b|c|d --state-dir DIR [--ask-after-ms 500]   (LAUNCH_T0_UNIX_NS set)
//! ```
//!
//! Prints exactly one JSON object on stdout; everything else goes to stderr.
//!
//! Environment:
//! - `AWS_CA_BUNDLE`: PEM file of the CA to trust (the emulator's test CA), added to the SDK
//!   HTTP client's trust store (`aws_smithy_http_client::tls::TrustStore`) next to the platform's
//!   roots, as the SDK's default trust store does.
//! - `PEER_RUST_NATIVE_ROOTS=0`: trust only `AWS_CA_BUNDLE`, without loading the platform roots
//!   on every client creation.
//!
//! - `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (`storm --mode developer` only): the game
//!   server's AWS credentials, which sign GetOpenIdTokenForDeveloperIdentity.
//!
//! No `aws-config` and, but for `storm --mode developer`, no credentials provider: GetId and
//! GetCredentialsForIdentity are unsigned operations (`smithy.api#noAuth`), so the SDK never looks
//! for AWS credentials. Retries are the SDK's default: `BehaviorVersion::latest()` gives
//! `RetryConfig::standard()` (3 attempts, backoff up to 1 s × 2^n with full jitter, at most
//! 20 s; the retry token bucket of 500 tokens, 5 per retry). The HTTP client
//! is the SDK's own default stack (hyper 1 + rustls on aws-lc-rs), built with
//! `aws_smithy_http_client::Builder` only to give it the trust store.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentity::config::{BehaviorVersion, Credentials, Region, SharedHttpClient};
use aws_sdk_cognitoidentity::Client;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_types::timeout::TimeoutConfig;
use serde_json::{json, Map, Value};

const PEER: &str = "aws-sdk-cognitoidentity";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scenario {
    Cold,
    Coalesce,
    Fanout,
    Storm,
    Launch,
}

/// What each player of `storm` does.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// GetId (no logins) + GetCredentialsForIdentity.
    Unauth,
    /// The game server's signed GetOpenIdTokenForDeveloperIdentity, then
    /// GetCredentialsForIdentity with the token.
    Developer,
}

/// The emulator's developer provider name.
const DEVELOPER_PROVIDER: &str = "login.cognitonative.emulator";
/// `storm`: failures are counted by message, at most this many distinct ones.
const STORM_ERROR_KINDS: usize = 20;

#[derive(Debug, Clone)]
struct Args {
    scenario: Scenario,
    endpoint: String,
    region: String,
    pool: String,
    runs: usize,
    /// cold: unreported runs first (default 3); coalesce/fanout: throwaway runs first (default 0)
    warmup: usize,
    callers: usize,
    logins: usize,
    concurrency: usize,
    players: usize,
    mode: Mode,
    /// launch: the case (a|b|c|d), the app's state folder, the ask's delay in case d
    case: String,
    state_dir: String,
    ask_after_ms: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let scenario = match it.next().as_deref() {
        Some("cold") => Scenario::Cold,
        Some("coalesce") => Scenario::Coalesce,
        Some("fanout") => Scenario::Fanout,
        Some("storm") => Scenario::Storm,
        Some("launch") => Scenario::Launch,
        other => {
            return Err(format!(
                "usage: cognito-peer-rust-sdk <cold|coalesce|fanout|storm> --endpoint URL --region R --pool ID [options] (got {other:?})"
            ))
        }
    };
    let (mut endpoint, mut region, mut pool) = (None, None, None);
    let mut args = Args {
        scenario,
        endpoint: String::new(),
        region: String::new(),
        pool: String::new(),
        runs: 20,
        warmup: if scenario == Scenario::Cold { 3 } else { 0 },
        callers: 64,
        logins: 100,
        concurrency: 16,
        players: 1_000,
        mode: Mode::Unauth,
        case: String::new(),
        state_dir: String::new(),
        ask_after_ms: 500,
    };
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let int = |min: usize| -> Result<usize, String> {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= min)
                .ok_or_else(|| format!("{flag} must be an integer >= {min}"))
        };
        match flag.as_str() {
            "--endpoint" => endpoint = Some(value.clone()),
            "--region" => region = Some(value.clone()),
            "--pool" => pool = Some(value.clone()),
            "--runs" => args.runs = int(1)?,
            "--warmup" => args.warmup = int(0)?,
            "--callers" => args.callers = int(1)?,
            "--logins" => args.logins = int(1)?,
            "--concurrency" => args.concurrency = int(1)?,
            "--players" => args.players = int(1)?,
            "--mode" => {
                args.mode = match value.as_str() {
                    "unauth" => Mode::Unauth,
                    "developer" => Mode::Developer,
                    other => return Err(format!("--mode is unauth or developer, not {other}")),
                }
            }
            // The quotas' scale is the driver's business: the SDK has no such setting.
            "--scale" => {}
            "--case" if ["a", "b", "c", "d"].contains(&value.as_str()) => args.case = value.clone(),
            "--case" => return Err("--case must be a, b, c or d".into()),
            "--state-dir" => args.state_dir = value.clone(),
            "--ask-after-ms" => args.ask_after_ms = int(0)? as u64,
            other => return Err(format!("unknown option {other}")),
        }
    }
    args.endpoint = endpoint.ok_or("--endpoint is required")?;
    args.region = region.ok_or("--region is required")?;
    args.pool = pool.ok_or("--pool is required")?;
    if scenario == Scenario::Launch && (args.case.is_empty() || args.state_dir.is_empty()) {
        return Err("launch needs --case a|b|c|d and --state-dir".into());
    }
    Ok(args)
}

/// What every client is built from: the CA PEM read once at start-up.
struct Setup {
    args: Args,
    ca_pem: Option<Vec<u8>>,
    native_roots: bool,
}

impl Setup {
    /// A new SDK client with a new HTTP client, so a new connection pool (and a new rustls
    /// config, so no TLS session to resume): the next request pays TCP + TLS.
    fn new_client(&self) -> Result<Client, String> {
        self.new_client_with(None)
    }

    /// The same, with a credentials provider (for the signed developer operations).
    fn new_client_with(&self, credentials: Option<Credentials>) -> Result<Client, String> {
        let mut trust = TrustStore::default().with_native_roots(self.native_roots);
        if let Some(pem) = &self.ca_pem {
            trust = trust.with_pem_certificate(pem.clone());
        }
        let tls_context = TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .map_err(|e| format!("TLS context: {e}"))?;
        let http_client: SharedHttpClient = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(tls_context)
            .build_https();
        let mut config = aws_sdk_cognitoidentity::Config::builder();
        if let Some(credentials) = credentials {
            config = config.credentials_provider(credentials);
        }
        let config = config
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.args.region.clone()))
            .endpoint_url(&self.args.endpoint)
            .http_client(http_client)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            )
            .build();
        Ok(Client::from_conf(config))
    }
}

fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    // DisplayErrorContext-like: the whole source chain on one line.
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text.chars().take(500).collect()
}

/// GetId then GetCredentialsForIdentity; returns the identity id.
async fn get_credentials(
    client: &Client,
    pool: &str,
    login: Option<(&str, &str)>,
) -> Result<String, String> {
    let mut get_id = client.get_id().identity_pool_id(pool);
    if let Some((provider, token)) = login {
        get_id = get_id.logins(provider, token);
    }
    let identity_id = get_id
        .send()
        .await
        .map_err(|e| format!("GetId: {}", error_text(&e)))?
        .identity_id
        .ok_or("GetId: no IdentityId in the response")?;
    credentials_for_identity(client, &identity_id, login).await?;
    Ok(identity_id)
}

/// GetCredentialsForIdentity (with `login`, if any); an answer without an access key, a secret
/// key or a session token is an error.
async fn credentials_for_identity(
    client: &Client,
    identity_id: &str,
    login: Option<(&str, &str)>,
) -> Result<(), String> {
    let mut get_creds = client
        .get_credentials_for_identity()
        .identity_id(identity_id);
    if let Some((provider, token)) = login {
        get_creds = get_creds.logins(provider, token);
    }
    let out = get_creds
        .send()
        .await
        .map_err(|e| format!("GetCredentialsForIdentity: {}", error_text(&e)))?;
    let creds = out
        .credentials
        .ok_or("GetCredentialsForIdentity: no Credentials in the response")?;
    let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
    if !(filled(&creds.access_key_id) && filled(&creds.secret_key) && filled(&creds.session_token))
    {
        return Err("credentials without access key, secret key or session token".into());
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Tally {
    fn record(&self, result: Result<String, String>) {
        match result {
            Ok(_) => {
                self.ok.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                let mut first = self.first_error.lock().unwrap();
                if first.is_none() {
                    *first = Some(e);
                }
            }
        }
    }

    fn into_json(self, mut out: Map<String, Value>) -> Map<String, Value> {
        out.insert("ok".into(), json!(self.ok.into_inner()));
        out.insert("errors".into(), json!(self.errors.into_inner()));
        if let Some(e) = self.first_error.into_inner().unwrap() {
            out.insert("first_error".into(), json!(e));
        }
        out
    }
}

async fn cold(setup: &Setup) -> Map<String, Value> {
    let args = &setup.args;
    let (mut runs, mut errors, mut first_error, mut identity_id) =
        (Vec::new(), 0u64, None::<String>, None::<String>);
    for i in 0..args.warmup + args.runs {
        let t0 = Instant::now();
        let result = match setup.new_client() {
            Ok(client) => get_credentials(&client, &args.pool, None).await,
            Err(e) => Err(e),
        };
        let elapsed = t0.elapsed();
        match result {
            Ok(id) if i >= args.warmup => {
                runs.push(elapsed.as_nanos() as u64);
                identity_id = Some(id);
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("cold run {i}: {e}");
                errors += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    let mut out = Map::new();
    out.insert("runs_ns".into(), json!(runs));
    out.insert("identity_id".into(), json!(identity_id));
    out.insert("errors".into(), json!(errors));
    if let Some(e) = first_error {
        out.insert("first_error".into(), json!(e));
    }
    out
}

/// coalesce/fanout `--warmup W`: W complete cold get-credentials on throwaway clients first, so
/// one-time costs stay out of `elapsed_ns`. The emulator counts them (2 requests each).
async fn warm_up(setup: &Setup) -> Result<(), String> {
    for _ in 0..setup.args.warmup {
        get_credentials(&setup.new_client()?, &setup.args.pool, None).await?;
    }
    Ok(())
}

async fn coalesce(setup: &Setup) -> Result<Map<String, Value>, String> {
    let args = &setup.args;
    warm_up(setup).await?;
    let client = setup.new_client()?;
    let tally = Arc::new(Tally::default());
    // Every task and this one wait at the barrier; the clock starts when it opens.
    let barrier = Arc::new(tokio::sync::Barrier::new(args.callers + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.callers {
        let (client, tally, barrier, pool) = (
            client.clone(),
            tally.clone(),
            barrier.clone(),
            args.pool.clone(),
        );
        tasks.spawn(async move {
            barrier.wait().await;
            tally.record(get_credentials(&client, &pool, None).await);
        });
    }
    barrier.wait().await;
    let t0 = Instant::now();
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            tally.record(Err(format!("task: {e}")));
        }
    }
    let elapsed = t0.elapsed();
    let mut out = Map::new();
    out.insert("callers".into(), json!(args.callers));
    out.insert("elapsed_ns".into(), json!(elapsed.as_nanos() as u64));
    Ok(Arc::into_inner(tally).unwrap().into_json(out))
}

async fn fanout(setup: &Setup) -> Result<Map<String, Value>, String> {
    let args = &setup.args;
    warm_up(setup).await?;
    // One shared client (one connection pool), as a game server would have.
    let client = setup.new_client()?;
    let tally = Arc::new(Tally::default());
    let limit = Arc::new(tokio::sync::Semaphore::new(args.concurrency));
    let t0 = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..args.logins {
        let permit = limit
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        let (client, tally, pool) = (client.clone(), tally.clone(), args.pool.clone());
        tasks.spawn(async move {
            let token = format!("player-{i}");
            tally.record(
                get_credentials(&client, &pool, Some(("graph.facebook.com", &token))).await,
            );
            drop(permit);
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            tally.record(Err(format!("task: {e}")));
        }
    }
    let elapsed = t0.elapsed();
    let mut out = Map::new();
    out.insert("logins".into(), json!(args.logins));
    out.insert("concurrency".into(), json!(args.concurrency));
    out.insert("elapsed_ns".into(), json!(elapsed.as_nanos() as u64));
    Ok(Arc::into_inner(tally).unwrap().into_json(out))
}

/// One developer-authenticated player, as a game server signs them in: its signed
/// GetOpenIdTokenForDeveloperIdentity, then GetCredentialsForIdentity with the token.
async fn developer_player(client: &Client, pool: &str, i: usize) -> Result<String, String> {
    let token = client
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(pool)
        .logins(DEVELOPER_PROVIDER, format!("player-{i}"))
        .send()
        .await
        .map_err(|e| format!("GetOpenIdTokenForDeveloperIdentity: {}", error_text(&e)))?;
    let (Some(identity_id), Some(token)) = (token.identity_id, token.token) else {
        return Err("GetOpenIdTokenForDeveloperIdentity: no IdentityId or Token".into());
    };
    let login = ("cognito-identity.amazonaws.com", token.as_str());
    credentials_for_identity(client, &identity_id, Some(login)).await?;
    Ok(identity_id)
}

/// The `q` quantile of sorted values (nearest rank).
fn percentile(sorted: &[u64], q: f64) -> Option<u64> {
    let rank = ((q * sorted.len() as f64 - 1e-9).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

/// A login storm: every player at once, one task each, on one shared client (the SDK has no
/// per-player credentials object for identity pools; a game server shares its client).
async fn storm(setup: &Setup) -> Result<Map<String, Value>, String> {
    let args = &setup.args;
    let credentials = match args.mode {
        Mode::Unauth => None,
        Mode::Developer => {
            let var = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
            Some(Credentials::new(
                var("AWS_ACCESS_KEY_ID")?,
                var("AWS_SECRET_ACCESS_KEY")?,
                None,
                None,
                "environment",
            ))
        }
    };
    let client = setup.new_client_with(credentials)?;
    let barrier = Arc::new(tokio::sync::Barrier::new(args.players + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..args.players {
        let (client, barrier, pool, mode) = (
            client.clone(),
            barrier.clone(),
            args.pool.clone(),
            args.mode,
        );
        tasks.spawn(async move {
            barrier.wait().await;
            let result = match mode {
                Mode::Unauth => get_credentials(&client, &pool, None).await,
                Mode::Developer => developer_player(&client, &pool, i).await,
            };
            (result, Instant::now())
        });
    }
    barrier.wait().await;
    let t0 = Instant::now();
    let (mut times, mut first_error) = (Vec::with_capacity(args.players), None::<String>);
    let mut errors = std::collections::BTreeMap::<String, u64>::new();
    while let Some(joined) = tasks.join_next().await {
        let e = match joined {
            Ok((Ok(_), done)) => {
                times.push(done.saturating_duration_since(t0).as_nanos() as u64);
                continue;
            }
            Ok((Err(e), _)) => e,
            Err(e) => format!("task: {e}"),
        };
        // Failures by message: at most STORM_ERROR_KINDS distinct ones, the rest together.
        let key = match errors.contains_key(&e) || errors.len() < STORM_ERROR_KINDS {
            true => e.clone(),
            false => "(other messages)".to_owned(),
        };
        *errors.entry(key).or_default() += 1;
        first_error.get_or_insert(e);
    }
    let elapsed = t0.elapsed();
    times.sort_unstable();
    let mut out = Map::new();
    out.insert(
        "mode".into(),
        json!(format!("{:?}", args.mode).to_lowercase()),
    );
    out.insert("players".into(), json!(args.players));
    out.insert("ok".into(), json!(times.len()));
    out.insert("failed".into(), json!(args.players - times.len()));
    out.insert("first_error".into(), json!(first_error));
    out.insert("error_counts".into(), json!(errors));
    out.insert("p50_ns".into(), json!(percentile(&times, 0.50)));
    out.insert("p99_ns".into(), json!(percentile(&times, 0.99)));
    out.insert("elapsed_ns".into(), json!(elapsed.as_nanos() as u64));
    Ok(out)
}

// ---- launch: process start to credentials (benches/launch.py) ------------------------------------

fn unix_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Process start to credentials. The SDK has no credentials provider for identity pools
/// (`aws-config` has none) and keeps nothing between runs: the app saves the identity id itself
/// (here a JSON file in `--state-dir`) and skips GetId when it has one. Nobody keeps the
/// credentials, so a launch with valid credentials from the last run (case c) does what case b
/// does. d: the client is created, the app asks `--ask-after-ms` later; the client is lazy.
async fn launch(setup: &Setup, t_main: u128) -> Result<Map<String, Value>, String> {
    let args = &setup.args;
    let t0: u128 = std::env::var("LAUNCH_T0_UNIX_NS")
        .ok()
        .and_then(|v| v.parse().ok())
        .ok_or("LAUNCH_T0_UNIX_NS is not set")?;
    let since = |t: u128| json!(t.saturating_sub(t0) as u64);
    let path = std::path::Path::new(&args.state_dir).join("rust-sdk-identity.json");
    let saved = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.get(&args.pool)?.as_str().map(str::to_owned));
    let identity_from_state = saved.is_some();
    let client = setup.new_client()?;
    let t_created = unix_ns();
    if args.case == "d" {
        tokio::time::sleep(Duration::from_millis(args.ask_after_ms)).await;
    }
    let t_ask = unix_ns();
    let identity_id = match saved {
        Some(id) => id,
        None => {
            let id = client
                .get_id()
                .identity_pool_id(&args.pool)
                .send()
                .await
                .map_err(|e| format!("GetId: {}", error_text(&e)))?
                .identity_id
                .ok_or("GetId: no IdentityId in the response")?;
            std::fs::create_dir_all(&args.state_dir).map_err(|e| e.to_string())?;
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, json!({ &args.pool: &id }).to_string())
                .and_then(|()| std::fs::rename(&tmp, &path))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            id
        }
    };
    credentials_for_identity(&client, &identity_id, None).await?;
    let t_credentials = unix_ns();
    let mut map = Map::new();
    map.insert("case".into(), json!(args.case));
    map.insert("identity_id".into(), json!(identity_id));
    map.insert("identity_from_state".into(), json!(identity_from_state));
    map.insert("t_main_ns".into(), since(t_main));
    map.insert("t_created_ns".into(), since(t_created));
    map.insert("t_ask_ns".into(), since(t_ask));
    map.insert("t_credentials_ns".into(), since(t_credentials));
    Ok(map)
}

fn main() -> ExitCode {
    let t_main = unix_ns();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cognito-peer-rust-sdk: {e}");
            return ExitCode::from(2);
        }
    };
    let ca_pem = match std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
        Some(path) => match std::fs::read(&path) {
            Ok(pem) => Some(pem),
            Err(e) => {
                eprintln!(
                    "cognito-peer-rust-sdk: AWS_CA_BUNDLE {}: {e}",
                    std::path::Path::new(&path).display()
                );
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let native_roots = std::env::var("PEER_RUST_NATIVE_ROOTS").map_or(true, |v| v != "0");
    let setup = Setup {
        args,
        ca_pem,
        native_roots,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cognito-peer-rust-sdk: tokio runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let scenario = setup.args.scenario;
    let result = runtime.block_on(async {
        match scenario {
            Scenario::Cold => Ok(cold(&setup).await),
            Scenario::Coalesce => coalesce(&setup).await,
            Scenario::Fanout => fanout(&setup).await,
            Scenario::Storm => storm(&setup).await,
            Scenario::Launch => launch(&setup, t_main).await,
        }
    });
    let body = match result {
        Ok(body) => body,
        Err(e) => {
            eprintln!("cognito-peer-rust-sdk: {scenario:?} failed: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = Map::new();
    out.insert("peer".into(), json!(PEER));
    out.insert(
        "version".into(),
        json!(aws_sdk_cognitoidentity::meta::PKG_VERSION),
    );
    out.insert("native_roots".into(), json!(setup.native_roots));
    out.insert(
        "scenario".into(),
        json!(format!("{scenario:?}").to_lowercase()),
    );
    let cold_errors = match scenario {
        Scenario::Cold => body.get("errors").and_then(Value::as_u64).unwrap_or(0),
        _ => 0,
    };
    out.extend(body);
    println!("{}", Value::Object(out));
    runtime.shutdown_timeout(Duration::from_millis(100));
    if cold_errors > 0 {
        eprintln!("cognito-peer-rust-sdk: {cold_errors} cold run(s) failed");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
