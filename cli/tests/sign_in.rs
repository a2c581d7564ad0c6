//! `cognito-native sign-in`, run as a user would: the password (and the challenges' answers) on
//! stdin, against the bundled emulator or an emulator this test runs on 127.0.0.1.

use cognito_emulator::{
    CodeKind, Emulator, EmulatorConfig, MfaConfig, MfaMode, SeedUser, UserMfa, UserStatus,
    DEFAULT_AUTH_POOL_ID, DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_CLIENT_SECRET,
    DEFAULT_USER_POOL_ID, DEFAULT_USER_POOL_SECRET_CLIENT_ID,
};
use std::io::{BufRead, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one run of the command may take before the test kills it and fails.
const RUN_LIMIT: Duration = Duration::from_secs(60);
const PASSWORD: &str = "Passw0rd!-player";

/// An emulator on 127.0.0.1 served by a runtime of its own, so that the test's thread can block
/// on the command; shut down when the test ends, however it ends.
struct Running {
    runtime: tokio::runtime::Runtime,
    emu: Option<Emulator>,
}

impl Running {
    fn start(users: Vec<SeedUser>) -> Running {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut config = EmulatorConfig::default();
        config.user_pools[0].users = users;
        let emu = runtime
            .block_on(Emulator::start(config))
            .expect("emulator starts");
        assert!(emu.url().starts_with("http://127.0.0.1:"), "{}", emu.url());
        Running {
            runtime,
            emu: Some(emu),
        }
    }

    fn emu(&self) -> &Emulator {
        self.emu.as_ref().unwrap()
    }

    /// The arguments that name this emulator's pools (the public app client).
    fn args(&self) -> Vec<String> {
        [
            "--user-pool",
            DEFAULT_USER_POOL_ID,
            "--client-id",
            DEFAULT_USER_POOL_CLIENT_ID,
            "--pool",
            DEFAULT_AUTH_POOL_ID,
            "--endpoint",
            &self.emu().url(),
        ]
        .map(String::from)
        .to_vec()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(emu) = self.emu.take() {
            self.runtime.block_on(emu.shutdown());
        }
    }
}

/// A running `cognito-native`, killed if the test ends before it does.
struct Cli {
    child: Child,
    stderr_lines: mpsc::Receiver<String>,
    stdout: Option<std::thread::JoinHandle<String>>,
    stderr_seen: Vec<String>,
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Finished {
    fn json(&self) -> serde_json::Value {
        assert!(self.status.success(), "failed: {}", self.stderr);
        serde_json::from_str(&self.stdout).expect("JSON on stdout")
    }
}

impl Cli {
    fn start(args: &[String], env: &[(&str, &str)]) -> Cli {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-native"))
            .arg("sign-in")
            .args(args)
            .envs(env.iter().copied())
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("COGNITO_IDENTITY_POOL_ID")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cognito-native sign-in");
        let mut out = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut out, &mut s).unwrap();
            s
        });
        let err = std::io::BufReader::new(child.stderr.take().unwrap());
        let (tx, stderr_lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Cli {
            child,
            stderr_lines,
            stdout: Some(stdout),
            stderr_seen: Vec::new(),
        }
    }

    fn write_line(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits (bounded) for a line of stderr containing `text`.
    fn wait_for_stderr(&mut self, text: &str) {
        let deadline = Instant::now() + RUN_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(text);
                    self.stderr_seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => panic!("no {text:?} on stderr: {:?}", self.stderr_seen),
            }
        }
    }

    /// Closes stdin and waits (bounded) for the command to end.
    fn finish(mut self) -> Finished {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "sign-in still running after {RUN_LIMIT:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout = self.stdout.take().unwrap().join().unwrap();
        // The process is gone: its stderr is at its end.
        let mut stderr = self.stderr_seen.join("\n");
        for line in self.stderr_lines.iter() {
            stderr.push('\n');
            stderr.push_str(&line);
        }
        Finished {
            status,
            stdout,
            stderr,
        }
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One run with these stdin lines (none: stdin closed at once).
fn sign_in(args: &[String], env: &[(&str, &str)], lines: &[&str]) -> Finished {
    let mut cli = Cli::start(args, env);
    for line in lines {
        cli.write_line(line);
    }
    cli.finish()
}

fn with(mut args: Vec<String>, more: &[&str]) -> Vec<String> {
    args.extend(more.iter().map(|s| s.to_string()));
    args
}

fn assert_credentials(c: &serde_json::Value, username: &str) {
    assert_eq!(c["Version"], 1, "{c}");
    assert!(
        c["IdentityId"].as_str().unwrap().starts_with("us-east-1:"),
        "{c}"
    );
    assert!(
        c["AccessKeyId"].as_str().unwrap().starts_with("ASIA"),
        "{c}"
    );
    assert!(!c["SecretAccessKey"].as_str().unwrap().is_empty(), "{c}");
    assert!(!c["SessionToken"].as_str().unwrap().is_empty(), "{c}");
    assert!(c["Expiration"].as_str().unwrap().ends_with('Z'), "{c}");
    assert_eq!(c["Username"], username, "{c}");
}

/// A unique folder under the system's temporary one, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).unwrap();
        let dir = std::env::temp_dir().join(format!(
            "cognito-cli-{name}-{}-{:016x}",
            std::process::id(),
            u64::from_le_bytes(bytes)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_bundled_emulator_signs_its_demo_user_in() {
    let c = sign_in(&[], &[], &["Demo-Passw0rd"]).json();
    assert_credentials(&c, "demo");
    let wrong = sign_in(&[], &[], &["not-the-Passw0rd"]);
    assert!(!wrong.status.success());
    assert!(
        wrong.stderr.contains("Incorrect username or password."),
        "{}",
        wrong.stderr
    );
}

/// Whether `text` holds a JWT: a base64url JSON header, a dot, a base64url JSON payload (random
/// base64 in the credentials may hold "eyJ" by chance, never with the dot).
fn has_jwt(text: &str) -> bool {
    let b64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").any(|(at, _)| {
        let rest = &text[at..];
        let header = rest.find(|c: char| !b64url(c)).unwrap_or(rest.len());
        rest[header..].starts_with(".eyJ")
    })
}

#[test]
fn the_jwt_check_finds_tokens_and_not_base64_by_chance() {
    assert!(has_jwt("id eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
    assert!(!has_jwt("IQoJb3eyJab+/eyJ= eyJ.x"));
}

#[test]
fn the_password_on_stdin_signs_in_and_a_wrong_one_fails_once() {
    let running = Running::start(vec![SeedUser::new("player1", PASSWORD)]);
    let emu = running.emu();
    let args = with(running.args(), &["--username", "player1"]);
    let out = sign_in(&args, &[], &[PASSWORD]);
    let c = out.json();
    assert_credentials(&c, "player1");
    // The password is never printed, and the tokens neither (only the credentials).
    assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));
    assert!(!has_jwt(&out.stdout), "a JWT on stdout: {}", out.stdout);
    assert!(!has_jwt(&out.stderr), "a JWT on stderr: {}", out.stderr);
    // SRP by default: InitiateAuth, then the password verifier.
    assert_eq!(emu.request_count_named("cognito-idp:InitiateAuth"), 1);
    assert_eq!(
        emu.request_count_named("cognito-idp:RespondToAuthChallenge"),
        1
    );

    // The same user gets the same identity; USER_PASSWORD_AUTH works too (no challenge step).
    let again = sign_in(&with(args.clone(), &["--password-auth"]), &[], &[PASSWORD]).json();
    assert_eq!(again["IdentityId"], c["IdentityId"]);
    assert_eq!(emu.request_count_named("cognito-idp:InitiateAuth"), 2);
    assert_eq!(
        emu.request_count_named("cognito-idp:RespondToAuthChallenge"),
        1
    );

    // A wrong password: AWS's message, a failure, and no retry.
    let wrong = sign_in(&args, &[], &["Wrong-Passw0rd!"]);
    assert!(!wrong.status.success());
    assert!(wrong.stdout.is_empty(), "{}", wrong.stdout);
    assert!(
        wrong.stderr.contains("Incorrect username or password."),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stderr.contains("Wrong-Passw0rd!"));
    assert_eq!(emu.request_count_named("cognito-idp:InitiateAuth"), 3);
    assert_eq!(
        emu.request_count_named("cognito-idp:RespondToAuthChallenge"),
        2
    );

    // No password at all (stdin closed): an error, never a hang.
    let none = sign_in(&args, &[], &[]);
    assert!(!none.status.success());
    assert!(none.stderr.contains("stdin ended"), "{}", none.stderr);
    assert_eq!(emu.request_count_named("cognito-idp:InitiateAuth"), 3);

    // An app client with a secret, read from the environment variable named.
    let secret_args = [
        "--user-pool",
        DEFAULT_USER_POOL_ID,
        "--client-id",
        DEFAULT_USER_POOL_SECRET_CLIENT_ID,
        "--client-secret-env",
        "TEST_CLIENT_SECRET",
        "--pool",
        DEFAULT_AUTH_POOL_ID,
        "--endpoint",
        &emu.url(),
        "--username",
        "player1",
    ]
    .map(String::from);
    let out = sign_in(
        &secret_args,
        &[("TEST_CLIENT_SECRET", DEFAULT_USER_POOL_CLIENT_SECRET)],
        &[PASSWORD],
    );
    assert_credentials(&out.json(), "player1");
    assert!(!out.stderr.contains(DEFAULT_USER_POOL_CLIENT_SECRET));
    let unset = sign_in(&secret_args, &[], &[PASSWORD]);
    assert!(!unset.status.success());
    assert!(
        unset.stderr.contains("TEST_CLIENT_SECRET"),
        "{}",
        unset.stderr
    );
}

#[test]
fn a_new_password_required_is_answered_on_stdin() {
    let mut newbie = SeedUser::new("newbie", "Temporary-Pass-1");
    newbie.status = UserStatus::ForceChangePassword;
    let running = Running::start(vec![newbie]);
    let emu = running.emu();
    let args = with(running.args(), &["--username", "newbie"]);
    let out = sign_in(&args, &[], &["Temporary-Pass-1", "Brand-New-Pass-2"]);
    assert_credentials(&out.json(), "newbie");
    assert!(
        out.stderr.contains("NEW_PASSWORD_REQUIRED"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Brand-New-Pass-2"));
    assert_eq!(
        emu.user_status(DEFAULT_USER_POOL_ID, "newbie"),
        Some((UserStatus::Confirmed, true))
    );
    // The new password is the password now; the temporary one is refused.
    assert_credentials(&sign_in(&args, &[], &["Brand-New-Pass-2"]).json(), "newbie");
    let old = sign_in(&args, &[], &["Temporary-Pass-1"]);
    assert!(!old.status.success());
    assert!(
        old.stderr.contains("Incorrect username or password."),
        "{}",
        old.stderr
    );
}

#[test]
fn an_sms_code_is_answered_on_stdin_when_it_comes() {
    let mut carol = SeedUser::new("carol", PASSWORD).with_attribute("phone_number", "+15550100");
    carol.mfa = UserMfa {
        sms: true,
        ..Default::default()
    };
    let running = Running::start(vec![carol]);
    let emu = running.emu();
    emu.set_user_pool_mfa(
        DEFAULT_USER_POOL_ID,
        MfaConfig {
            mode: MfaMode::Optional,
            ..Default::default()
        },
    )
    .unwrap();
    let args = with(running.args(), &["--username", "carol"]);
    let mut cli = Cli::start(&args, &[]);
    cli.write_line(PASSWORD);
    cli.wait_for_stderr("SMS_MFA");
    let code = emu
        .last_code(DEFAULT_USER_POOL_ID, "carol", CodeKind::SmsMfa)
        .expect("a code was sent");
    cli.write_line(&code.code);
    assert_credentials(&cli.finish().json(), "carol");

    // A wrong code: Cognito's error, no retry.
    let mut cli = Cli::start(&args, &[]);
    cli.write_line(PASSWORD);
    cli.wait_for_stderr("SMS_MFA");
    cli.write_line("000000");
    let wrong = cli.finish();
    assert!(!wrong.status.success());
    assert!(
        wrong.stderr.contains("CodeMismatchException"),
        "{}",
        wrong.stderr
    );
}

#[test]
fn a_kept_session_is_resumed_without_the_password() {
    let running = Running::start(vec![SeedUser::new("player1", PASSWORD)]);
    let emu = running.emu();
    let store = TempDir::new("sessions");
    let store_arg = store.0.to_str().unwrap();
    let args = with(running.args(), &["--session-store", store_arg]);
    let first = sign_in(
        &with(args.clone(), &["--username", "player1"]),
        &[],
        &[PASSWORD],
    )
    .json();
    assert_credentials(&first, "player1");
    let files: Vec<_> = std::fs::read_dir(&store.0).unwrap().collect();
    assert_eq!(files.len(), 1, "one session file");
    let file = files[0].as_ref().unwrap().path();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by the owner only: {mode:o}");
    }
    assert!(!std::fs::read_to_string(&file).unwrap().contains(PASSWORD));

    // No password (stdin closed at once), no username: the kept session, refreshed.
    let initiated = emu.request_count_named("cognito-idp:InitiateAuth");
    let resumed = sign_in(&args, &[], &[]);
    let c = resumed.json();
    assert_credentials(&c, "player1");
    assert_eq!(c["IdentityId"], first["IdentityId"]);
    assert!(resumed.stderr.contains("resumed"), "{}", resumed.stderr);
    // One REFRESH_TOKEN_AUTH, no SRP.
    assert_eq!(
        emu.request_count_named("cognito-idp:InitiateAuth"),
        initiated + 1
    );
    assert_eq!(
        emu.request_count_named("cognito-idp:RespondToAuthChallenge"),
        1
    );

    // A refused refresh token (the user was deleted and made again): the kept session is
    // dropped and the password asked for.
    assert!(emu.delete_user(DEFAULT_USER_POOL_ID, "player1"));
    emu.create_user(DEFAULT_USER_POOL_ID, SeedUser::new("player1", PASSWORD))
        .unwrap();
    let refused = sign_in(&args, &[], &[]);
    assert!(!refused.status.success());
    assert!(refused.stderr.contains("refused"), "{}", refused.stderr);
    assert!(refused.stderr.contains("--username"), "{}", refused.stderr);
    let again = sign_in(&with(args, &["--username", "player1"]), &[], &[PASSWORD]);
    assert_credentials(&again.json(), "player1");
}
