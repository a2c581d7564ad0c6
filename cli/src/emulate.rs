//! `emulate`: the bundled Cognito Identity + user pools + STS emulator, for offline work.

use crate::CliResult;
use clap::Args;
use cognito_emulator::{
    Emulator, EmulatorConfig, DEFAULT_AUTH_POOL_ID, DEFAULT_UNAUTH_POOL_ID,
    DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_CLIENT_SECRET, DEFAULT_USER_POOL_ID,
    DEFAULT_USER_POOL_SECRET_CLIENT_ID,
};
use std::time::Duration;

#[derive(Args)]
pub(crate) struct EmulateArgs {
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
    /// A request quota as AWS enforces it: `--quota GetId=25` (requests per second; repeatable).
    #[arg(long = "quota", value_name = "OPERATION=RATE")]
    quotas: Vec<String>,
    /// A user pool seed file (JSON): users (and more pools and app clients) to create at
    /// start, e.g. {"users": [{"username": "player1", "password": "Passw0rd!",
    /// "attributes": {"email": "p1@example.com", "email_verified": "true"}}]}.
    #[arg(long, value_name = "FILE")]
    users: Option<std::path::PathBuf>,
    /// Lifetime of user-pool id and access tokens, in seconds (default 3600).
    #[arg(long, value_name = "SECS")]
    user_pool_token_lifetime: Option<u64>,
}

pub(crate) async fn emulate(args: EmulateArgs) -> CliResult {
    let mut quotas = std::collections::BTreeMap::new();
    for q in &args.quotas {
        let (op, rate) = q.split_once('=').ok_or("--quota expects OPERATION=RATE")?;
        let rate: f64 = rate
            .parse()
            .map_err(|_| format!("--quota {q}: not a rate"))?;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(format!("--quota {q}: the rate must be positive").into());
        }
        quotas.insert(op.to_owned(), rate);
    }
    let mut config = EmulatorConfig {
        quotas,
        bind: ([127, 0, 0, 1], args.port).into(),
        tls: args.tls,
        credential_lifetime: Duration::from_secs(args.credential_lifetime),
        clock_skew_secs: args.clock_skew,
        ..Default::default()
    };
    if let Some(path) = &args.users {
        let seed = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        config = config.with_user_pool_seed(&seed)?;
    }
    if let Some(secs) = args.user_pool_token_lifetime {
        for pool in &mut config.user_pools {
            for client in &mut pool.clients {
                client.id_token_validity = Duration::from_secs(secs);
                client.access_token_validity = Duration::from_secs(secs);
            }
        }
    }
    let emu = Emulator::start(config).await?;
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
            "user_pool_id": DEFAULT_USER_POOL_ID,
            "user_pool_client_id": DEFAULT_USER_POOL_CLIENT_ID,
            "user_pool_secret_client_id": DEFAULT_USER_POOL_SECRET_CLIENT_ID,
            "user_pool_client_secret": DEFAULT_USER_POOL_CLIENT_SECRET,
            "user_pool_ids": emu.user_pool_ids(),
            "admin": format!("{}/__emulator/stats", emu.url()),
        })
    );
    eprintln!("emulator running; Ctrl-C stops it");
    tokio::signal::ctrl_c().await?;
    emu.shutdown().await;
    Ok(())
}
