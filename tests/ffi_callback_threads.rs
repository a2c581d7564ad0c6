//! Host callbacks run on the library's callback threads, never on its network threads: a host
//! callback that blocks (a PlayerPrefs write, a slow disk, a breakpoint) delays no other
//! provider's requests. The library runs with ONE network thread here, so a callback on it would
//! stop everything. Its own test binary: it sets the process-wide library's thread count.

mod common;

use cognito_native::ffi::*;
use common::ffi::*;
use common::*;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How long the blocking callbacks block.
const BLOCK: Duration = Duration::from_secs(2);

fn one_network_thread() {
    assert_eq!(cognito_init(1, -1), cognito_status::Ok);
}

/// What a blocking callback does: whether it was entered, is blocking now, and how often it ran.
#[derive(Default)]
struct Blocking {
    entered: AtomicBool,
    blocking: AtomicBool,
    calls: AtomicU32,
}

impl Blocking {
    fn leaked() -> &'static Blocking {
        Box::leak(Box::default())
    }

    fn ud(&'static self) -> *mut c_void {
        (self as *const Blocking).cast_mut().cast()
    }

    /// Blocks the calling (library) thread for [`BLOCK`].
    unsafe fn block(ud: *mut c_void) {
        let b = &*ud.cast::<Blocking>();
        b.calls.fetch_add(1, Ordering::SeqCst);
        b.blocking.store(true, Ordering::SeqCst);
        b.entered.store(true, Ordering::SeqCst);
        std::thread::sleep(BLOCK);
        b.blocking.store(false, Ordering::SeqCst);
    }

    fn wait_entered(&self) {
        for _ in 0..1000 {
            if self.entered.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the blocking callback was never called");
    }
}

unsafe extern "C" fn slow_save(
    ud: *mut c_void,
    _pool: *const safer_ffi::c_char,
    _id: *const safer_ffi::c_char,
) {
    Blocking::block(ud);
}

unsafe extern "C" fn slow_identity_changed(
    ud: *mut c_void,
    _old: *const safer_ffi::c_char,
    _new: *const safer_ffi::c_char,
) {
    Blocking::block(ud);
}

unsafe extern "C" fn slow_log(
    ud: *mut c_void,
    _level: i32,
    _target: *const safer_ffi::c_char,
    _text: *const safer_ffi::c_char,
) {
    Blocking::block(ud);
}

/// Another provider gets credentials while `blocking` is inside its callback, which is still
/// blocked when they arrive.
fn other_provider_completes_meanwhile(url: &str, blocking: &Blocking) {
    let other = new_provider(url, DEFAULT_UNAUTH_POOL_ID, "");
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_credentials(other, Some(on_credentials), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, id, err) = rx
        .recv_timeout(BLOCK * 5)
        .expect("the other call completes");
    assert_eq!(status, cognito_status::Ok, "{err:?}");
    assert!(id.is_some());
    assert!(
        blocking.blocking.load(Ordering::SeqCst),
        "the other provider's credentials came only after the blocking callback returned"
    );
    assert_eq!(cognito_provider_free(other), cognito_status::Ok);
}

/// Asks `p` for its identity id, which makes `blocking` block; meanwhile another provider gets
/// credentials. Returns where `p`'s own completion arrives.
fn identity_while_blocked(
    p: *mut cognito_provider,
    url: &str,
    blocking: &Blocking,
) -> mpsc::Receiver<Done> {
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_identity_id(p, Some(on_identity), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    blocking.wait_entered();
    other_provider_completes_meanwhile(url, blocking);
    rx
}

/// The blocked provider's own call: completes once its blocking callback returned (its
/// callbacks run in order), with an identity id.
fn completes_after(rx: mpsc::Receiver<Done>, blocking: &Blocking) {
    let (status, id, err) = rx
        .recv_timeout(BLOCK * 5)
        .expect("the blocked provider's call completes");
    assert_eq!(status, cognito_status::Ok, "{err:?}");
    assert!(id.is_some());
    assert!(!blocking.blocking.load(Ordering::SeqCst));
    assert_eq!(blocking.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_store_save_that_blocks_delays_no_other_provider() {
    one_network_thread();
    let (_rt, emu) = emulator_on_own_runtime();
    let blocking = Blocking::leaked();
    let (pool, options) = (
        cstr(DEFAULT_UNAUTH_POOL_ID),
        emulator_options(&emu.url(), ""),
    );
    let mut p = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_new_with_store(
            arg(&pool),
            arg(&options),
            None,
            Some(slow_save),
            None,
            blocking.ud(),
            &mut p
        ),
        cognito_status::Ok
    );
    let rx = identity_while_blocked(p, &emu.url(), blocking);
    // The id is saved before it is handed out.
    completes_after(rx, blocking);
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}

#[test]
fn an_identity_changed_callback_that_blocks_delays_no_other_provider() {
    one_network_thread();
    let (_rt, emu) = emulator_on_own_runtime();
    let blocking = Blocking::leaked();
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    assert_eq!(
        cognito_provider_set_identity_changed_callback(
            p,
            Some(slow_identity_changed),
            blocking.ud()
        ),
        cognito_status::Ok
    );
    let rx = identity_while_blocked(p, &emu.url(), blocking);
    // The identity change is told before the completion that brought it.
    completes_after(rx, blocking);
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}

#[test]
fn a_log_sink_that_blocks_delays_no_request() {
    one_network_thread();
    let (_rt, emu) = emulator_on_own_runtime();
    let blocking = Blocking::leaked();
    assert_eq!(
        cognito_set_log_sink(Some(slow_log), blocking.ud(), 4),
        cognito_status::Ok
    );
    // The first line logged blocks the sink; every later one waits behind it, not the requests.
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    let rx = identity_while_blocked(p, &emu.url(), blocking);
    let (status, _, err) = rx.recv_timeout(BLOCK * 5).expect("the call completes");
    assert_eq!(status, cognito_status::Ok, "{err:?}");
    assert_eq!(
        cognito_set_log_sink(None, std::ptr::null_mut(), 0),
        cognito_status::Ok
    );
    let calls = blocking.calls.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        blocking.calls.load(Ordering::SeqCst),
        calls,
        "the removed sink was called again"
    );
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}
