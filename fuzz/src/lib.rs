//! The fuzz harness: one function per target, each taking libFuzzer's raw input. The targets in
//! `fuzz_targets/` call these; `tests/fuzz_regressions.rs` includes this file to replay the seeds
//! and past findings under plain `cargo test`. A broken invariant panics, which libFuzzer reports
//! as a crash.
//!
//! Input formats (chosen so that seeds stay readable text):
//! - `cognito_json`, `sts_xml`: `<body>[\0<status>[\0<text>[\0<request id>]]]`, where `<text>` is
//!   the `x-amzn-ErrorType` header (Cognito) or the identity id the credentials are for (STS).
//! - `options_json`: `<options JSON>[\0<pool id>[\0KEY=VALUE...]]`, the last fields being the
//!   environment the endpoint resolution sees.
//! - `ffi_entry`: one call per line, `<op byte><arg>\t<arg>...`; see [`Session::step`]. An
//!   argument that is exactly `\0` is a NULL pointer. Any other string is passed NUL-terminated
//!   (so C sees it up to its first NUL), and a missing one is NULL; a callback or output pointer
//!   that is not `\0` (or missing) is a valid one.

use cognito_native::endpoints::{self, Service};
use cognito_native::ffi::*;
use cognito_native::fuzzing::{self, c_char, char_p};
use cognito_native::{ErrorKind, HttpClient, TlsOptions};
use std::ffi::{c_void, CStr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, UNIX_EPOCH};

const POOL: &str = "us-east-1:00000000-0000-4000-8000-000000000001";

/// Splits off the `\0`-separated trailer fields after the body.
fn split_fields(data: &[u8]) -> (&[u8], Vec<&[u8]>) {
    let mut parts = data.split(|b| *b == 0);
    let body = parts.next().unwrap_or_default();
    (body, parts.collect())
}

fn text(field: Option<&&[u8]>) -> Option<String> {
    field.map(|f| String::from_utf8_lossy(f).into_owned())
}

fn number<T: std::str::FromStr>(field: Option<&[u8]>) -> Option<T> {
    std::str::from_utf8(field?).ok()?.trim().parse().ok()
}

/// What every error built from a server answer must satisfy.
fn check_service_error(e: &cognito_native::Error, status: u16, request_id: &Option<String>) {
    assert_eq!(e.http_status(), Some(status));
    assert!(!e.code().is_empty() && e.code().len() <= 128, "{e:?}");
    assert!(e.message().len() <= 1024, "message not truncated: {e:?}");
    if status >= 500 {
        assert_ne!(e.kind(), ErrorKind::UnknownService, "{e:?}");
    }
    if matches!(status, 500 | 502 | 503 | 504) {
        assert!(e.is_retryable(), "{e:?}");
    }
    if request_id.is_some() {
        assert_eq!(e.request_id(), request_id.as_deref());
    }
    let _ = (e.to_string(), format!("{e:?}"));
}

/// What a parse failure must look like: a typed error that keeps the request id.
fn check_invalid_response(e: &cognito_native::Error, request_id: &Option<String>) {
    assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{e:?}");
    assert_eq!(e.request_id(), request_id.as_deref());
}

/// Credentials from either service: no empty field, and an expiration in the window the Cognito
/// parser calls plausible (1970 to 2400), which the cache's refresh timing relies on.
fn check_credentials(c: &cognito_native::Credentials) {
    assert!(!c.access_key_id.is_empty());
    assert!(!c.secret_access_key.is_empty() && !c.session_token.is_empty());
    let since_epoch = c.expiration.duration_since(UNIX_EPOCH);
    assert!(
        since_epoch.is_ok_and(|d| d.as_secs() <= 13_569_465_600),
        "implausible expiration: {c:?}"
    );
    let _ = format!("{c:?}");
}

/// The Cognito Identity JSON 1.1 answers: every parser on the body, and the error classifier.
pub fn cognito_json(data: &[u8]) {
    let (body, fields) = split_fields(data);
    let status = number(fields.first().copied()).unwrap_or(400);
    let header = fields.get(1).and_then(|h| std::str::from_utf8(h).ok());
    let rid = text(fields.get(2));

    match fuzzing::cognito_get_id(body, &rid) {
        Ok(id) => assert!(endpoints::parse_id("identity id", &id).is_ok(), "{id:?}"),
        Err(e) => check_invalid_response(&e, &rid),
    }
    match fuzzing::cognito_get_credentials(body, &rid) {
        Ok(c) => {
            check_credentials(&c);
            assert!(c.access_key_id.len() <= 128);
            assert!(endpoints::parse_id("identity id", &c.identity_id).is_ok());
        }
        Err(e) => check_invalid_response(&e, &rid),
    }
    match fuzzing::cognito_get_open_id_token(body, &rid) {
        Ok((id, token)) => {
            assert!(endpoints::parse_id("identity id", &id).is_ok());
            assert!(!token.is_empty());
        }
        Err(e) => check_invalid_response(&e, &rid),
    }
    let e = fuzzing::cognito_error(status, header, body, rid.clone());
    check_service_error(&e, status, &rid);
}

