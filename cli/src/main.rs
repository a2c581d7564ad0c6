//! `cognito-native`: get an identity id or credentials (from the bundled emulator by default, or
//! from AWS with `--pool`), sign in with a user pool (`sign-in`), hand the credentials to other
//! tools (`credential-process`, `serve-credentials`), make a game backend's developer-identity
//! calls, or run the emulator for offline development.

mod backend;
mod emulate;
mod provider;
mod serve;
mod signin;

use backend::{DevLookupArgs, DevTokenArgs, DevUnlinkArgs};
use clap::{Parser, Subcommand};
use emulate::EmulateArgs;
use provider::ProviderArgs;
use serve::ServeArgs;
use signin::SignInArgs;
use std::process::ExitCode;

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
    /// `credential_process` format, plus the identity id).
    Credentials(ProviderArgs),
    /// Print the credentials exactly as the AWS CLI and SDKs' `credential_process` setting reads
    /// them: `credential_process = cognito-native credential-process --pool ... --identity-store DIR`.
    CredentialProcess(ProviderArgs),
    /// Serve the credentials, kept fresh, to other processes of this machine in the ECS
    /// container-credentials format (AWS_CONTAINER_CREDENTIALS_FULL_URI +
    /// AWS_CONTAINER_AUTHORIZATION_TOKEN), on 127.0.0.1 only.
    ServeCredentials(ServeArgs),
    /// Sign in with a user pool (USER_SRP_AUTH by default) and print the identity id, the
    /// credentials (as `credentials` prints them) and the username as JSON. The password is read
    /// from the terminal without echo, or one line of stdin when stdin is not a terminal; never
    /// from an argument. Challenges (new password, SMS / email / authenticator codes, MFA
    /// choice) are answered the same way, one line each. With --session-store DIR the session is
    /// kept and a later `sign-in` resumes it without the password. Without --user-pool, --pool
    /// and --endpoint: a bundled emulator and its demo user `demo` (password `Demo-Passw0rd`).
    SignIn(SignInArgs),
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
            Command::Identity(args) => provider::identity(args).await,
            Command::Credentials(args) => provider::credentials(args, true).await,
            Command::CredentialProcess(args) => provider::credentials(args, false).await,
            Command::ServeCredentials(args) => serve::serve_credentials(args).await,
            Command::SignIn(args) => signin::sign_in(args).await,
            Command::DevToken(args) => backend::dev_token(args).await,
            Command::DevLookup(args) => backend::dev_lookup(args).await,
            Command::DevUnlink(args) => backend::dev_unlink(args).await,
            Command::Emulate(args) => emulate::emulate(args).await,
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

pub(crate) type CliResult = Result<(), Box<dyn std::error::Error>>;
