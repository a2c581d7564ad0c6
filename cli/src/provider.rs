//! The commands that run a credentials provider: `identity`, `credentials` (the demo) and
//! `credential-process` (for the AWS CLI and SDKs' `credential_process` setting), against AWS or,
//! without `--pool`, a bundled emulator.

use crate::CliResult;
use clap::Args;
use cognito_emulator::{Emulator, EmulatorConfig, DEFAULT_AUTH_POOL_ID, DEFAULT_UNAUTH_POOL_ID};
use cognito_native::{Config, Credentials, CredentialsProvider, FileIdentityStore};
use std::sync::Arc;

#[derive(Args)]
pub(crate) struct ProviderArgs {
    /// Identity pool id (`<region>:<guid>`). Without it, a bundled emulator is started on
    /// 127.0.0.1 and its guest-enabled pool is used (`sign-in`: its pool for signed-in users).
    #[arg(long, env = "COGNITO_IDENTITY_POOL_ID")]
    pool: Option<String>,
    /// Region (default: the one in the pool id).
    #[arg(long)]
    region: Option<String>,
    /// Endpoint for Cognito Identity and STS (e.g. a running `cognito-native emulate`; `sign-in`:
    /// also for the user pool).
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

impl ProviderArgs {
    /// A pool or an endpoint was given: no bundled emulator.
    pub(crate) fn names_a_service(&self) -> bool {
        self.pool.is_some() || self.endpoint.is_some()
    }
}

/// A provider as the arguments say, and the bundled emulator it talks to when no pool was given
/// (stop it with [`Opened::close`]).
pub(crate) struct Opened {
    pub provider: CredentialsProvider,
    emulator: Option<Emulator>,
    /// The endpoint the provider talks to, when not AWS's: the bundled emulator or `--endpoint`.
    pub endpoint: Option<String>,
    /// `--ca-bundle`'s certificates, for other clients of the same endpoints.
    pub ca_bundle_pem: Option<Vec<u8>>,
}

impl Opened {
    pub async fn close(self) {
        if let Some(emu) = self.emulator {
            emu.shutdown().await;
        }
    }
}

pub(crate) async fn open(args: ProviderArgs) -> Result<Opened, Box<dyn std::error::Error>> {
    let signed_in = !args.logins.is_empty();
    open_with(args, EmulatorConfig::default(), signed_in).await
}

/// [`open`], with the bundled emulator (when one is started) made from `emulator_config`, and
/// its identity pool for signed-in users when `signed_in` (else the guest-enabled one).
pub(crate) async fn open_with(
    args: ProviderArgs,
    emulator_config: EmulatorConfig,
    signed_in: bool,
) -> Result<Opened, Box<dyn std::error::Error>> {
    // Without a pool (or endpoint), the demo runs against a bundled emulator.
    let emulator = match (&args.pool, &args.endpoint) {
        (None, None) => {
            let emu = Emulator::start(emulator_config).await?;
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
        (None, Some(_)) if signed_in => DEFAULT_AUTH_POOL_ID.to_owned(),
        _ => DEFAULT_UNAUTH_POOL_ID.to_owned(),
    };
    let mut config = Config::new(pool);
    config.region = args.region;
    config.account_id = args.account_id;
    config.unauth_role_arn = args.unauth_role_arn;
    config.auth_role_arn = args.auth_role_arn;
    config.custom_role_arn = args.custom_role_arn;
    let endpoint = emulator.as_ref().map(Emulator::url).or(args.endpoint);
    if let Some(url) = &endpoint {
        config = config.with_local_endpoint(url);
    }
    if let Some(dir) = args.identity_store {
        config = config.with_identity_store(Arc::new(FileIdentityStore::new(dir)));
    }
    let ca_bundle_pem = match args.ca_bundle {
        Some(path) => Some(std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?),
        None => None,
    };
    config.ca_bundle_pem = ca_bundle_pem.clone();
    let provider = CredentialsProvider::new(config)?;
    for login in &args.logins {
        let (name, token) = login
            .split_once('=')
            .ok_or("--login expects PROVIDER=TOKEN")?;
        provider.set_login(name, token)?;
    }
    Ok(Opened {
        provider,
        emulator,
        endpoint,
        ca_bundle_pem,
    })
}

pub(crate) async fn identity(args: ProviderArgs) -> CliResult {
    let opened = open(args).await?;
    let output = serde_json::json!({ "IdentityId": opened.provider.identity_id().await? });
    println!("{}", serde_json::to_string_pretty(&output)?);
    opened.close().await;
    Ok(())
}

/// Prints the credentials in the `credential_process` format: `Version` 1, `AccessKeyId`,
/// `SecretAccessKey`, `SessionToken`, `Expiration` (RFC 3339), and the identity id when
/// `with_identity` (the demo).
pub(crate) async fn credentials(args: ProviderArgs, with_identity: bool) -> CliResult {
    let opened = open(args).await?;
    let c = opened.provider.credentials().await?;
    let mut output = serde_json::json!({
        "Version": 1,
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key.expose(),
        "SessionToken": c.session_token.expose(),
        "Expiration": rfc3339(&c)?,
    });
    if with_identity {
        output["IdentityId"] = c.identity_id.clone().into();
    }
    println!("{}", serde_json::to_string_pretty(&output)?);
    opened.close().await;
    Ok(())
}

/// The credentials' expiration as the AWS tools write it: RFC 3339, whole seconds.
pub(crate) fn rfc3339(c: &Credentials) -> Result<String, Box<dyn std::error::Error>> {
    Ok(time::OffsetDateTime::from(c.expiration)
        .replace_nanosecond(0)?
        .format(&time::format_description::well_known::Rfc3339)?)
}