/// The STS XML answers: AssumeRoleWithWebIdentity's result and the error classifier.
pub fn sts_xml(data: &[u8]) {
    let (body, fields) = split_fields(data);
    let status = number(fields.first().copied()).unwrap_or(400);
    let identity_id = text(fields.get(1)).unwrap_or_else(|| POOL.to_owned());
    let rid = text(fields.get(2));

    match fuzzing::sts_credentials(body, &identity_id, &rid) {
        Ok(c) => {
            check_credentials(&c);
            assert_eq!(c.identity_id, identity_id);
        }
        Err(e) => check_invalid_response(&e, &rid),
    }
    let e = fuzzing::sts_error(status, body, rid.clone());
    check_service_error(&e, status, &rid);
}

/// A runtime for `validate` to hand to the provider; a current-thread one has no threads.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
    })
}

/// The options JSON as `cognito_provider_new` reads it, then the checks `CredentialsProvider::new`
/// makes, then endpoint resolution against a fuzzed environment.
pub fn options_json(data: &[u8]) {
    let (body, fields) = split_fields(data);
    // The C ABI refuses invalid UTF-8 before parsing.
    let Ok(json) = std::str::from_utf8(body) else {
        return;
    };
    let pool = text(fields.first()).unwrap_or_else(|| POOL.to_owned());
    let env: Vec<(String, String)> = fields
        .get(1..)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            let f = String::from_utf8_lossy(f);
            let (k, v) = f.split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect();
    let json = confine_paths(json);

    if let Err(e) = fuzzing::developer_request(&pool, "login.mygame", "player-1", Some(&json)) {
        assert!(
            matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::InvalidConfig),
            "{e:?}"
        );
    }
    let mut config = match fuzzing::provider_config(Some(&json), &pool) {
        Ok(c) => c,
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::InvalidConfig),
                "{e:?}"
            );
            return;
        }
    };
    for retry in 0..40 {
        assert!(config.retry.backoff(retry) <= config.retry.max_delay);
    }
    // The CA bundle is checked here with the OS roots left out: loading those on every input
    // would be most of the work. Then `validate` need not build a client.
    let tls = TlsOptions {
        extra_ca_pem: config.ca_bundle_pem.clone(),
        use_aws_ca_bundle: false,
        use_os_roots: false,
        connect_timeout: config.connect_timeout,
    };
    match HttpClient::new(&tls) {
        Ok(client) => config.http_client = Some(client),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e:?}");
            return;
        }
    }
    config.runtime = Some(runtime().handle().clone());
    let region = match fuzzing::validate(&config) {
        Ok(region) => {
            assert!(endpoints::check_region(&region).is_ok());
            region
        }
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::InvalidConfig),
                "{e:?}"
            );
            return;
        }
    };
    let lookup = |k: &str| env.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    for service in [Service::CognitoIdentity, Service::Sts] {
        match endpoints::resolve(service, &region, &config.endpoints, &lookup) {
            Ok(url) => {
                assert!(url.username().is_empty() && url.password().is_none());
                assert!(url.query().is_none());
                let http_ok = config.endpoints.allow_http_loopback && url.scheme() == "http";
                assert!(url.scheme() == "https" || http_ok, "{url}");
            }
            Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e:?}"),
        }
    }
}

/// Points the options that name files (`identity_store_dir`, `ca_bundle_file`) into a scratch
/// folder: a fuzzer must not read devices such as /dev/zero, nor delete identity files of its
/// host. Other inputs go through byte for byte.
fn confine_paths(json: &str) -> std::borrow::Cow<'_, str> {
    const KEYS: [&str; 2] = ["identity_store_dir", "ca_bundle_file"];
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str(json) else {
        return json.into();
    };
    let mut changed = false;
    for key in KEYS {
        if let Some(serde_json::Value::String(path)) = map.get_mut(key) {
            *path = scratch_dir().join(key).to_string_lossy().into_owned();
            changed = true;
        }
    }
    match changed {
        true => serde_json::Value::Object(map).to_string().into(),
        false => json.into(),
    }
}

