//! `sign-in`: a user pool sign-in (USER_SRP_AUTH by default), its challenges answered from the
//! terminal or stdin, the session as the identity pool's login, and the credentials printed as
//! `credentials` prints them, plus the username. The password is never an argument.

use crate::provider::{self, ProviderArgs};
use crate::CliResult;
use clap::Args;
use cognito_emulator::{EmulatorConfig, DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_ID};
use cognito_native::user_pool::{
    Challenge, ChallengeName, FileSessionStore, SignIn, UserPool, UserPoolConfig, UserPoolSession,
};
use cognito_native::ErrorKind;
use std::io::IsTerminal;
use std::sync::Arc;

/// The bundled emulator's demo user (a public demo password, not a secret).
pub(crate) const DEMO_USERNAME: &str = "demo";
pub(crate) const DEMO_PASSWORD: &str = "Demo-Passw0rd";

/// Challenges answered in one sign-in before giving up (Cognito asks two or three at most).
const MAX_CHALLENGES: usize = 8;

#[derive(Args)]
pub(crate) struct SignInArgs {
    /// User pool id (`<region>_<id>`). Without it (and without --pool and --endpoint), a
    /// bundled emulator is started on 127.0.0.1 with its user pool and a demo user
    /// (`demo`, password `Demo-Passw0rd`).
    #[arg(long, value_name = "POOL_ID", requires = "client_id")]
    user_pool: Option<String>,
    /// The user pool's app client id.
    #[arg(long, value_name = "ID", requires = "user_pool")]
    client_id: Option<String>,
    /// The name of an environment variable holding the app client's secret (for clients with
    /// one; SECRET_HASH is then sent).
    #[arg(long, value_name = "VAR")]
    client_secret_env: Option<String>,
    /// The user (default with the bundled emulator: its demo user). Not needed to resume a
    /// session kept with --session-store.
    #[arg(long)]
    username: Option<String>,
    /// Sign in with USER_SRP_AUTH: the password never leaves this machine (the default).
    #[arg(long, conflicts_with = "password_auth")]
    srp: bool,
    /// Sign in with USER_PASSWORD_AUTH (the app client must allow it; the password is sent,
    /// over TLS).
    #[arg(long)]
    password_auth: bool,
    /// Keep the session (its refresh token, readable by the owner only) in this folder: a later
    /// `sign-in` with the same folder resumes it without asking for the password (the bundled
    /// emulator forgets its sessions when the command ends; use a running `emulate` and
    /// --endpoint).
    #[arg(long, value_name = "DIR")]
    session_store: Option<std::path::PathBuf>,
    #[command(flatten)]
    provider: ProviderArgs,
}

pub(crate) async fn sign_in(args: SignInArgs) -> CliResult {
    let bundled = args.user_pool.is_none() && !args.provider.names_a_service();
    let (user_pool_id, client_id) = match (args.user_pool, args.client_id) {
        (Some(pool), Some(client)) => (pool, client),
        _ if bundled => (
            DEFAULT_USER_POOL_ID.to_owned(),
            DEFAULT_USER_POOL_CLIENT_ID.to_owned(),
        ),
        _ => return Err("--user-pool and --client-id are needed with --pool or --endpoint".into()),
    };
    if !bundled && !args.provider.names_a_service() {
        return Err(
            "--pool <identity pool id> is needed with --user-pool (leave both out for the bundled emulator)"
                .into(),
        );
    }
    let client_secret = match &args.client_secret_env {
        Some(var) => Some(std::env::var(var).map_err(|_| {
            format!("--client-secret-env: the environment variable {var} is not set")
        })?),
        None => None,
    };
    let mut emulator_config = EmulatorConfig::default();
    if bundled {
        emulator_config = emulator_config.with_user_pool_seed(
            &serde_json::json!({
                "users": [{ "username": DEMO_USERNAME, "password": DEMO_PASSWORD }]
            })
            .to_string(),
        )?;
    }
    let opened = provider::open_with(args.provider, emulator_config, true).await?;
    if bundled {
        eprintln!(
            "(bundled emulator: user pool {DEFAULT_USER_POOL_ID}, app client {DEFAULT_USER_POOL_CLIENT_ID}, \
             demo user {DEMO_USERNAME:?} with the password {DEMO_PASSWORD:?})"
        );
    }

    let mut config = UserPoolConfig::new(&user_pool_id, &client_id);
    if let Some(url) = &opened.endpoint {
        config = config.with_local_endpoint(url);
    }
    if let Some(secret) = client_secret {
        config = config.with_client_secret(secret);
    }
    if let Some(dir) = &args.session_store {
        config = config.with_session_store(Arc::new(FileSessionStore::new(dir)));
    }
    config.ca_bundle_pem = opened.ca_bundle_pem.clone();
    let pool = UserPool::new(config)?;

    let username = args
        .username
        .or_else(|| bundled.then(|| DEMO_USERNAME.to_owned()));
    let resumed = match pool.resume_saved().await {
        Ok(Some(session)) if username.as_deref().is_none_or(|u| u == session.username()) => {
            eprintln!("(resumed the session kept in the session store)");
            Some(session)
        }
        Ok(Some(_)) => {
            eprintln!("(the session store keeps another user's session: signing in anew)");
            None
        }
        Ok(None) => None,
        Err(e) if e.kind() == ErrorKind::NotAuthorized => {
            eprintln!("(the kept session was refused ({e}): signing in anew)");
            None
        }
        Err(e) => return Err(e.into()),
    };
    let session = match resumed {
        Some(session) => session,
        None => {
            let username = username.ok_or("--username is needed to sign in")?;
            let prompter = Prompter::new();
            let password = prompter.secret("Password: ").await?;
            let first = if args.password_auth {
                pool.sign_in_password(&username, &password).await?
            } else {
                pool.sign_in_srp(&username, &password).await?
            };
            drop(password);
            answer_challenges(&pool, first, &prompter).await?
        }
    };

    opened.provider.set_user_pool_session(&session)?;
    let c = opened.provider.credentials().await?;
    let output = serde_json::json!({
        "Version": 1,
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key.expose(),
        "SessionToken": c.session_token.expose(),
        "Expiration": provider::rfc3339(&c)?,
        "IdentityId": c.identity_id,
        "Username": session.username(),
    });
    println!("{}", serde_json::to_string_pretty(&output)?);
    opened.close().await;
    Ok(())
}

