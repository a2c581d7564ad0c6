//! Persisted credentials and prefetch through the C ABI: host-kept stores
//! (cognito_provider_new_with_stores), the file store option, cognito_provider_prefetch.

mod common;

use cognito_emulator::Emulator;
use cognito_native::ffi::*;
use common::ffi::*;
use common::*;
use std::collections::HashMap;
use std::ffi::{c_void, CStr};
use std::sync::Mutex;
use std::time::Duration;

/// A host store: values by pool id, and a log of the calls.
#[derive(Default)]
struct HostMap {
    values: Mutex<HashMap<String, String>>,
    calls: Mutex<Vec<String>>,
}

impl HostMap {
    fn leaked() -> &'static HostMap {
        Box::leak(Box::default())
    }

    fn get(&self, pool: &str) -> Option<String> {
        self.values.lock().unwrap().get(pool).cloned()
    }

    fn calls(&self, kind: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| *c == kind)
            .count()
    }

    fn as_store(&'static self) -> cognito_store {
        cognito_store {
            load: Some(load),
            save: Some(save),
            clear: Some(clear),
            user_data: (self as *const HostMap).cast_mut().cast(),
        }
    }
}

unsafe fn host<'a>(ud: *mut c_void) -> &'a HostMap {
    &*ud.cast::<HostMap>()
}

unsafe extern "C" fn load(
    ud: *mut c_void,
    pool: *const safer_ffi::c_char,
    buf: *mut safer_ffi::c_char,
    cap: usize,
) -> usize {
    let h = host(ud);
    h.calls.lock().unwrap().push("load".into());
    let pool = CStr::from_ptr(pool.cast()).to_str().unwrap();
    let Some(value) = h.get(pool) else {
        return 0;
    };
    // The length even when it does not fit: the library asks again with room for it.
    if value.len() < cap {
        std::ptr::copy_nonoverlapping(value.as_ptr(), buf.cast::<u8>(), value.len());
        *buf.add(value.len()).cast::<u8>() = 0;
    }
    value.len()
}

unsafe extern "C" fn save(
    ud: *mut c_void,
    pool: *const safer_ffi::c_char,
    value: *const safer_ffi::c_char,
) {
    let h = host(ud);
    h.calls.lock().unwrap().push("save".into());
    let pool = CStr::from_ptr(pool.cast()).to_str().unwrap().to_owned();
    let value = CStr::from_ptr(value.cast()).to_str().unwrap().to_owned();
    h.values.lock().unwrap().insert(pool, value);
}

unsafe extern "C" fn clear(ud: *mut c_void, pool: *const safer_ffi::c_char) {
    let h = host(ud);
    h.calls.lock().unwrap().push("clear".into());
    let pool = CStr::from_ptr(pool.cast()).to_str().unwrap();
    h.values.lock().unwrap().remove(pool);
}

fn new_with_stores(
    emu: &Emulator,
    identity: Option<&'static HostMap>,
    credentials: Option<&'static HostMap>,
    extra: &str,
) -> *mut cognito_provider {
    let (pool, options) = (
        cstr(DEFAULT_UNAUTH_POOL_ID),
        emulator_options(&emu.url(), extra),
    );
    let identity = identity.map(HostMap::as_store);
    let credentials = credentials.map(HostMap::as_store);
    let ptr = |s: &Option<cognito_store>| s.as_ref().map_or(std::ptr::null(), |s| s as *const _);
    let mut p = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_new_with_stores(
            arg(&pool),
            arg(&options),
            ptr(&identity),
            ptr(&credentials),
            &mut p
        ),
        cognito_status::Ok,
        "{}",
        last_error()
    );
    p
}

fn get_credentials(p: *mut cognito_provider) -> String {
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_credentials(p, Some(on_credentials), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, id, err) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(status, cognito_status::Ok, "{err:?}");
    id.unwrap()
}

/// The access key of the cached credentials, if any (no I/O).
fn cached_key(p: *mut cognito_provider) -> Option<String> {
    let mut c = std::ptr::null_mut();
    match cognito_provider_cached_credentials(p, &mut c) {
        cognito_status::Ok => {
            // SAFETY: Ok means `c` points at credentials until they are freed.
            let key = unsafe { read((*c).access_key_id) };
            cognito_credentials_free(c);
            key
        }
        _ => None,
    }
}

fn gcfi(emu: &Emulator) -> u64 {
    emu.request_count(Operation::GetCredentialsForIdentity)
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting until {what}");
}