/// The fuzzers' folder (shared by concurrent runs: nothing in it changes); holds a
/// `ca_bundle_file` to read.
fn scratch_dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join("cognito-native-fuzz");
        std::fs::create_dir_all(&dir).expect("scratch folder");
        let file = dir.join("ca_bundle_file");
        if !file.exists() {
            std::fs::write(file, b"not a certificate\n").expect("scratch file");
        }
        dir
    })
}

// ---------------------------------------------------------------------------------------------
// ffi_entry
// ---------------------------------------------------------------------------------------------

/// Runs the C ABI calls the input describes, then frees everything it made and waits for every
/// completion. No call may reach the network: see [`Session::may_start`].
pub fn ffi_entry(data: &[u8]) {
    let mut session = Session::default();
    session.check(ensure_running(-1));
    for line in data.split(|b| *b == b'\n').take(MAX_CALLS) {
        if let Some((&op, rest)) = line.split_first() {
            let args: Vec<&[u8]> = rest.split(|b| *b == b'\t').collect();
            if trace() {
                eprintln!("{} {:?}", op as char, String::from_utf8_lossy(rest));
            }
            session.step(op, &Args(args));
        }
    }
    session.finish();
}

/// `FUZZ_TRACE=1` prints each call and its status (to read a finding).
fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some_and(|v| v == "1"))
}

/// Bounds the time one input takes.
const MAX_CALLS: usize = 64;

const FORGED: usize = 1 << 63;

struct Args<'a>(Vec<&'a [u8]>);

impl Args<'_> {
    /// Argument `i` as a NUL-terminated copy, or None for NULL.
    fn c(&self, i: usize) -> Option<Vec<u8>> {
        let a = self.0.get(i)?;
        if *a == b"\0" {
            return None;
        }
        let mut v = a.to_vec();
        v.push(0);
        Some(v)
    }

    /// Whether argument `i` asks for a NULL pointer (callback, out parameter): it is `\0`.
    fn null(&self, i: usize) -> bool {
        self.0.get(i).is_some_and(|a| *a == b"\0")
    }

    fn number<T: std::str::FromStr + Default>(&self, i: usize) -> T {
        number(self.0.get(i).copied()).unwrap_or_default()
    }

    fn raw(&self, i: usize) -> &[u8] {
        self.0.get(i).copied().unwrap_or_default()
    }
}

/// A C string argument: what C sees of a NUL-terminated copy (up to its first NUL). Not through
/// `From<&CStr>`, which insists on UTF-8.
fn c_arg(v: &Option<Vec<u8>>) -> Option<char_p::Ref<'_>> {
    let p = std::ptr::NonNull::new(v.as_ref()?.as_ptr().cast_mut())?;
    // SAFETY: the copy ends with a NUL and outlives the reference.
    Some(unsafe { char_p::Ref::from_ptr_unchecked(p) })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Provider,
    DeveloperClient,
}

struct Handle {
    ptr: usize,
    kind: Kind,
    live: bool,
}

/// What the host store's callbacks answer: `load` copies `stored` (as much as fits) and returns
/// its full length, as a careless host might.
struct StoreData {
    stored: Vec<u8>,
}

/// Completions of asynchronous calls: each started call holds one reference, which its callback
/// takes back, so a second completion of the same call is a double free (caught by ASan) and a
/// missing one shows in `pending`.
#[derive(Default)]
struct Completions {
    pending: AtomicUsize,
    violations: Mutex<Vec<String>>,
}

impl Completions {
    fn violation(&self, what: String) {
        self.violations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(what);
    }
}

#[derive(Default)]
struct Session {
    handles: Vec<Handle>,
    #[allow(clippy::vec_box)] // boxed: the store callbacks hold their addresses
    stores: Vec<Box<StoreData>>,
    calls: Vec<u64>,
    completions: Arc<Completions>,
}

