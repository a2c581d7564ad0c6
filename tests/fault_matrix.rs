//! The fault matrix, through the C ABI: every misbehaviour of the service or the network, driven
//! with `cognito_provider_*` calls and callbacks against the emulator on 127.0.0.1. For each case:
//! the status and error kind (or the recovery), the completion callback fired exactly once, and
//! the cached state afterwards. Prints a table to stderr and writes it to target/fault-matrix.md.

mod common;

use cognito_emulator::{Emulator, EmulatorConfig};
use cognito_native::ffi::*;
use common::*;
use std::ffi::{c_void, CString};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// What one completion callback received.
#[derive(Clone, Debug)]
struct Completion {
    status: cognito_status,
    identity_id: Option<String>,
    expiration: i64,
    error: Option<(u32, String, String)>,
}

/// One asynchronous call: every completion is recorded (so a second one would be seen). Kept alive
/// for the whole test, so a late duplicate completion cannot touch freed memory.
#[derive(Default)]
struct Call {
    completions: Mutex<Vec<Completion>>,
    cv: Condvar,
}

impl Call {
    fn record(&self, c: Completion) {
        self.completions.lock().unwrap().push(c);
        self.cv.notify_all();
    }

    /// The first completion (bounded wait), then a short grace period to catch a duplicate.
    fn wait(&self) -> (Completion, usize) {
        let guard = self.completions.lock().unwrap();
        let (guard, _) = self
            .cv
            .wait_timeout_while(guard, WAIT, |v| v.is_empty())
            .unwrap();
        let first = guard
            .first()
            .cloned()
            .expect("the callback fired within the bound");
        drop(guard);
        std::thread::sleep(Duration::from_millis(50));
        let n = self.completions.lock().unwrap().len();
        (first, n)
    }
}

unsafe fn error_of(error: *const cognito_error) -> Option<(u32, String, String)> {
    error.as_ref().map(|e| {
        (
            e.kind,
            read(e.code).unwrap_or_default(),
            read(e.message).unwrap_or_default(),
        )
    })
}

unsafe extern "C" fn on_identity(
    user_data: *mut c_void,
    status: cognito_status,
    identity_id: *const safer_ffi::c_char,
    error: *const cognito_error,
) {
    let call = &*user_data.cast::<Call>();
    call.record(Completion {
        status,
        identity_id: read(identity_id),
        expiration: 0,
        error: error_of(error),
    });
}

unsafe extern "C" fn on_credentials(
    user_data: *mut c_void,
    status: cognito_status,
    credentials: *const cognito_credentials,
    error: *const cognito_error,
) {
    let call = &*user_data.cast::<Call>();
    let c = credentials.as_ref();
    call.record(Completion {
        status,
        identity_id: c.and_then(|c| read(c.identity_id)),
        expiration: c.map_or(0, |c| c.expiration),
        error: error_of(error),
    });
}

type Changes = Mutex<Vec<(Option<String>, String)>>;

unsafe extern "C" fn on_changed(
    user_data: *mut c_void,
    old: *const safer_ffi::c_char,
    new: *const safer_ffi::c_char,
) {
    let changes = &*user_data.cast::<Changes>();
    changes
        .lock()
        .unwrap()
        .push((read(old), read(new).unwrap_or_default()));
}

/// A provider made through the C ABI, with its identity-changed callback recorded.
struct Provider {
    handle: *mut cognito_provider,
    changes: Arc<Changes>,
    calls: Vec<Arc<Call>>,
}

impl Provider {
    fn new(url: &str, extra_options: &str) -> Provider {
        let options = CString::new(format!(
            r#"{{"endpoint":"{url}","allow_http_loopback":true,"use_environment":false,"max_attempts":3,"retry_base_delay_ms":5,"retry_max_delay_ms":50,"attempt_timeout_ms":5000{extra_options}}}"#
        ))
        .unwrap();
        let pool = CString::new(DEFAULT_UNAUTH_POOL_ID).unwrap();
        let mut handle = std::ptr::null_mut();
        assert_eq!(
            cognito_provider_new(arg(&pool), arg(&options), &mut handle),
            cognito_status::Ok
        );
        let changes = Arc::new(Changes::default());
        assert_eq!(
            cognito_provider_set_identity_changed_callback(
                handle,
                Some(on_changed),
                Arc::as_ptr(&changes) as *mut c_void
            ),
            cognito_status::Ok
        );
        Provider {
            handle,
            changes,
            calls: Vec::new(),
        }
    }