#[test]
fn host_stores_keep_credentials_across_launches() {
    let (_rt, emu) = emulator_on_own_runtime();
    let (ids, creds) = (HostMap::leaked(), HostMap::leaked());
    let first = new_with_stores(&emu, Some(ids), Some(creds), "");
    get_credentials(first);
    wait_until("the credentials are saved", || {
        creds.get(DEFAULT_UNAUTH_POOL_ID).is_some()
    });
    let entry = creds.get(DEFAULT_UNAUTH_POOL_ID).unwrap();
    assert!(entry.len() > 128, "longer than an identity id's buffer");
    let key = cached_key(first).unwrap();
    assert!(entry.contains(&key));
    assert_eq!(cognito_provider_free(first), cognito_status::Ok);

    // The next launch: loaded inside the call, used without a request.
    let loads = creds.calls("load");
    let sent = gcfi(&emu);
    let second = new_with_stores(&emu, Some(ids), Some(creds), "");
    assert!(creds.calls("load") > loads);
    assert_eq!(cached_key(second).as_deref(), Some(key.as_str()));
    get_credentials(second);
    assert_eq!(gcfi(&emu), sent);

    // Sign-out clears both stores inside the call.
    assert_eq!(cognito_provider_clear(second), cognito_status::Ok);
    assert_eq!(creds.get(DEFAULT_UNAUTH_POOL_ID), None);
    assert_eq!(ids.get(DEFAULT_UNAUTH_POOL_ID), None);
    assert_eq!(cognito_provider_free(second), cognito_status::Ok);

    // A login change drops them: a new launch with another player's login.
    let p = new_with_stores(&emu, Some(ids), Some(creds), "");
    get_credentials(p);
    wait_until("saved", || creds.get(DEFAULT_UNAUTH_POOL_ID).is_some());
    let (name, token) = (cstr("graph.facebook.com"), cstr("player-3"));
    assert_eq!(
        cognito_provider_add_login(p, arg(&name), arg(&token)),
        cognito_status::Ok
    );
    wait_until("cleared", || creds.get(DEFAULT_UNAUTH_POOL_ID).is_none());
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}

#[test]
fn a_huge_or_garbage_host_entry_is_ignored() {
    let (_rt, emu) = emulator_on_own_runtime();
    let (ids, creds) = (HostMap::leaked(), HostMap::leaked());
    // (text, load calls): a text longer than the first buffer is read again into one that fits;
    // one over the limit is refused after that.
    for (garbage, loads) in [
        ("not json".to_owned(), 1),
        ("y".repeat(10_000), 2),
        ("x".repeat(200_000), 1),
        ("{\"v\":1}".to_owned(), 1),
    ] {
        creds
            .values
            .lock()
            .unwrap()
            .insert(DEFAULT_UNAUTH_POOL_ID.into(), garbage);
        let before = creds.calls("load");
        let p = new_with_stores(&emu, Some(ids), Some(creds), "");
        assert_eq!(creds.calls("load") - before, loads);
        assert_eq!(cached_key(p), None);
        get_credentials(p);
        assert_eq!(cognito_provider_free(p), cognito_status::Ok);
    }
}

#[test]
fn without_a_credentials_store_nothing_is_persisted() {
    let (_rt, emu) = emulator_on_own_runtime();
    let ids = HostMap::leaked();
    let p = new_with_stores(&emu, Some(ids), None, "");
    get_credentials(p);
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
    let again = new_with_stores(&emu, Some(ids), None, "");
    assert_eq!(cached_key(again), None);
    assert_eq!(cognito_provider_free(again), cognito_status::Ok);
    // NULL for both: a provider in memory.
    let p = new_with_stores(&emu, None, None, "");
    get_credentials(p);
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}

#[test]
fn the_file_store_option_and_prefetch() {
    let (_rt, emu) = emulator_on_own_runtime();
    let dir = tempfile::tempdir().unwrap();
    let extra = format!(
        r#","identity_store_dir":{},"persist_credentials":true,"prefetch":true"#,
        serde_json::to_string(dir.path().to_str().unwrap()).unwrap()
    );
    // Prefetch: the credentials arrive without being asked for.
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, &extra);
    wait_until("prefetched", || cached_key(p).is_some());
    let key = cached_key(p).unwrap();
    let file = cognito_native::FileIdentityStore::new(dir.path())
        .credentials_path_for(DEFAULT_UNAUTH_POOL_ID);
    wait_until("written", || file.exists());
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);

    // The next launch sends nothing, prefetch or not.
    let sent = (emu.request_count(Operation::GetId), gcfi(&emu));
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, &extra);
    assert_eq!(cached_key(p).as_deref(), Some(key.as_str()));
    assert_eq!(cognito_provider_prefetch(p), cognito_status::Ok);
    assert_eq!((emu.request_count(Operation::GetId), gcfi(&emu)), sent);
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);

    // Explicit prefetch on a provider without the option; then the ask joins it.
    let q = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    assert_eq!(cognito_provider_prefetch(q), cognito_status::Ok);
    get_credentials(q);
    assert_eq!(gcfi(&emu), sent.1 + 1);
    assert_eq!(cognito_provider_free(q), cognito_status::Ok);

    // Misuse: a handle that is not one, persist_credentials without a store.
    assert_eq!(
        cognito_provider_prefetch(std::ptr::null_mut()),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_provider_prefetch(q),
        cognito_status::ErrInvalidHandle,
        "a freed handle"
    );
    let (pool, bad) = (
        cstr(DEFAULT_UNAUTH_POOL_ID),
        emulator_options(&emu.url(), r#","persist_credentials":true"#),
    );
    let mut p = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_new(arg(&pool), arg(&bad), &mut p),
        cognito_status::ErrInvalidArgument
    );
    assert!(
        last_error().contains("persist_credentials"),
        "{}",
        last_error()
    );
}