impl Session {
    /// One C ABI call. Ops (arguments in brackets, `h` a handle: see [`Session::handle`]):
    /// `n` provider_new [pool, options, out] · `s` provider_new_with_store [pool, options,
    /// stored id, callbacks mask] · `f` provider_free [h] · `a` add_login [h, name, token] · `r`
    /// remove_login [h, name] · `c` contains_login [h, name, out] · `k` logins_count [h, out] ·
    /// `l` logins_list [h, out] · `i` cached_identity_id [h, out] · `x` cached_credentials [h,
    /// out] · `g` get_identity_id [h, callback] · `G` get_credentials [h, callback] · `q` cancel
    /// [call id, or `#` and the index of a call of this input] · `z` clear · `Z` clear_credentials · `y` clear_identity_cache [h] · `L`
    /// set_logins_provider [h, name, callback] · `D` set_developer_identity_source [h, callback]
    /// · `e` set_identity_changed_callback [h, callback] · `u` user_pool_provider_name [region,
    /// user pool, out] · `t` token_request_complete [id, token, message] · `T`
    /// developer_identity_complete [id, identity id, token, message] · `d` developer_client_new
    /// [pool, options, key, secret, session token, out] · `F` developer_client_free [h] · `o`
    /// developer_client_get_token [h, pool, provider, user, options, callback] · `O`
    /// developer_client_lookup [h, pool, identity, user, max, next, callback] · `U`
    /// developer_client_unlink [h, pool, identity, provider, user, callback] · `v` set_log_sink
    /// [level, callback] · `S` shutdown · `I` init [log level] · `V` version.
    fn step(&mut self, op: u8, a: &Args) {
        match op {
            b'n' | b's' => self.new_provider(op == b's', a),
            b'f' => {
                let h = self.handle(a.raw(0));
                let status = cognito_provider_free(h as *mut _);
                self.check(status);
                if status == cognito_status::Ok {
                    self.mark_freed(h, Kind::Provider);
                }
            }
            b'a' => {
                let (name, token) = (a.c(1), a.c(2));
                let h = self.handle(a.raw(0));
                self.check(cognito_provider_add_login(
                    h as *mut _,
                    c_arg(&name),
                    c_arg(&token),
                ));
            }
            b'r' => {
                let name = a.c(1);
                let h = self.handle(a.raw(0));
                self.check(cognito_provider_remove_login(h as *mut _, c_arg(&name)));
            }
            b'c' => {
                let name = a.c(1);
                let mut out = false;
                let p = out_ptr(&mut out, a.null(2));
                let h = self.handle(a.raw(0));
                self.check(cognito_provider_contains_login(
                    h as *mut _,
                    c_arg(&name),
                    p,
                ));
            }
            b'k' => {
                let mut out = usize::MAX;
                let p = out_ptr(&mut out, a.null(1));
                let status = cognito_provider_logins_count(self.handle(a.raw(0)) as *mut _, p);
                self.check(status);
                unchanged_on_failure(status, out == usize::MAX);
            }
            b'l' | b'i' => {
                let mut out: Option<char_p::Box> = None;
                let p = out_ptr(&mut out, a.null(1));
                let h = self.handle(a.raw(0)) as *mut _;
                let status = match op {
                    b'l' => cognito_provider_logins_list(h, p),
                    _ => cognito_provider_cached_identity_id(h, p),
                };
                self.check(status);
                assert_eq!(out.is_some(), status == cognito_status::Ok && !p.is_null());
                cognito_string_free(out);
            }
            b'x' => {
                let mut out: *mut cognito_credentials = std::ptr::null_mut();
                let p = out_ptr(&mut out, a.null(1));
                let status = cognito_provider_cached_credentials(self.handle(a.raw(0)) as _, p);
                self.check(status);
                unchanged_on_failure(status, out.is_null());
                cognito_credentials_free(out);
            }
            b'g' | b'G' => {
                let h = self.handle(a.raw(0));
                let with_callback = !a.null(1);
                if !self.may_start(h, Kind::Provider, with_callback, op == b'g') {
                    return;
                }
                let (ud, mut call) = (self.user_data(), 0u64);
                let status = match op {
                    b'g' => cognito_provider_get_identity_id(
                        h as *mut _,
                        with_callback.then_some(on_identity as cognito_identity_cb),
                        ud,
                        &mut call,
                    ),
                    _ => cognito_provider_get_credentials(
                        h as *mut _,
                        with_callback.then_some(on_credentials as cognito_credentials_cb),
                        ud,
                        &mut call,
                    ),
                };
                self.started(status, ud, call);
            }
            b'q' => {
                let raw = a.raw(0);
                let id = match raw.first() {
                    Some(b'#') => self.calls.get(a.number::<usize>(1)).copied().unwrap_or(0),
                    _ => a.number(0),
                };
                self.check(cognito_cancel(id));
            }
            b'z' | b'Z' | b'y' => {
                let h = self.handle(a.raw(0)) as *mut _;
                self.check(match op {
                    b'z' => cognito_provider_clear(h),
                    b'Z' => cognito_provider_clear_credentials(h),
                    _ => cognito_provider_clear_identity_cache(h),
                });
            }
            b'L' => {
                let name = a.c(1);
                let cb = (!a.null(2)).then_some(on_token_request as cognito_token_request_cb);
                let h = self.handle(a.raw(0)) as *mut _;
                let status =
                    cognito_provider_set_logins_provider(h, c_arg(&name), cb, std::ptr::null_mut());
                self.check(status);
            }
            b'D' => {
                let cb = (!a.null(1))
                    .then_some(on_developer_request as cognito_developer_identity_request_cb);
                let h = self.handle(a.raw(0)) as *mut _;
                let status =
                    cognito_provider_set_developer_identity_source(h, cb, std::ptr::null_mut());
                self.check(status);
            }
            b'e' => {
                let cb = (!a.null(1)).then_some(on_identity_changed as cognito_identity_changed_cb);
                let h = self.handle(a.raw(0)) as *mut _;
                let status =
                    cognito_provider_set_identity_changed_callback(h, cb, std::ptr::null_mut());
                self.check(status);
            }
            b'u' => {
                let (region, pool) = (a.c(0), a.c(1));
                let mut out: Option<char_p::Box> = None;
                let p = out_ptr(&mut out, a.null(2));
                let status = cognito_user_pool_provider_name(c_arg(&region), c_arg(&pool), p);
                self.check(status);
                assert_eq!(out.is_some(), status == cognito_status::Ok);
                cognito_string_free(out);
            }
            b't' => {
                let (token, message) = (a.c(1), a.c(2));
                let id = a.number(0);
                self.check(cognito_token_request_complete(
                    id,
                    c_arg(&token),
                    c_arg(&message),
                ));
            }
            b'T' => {
                let (identity, token, message) = (a.c(1), a.c(2), a.c(3));
                let id = a.number(0);
                self.check(cognito_developer_identity_complete(
                    id,
                    c_arg(&identity),
                    c_arg(&token),
                    c_arg(&message),
                ));
            }
            b'd' => {
                let pool = a.c(0);
                let options = a.c(1).map(|o| confine_c_paths(&o));
                let (key, secret, token) = (a.c(2), a.c(3), a.c(4));
                let mut out: *mut cognito_developer_client = FORGED as *mut _;
                let p = out_ptr(&mut out, a.null(5));
                let status = cognito_developer_client_new(
                    c_arg(&pool),
                    c_arg(&options),
                    c_arg(&key),
                    c_arg(&secret),
                    c_arg(&token),
                    p,
                );
                self.check(status);
                self.created(status, out as usize, Kind::DeveloperClient);
            }
            b'F' => {
                let h = self.handle(a.raw(0));
                let status = cognito_developer_client_free(h as *mut _);
                self.check(status);
                if status == cognito_status::Ok {
                    self.mark_freed(h, Kind::DeveloperClient);
                }
            }
            b'o' | b'O' | b'U' => self.developer_call(op, a),
            b'v' => {
                let cb = (!a.null(1)).then_some(on_log as cognito_log_cb);
                self.check(cognito_set_log_sink(cb, std::ptr::null_mut(), a.number(0)));
            }
            b'S' => {
                let status = cognito_shutdown();
                self.check(status);
                SETTLED.store(false, Ordering::SeqCst);
                for h in &mut self.handles {
                    h.live = false; // shutdown frees them all
                }
            }
            b'I' => self.check(ensure_running(a.number(0))),
            b'V' => {
                let v = cognito_version();
                assert!(!v.to_bytes().is_empty());
            }
            _ => {}
        }
    }