    fn identity(&mut self) -> (Completion, usize) {
        let call = Arc::new(Call::default());
        self.calls.push(call.clone());
        let ud = Arc::as_ptr(&call) as *mut c_void;
        assert_eq!(
            cognito_provider_get_identity_id(
                self.handle,
                Some(on_identity),
                ud,
                std::ptr::null_mut()
            ),
            cognito_status::Ok
        );
        call.wait()
    }

    fn credentials(&mut self) -> (Completion, usize) {
        let call = Arc::new(Call::default());
        self.calls.push(call.clone());
        let ud = Arc::as_ptr(&call) as *mut c_void;
        assert_eq!(
            cognito_provider_get_credentials(
                self.handle,
                Some(on_credentials),
                ud,
                std::ptr::null_mut()
            ),
            cognito_status::Ok
        );
        call.wait()
    }

    fn cached_identity(&self) -> Option<String> {
        let mut out = None;
        match cognito_provider_cached_identity_id(self.handle, &mut out) {
            cognito_status::Ok => {
                let id = out.as_ref().map(|s| s.to_str().to_owned());
                cognito_string_free(out);
                id
            }
            _ => None,
        }
    }

    fn has_cached_credentials(&self) -> bool {
        let mut creds: *mut cognito_credentials = std::ptr::null_mut();
        let ok = cognito_provider_cached_credentials(self.handle, &mut creds) == cognito_status::Ok;
        cognito_credentials_free(creds);
        ok
    }

    fn change_count(&self) -> usize {
        self.changes.lock().unwrap().len()
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        assert_eq!(cognito_provider_free(self.handle), cognito_status::Ok);
        // Completions and identity events cannot come any more; the records may go.
        std::mem::take(&mut self.calls);
    }
}

/// One row of the table.
struct Row {
    case: &'static str,
    expected: String,
    got: String,
    callbacks: usize,
    state: String,
    pass: bool,
    ms: u128,
}

fn got_of(c: &Completion) -> String {
    match &c.error {
        None => format!("{:?}", c.status),
        Some((kind, code, _)) => format!("{:?} kind={kind} {code}", c.status),
    }
}

fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start_background(config).expect("emulator starts")
}

/// Expect an error of `kind` from get_credentials after a cached identity, with the identity
/// intact and no credentials cached; `requests` GetCredentialsForIdentity requests at most.
fn error_case(
    case: &'static str,
    fault: Fault,
    times: Option<u32>,
    extra: &str,
    kind: u32,
    max_requests: u64,
    message_contains: &str,
) -> Row {
    let emu = start(EmulatorConfig::default());
    let mut p = Provider::new(&emu.url(), extra);
    let (first, _) = p.identity();
    let id = first.identity_id.clone().expect("an identity first");
    let changes_before = p.change_count();
    emu.inject(rule(Operation::GetCredentialsForIdentity, fault, times));
    let started = Instant::now();
    let (c, n) = p.credentials();
    let ms = started.elapsed().as_millis();
    let requests = emu.request_count(Operation::GetCredentialsForIdentity);
    let cached = p.cached_identity();
    let message = c.error.as_ref().map(|e| e.2.clone()).unwrap_or_default();
    let pass = c.status == cognito_status::ErrFailed
        && c.error.as_ref().map(|e| e.0) == Some(kind)
        && message.to_lowercase().contains(message_contains)
        && n == 1
        && cached.as_ref() == Some(&id)
        && !p.has_cached_credentials()
        && p.change_count() == changes_before
        && (1..=max_requests).contains(&requests);
    Row {
        case,
        expected: format!("ErrFailed kind={kind}, <= {max_requests} req"),
        got: format!("{}, {requests} req", got_of(&c)),
        callbacks: n,
        state: format!(
            "id {}, creds {}",
            if cached.as_ref() == Some(&id) {
                "kept"
            } else {
                "CHANGED"
            },
            if p.has_cached_credentials() {
                "CACHED"
            } else {
                "none"
            }
        ),
        pass,
        ms,
    }
}

/// Expect recovery (success) after `fault` fired `times`, with `requests` requests in all.
fn recovery_case(case: &'static str, fault: Fault, times: u32, requests: u64) -> Row {
    let emu = start(EmulatorConfig::default());
    let mut p = Provider::new(&emu.url(), "");
    let (first, _) = p.identity();
    let id = first.identity_id.clone().expect("an identity first");
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        fault,
        Some(times),
    ));
    let started = Instant::now();
    let (c, n) = p.credentials();
    let ms = started.elapsed().as_millis();
    let got_requests = emu.request_count(Operation::GetCredentialsForIdentity);
    let cached = p.cached_identity();
    let pass = c.status == cognito_status::Ok
        && c.identity_id.as_ref() == Some(&id)
        && n == 1
        && cached.as_ref() == Some(&id)
        && p.has_cached_credentials()
        && got_requests == requests
        && p.change_count() == 1;
    Row {
        case,
        expected: format!("Ok after {times} fault(s), {requests} req"),
        got: format!("{}, {got_requests} req", got_of(&c)),
        callbacks: n,
        state: format!(
            "id {}, creds {}",
            if cached.as_ref() == Some(&id) {
                "kept"
            } else {
                "CHANGED"
            },
            if p.has_cached_credentials() {
                "cached"
            } else {
                "NONE"
            }
        ),
        pass,
        ms,
    }
}

