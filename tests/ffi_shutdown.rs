//! Library shutdown through the C ABI (its own test binary: it stops the process-wide runtime).

mod common;

use cognito_native::ffi::*;
use common::*;
use std::ffi::{c_void, CString};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Threads of the library's runtime alive in this process.
fn library_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "cognito-native")
        .count()
}

static SHUTDOWN_FROM_CALLBACK: AtomicU32 = AtomicU32::new(u32::MAX);

unsafe extern "C" fn on_identity(
    user_data: *mut c_void,
    status: cognito_status,
    _identity_id: *const safer_ffi::c_char,
    _error: *const cognito_error,
) {
    if user_data.is_null() {
        SHUTDOWN_FROM_CALLBACK.store(cognito_shutdown() as u32, Ordering::SeqCst);
        return;
    }
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<cognito_status>>());
    let _ = tx.send(status);
}

fn new_provider(url: &str) -> (cognito_status, *mut cognito_provider) {
    let options = CString::new(format!(
        r#"{{"endpoint":"{url}","allow_http_loopback":true,"use_environment":false}}"#
    ))
    .unwrap();
    let pool = CString::new(DEFAULT_UNAUTH_POOL_ID).unwrap();
    let mut p = std::ptr::null_mut();
    let status = cognito_provider_new(arg(&pool), arg(&options), &mut p);
    (status, p)
}

fn start_call(p: *mut cognito_provider) -> mpsc::Receiver<cognito_status> {
    let (tx, rx) = mpsc::channel();
    let ud = Box::into_raw(Box::new(tx)).cast();
    assert_eq!(
        cognito_provider_get_identity_id(p, Some(on_identity), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    rx
}

#[test]
fn shutdown_completes_pending_calls_joins_threads_and_allows_init_again() {
    let (rt, emu) = emulator_on_own_runtime();
    assert_eq!(cognito_init(3, 0), cognito_status::Ok);
    // Threads name themselves once running: wait (bounded) for all three.
    for _ in 0..500 {
        if library_threads() == 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(library_threads(), 3);

    // Shutting down from inside a callback is refused, not a deadlock.
    let (_, p) = new_provider(&emu.url());
    assert_eq!(
        cognito_provider_get_identity_id(
            p,
            Some(on_identity),
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    for _ in 0..500 {
        if SHUTDOWN_FROM_CALLBACK.load(Ordering::SeqCst) != u32::MAX {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        SHUTDOWN_FROM_CALLBACK.load(Ordering::SeqCst),
        cognito_status::ErrWrongThread as u32
    );

    // Calls held at the server are completed, once, by the shutdown.
    emu.inject(rule(Operation::GetId, Fault::Hang, None));
    let (_, p2) = new_provider(&emu.url());
    let pending: Vec<_> = (0..20).map(|_| start_call(p2)).collect();
    assert_eq!(cognito_shutdown(), cognito_status::Ok);
    for rx in pending {
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(1)).unwrap(),
            cognito_status::ErrCancelled
        );
        assert!(rx.try_recv().is_err());
    }
    assert_eq!(library_threads(), 0, "runtime threads joined");
    assert_eq!(cognito_shutdown(), cognito_status::Ok, "twice is fine");

    // Afterwards: clean failures, and handles from before are gone.
    assert_eq!(new_provider(&emu.url()).0, cognito_status::ErrShutDown);
    let (tx, _rx) = mpsc::channel::<cognito_status>();
    let ud: *mut c_void = Box::into_raw(Box::new(tx)).cast();
    assert_eq!(
        cognito_provider_get_identity_id(p, Some(on_identity), ud, std::ptr::null_mut()),
        cognito_status::ErrShutDown
    );
    drop(unsafe { Box::from_raw(ud.cast::<mpsc::Sender<cognito_status>>()) });

    // And init brings it back.
    emu.clear_faults();
    assert_eq!(cognito_init(0, 0), cognito_status::Ok);
    assert_eq!(cognito_provider_clear(p), cognito_status::ErrInvalidHandle);
    let (status, p3) = new_provider(&emu.url());
    assert_eq!(status, cognito_status::Ok);
    assert_eq!(
        start_call(p3)
            .recv_timeout(Duration::from_secs(10))
            .unwrap(),
        cognito_status::Ok
    );
    assert_eq!(cognito_shutdown(), cognito_status::Ok);
    rt.block_on(emu.shutdown());
}