    fn new_provider(&mut self, with_store: bool, a: &Args) {
        let pool = a.c(0);
        let options = a.c(1).map(|o| confine_c_paths(&o));
        let mut out: *mut cognito_provider = FORGED as *mut _;
        let status = if with_store {
            let mask = a.raw(3).first().map_or(7, |m| m & 7);
            let store = Box::new(StoreData {
                stored: a.raw(2).to_vec(),
            });
            let ud = &*store as *const StoreData as *mut c_void;
            self.stores.push(store);
            cognito_provider_new_with_store(
                c_arg(&pool),
                c_arg(&options),
                (mask & 1 != 0).then_some(store_load as cognito_store_load_cb),
                (mask & 2 != 0).then_some(store_save as cognito_store_save_cb),
                (mask & 4 != 0).then_some(store_clear as cognito_store_clear_cb),
                ud,
                &mut out,
            )
        } else {
            let p = out_ptr(&mut out, a.null(2));
            cognito_provider_new(c_arg(&pool), c_arg(&options), p)
        };
        self.check(status);
        self.created(status, out as usize, Kind::Provider);
    }

    fn developer_call(&mut self, op: u8, a: &Args) {
        let h = self.handle(a.raw(0));
        let callback_arg = if op == b'O' { 6 } else { 5 };
        let with_callback = !a.null(callback_arg);
        if !self.may_start(h, Kind::DeveloperClient, with_callback, false) {
            return;
        }
        let (ud, mut call) = (self.user_data(), 0u64);
        let s: Vec<Option<Vec<u8>>> = (1..callback_arg).map(|i| a.c(i)).collect();
        let client = h as *mut cognito_developer_client;
        let status = match op {
            b'o' => cognito_developer_client_get_token(
                client,
                c_arg(&s[0]),
                c_arg(&s[1]),
                c_arg(&s[2]),
                c_arg(&s[3]),
                with_callback.then_some(on_developer_token as cognito_developer_token_cb),
                ud,
                &mut call,
            ),
            b'O' => cognito_developer_client_lookup(
                client,
                c_arg(&s[0]),
                c_arg(&s[1]),
                c_arg(&s[2]),
                a.number(4),
                c_arg(&s[4]),
                with_callback.then_some(on_developer_lookup as cognito_developer_lookup_cb),
                ud,
                &mut call,
            ),
            _ => cognito_developer_client_unlink(
                client,
                c_arg(&s[0]),
                c_arg(&s[1]),
                c_arg(&s[2]),
                c_arg(&s[3]),
                with_callback.then_some(on_done as cognito_done_cb),
                ud,
                &mut call,
            ),
        };
        self.started(status, ud, call);
    }

