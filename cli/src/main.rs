//! `cognito-native`: get an identity id or credentials (from the bundled emulator by default, or
//! from AWS with `--pool`), or run the emulator for offline development.

use clap::{Args, Parser, Subcommand};
use cognito_emulator::{
    Emulator, EmulatorConfig, DEFAULT_AUTH_POOL_ID, DEFAULT_DEVELOPER_PROVIDER_NAME,
    DEFAULT_UNAUTH_POOL_ID, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY,
};
use cognito_native::{
    AwsCredentials, Config, CredentialsProvider, DeveloperIdentityClient, DeveloperTokenRequest,
    FileIdentityStore,
};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "cognito-native", version, about)]
struct Cli {
    /// Log verbosely to stderr (-v debug, -vv trace). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the identity id as JSON.
    Identity(ProviderArgs),
    /// Print the identity id and temporary AWS credentials as JSON (the AWS CLI's
    /// `credential_process` format).
    Credentials(ProviderArgs),
    /// Game backend: get an identity id and OpenID token for a player you signed in yourself
    /// (GetOpenIdTokenForDeveloperIdentity, signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    /// [/ AWS_SESSION_TOKEN]). Prints JSON.
    DevToken(DevTokenArgs),
    /// Game backend: LookupDeveloperIdentity (by --identity-id or --user-id). Prints JSON.
    DevLookup(DevLookupArgs),
    /// Game backend: UnlinkDeveloperIdentity.
    DevUnlink(DevUnlinkArgs),
    /// Run the local Cognito Identity + STS emulator until interrupted.
    Emulate(EmulateArgs),
}

#[derive(Args)]
struct DevTokenArgs {
    /// Identity pool id. Without it (and --endpoint), a bundled emulator is used with its test key.
    #[arg(long, env = "COGNITO_IDENTITY_POOL_ID")]
    pool: Option<String>,
    /// The pool's developer provider name.
    #[arg(long)]
    provider_name: Option<String>,
    /// Your id for the player.
    #[arg(long)]
    user_id: String,
    /// Link to this existing identity.
    #[arg(long)]
    identity_id: Option<String>,
    /// Token lifetime in seconds (1 to 86400).
    #[arg(long)]
    duration: Option<u64>,
    /// A principal tag: --tag key=value (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    tags: Vec<String>,
    #[arg(long)]
    region: Option<String>,
    /// Endpoint for Cognito Identity (e.g. a running `cognito-native emulate`).
    #[arg(long)]
    endpoint: Option<String>,
}

/// Where the backend's signed calls go: AWS (--pool) or a running emulator (--endpoint).
#[derive(Args)]
struct BackendArgs {
    /// Identity pool id.
    #[arg(long, env = "COGNITO_IDENTITY_POOL_ID")]
    pool: String,
    #[arg(long)]
    region: Option<String>,
    /// Endpoint for Cognito Identity (e.g. a running `cognito-native emulate`).
    #[arg(long)]
    endpoint: Option<String>,
}

#[derive(Args)]
struct DevLookupArgs {
    #[command(flatten)]
    backend: BackendArgs,
    #[arg(long)]
    identity_id: Option<String>,
    /// Your id for the player.
    #[arg(long)]
    user_id: Option<String>,
    #[arg(long, default_value_t = 60)]
    max_results: u32,
    #[arg(long)]
    next_token: Option<String>,
}

#[derive(Args)]
struct DevUnlinkArgs {
    #[command(flatten)]
    backend: BackendArgs,
    #[arg(long)]
    identity_id: String,
    /// The pool's developer provider name.
    #[arg(long)]
    provider_name: String,
    /// Your id for the player.
    #[arg(long)]
    user_id: String,
}

