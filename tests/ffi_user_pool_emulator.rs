//! User pools through the C ABI against the emulator's user pools (server-side SRP): a session
//! store kept by the host (cognito_user_pool_new_with_store) across launches, a session resumed
//! from a refresh token the app kept (cognito_user_pool_resume), the user's attributes
//! (cognito_user_session_attributes), where a code went (cognito_user_pool_forgot_password,
//! cognito_user_pool_resend_confirmation_code), and misuse of the three.

mod common;

use cognito_emulator::{
    CodeKind, Emulator, EmulatorConfig, SeedUser, UserPoolConfig, UserStatus,
    DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_ID,
};
use cognito_native::ffi::*;
use common::ffi::*;
use common::host_store::HostMap;
use common::*;
use std::ffi::{c_void, CString};
use std::sync::mpsc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const PASSWORD: &str = "Correct-Horse-9";

fn emulator_with_alice() -> (tokio::runtime::Runtime, Emulator) {
    let mut pool = UserPoolConfig::default_pool();
    pool.users = vec![
        SeedUser::new("alice", PASSWORD)
            .with_attribute("email", "alice@example.com")
            .with_attribute("email_verified", "true"),
        SeedUser::new("erin", PASSWORD)
            .with_status(UserStatus::Unconfirmed)
            .with_attribute("email", "erin@example.com"),
    ];
    emulator_on_own_runtime_with(EmulatorConfig {
        user_pools: vec![pool],
        ..Default::default()
    })
}

fn pool_options(emu: &Emulator) -> CString {
    cstr(&format!(
        r#"{{"endpoint":"{}","allow_http_loopback":true,"use_environment":false,"max_attempts":1}}"#,
        emu.url()
    ))
}

fn new_pool(emu: &Emulator, store: Option<&'static HostMap>) -> *mut cognito_user_pool {
    let (id, client, options) = (
        cstr(DEFAULT_USER_POOL_ID),
        cstr(DEFAULT_USER_POOL_CLIENT_ID),
        pool_options(emu),
    );
    let store = store.map(HostMap::as_store);
    let mut pool = std::ptr::null_mut();
    assert_eq!(
        cognito_user_pool_new_with_store(
            arg(&id),
            arg(&client),
            arg(&options),
            store.as_ref().map_or(std::ptr::null(), |s| s as *const _),
            &mut pool
        ),
        cognito_status::Ok,
        "{}",
        last_error()
    );
    pool
}

fn channel<T>() -> (*mut c_void, mpsc::Receiver<T>) {
    let (tx, rx) = mpsc::channel::<T>();
    (Box::into_raw(Box::new(tx)).cast(), rx)
}

/// A sign-in's outcome: status, session handle, error kind.
type Signed = (cognito_status, usize, Option<u32>);

unsafe extern "C" fn on_sign_in(
    ud: *mut c_void,
    status: cognito_status,
    r: *const cognito_sign_in,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<Signed>>());
    let session = r.as_ref().map_or(0, |r| r.session as usize);
    let _ = tx.send((status, session, error.as_ref().map(|e| e.kind)));
}

/// Waits for the one completion of a call started with `start(callback data)`.
fn completion<T: Send + 'static>(start: impl FnOnce(*mut c_void) -> cognito_status) -> T {
    let (ud, rx) = channel::<T>();
    assert_eq!(start(ud), cognito_status::Ok, "{}", last_error());
    let done = rx.recv_timeout(WAIT).expect("the call completes");
    assert!(
        rx.recv_timeout(Duration::from_millis(50)).is_err(),
        "completed twice"
    );
    done
}

fn sign_in(pool: *mut cognito_user_pool) -> *mut cognito_user_session {
    let (status, session, kind) = sign_in_as(pool, "alice", PASSWORD);
    assert_eq!((status, kind), (cognito_status::Ok, None));
    session as *mut _
}

fn sign_in_as(pool: *mut cognito_user_pool, user: &str, password: &str) -> Signed {
    let (user, password) = (cstr(user), cstr(password));
    completion::<Signed>(|ud| {
        cognito_user_pool_sign_in(
            pool,
            arg(&user),
            arg(&password),
            cognito_auth_flow::Srp,
            Some(on_sign_in),
            ud,
            std::ptr::null_mut(),
        )
    })
}

