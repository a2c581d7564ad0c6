//! Shared helpers: an emulator on loopback and providers pointed at it.
#![allow(dead_code, unused_imports)]

pub mod ffi;
pub mod host_store;
pub mod moto;
pub mod storm;

use cognito_emulator::{Emulator, EmulatorConfig};
use cognito_native::{Config, CredentialsProvider, IdentityChange, RetryPolicy};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use cognito_emulator::{
    Fault, FaultRule, Operation, DEFAULT_AUTH_POOL_ID, DEFAULT_UNAUTH_POOL_ID,
};

pub const USER_POOL_PROVIDER: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool";
pub const UNAUTH_ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_Unauth_Role";
pub const AUTH_ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_Auth_Role";

pub async fn emulator() -> Emulator {
    emulator_with(EmulatorConfig::default()).await
}

pub async fn emulator_with(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

/// For tests that are not async themselves: an emulator on a runtime of its own.
pub fn emulator_on_own_runtime() -> (tokio::runtime::Runtime, Emulator) {
    emulator_on_own_runtime_with(EmulatorConfig::default())
}

pub fn emulator_on_own_runtime_with(config: EmulatorConfig) -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(emulator_with(config));
    (rt, emu)
}

/// Polls `done` every 10 ms for up to 5 s (for what the library does in the background).
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting until {what}");
}

/// A config for `pool` on `emu`, with quick retries so failure tests stay short.
pub fn config(emu: &Emulator, pool: &str) -> Config {
    let mut c = Config::new(pool).with_local_endpoint(&emu.url());
    c.endpoints.use_environment = false;
    c.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
    };
    c.attempt_timeout = Duration::from_secs(5);
    c
}

pub fn provider(emu: &Emulator, pool: &str) -> CredentialsProvider {
    CredentialsProvider::new(config(emu, pool)).expect("valid config")
}

/// Records identity changes.
pub fn record_changes(p: &CredentialsProvider) -> Arc<Mutex<Vec<IdentityChange>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    p.on_identity_changed(move |c| s.lock().unwrap().push(c.clone()));
    seen
}

pub fn changes(seen: &Arc<Mutex<Vec<IdentityChange>>>) -> Vec<IdentityChange> {
    seen.lock().unwrap().clone()
}

/// Waits (bounded) until `cond` holds.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}

pub fn rule(op: Operation, fault: Fault, times: Option<u32>) -> FaultRule {
    FaultRule {
        op: Some(op),
        fault,
        times,
    }
}

/// A string argument as C passes it to the C ABI: any bytes, NUL-terminated (not necessarily UTF-8).
pub fn arg(s: &std::ffi::CString) -> Option<safer_ffi::prelude::char_p::Ref<'_>> {
    let p = std::ptr::NonNull::new(s.as_ptr() as *mut u8).unwrap();
    // SAFETY: `s` outlives the returned reference and is NUL-terminated.
    Some(unsafe { safer_ffi::prelude::char_p::Ref::from_ptr_unchecked(p) })
}

/// A string the C ABI handed to a callback (NULL is None).
///
/// # Safety
/// `p` is NULL or a valid NUL-terminated string.
pub unsafe fn read(p: *const safer_ffi::c_char) -> Option<String> {
    (!p.is_null()).then(|| {
        std::ffi::CStr::from_ptr(p.cast::<std::ffi::c_char>())
            .to_string_lossy()
            .into_owned()
    })
}

/// A fragment of a secret that would still give it away if logged in part: the signature of a
/// JWT, else the middle of the value.
pub fn fragment(secret: &str) -> &str {
    let s = secret.rsplit('.').next().unwrap_or(secret);
    let s = if s.len() >= 16 { s } else { secret };
    let mid = s.len() / 2;
    &s[mid.saturating_sub(8)..(mid + 8).min(s.len())]
}

/// The Python venv with moto, boto3 and botocore (target/moto-venv; scripts/moto-env.sh installs
/// it if needed).
pub fn python_venv() -> std::path::PathBuf {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(root.join("scripts/moto-env.sh"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run scripts/moto-env.sh");
    assert!(
        out.status.success(),
        "installing moto (scripts/moto-env.sh) failed"
    );
    std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}
