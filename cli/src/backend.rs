//! The game backend's commands: developer-authenticated identities (GetOpenIdTokenForDeveloperIdentity,
//! LookupDeveloperIdentity, UnlinkDeveloperIdentity), signed with the backend's AWS credentials.

use crate::CliResult;
use clap::Args;
use cognito_emulator::{
    Emulator, EmulatorConfig, DEFAULT_DEVELOPER_PROVIDER_NAME, DEFAULT_UNAUTH_POOL_ID,
    TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY,
};
use cognito_native::{AwsCredentials, Config, DeveloperIdentityClient, DeveloperTokenRequest};
use std::time::Duration;

#[derive(Args)]
pub(crate) struct DevTokenArgs {
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
pub(crate) struct DevLookupArgs {
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
pub(crate) struct DevUnlinkArgs {
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

pub(crate) async fn dev_token(args: DevTokenArgs) -> CliResult {
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

pub(crate) async fn dev_lookup(args: DevLookupArgs) -> CliResult {
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

pub(crate) async fn dev_unlink(args: DevUnlinkArgs) -> CliResult {
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