fn skew_case(case: &'static str, skew: i64) -> Row {
    let emu = start(EmulatorConfig::default());
    emu.set_clock_skew(skew);
    let mut p = Provider::new(&emu.url(), "");
    let started = Instant::now();
    let (c, n) = p.credentials();
    let ms = started.elapsed().as_millis();
    let (again, n2) = p.credentials();
    std::thread::sleep(Duration::from_millis(200));
    let (third, n3) = p.credentials();
    let requests = emu.request_count(Operation::GetCredentialsForIdentity);
    let cached = p.cached_identity();
    let pass = c.status == cognito_status::Ok
        && again.status == cognito_status::Ok
        && third.status == cognito_status::Ok
        && again.expiration == c.expiration
        && third.expiration == c.expiration
        && (n, n2, n3) == (1, 1, 1)
        && requests == 1
        && cached == c.identity_id
        && p.has_cached_credentials()
        && p.change_count() == 1;
    Row {
        case,
        expected: "Ok x3, 1 GetCredentials (no refresh)".into(),
        got: format!("{} x3, {requests} req", got_of(&c)),
        callbacks: n + n2 + n3,
        state: format!(
            "id {}, creds {}",
            if cached == c.identity_id {
                "set"
            } else {
                "WRONG"
            },
            if p.has_cached_credentials() {
                "cached"
            } else {
                "NONE"
            }
        ),
        pass,
        ms,
    }
}

fn different_identity_case() -> Row {
    let emu = start(EmulatorConfig::default());
    let mut p = Provider::new(&emu.url(), "");
    let (first, _) = p.identity();
    let old = first.identity_id.clone().unwrap();
    let before = p.change_count();
    emu.inject(rule(
        Operation::GetCredentialsForIdentity,
        Fault::DifferentIdentity,
        Some(1),
    ));
    let started = Instant::now();
    let (c, n) = p.credentials();
    let ms = started.elapsed().as_millis();
    std::thread::sleep(Duration::from_millis(50));
    let events: Vec<_> = p.changes.lock().unwrap()[before..].to_vec();
    let new = c.identity_id.clone().unwrap_or_default();
    let cached = p.cached_identity();
    let pass = c.status == cognito_status::Ok
        && new != old
        && n == 1
        && events == vec![(Some(old.clone()), new.clone())]
        && cached.as_ref() == Some(&new)
        && p.has_cached_credentials();
    Row {
        case: "GetCredentialsForIdentity answers another identity",
        expected: "Ok, new id adopted, 1 identity-changed event".into(),
        got: format!("{}, {} event(s)", got_of(&c), events.len()),
        callbacks: n,
        state: format!(
            "id {}, creds {}",
            if cached.as_ref() == Some(&new) {
                "new"
            } else {
                "WRONG"
            },
            if p.has_cached_credentials() {
                "cached"
            } else {
                "NONE"
            }
        ),
        pass,
        ms,
    }
}

