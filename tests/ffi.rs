//! The C ABI called from Rust: completions, sync reads, misuse. (C programs in tests/c/ cover the
//! same ground from C under AddressSanitizer and valgrind.)

mod common;

use cognito_native::ffi::*;
use common::ffi::*;
use common::*;
use std::ffi::{c_void, CString};
use std::sync::mpsc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_and_credentials_through_callbacks() {
    let emu = emulator().await;
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");

    let (ud, rx) = user_data();
    let mut call = 0u64;
    assert_eq!(
        cognito_provider_get_credentials(p, Some(on_credentials), ud, &mut call),
        cognito_status::Ok
    );
    assert!(call > 0);
    let (status, id, err) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, cognito_status::Ok);
    assert!(err.is_none());
    let id = id.unwrap();

    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_identity_id(p, Some(on_identity), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap().1.as_ref(),
        Some(&id)
    );

    // Sync reads, without I/O.
    let mut out = None;
    assert_eq!(
        cognito_provider_cached_identity_id(p, &mut out),
        cognito_status::Ok
    );
    assert_eq!(out.as_ref().map(|s| s.to_str()), Some(id.as_str()));
    cognito_string_free(out);
    let mut creds: *mut cognito_credentials = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_cached_credentials(p, &mut creds),
        cognito_status::Ok
    );
    let c = unsafe { &*creds };
    assert_eq!(unsafe { read(c.identity_id) }.as_ref(), Some(&id));
    assert!(unsafe { read(c.access_key_id) }
        .unwrap()
        .starts_with("ASIA"));
    assert!(c.expiration > 1_700_000_000);
    cognito_credentials_free(creds);
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);

    assert_eq!(cognito_provider_clear_credentials(p), cognito_status::Ok);
    let mut creds: *mut cognito_credentials = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_cached_credentials(p, &mut creds),
        cognito_status::ErrNotFound
    );
    assert!(creds.is_null(), "outputs are written only on success");
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_errors_and_bad_handles_complete_through_the_callback() {
    let emu = emulator().await;
    let p = new_provider(&emu.url(), DEFAULT_AUTH_POOL_ID, "");
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_identity_id(p, Some(on_identity), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, id, err) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, cognito_status::ErrFailed);
    assert!(id.is_none());
    assert_eq!(err, Some((1, "NotAuthorizedException".to_string())));
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);

    // A freed handle: sync calls say so, async calls complete through the callback.
    assert_eq!(cognito_provider_clear(p), cognito_status::ErrInvalidHandle);
    assert!(last_error().contains("handle"));
    assert_eq!(cognito_provider_free(p), cognito_status::ErrInvalidHandle);
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_identity_id(p, Some(on_identity), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, _, err) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, cognito_status::ErrInvalidHandle);
    assert_eq!(err.unwrap().1, "InvalidInputError");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_free_complete_pending_calls_once() {
    let emu = emulator().await;
    emu.inject(rule(Operation::GetId, Fault::Hang, None));
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    let (ud, rx) = user_data();
    let mut call = 0;
    assert_eq!(
        cognito_provider_get_identity_id(p, Some(on_identity), ud, &mut call),
        cognito_status::Ok
    );
    assert_eq!(cognito_cancel(call), cognito_status::Ok);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap().0,
        cognito_status::ErrCancelled
    );
    assert_eq!(cognito_cancel(call), cognito_status::ErrNotFound);

    let receivers: Vec<_> = (0..5)
        .map(|_| {
            let (ud, rx) = user_data();
            assert_eq!(
                cognito_provider_get_credentials(p, Some(on_credentials), ud, std::ptr::null_mut()),
                cognito_status::Ok
            );
            rx
        })
        .collect();
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
    for rx in receivers {
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(10)).unwrap().0,
            cognito_status::ErrCancelled
        );
        // Exactly once: the sender was consumed by the first call.
        assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
    }
    emu.shutdown().await;
}