/// Answers the pool's challenges, one after the other, until signed in.
async fn answer_challenges(
    pool: &UserPool,
    mut outcome: SignIn,
    prompter: &Prompter,
) -> Result<UserPoolSession, Box<dyn std::error::Error>> {
    for _ in 0..MAX_CHALLENGES {
        let challenge = match outcome {
            SignIn::SignedIn(session) => return Ok(session),
            SignIn::Challenge(c) => c,
        };
        outcome = answer(pool, &challenge, prompter).await?;
    }
    Err(format!("the user pool asked for more than {MAX_CHALLENGES} challenges").into())
}

async fn answer(
    pool: &UserPool,
    challenge: &Challenge,
    prompter: &Prompter,
) -> Result<SignIn, Box<dyn std::error::Error>> {
    let name = challenge.name.as_str();
    let parameter = |key: &str| challenge.parameters.get(key).map(String::as_str);
    Ok(match challenge.name {
        ChallengeName::NewPasswordRequired => {
            eprintln!("The user pool asks for a new password ({name}).");
            let new_password = prompter.secret("New password: ").await?;
            if prompter.terminal && prompter.secret("New password again: ").await? != new_password {
                return Err("the new passwords differ".into());
            }
            let required: Vec<String> = parameter("requiredAttributes")
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default();
            let mut attributes = Vec::new();
            for key in &required {
                let key = key.strip_prefix("userAttributes.").unwrap_or(key);
                let value = prompter.line(&format!("{key} (required): ")).await?;
                attributes.push((key.to_owned(), value));
            }
            let attributes: Vec<(&str, &str)> = attributes
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            pool.respond_new_password(challenge, &new_password, &attributes)
                .await?
        }
        ChallengeName::SmsMfa | ChallengeName::EmailOtp => {
            let to = parameter("CODE_DELIVERY_DESTINATION").unwrap_or("you");
            eprintln!("The user pool sent a code to {to} ({name}).");
            let code = prompter.line("Code: ").await?;
            pool.respond_mfa(challenge, &code).await?
        }
        ChallengeName::SoftwareTokenMfa => {
            eprintln!("The user pool asks for the authenticator app's code ({name}).");
            let code = prompter.line("Code: ").await?;
            pool.respond_mfa(challenge, &code).await?
        }
        ChallengeName::SelectMfaType => {
            let choices: Vec<String> = parameter("MFAS_CAN_CHOOSE")
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default();
            eprintln!("The user pool asks which MFA to use ({name}).");
            let choice = prompter
                .line(&format!("One of {}: ", choices.join(", ")))
                .await?;
            pool.select_mfa(challenge, &choice).await?
        }
        ChallengeName::CustomChallenge => {
            eprintln!("The user pool asks its own challenge ({name}).");
            let answer = prompter.line("Answer: ").await?;
            pool.respond(challenge, &[("ANSWER", &answer)]).await?
        }
        ChallengeName::MfaSetup => {
            return Err(format!(
                "the user pool asks to set up an authenticator app ({name}), which this command \
                 does not do: set up MFA for the user in your app first"
            )
            .into())
        }
    })
}

/// Reads the answers: from the terminal (passwords without echo) when stdin is one, else one
/// line of stdin each. Prompts go to the terminal (none when stdin is not one); answers are never
/// printed.
struct Prompter {
    terminal: bool,
}

impl Prompter {
    fn new() -> Prompter {
        Prompter {
            terminal: std::io::stdin().is_terminal(),
        }
    }

    /// A password: without echo on a terminal.
    async fn secret(&self, prompt: &str) -> Result<String, Box<dyn std::error::Error>> {
        let prompt = prompt.to_owned();
        let value = if self.terminal {
            tokio::task::spawn_blocking(move || rpassword::prompt_password(prompt)).await??
        } else {
            read_line(prompt, false).await?
        };
        if value.is_empty() {
            return Err("empty password".into());
        }
        Ok(value)
    }

    /// A code or an attribute: a line, echoed on a terminal.
    async fn line(&self, prompt: &str) -> Result<String, Box<dyn std::error::Error>> {
        let value = read_line(prompt.to_owned(), self.terminal).await?;
        let value = value.trim().to_owned();
        if value.is_empty() {
            return Err("empty answer".into());
        }
        Ok(value)
    }
}

/// One line of stdin, without its line ending (the prompt on stderr when `show_prompt`); the
/// end of stdin is an error.
async fn read_line(
    prompt: String,
    show_prompt: bool,
) -> Result<String, Box<dyn std::error::Error>> {
    let line = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        if show_prompt {
            eprint!("{prompt}");
            let _ = std::io::stderr().flush();
        }
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|n| (n, line))
    })
    .await??;
    match line {
        (0, _) => Err(
            "stdin ended before the answer (give the password and answers on stdin, one a line)"
                .into(),
        ),
        (_, mut line) => {
            if line.ends_with('\n') {
                line.pop();
                if line.ends_with('\r') {
                    line.pop();
                }
            }
            Ok(line)
        }
    }
}