fn resume_saved(pool: *mut cognito_user_pool) -> Signed {
    completion(|ud| {
        cognito_user_pool_resume_saved(pool, Some(on_sign_in), ud, std::ptr::null_mut())
    })
}

fn resume(pool: *mut cognito_user_pool, user: &str, refresh_token: &str) -> Signed {
    let (user, token) = (cstr(user), cstr(refresh_token));
    completion(|ud| {
        cognito_user_pool_resume(
            pool,
            arg(&user),
            arg(&token),
            None,
            Some(on_sign_in),
            ud,
            std::ptr::null_mut(),
        )
    })
}

type Attributes = (cognito_status, Vec<(String, String)>, Option<u32>);

unsafe extern "C" fn on_attributes(
    ud: *mut c_void,
    status: cognito_status,
    list: *const cognito_header,
    count: usize,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<Attributes>>());
    let list = if list.is_null() {
        vec![]
    } else {
        std::slice::from_raw_parts(list, count)
            .iter()
            .map(|h| (read(h.name).unwrap(), read(h.value).unwrap()))
            .collect()
    };
    let _ = tx.send((status, list, error.as_ref().map(|e| e.kind)));
}

fn attributes(session: *mut cognito_user_session) -> Attributes {
    completion(|ud| {
        cognito_user_session_attributes(session, Some(on_attributes), ud, std::ptr::null_mut())
    })
}

unsafe extern "C" fn on_refresh_token(
    ud: *mut c_void,
    status: cognito_status,
    t: *const cognito_user_tokens,
    _error: *const cognito_error,
) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<(cognito_status, Option<String>)>>());
    let _ = tx.send((status, t.as_ref().and_then(|t| read(t.refresh_token))));
}

fn refresh_token(session: *mut cognito_user_session) -> String {
    let (status, token) = completion::<(cognito_status, Option<String>)>(|ud| {
        cognito_user_session_tokens(
            session,
            false,
            Some(on_refresh_token),
            ud,
            std::ptr::null_mut(),
        )
    });
    assert_eq!(status, cognito_status::Ok);
    token.expect("a refresh token")
}

unsafe extern "C" fn on_done(ud: *mut c_void, status: cognito_status, _e: *const cognito_error) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<cognito_status>>());
    let _ = tx.send(status);
}

/// A code delivery's outcome: status, then medium, destination and attribute (None when the
/// callback got no delivery), error kind.
type Delivery = (cognito_status, Option<[Option<String>; 3]>, Option<u32>);

unsafe extern "C" fn on_code_delivery(
    ud: *mut c_void,
    status: cognito_status,
    d: *const cognito_code_delivery,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<Delivery>>());
    let delivery = d.as_ref().map(|d| {
        [
            read(d.delivery_medium),
            read(d.destination),
            read(d.attribute_name),
        ]
    });
    let _ = tx.send((status, delivery, error.as_ref().map(|e| e.kind)));
}

fn store_key() -> String {
    format!("{DEFAULT_USER_POOL_ID}:{DEFAULT_USER_POOL_CLIENT_ID}")
}