#[test]
fn misuse_gives_error_statuses() {
    let pool = cstr(DEFAULT_UNAUTH_POOL_ID);
    let mut p = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_new(None, None, &mut p),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_provider_new(arg(&pool), None, std::ptr::null_mut()),
        cognito_status::ErrNullArgument
    );
    let bad_utf8 = CString::new(vec![0xff, 0xfe]).unwrap();
    assert_eq!(
        cognito_provider_new(arg(&bad_utf8), None, &mut p),
        cognito_status::ErrInvalidUtf8
    );
    for bad in [
        "{",
        r#"{"regoin":"x"}"#,
        r#"{"max_attempts":"x"}"#,
        r#"{"endpoint":"http://127.0.0.1:1"}"#,
    ] {
        let o = cstr(bad);
        assert_eq!(
            cognito_provider_new(arg(&pool), arg(&o), &mut p),
            cognito_status::ErrInvalidArgument,
            "{bad}"
        );
        assert!(!last_error().is_empty());
    }
    let malformed = cstr("not-a-pool");
    assert_eq!(
        cognito_provider_new(arg(&malformed), None, &mut p),
        cognito_status::ErrInvalidArgument
    );
    assert!(p.is_null(), "outputs are written only on success");

    let forged = 0x1234 as *mut cognito_provider;
    let name = cstr("graph.facebook.com");
    assert_eq!(
        cognito_provider_add_login(forged, arg(&name), arg(&name)),
        cognito_status::ErrInvalidHandle
    );
    assert_eq!(
        cognito_provider_add_login(std::ptr::null_mut(), arg(&name), arg(&name)),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_provider_free(std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(
        cognito_provider_get_identity_id(forged, None, std::ptr::null_mut(), std::ptr::null_mut()),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_token_request_complete(987_654, None, None),
        cognito_status::ErrNotFound
    );
    cognito_string_free(None);
    cognito_credentials_free(std::ptr::null_mut());

    // Logins bounds, on a real provider (no I/O needed).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator());
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    let huge = cstr(&"t".repeat(50_001));
    assert_eq!(
        cognito_provider_add_login(p, arg(&name), arg(&huge)),
        cognito_status::ErrInvalidArgument
    );
    for i in 0..10 {
        let n = cstr(&format!("provider{i}.example"));
        assert_eq!(
            cognito_provider_add_login(p, arg(&n), arg(&name)),
            cognito_status::Ok
        );
    }
    let eleventh = cstr("eleven.example");
    assert_eq!(
        cognito_provider_add_login(p, arg(&eleventh), arg(&name)),
        cognito_status::ErrInvalidArgument
    );
    let mut count = 0usize;
    assert_eq!(
        cognito_provider_logins_count(p, &mut count),
        cognito_status::Ok
    );
    assert_eq!(count, 10);
    let mut list = None;
    assert_eq!(
        cognito_provider_logins_list(p, &mut list),
        cognito_status::Ok
    );
    assert_eq!(list.as_ref().unwrap().to_str().lines().count(), 10);
    cognito_string_free(list);
    let mut contains = false;
    let n0 = cstr("provider0.example");
    assert_eq!(
        cognito_provider_contains_login(p, arg(&n0), &mut contains),
        cognito_status::Ok
    );
    assert!(contains);
    assert_eq!(
        cognito_provider_remove_login(p, arg(&n0)),
        cognito_status::Ok
    );
    assert_eq!(
        cognito_provider_remove_login(p, arg(&n0)),
        cognito_status::ErrNotFound
    );
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
    assert_eq!(emu.total_requests(), 0);
}

#[test]
fn user_pool_provider_name_and_version() {
    let pool = cstr("eu-west-1_AbC");
    let mut out = None;
    assert_eq!(
        cognito_user_pool_provider_name(None, arg(&pool), &mut out),
        cognito_status::Ok
    );
    assert_eq!(
        out.as_ref().unwrap().to_str(),
        "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    );
    cognito_string_free(out);
    assert_eq!(cognito_version().to_str(), env!("CARGO_PKG_VERSION"));
}

type Lookup = (cognito_status, Option<String>, Vec<String>);

unsafe extern "C" fn on_lookup(
    user_data: *mut c_void,
    status: cognito_status,
    identity_id: *const safer_ffi::c_char,
    ids: *const *const safer_ffi::c_char,
    count: usize,
    _next_token: *const safer_ffi::c_char,
    _error: *const cognito_error,
) {
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<Lookup>>());
    let list = (0..count).filter_map(|i| read(*ids.add(i))).collect();
    let _ = tx.send((status, read(identity_id), list));
}

unsafe extern "C" fn on_done(
    user_data: *mut c_void,
    status: cognito_status,
    _error: *const cognito_error,
) {
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<cognito_status>>());
    let _ = tx.send(status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn developer_backend_calls_through_the_c_abi() {
    use cognito_emulator::DEFAULT_DEVELOPER_PROVIDER_NAME;
    let emu = emulator().await;
    let (pool, dev) = (
        cstr(DEFAULT_UNAUTH_POOL_ID),
        cstr(DEFAULT_DEVELOPER_PROVIDER_NAME),
    );
    let client = new_developer_client(&emu.url(), None);
    let player = cstr("player-3");
    let (tx, rx) = mpsc::channel::<Token>();
    let ud = Box::into_raw(Box::new(tx)).cast();
    assert_eq!(
        cognito_developer_client_get_token(
            client,
            arg(&pool),
            arg(&dev),
            arg(&player),
            None,
            Some(on_token),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    let (status, id, _) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, cognito_status::Ok);
    let id = id.unwrap();

    let (tx, rx) = mpsc::channel::<Lookup>();
    let ud = Box::into_raw(Box::new(tx)).cast();
    assert_eq!(
        cognito_developer_client_lookup(
            client,
            arg(&pool),
            None,
            arg(&player),
            10,
            None,
            Some(on_lookup),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        (
            cognito_status::Ok,
            Some(id.clone()),
            vec!["player-3".to_string()]
        )
    );

    let id_c = cstr(&id);
    let (tx, rx) = mpsc::channel::<cognito_status>();
    let ud = Box::into_raw(Box::new(tx)).cast();
    assert_eq!(
        cognito_developer_client_unlink(
            client,
            arg(&pool),
            arg(&id_c),
            arg(&dev),
            arg(&player),
            Some(on_done),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        cognito_status::Ok
    );

    // Neither an identity id nor a user id: refused at once, no callback.
    assert_eq!(
        cognito_developer_client_lookup(
            client,
            arg(&pool),
            None,
            None,
            10,
            None,
            Some(on_lookup),
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        cognito_status::ErrInvalidArgument
    );
    assert_eq!(cognito_developer_client_free(client), cognito_status::Ok);
    assert_eq!(
        cognito_developer_client_free(client),
        cognito_status::ErrInvalidHandle
    );
}