#[derive(Args)]
struct ProviderArgs {
    /// Identity pool id (`<region>:<guid>`). Without it, a bundled emulator is started on
    /// 127.0.0.1 and its guest-enabled pool is used.
    #[arg(long, env = "COGNITO_IDENTITY_POOL_ID")]
    pool: Option<String>,
    /// Region (default: the one in the pool id).
    #[arg(long)]
    region: Option<String>,
    /// Endpoint for Cognito Identity and STS (e.g. a running `cognito-native emulate`).
    #[arg(long)]
    endpoint: Option<String>,
    /// A sign-in token: `--login cognito-idp.<region>.amazonaws.com/<userPoolId>=<idToken>`.
    #[arg(long = "login", value_name = "PROVIDER=TOKEN")]
    logins: Vec<String>,
    #[arg(long)]
    account_id: Option<String>,
    /// Use the basic flow (GetOpenIdToken + STS) with this role for guests.
    #[arg(long)]
    unauth_role_arn: Option<String>,
    /// Use the basic flow with this role for signed-in users.
    #[arg(long)]
    auth_role_arn: Option<String>,
    #[arg(long)]
    custom_role_arn: Option<String>,
    /// Keep the identity id in this folder between runs.
    #[arg(long, value_name = "DIR")]
    identity_store: Option<std::path::PathBuf>,
    /// Extra trusted CA certificates (PEM).
    #[arg(long, value_name = "FILE")]
    ca_bundle: Option<std::path::PathBuf>,
}

#[derive(Args)]
struct EmulateArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve HTTPS with a generated test CA (see --ca-out).
    #[arg(long)]
    tls: bool,
    /// Write the test CA certificate (PEM) here, for clients to trust.
    #[arg(long, value_name = "FILE")]
    ca_out: Option<std::path::PathBuf>,
    /// Lifetime of issued credentials, in seconds.
    #[arg(long, default_value_t = 3600)]
    credential_lifetime: u64,
    /// Server clock skew in seconds (negative: behind).
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    clock_skew: i64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "debug",
        _ => "trace",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Identity(args) => with_provider(args, false).await,
            Command::Credentials(args) => with_provider(args, true).await,
            Command::DevToken(args) => dev_token(args).await,
            Command::DevLookup(args) => dev_lookup(args).await,
            Command::DevUnlink(args) => dev_unlink(args).await,
            Command::Emulate(args) => emulate(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

async fn with_provider(args: ProviderArgs, credentials: bool) -> CliResult {
    // Without a pool (or endpoint), the demo runs against a bundled emulator.
    let emulator = match (&args.pool, &args.endpoint) {
        (None, None) => {
            let emu = Emulator::start(EmulatorConfig::default()).await?;
            eprintln!(
                "(no --pool given: using the bundled local emulator at {}; pass --pool <region>:<guid> for AWS)",
                emu.url()
            );
            Some(emu)
        }
        _ => None,
    };
    let pool = match (&args.pool, &emulator) {
        (Some(pool), _) => pool.clone(),
        (None, Some(_)) if !args.logins.is_empty() => DEFAULT_AUTH_POOL_ID.to_owned(),
        _ => DEFAULT_UNAUTH_POOL_ID.to_owned(),
    };
    let mut config = Config::new(pool);
    config.region = args.region;
    config.account_id = args.account_id;
    config.unauth_role_arn = args.unauth_role_arn;
    config.auth_role_arn = args.auth_role_arn;
    config.custom_role_arn = args.custom_role_arn;
    if let Some(url) = emulator.as_ref().map(Emulator::url).or(args.endpoint) {
        config = config.with_local_endpoint(&url);
    }
    if let Some(dir) = args.identity_store {
        config = config.with_identity_store(Arc::new(FileIdentityStore::new(dir)));
    }
    if let Some(path) = args.ca_bundle {
        config.ca_bundle_pem =
            Some(std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let provider = CredentialsProvider::new(config)?;
    for login in &args.logins {
        let (name, token) = login
            .split_once('=')
            .ok_or("--login expects PROVIDER=TOKEN")?;
        provider.set_login(name, token)?;
    }
    let output = if credentials {
        let c = provider.credentials().await?;
        let expiration = time::OffsetDateTime::from(c.expiration)
            .replace_nanosecond(0)?
            .format(&time::format_description::well_known::Rfc3339)?;
        serde_json::json!({
            "Version": 1,
            "IdentityId": c.identity_id,
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret_access_key.expose(),
            "SessionToken": c.session_token.expose(),
            "Expiration": expiration,
        })
    } else {
        serde_json::json!({ "IdentityId": provider.identity_id().await? })
    };
    println!("{}", serde_json::to_string_pretty(&output)?);
    if let Some(emu) = emulator {
        emu.shutdown().await;
    }
    Ok(())
}

async fn dev_token(args: DevTokenArgs) -> CliResult {
    let emulator = match (&args.pool, &args.endpoint) {
        (None, None) => Some(Emulator::start(EmulatorConfig::default()).await?),
        _ => None,
    };
    let pool = args
        .pool
        .unwrap_or_else(|| DEFAULT_UNAUTH_POOL_ID.to_owned());
    let mut config = Config::new(&pool);
    config.region = args.region;
    if let Some(url) = emulator.as_ref().map(Emulator::url).or(args.endpoint) {
        config = config.with_local_endpoint(&url);
    }
    // The bundled emulator knows its test key; otherwise from the environment.
    let credentials = emulator
        .as_ref()
        .map(|_| AwsCredentials::new(TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY, None));
    let client = DeveloperIdentityClient::new(config, credentials)?;
    let provider_name = match (args.provider_name, &emulator) {
        (Some(name), _) => name,
        (None, Some(_)) => DEFAULT_DEVELOPER_PROVIDER_NAME.to_owned(),
        (None, None) => return Err("--provider-name is required".into()),
    };
    let mut request = DeveloperTokenRequest::new(pool, provider_name, args.user_id);
    request.identity_id = args.identity_id;
    request.token_duration = args.duration.map(Duration::from_secs);
    for tag in &args.tags {
        let (k, v) = tag.split_once('=').ok_or("--tag expects KEY=VALUE")?;
        request.principal_tags.insert(k.to_owned(), v.to_owned());
    }
    let identity = client
        .get_open_id_token_for_developer_identity(&request)
        .await?;
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "IdentityId": identity.identity_id,
            "Token": identity.token.expose(),
        }))?
    );
    if let Some(emu) = emulator {
        emu.shutdown().await;
    }
    Ok(())
}