#[test]
fn a_host_session_store_keeps_the_user_signed_in_across_launches() {
    let (_rt, emu) = emulator_with_alice();
    let store = HostMap::leaked();
    let pool = new_pool(&emu, Some(store));
    // Nothing kept yet: not found, and nothing sent.
    assert_eq!(resume_saved(pool).0, cognito_status::ErrNotFound);

    let session = sign_in(pool);
    let token = refresh_token(session);
    wait_until("the session is saved", || store.get(&store_key()).is_some());
    let saved: serde_json::Value = serde_json::from_str(&store.get(&store_key()).unwrap()).unwrap();
    assert_eq!(saved["username"], "alice");
    assert_eq!(saved["refresh_token"], token.as_str());

    let (status, list, _) = attributes(session);
    assert_eq!(status, cognito_status::Ok);
    assert!(
        list.contains(&("email".into(), "alice@example.com".into())),
        "{list:?}"
    );
    assert!(list.iter().any(|(k, v)| k == "sub" && !v.is_empty()));
    assert_eq!(cognito_user_session_free(session), cognito_status::Ok);
    assert_eq!(cognito_user_pool_free(pool), cognito_status::Ok);

    // The next launch: a new pool client over the same host store signs in with no password.
    let pool = new_pool(&emu, Some(store));
    let (status, session, _) = resume_saved(pool);
    assert_eq!(status, cognito_status::Ok);
    let session = session as *mut cognito_user_session;
    assert_eq!(attributes(session).0, cognito_status::Ok);

    // Signing out forgets it in the host's store too.
    let status = completion::<cognito_status>(|ud| {
        cognito_user_session_sign_out(session, false, Some(on_done), ud, std::ptr::null_mut())
    });
    assert_eq!(status, cognito_status::Ok);
    wait_until("the session is forgotten", || {
        store.get(&store_key()).is_none()
    });
    assert!(store.calls("clear") >= 1);
    assert_eq!(resume_saved(pool).0, cognito_status::ErrNotFound);

    // A corrupt value in the host's store is no session, not a crash.
    store.set(&store_key(), "{not json".into());
    assert_eq!(resume_saved(pool).0, cognito_status::ErrNotFound);
    assert_eq!(cognito_user_session_free(session), cognito_status::Ok);
    assert_eq!(cognito_user_pool_free(pool), cognito_status::Ok);
}

#[test]
fn a_session_resumes_from_a_refresh_token_the_app_kept() {
    let (_rt, emu) = emulator_with_alice();
    let pool = new_pool(&emu, None);
    let first = sign_in(pool);
    let token = refresh_token(first);

    let (status, session, _) = resume(pool, "alice", &token);
    assert_eq!(status, cognito_status::Ok);
    let session = session as *mut cognito_user_session;
    let (status, list, _) = attributes(session);
    assert_eq!(status, cognito_status::Ok);
    assert!(list.contains(&("email".into(), "alice@example.com".into())));

    // A token the pool does not know: NotAuthorized, through the callback.
    let (status, session_of_bad, kind) = resume(pool, "alice", "not-a-refresh-token");
    assert_eq!(
        (status, session_of_bad, kind),
        (cognito_status::ErrFailed, 0, Some(1))
    );
    for s in [first, session] {
        assert_eq!(cognito_user_session_free(s), cognito_status::Ok);
    }
    assert_eq!(cognito_user_pool_free(pool), cognito_status::Ok);
}

#[test]
fn misuse_of_resume_and_attributes_gives_error_statuses() {
    let (_rt, emu) = emulator_with_alice();
    let pool = new_pool(&emu, None);
    let (user, token) = (cstr("alice"), cstr("token"));
    let nul = std::ptr::null_mut();
    assert_eq!(
        cognito_user_pool_resume(
            pool,
            None,
            arg(&token),
            None,
            Some(on_sign_in),
            nul,
            nul.cast()
        ),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_user_pool_resume(
            pool,
            arg(&user),
            None,
            None,
            Some(on_sign_in),
            nul,
            nul.cast()
        ),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_user_pool_resume(pool, arg(&user), arg(&token), None, None, nul, nul.cast()),
        cognito_status::ErrNullArgument
    );
    let bad_utf8 = CString::new(vec![0xff, 0xfe]).unwrap();
    assert_eq!(
        cognito_user_pool_resume(
            pool,
            arg(&bad_utf8),
            arg(&token),
            None,
            Some(on_sign_in),
            nul,
            nul.cast()
        ),
        cognito_status::ErrInvalidUtf8
    );
    assert_eq!(
        cognito_user_session_attributes(nul.cast(), None, nul, nul.cast()),
        cognito_status::ErrNullArgument
    );
    // Forged handles: through the callback, as every asynchronous failure.
    let forged_pool = 0x4321 as *mut cognito_user_pool;
    assert_eq!(
        resume(forged_pool, "alice", "token").0,
        cognito_status::ErrInvalidHandle
    );
    let forged = 0x4321 as *mut cognito_user_session;
    assert_eq!(attributes(forged).0, cognito_status::ErrInvalidHandle);
    // A store struct with no callbacks is a store that keeps nothing.
    let empty = cognito_store {
        load: None,
        save: None,
        clear: None,
        user_data: nul,
    };
    let (id, client, options) = (
        cstr(DEFAULT_USER_POOL_ID),
        cstr(DEFAULT_USER_POOL_CLIENT_ID),
        pool_options(&emu),
    );
    let mut with_empty = std::ptr::null_mut();
    assert_eq!(
        cognito_user_pool_new_with_store(
            arg(&id),
            arg(&client),
            arg(&options),
            &empty,
            &mut with_empty
        ),
        cognito_status::Ok
    );
    let session = sign_in(with_empty);
    assert_eq!(resume_saved(with_empty).0, cognito_status::ErrNotFound);
    assert_eq!(cognito_user_session_free(session), cognito_status::Ok);
    for p in [pool, with_empty] {
        assert_eq!(cognito_user_pool_free(p), cognito_status::Ok);
    }
}