    /// A handle argument: `\0` is NULL, `!<n>` a forged handle no call ever returned, otherwise
    /// the first byte picks one of the handles made by this input (freed ones included).
    fn handle(&self, arg: &[u8]) -> usize {
        match arg {
            b"\0" => 0,
            [b'!', rest @ ..] => FORGED | number::<usize>(Some(rest)).unwrap_or(1),
            _ if self.handles.is_empty() => 0,
            _ => {
                let pick = match arg.first() {
                    Some(d @ b'0'..=b'9') => usize::from(d - b'0'),
                    Some(b) => usize::from(*b),
                    None => 0,
                };
                self.handles[pick % self.handles.len()].ptr
            }
        }
    }

    fn is_live(&self, ptr: usize, kind: Kind) -> bool {
        self.handles
            .iter()
            .any(|h| h.ptr == ptr && h.kind == kind && h.live)
    }

    /// Whether an asynchronous call may be started without reaching the network: it must fail
    /// before any request (NULL callback, or a handle that is not a live one of its kind), or be
    /// answered from the cache (`get_identity_id` with a cached identity id).
    fn may_start(&self, ptr: usize, kind: Kind, with_callback: bool, cached_ok: bool) -> bool {
        if !with_callback || !self.is_live(ptr, kind) {
            return true;
        }
        if !cached_ok {
            return false;
        }
        let mut id: Option<char_p::Box> = None;
        let status = cognito_provider_cached_identity_id(ptr as *mut _, &mut id);
        let cached = id.is_some();
        cognito_string_free(id);
        drain_last_error();
        status == cognito_status::Ok && cached
    }

    fn user_data(&self) -> *mut c_void {
        self.completions.pending.fetch_add(1, Ordering::SeqCst);
        Arc::into_raw(self.completions.clone()).cast_mut().cast()
    }