/// A backend client signing with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
fn backend_client(
    args: &BackendArgs,
) -> Result<DeveloperIdentityClient, Box<dyn std::error::Error>> {
    let mut config = Config::new(&args.pool);
    config.region = args.region.clone();
    if let Some(url) = &args.endpoint {
        config = config.with_local_endpoint(url);
    }
    Ok(DeveloperIdentityClient::new(config, None)?)
}

async fn dev_lookup(args: DevLookupArgs) -> CliResult {
    let client = backend_client(&args.backend)?;
    let found = client
        .lookup_developer_identity(
            &args.backend.pool,
            args.identity_id.as_deref(),
            args.user_id.as_deref(),
            args.max_results,
            args.next_token.as_deref(),
        )
        .await?;
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "IdentityId": found.identity_id,
            "DeveloperUserIdentifierList": found.developer_user_ids,
            "NextToken": found.next_token,
        }))?
    );
    Ok(())
}

async fn dev_unlink(args: DevUnlinkArgs) -> CliResult {
    backend_client(&args.backend)?
        .unlink_developer_identity(
            &args.backend.pool,
            &args.identity_id,
            &args.provider_name,
            &args.user_id,
        )
        .await?;
    Ok(())
}

async fn emulate(args: EmulateArgs) -> CliResult {
    let emu = Emulator::start(EmulatorConfig {
        bind: ([127, 0, 0, 1], args.port).into(),
        tls: args.tls,
        credential_lifetime: Duration::from_secs(args.credential_lifetime),
        clock_skew_secs: args.clock_skew,
        ..Default::default()
    })
    .await?;
    if let (Some(path), Some(pem)) = (&args.ca_out, emu.ca_pem()) {
        std::fs::write(path, pem)?;
    }
    println!(
        "{}",
        serde_json::json!({
            "url": emu.url(),
            "region": emu.region(),
            "unauth_pool_id": DEFAULT_UNAUTH_POOL_ID,
            "auth_only_pool_id": DEFAULT_AUTH_POOL_ID,
            "admin": format!("{}/__emulator/stats", emu.url()),
        })
    );
    eprintln!("emulator running; Ctrl-C stops it");
    tokio::signal::ctrl_c().await?;
    emu.shutdown().await;
    Ok(())
}