#[test]
fn forgot_password_and_a_new_sign_up_code_say_where_the_code_went() {
    let (_rt, emu) = emulator_with_alice();
    let pool = new_pool(&emu, None);
    let alice = cstr("alice");
    let (status, delivery, kind) = completion::<Delivery>(|ud| {
        cognito_user_pool_forgot_password(
            pool,
            arg(&alice),
            Some(on_code_delivery),
            ud,
            std::ptr::null_mut(),
        )
    });
    assert_eq!((status, kind), (cognito_status::Ok, None));
    let [medium, destination, attribute] = delivery.expect("the pool said where the code went");
    assert_eq!(medium.as_deref(), Some("EMAIL"));
    assert_eq!(attribute.as_deref(), Some("email"));
    let destination = destination.expect("a masked destination");
    assert!(
        destination.starts_with("a***@") && !destination.contains("alice"),
        "{destination}"
    );

    // The code that went there resets the password.
    let code = emu
        .last_code(DEFAULT_USER_POOL_ID, "alice", CodeKind::ForgotPassword)
        .expect("a code was sent")
        .code;
    let (code, new_password) = (cstr(&code), cstr("Reset-Horse-10"));
    let status = completion::<cognito_status>(|ud| {
        cognito_user_pool_confirm_forgot_password(
            pool,
            arg(&alice),
            arg(&code),
            arg(&new_password),
            Some(on_done),
            ud,
            std::ptr::null_mut(),
        )
    });
    assert_eq!(status, cognito_status::Ok);
    assert_eq!(
        sign_in_as(pool, "alice", PASSWORD).2,
        Some(cognito_error_kind::NotAuthorized as u32)
    );
    let (status, session, _) = sign_in_as(pool, "alice", "Reset-Horse-10");
    assert_eq!(status, cognito_status::Ok);
    assert_eq!(
        cognito_user_session_free(session as *mut _),
        cognito_status::Ok
    );

    // A new sign-up code for a user who has not confirmed yet.
    let erin = cstr("erin");
    let (status, delivery, _) = completion::<Delivery>(|ud| {
        cognito_user_pool_resend_confirmation_code(
            pool,
            arg(&erin),
            Some(on_code_delivery),
            ud,
            std::ptr::null_mut(),
        )
    });
    assert_eq!(status, cognito_status::Ok);
    let [medium, destination, _] = delivery.expect("the pool said where the code went");
    assert_eq!(medium.as_deref(), Some("EMAIL"));
    assert!(destination.is_some_and(|d| d.starts_with("e***@")));
    assert!(emu
        .last_code(DEFAULT_USER_POOL_ID, "erin", CodeKind::SignUp)
        .is_some());

    // A NULL callback is refused at once; an unknown user completes with the pool's error.
    assert_eq!(
        cognito_user_pool_forgot_password(
            pool,
            arg(&alice),
            None,
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        cognito_status::ErrNullArgument
    );
    let nobody = cstr("nobody");
    let (status, delivery, kind) = completion::<Delivery>(|ud| {
        cognito_user_pool_resend_confirmation_code(
            pool,
            arg(&nobody),
            Some(on_code_delivery),
            ud,
            std::ptr::null_mut(),
        )
    });
    assert_ne!(status, cognito_status::Ok);
    assert!(delivery.is_none() && kind.is_some());
    assert_eq!(cognito_user_pool_free(pool), cognito_status::Ok);
}