    /// After an asynchronous call: if it was refused, its callback must never run, so its
    /// reference comes back here.
    fn started(&mut self, status: cognito_status, ud: *mut c_void, call: u64) {
        self.check(status);
        if status == cognito_status::Ok {
            assert_ne!(call, 0, "a started call has an id");
            self.calls.push(call);
        } else {
            take_completion(ud).pending.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn created(&mut self, status: cognito_status, ptr: usize, kind: Kind) {
        if status == cognito_status::Ok {
            assert!(ptr != 0 && ptr & FORGED == 0, "handle {ptr:#x}");
            self.handles.push(Handle {
                ptr,
                kind,
                live: true,
            });
        } else {
            assert_eq!(ptr, FORGED, "output written on failure");
        }
    }

    fn mark_freed(&mut self, ptr: usize, kind: Kind) {
        for h in &mut self.handles {
            if h.ptr == ptr && h.kind == kind {
                h.live = false;
            }
        }
    }

    /// The contract of every synchronous call: no panic reaches the boundary, and a failure sets
    /// the thread's last error message.
    fn check(&self, status: cognito_status) {
        assert_ne!(status, cognito_status::ErrPanic, "{:?}", last_error());
        let message = last_error();
        if trace() {
            eprintln!(
                "  -> {status:?} {:?}",
                message.as_deref().map(String::from_utf8_lossy)
            );
        }
        if status != cognito_status::Ok {
            assert!(message.is_some(), "{status:?} without a last error message");
        }
    }

    /// Frees what is left, restores the library for the next input, waits for completions.
    fn finish(mut self) {
        for h in std::mem::take(&mut self.handles) {
            if h.live {
                let status = match h.kind {
                    Kind::Provider => cognito_provider_free(h.ptr as *mut _),
                    Kind::DeveloperClient => cognito_developer_client_free(h.ptr as *mut _),
                };
                self.check(status);
            }
        }
        self.check(cognito_set_log_sink(None, std::ptr::null_mut(), 0));
        self.check(ensure_running(-1));
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.completions.pending.load(Ordering::SeqCst) > 0 {
            assert!(
                Instant::now() < deadline,
                "calls never completed: {}",
                self.completions.pending.load(Ordering::SeqCst)
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        let violations = self
            .completions
            .violations
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        assert!(violations.is_empty(), "{violations:?}");
        // Every provider is freed (or gone with a shutdown): its store callbacks no longer run.
        drop(std::mem::take(&mut self.stores));
    }
}

/// Whether the library runs, its runtime threads started (see [`ensure_running`]).
static SETTLED: AtomicBool = AtomicBool::new(false);

/// `cognito_init`, then, if that started the runtime, a wait until both of its threads run:
/// libFuzzer's leak check cannot see what a thread that is still starting holds, and would
/// report it as leaked.
fn ensure_running(log_level: i32) -> cognito_status {
    let status = cognito_init(0, log_level);
    if status == cognito_status::Ok && !SETTLED.swap(true, Ordering::SeqCst) {
        settle();
    }
    status
}

static SETTLING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// Two calls whose callbacks wait for each other: both complete only once both runtime threads
/// run (bounded, in case one never does).
fn settle() {
    *SETTLING.0.lock().unwrap_or_else(|p| p.into_inner()) = 0;
    for _ in 0..2 {
        let no_id = std::ptr::null_mut();
        let status = cognito_provider_get_identity_id(
            FORGED as *mut _,
            Some(on_settle),
            std::ptr::null_mut(),
            no_id,
        );
        if status != cognito_status::Ok {
            drain_last_error();
            return;
        }
    }
    let met = SETTLING.0.lock().unwrap_or_else(|p| p.into_inner());
    let _ = SETTLING
        .1
        .wait_timeout_while(met, Duration::from_secs(5), |n| *n < 2);
}

unsafe extern "C" fn on_settle(
    _: *mut c_void,
    _: cognito_status,
    _: *const c_char,
    _: *const cognito_error,
) {
    let mut met = SETTLING.0.lock().unwrap_or_else(|p| p.into_inner());
    *met += 1;
    SETTLING.1.notify_all();
    // Hold this thread until the other one has run the other call.
    let _ = SETTLING
        .1
        .wait_timeout_while(met, Duration::from_secs(5), |n| *n < 2);
}

fn out_ptr<T>(slot: &mut T, null: bool) -> *mut T {
    match null {
        true => std::ptr::null_mut(),
        false => slot,
    }
}

fn unchanged_on_failure(status: cognito_status, unchanged: bool) {
    if status != cognito_status::Ok {
        assert!(unchanged, "output written on failure");
    }
}

/// Takes (and frees) the calling thread's last error message.
fn last_error() -> Option<Vec<u8>> {
    let m = cognito_last_error_message();
    let text = m.as_ref().map(|s| s.to_bytes().to_vec());
    cognito_string_free(m);
    text
}

fn drain_last_error() {
    let _ = last_error();
}

/// Takes back a call's reference to the session's completions.
fn take_completion(ud: *mut c_void) -> Arc<Completions> {
    // SAFETY: `ud` came from `Session::user_data` and each call gives it back once.
    unsafe { Arc::from_raw(ud.cast_const().cast::<Completions>()) }
}

/// Records one completion: its status must be meaningful and its pointers valid.
fn complete(ud: *mut c_void, status: cognito_status, ok_value: bool, error: *const cognito_error) {
    let completions = take_completion(ud);
    let mut bad = Vec::new();
    if status == cognito_status::ErrPanic {
        bad.push("completed with ErrPanic".to_owned());
    }
    if status == cognito_status::Ok && !ok_value {
        bad.push("OK without a value".to_owned());
    }
    if status != cognito_status::Ok {
        // SAFETY: the contract: `error` is valid during the callback.
        match unsafe { error.as_ref() } {
            Some(e) if !e.code.is_null() && !e.message.is_null() => {
                // SAFETY: valid C strings during the callback.
                unsafe { (read_c(e.code), read_c(e.message), read_c(e.request_id)) };
            }
            _ => bad.push(format!("{status:?} without an error")),
        }
    }
    for b in bad {
        completions.violation(b);
    }
    completions.pending.fetch_sub(1, Ordering::SeqCst);
}

/// # Safety
/// `p` is NULL or a valid C string.
unsafe fn read_c(p: *const c_char) -> usize {
    if p.is_null() {
        return 0;
    }
    // SAFETY: as documented.
    unsafe { CStr::from_ptr(p.cast()) }.to_bytes().len()
}

unsafe extern "C" fn on_identity(
    ud: *mut c_void,
    status: cognito_status,
    id: *const c_char,
    error: *const cognito_error,
) {
    // SAFETY: valid during the callback.
    let ok = !id.is_null() && unsafe { read_c(id) } > 0;
    complete(ud, status, ok, error);
}

unsafe extern "C" fn on_credentials(
    ud: *mut c_void,
    status: cognito_status,
    credentials: *const cognito_credentials,
    error: *const cognito_error,
) {
    complete(ud, status, !credentials.is_null(), error);
}

unsafe extern "C" fn on_developer_token(
    ud: *mut c_void,
    status: cognito_status,
    id: *const c_char,
    token: *const c_char,
    error: *const cognito_error,
) {
    complete(ud, status, !id.is_null() && !token.is_null(), error);
}

unsafe extern "C" fn on_developer_lookup(
    ud: *mut c_void,
    status: cognito_status,
    _id: *const c_char,
    ids: *const *const c_char,
    count: usize,
    _next: *const c_char,
    error: *const cognito_error,
) {
    complete(ud, status, count == 0 || !ids.is_null(), error);
}

unsafe extern "C" fn on_done(ud: *mut c_void, status: cognito_status, error: *const cognito_error) {
    complete(ud, status, true, error);
}

unsafe extern "C" fn on_token_request(_: *mut c_void, _: *const c_char, _: u64) {}

unsafe extern "C" fn on_developer_request(_: *mut c_void, _: u64) {}

unsafe extern "C" fn on_identity_changed(_: *mut c_void, _old: *const c_char, _new: *const c_char) {
}

unsafe extern "C" fn on_log(
    _: *mut c_void,
    _level: i32,
    target: *const c_char,
    message: *const c_char,
) {
    // SAFETY: valid C strings during the callback.
    unsafe { (read_c(target), read_c(message)) };
}

unsafe extern "C" fn store_load(
    ud: *mut c_void,
    _pool: *const c_char,
    buffer: *mut c_char,
    capacity: usize,
) -> usize {
    // SAFETY: `ud` is the provider's StoreData, alive until the provider is freed; `buffer` has
    // `capacity` bytes.
    let data = unsafe { &*ud.cast::<StoreData>() };
    let n = data.stored.len().min(capacity);
    unsafe { std::ptr::copy_nonoverlapping(data.stored.as_ptr(), buffer.cast::<u8>(), n) };
    data.stored.len()
}

unsafe extern "C" fn store_save(_: *mut c_void, _pool: *const c_char, _id: *const c_char) {}

unsafe extern "C" fn store_clear(_: *mut c_void, _pool: *const c_char) {}

/// [`confine_paths`] for a NUL-terminated argument (left alone unless it is UTF-8 JSON).
fn confine_c_paths(arg: &[u8]) -> Vec<u8> {
    let text = &arg[..arg.len() - 1];
    let Ok(json) = std::str::from_utf8(text) else {
        return arg.to_vec();
    };
    let mut v = confine_paths(json).into_owned().into_bytes();
    v.push(0);
    v
}