fn sts_error_case() -> Row {
    let emu = start(EmulatorConfig::default());
    let mut p = Provider::new(
        &emu.url(),
        &format!(r#","unauth_role_arn":"{UNAUTH_ROLE}""#),
    );
    let (first, _) = p.identity();
    let id = first.identity_id.clone().unwrap();
    emu.inject(rule(
        Operation::AssumeRoleWithWebIdentity,
        Fault::ServiceError {
            status: 403,
            code: "AccessDenied".into(),
            message: "Not authorized to perform sts:AssumeRoleWithWebIdentity".into(),
        },
        None,
    ));
    let started = Instant::now();
    let (c, n) = p.credentials();
    let ms = started.elapsed().as_millis();
    let requests = emu.request_count(Operation::AssumeRoleWithWebIdentity);
    let cached = p.cached_identity();
    let pass = c.status == cognito_status::ErrFailed
        && c.error.as_ref().map(|e| (e.0, e.1.as_str())) == Some((24, "AccessDenied"))
        && n == 1
        && requests == 1
        && cached.as_ref() == Some(&id)
        && !p.has_cached_credentials();
    Row {
        case: "STS XML error AccessDenied (basic flow)",
        expected: "ErrFailed kind=24 AccessDenied, not retried".into(),
        got: format!("{}, {requests} req", got_of(&c)),
        callbacks: n,
        state: format!(
            "id {}, creds {}",
            if cached.as_ref() == Some(&id) {
                "kept"
            } else {
                "CHANGED"
            },
            if p.has_cached_credentials() {
                "CACHED"
            } else {
                "none"
            }
        ),
        pass,
        ms,
    }
}

fn refused_case() -> Row {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut p = Provider::new(&format!("http://127.0.0.1:{port}"), "");
    let started = Instant::now();
    let (c, n) = p.credentials();
    let ms = started.elapsed().as_millis();
    let cached = p.cached_identity();
    let pass = c.status == cognito_status::ErrFailed
        && c.error.as_ref().map(|e| e.0) == Some(50)
        && n == 1
        && cached.is_none()
        && !p.has_cached_credentials()
        && p.change_count() == 0;
    Row {
        case: "connection refused (closed loopback port)",
        expected: "ErrFailed kind=50 (Network)".into(),
        got: got_of(&c),
        callbacks: n,
        state: format!(
            "id {}, creds {}",
            if cached.is_none() { "none" } else { "SET" },
            if p.has_cached_credentials() {
                "CACHED"
            } else {
                "none"
            }
        ),
        pass,
        ms,
    }
}

#[test]
fn fault_matrix_through_the_c_abi() {
    let total = Instant::now();
    let mut rows = vec![
        recovery_case("throttling, then success", Fault::Throttle, 2, 3),
        error_case(
            "throttling forever",
            Fault::Throttle,
            None,
            "",
            3,
            3,
            "rate exceeded",
        ),
        recovery_case("HTTP 500 once, then success", Fault::ServerError(500), 1, 2),
        error_case(
            "HTTP 500 forever",
            Fault::ServerError(500),
            None,
            "",
            9,
            3,
            "",
        ),
        recovery_case("HTTP 503 once, then success", Fault::ServerError(503), 1, 2),
        error_case(
            "HTTP 503 forever",
            Fault::ServerError(503),
            None,
            "",
            9,
            3,
            "",
        ),
        recovery_case("connection reset mid-body once", Fault::ResetMidBody, 1, 2),
        error_case(
            "connection reset mid-body forever",
            Fault::ResetMidBody,
            None,
            "",
            50,
            3,
            "",
        ),
        error_case(
            "server accepts, never answers (attempt_timeout_ms 300)",
            Fault::Hang,
            None,
            r#","attempt_timeout_ms":300,"max_attempts":2"#,
            51,
            2,
            "within",
        ),
        error_case("malformed JSON", Fault::Malformed, None, "", 52, 3, ""),
        error_case("truncated body", Fault::Truncated, None, "", 50, 3, ""),
        error_case(
            "10 MB body",
            Fault::HugeBody(10 * 1024 * 1024),
            None,
            "",
            52,
            3,
            "exceeds",
        ),
        error_case(
            "wrong content type (text/html)",
            Fault::WrongContentType,
            None,
            "",
            52,
            3,
            "",
        ),
        error_case(
            "credentials already expired on arrival",
            Fault::ExpiredCredentials,
            None,
            "",
            52,
            3,
            "expired on arrival",
        ),
        skew_case("server Date skew -2 h", -7200),
        skew_case("server Date skew +2 h", 7200),
        different_identity_case(),
        sts_error_case(),
        refused_case(),
    ];
    // The hang case must have ended by the attempt timeout, not by the 20 s wait.
    for r in &mut rows {
        if r.case.starts_with("server accepts") && r.ms > 5_000 {
            r.pass = false;
        }
    }
    let mut table = String::from(
        "| case | expected | got | callbacks | state | ms | pass |\n|---|---|---|---|---|---|---|\n",
    );
    for r in &rows {
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.case,
            r.expected,
            r.got,
            r.callbacks,
            r.state,
            r.ms,
            if r.pass { "yes" } else { "NO" }
        ));
    }
    // Straight to the stderr handle: the harness captures print macros, not this.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "\nfault matrix (C ABI), {} ms:\n{table}",
        total.elapsed().as_millis()
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fault-matrix.md");
    let _ = std::fs::write(&path, &table);
    assert_eq!(cognito_shutdown(), cognito_status::Ok);
    let failed: Vec<_> = rows.iter().filter(|r| !r.pass).map(|r| r.case).collect();
    assert!(failed.is_empty(), "failing rows: {failed:?}\n{table}");
}
