//! User pools through the C ABI, against moto's user pools (the message flow): sign-in with SRP
//! and with the password, a new-password challenge answered, tokens, the session as a provider's
//! login up to credentials, sign-up, sign-out with its ended callback, misuse.

mod common;

use cognito_native::ffi::*;
use common::ffi::*;
use common::*;
use std::ffi::{c_void, CString};
use std::sync::mpsc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// What a sign-in callback saw: status, session handle, challenge handle and name, parameters.
type Step = (
    cognito_status,
    usize,
    usize,
    Option<String>,
    Vec<(String, String)>,
    Option<u32>,
);

unsafe extern "C" fn on_sign_in(
    ud: *mut c_void,
    status: cognito_status,
    r: *const cognito_sign_in,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<Step>>());
    let step = match r.as_ref() {
        Some(r) => {
            let params = if r.parameters.is_null() {
                vec![]
            } else {
                std::slice::from_raw_parts(r.parameters, r.parameter_count)
                    .iter()
                    .map(|p| (read(p.name).unwrap(), read(p.value).unwrap()))
                    .collect()
            };
            (
                status,
                r.session as usize,
                r.challenge as usize,
                read(r.challenge_name),
                params,
                None,
            )
        }
        None => (status, 0, 0, None, vec![], error.as_ref().map(|e| e.kind)),
    };
    let _ = tx.send(step);
}

type Tokens = (cognito_status, Option<String>, Option<String>, i64);

unsafe extern "C" fn on_tokens(
    ud: *mut c_void,
    status: cognito_status,
    t: *const cognito_user_tokens,
    _error: *const cognito_error,
) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<Tokens>>());
    let tokens = match t.as_ref() {
        Some(t) => (status, read(t.id_token), read(t.username), t.expiration),
        None => (status, None, None, 0),
    };
    let _ = tx.send(tokens);
}

type Done = (cognito_status, Option<u32>);

unsafe extern "C" fn on_done(ud: *mut c_void, status: cognito_status, error: *const cognito_error) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<Done>>());
    let _ = tx.send((status, error.as_ref().map(|e| e.kind)));
}

unsafe extern "C" fn on_sign_up(
    ud: *mut c_void,
    status: cognito_status,
    r: *const cognito_sign_up_result,
    _error: *const cognito_error,
) {
    let tx = Box::from_raw(ud.cast::<mpsc::Sender<(cognito_status, Option<String>)>>());
    let _ = tx.send((status, r.as_ref().and_then(|r| read(r.user_sub))));
}

type Ended = (bool, Option<u32>);

unsafe extern "C" fn on_ended(ud: *mut c_void, refused: bool, error: *const cognito_error) {
    let tx = &*ud.cast::<mpsc::Sender<Ended>>();
    let _ = tx.send((refused, error.as_ref().map(|e| e.kind)));
}

fn channel<T>() -> (*mut c_void, mpsc::Receiver<T>) {
    let (tx, rx) = mpsc::channel::<T>();
    (Box::into_raw(Box::new(tx)).cast(), rx)
}

struct Moto {
    moto: common::moto::Moto,
    v: serde_json::Value,
}

impl Moto {
    fn s(&self, k: &str) -> CString {
        cstr(self.v[k].as_str().unwrap())
    }

    fn pool(&self) -> *mut cognito_user_pool {
        let options = cstr(&format!(
            r#"{{"endpoint":"{}","allow_http_loopback":true,"use_environment":false,"max_attempts":1}}"#,
            self.moto.url
        ));
        let (id, client) = (self.s("user_pool_id"), self.s("client_id"));
        let mut pool = std::ptr::null_mut();
        assert_eq!(
            cognito_user_pool_new(arg(&id), arg(&client), arg(&options), &mut pool),
            cognito_status::Ok,
            "{}",
            last_error()
        );
        pool
    }
}

fn moto() -> Moto {
    let venv = python_venv();
    let moto = common::moto::start(&venv);
    let v = common::moto::set_up(&venv, &moto, "setup_user_pool.py");
    Moto { moto, v }
}

fn sign_in(
    pool: *mut cognito_user_pool,
    user: &CString,
    password: &CString,
    flow: cognito_auth_flow,
) -> Step {
    let (ud, rx) = channel::<Step>();
    assert_eq!(
        cognito_user_pool_sign_in(
            pool,
            arg(user),
            arg(password),
            flow,
            Some(on_sign_in),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    let step = rx.recv_timeout(WAIT).expect("sign-in completes");
    assert!(
        rx.recv_timeout(Duration::from_millis(100)).is_err(),
        "completed twice"
    );
    step
}

#[test]
fn sign_in_to_credentials_and_out() {
    let m = moto();
    let pool = m.pool();
    let (user, password) = (m.s("confirmed"), m.s("password"));
    for flow in [cognito_auth_flow::Password, cognito_auth_flow::Srp] {
        let (status, session, challenge, name, _, _) = sign_in(pool, &user, &password, flow);
        assert_eq!(status, cognito_status::Ok);
        assert!(session != 0 && challenge == 0 && name.is_none(), "{flow:?}");
        assert_eq!(
            cognito_user_session_free(session as *mut _),
            cognito_status::Ok
        );
    }
    let (_, session, ..) = sign_in(pool, &user, &password, cognito_auth_flow::Srp);
    let session = session as *mut cognito_user_session;

    let (ud, rx) = channel::<Tokens>();
    assert_eq!(
        cognito_user_session_tokens(session, true, Some(on_tokens), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, id_token, username, expiration) = rx.recv_timeout(WAIT).unwrap();
    assert_eq!(status, cognito_status::Ok);
    assert_eq!(id_token.unwrap().split('.').count(), 3);
    assert_eq!(username.as_deref(), Some("player-one"));
    assert!(expiration > 0);

    // The session as the identity pool's login.
    let options = emulator_options(&m.moto.url, "");
    let identity_pool = m.s("identity_pool_id");
    let mut provider = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_new(arg(&identity_pool), arg(&options), &mut provider),
        cognito_status::Ok
    );
    assert_eq!(
        cognito_provider_set_user_pool_session(provider, session),
        cognito_status::Ok
    );
    let (ud, rx) = user_data();
    assert_eq!(
        cognito_provider_get_credentials(provider, Some(on_credentials), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, identity, err) = rx.recv_timeout(WAIT).unwrap();
    assert_eq!(status, cognito_status::Ok, "{err:?}");
    assert!(identity.unwrap().starts_with("us-east-1:"));

    // Signing out ends the session: the callback hears it, the provider loses the login.
    let (ended_tx, ended_rx) = mpsc::channel::<Ended>();
    let ended_ud = Box::into_raw(Box::new(ended_tx));
    assert_eq!(
        cognito_user_session_set_ended_callback(session, Some(on_ended), ended_ud.cast()),
        cognito_status::Ok
    );
    let (ud, rx) = channel::<Done>();
    assert_eq!(
        cognito_user_session_sign_out(session, true, Some(on_done), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(rx.recv_timeout(WAIT).unwrap().0, cognito_status::Ok);
    assert_eq!(ended_rx.recv_timeout(WAIT).unwrap(), (false, None));
    let mut count = 9;
    assert_eq!(
        cognito_provider_logins_count(provider, &mut count),
        cognito_status::Ok
    );
    assert_eq!(count, 0);
    let (ud, rx) = channel::<Tokens>();
    assert_eq!(
        cognito_user_session_tokens(session, false, Some(on_tokens), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(rx.recv_timeout(WAIT).unwrap().0, cognito_status::ErrFailed);

    assert_eq!(cognito_user_session_free(session), cognito_status::Ok);
    assert_eq!(
        cognito_user_session_free(session),
        cognito_status::ErrInvalidHandle
    );
    drop(unsafe { Box::from_raw(ended_ud) });
    assert_eq!(cognito_provider_free(provider), cognito_status::Ok);
    assert_eq!(cognito_user_pool_free(pool), cognito_status::Ok);
}

#[test]
fn a_new_password_challenge_and_sign_up() {
    let m = moto();
    let pool = m.pool();
    let (status, session, challenge, name, params, _) = sign_in(
        pool,
        &m.s("fresh"),
        &m.s("temporary_password"),
        cognito_auth_flow::Password,
    );
    assert_eq!(status, cognito_status::Ok);
    assert_eq!(session, 0);
    assert_eq!(name.as_deref(), Some("NEW_PASSWORD_REQUIRED"));
    assert!(
        params
            .iter()
            .any(|(k, v)| k == "USERNAME" && v == "player-two"),
        "{params:?}"
    );
    let challenge = challenge as *mut cognito_challenge;
    let (key, value) = (cstr("NEW_PASSWORD"), cstr("Brand-New-Pass-3!"));
    let answer = [cognito_header {
        name: key.as_ptr().cast(),
        value: value.as_ptr().cast(),
    }];
    let (ud, rx) = channel::<Step>();
    assert_eq!(
        cognito_user_pool_respond(
            pool,
            challenge,
            answer.as_ptr(),
            1,
            Some(on_sign_in),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    let (status, session, ..) = rx.recv_timeout(WAIT).unwrap();
    assert_eq!(status, cognito_status::Ok);
    assert_ne!(session, 0);
    assert_eq!(
        cognito_user_session_free(session as *mut _),
        cognito_status::Ok
    );
    assert_eq!(cognito_challenge_free(challenge), cognito_status::Ok);

    let (user, password) = (cstr("c-player"), cstr("C-Player-Pass-5!"));
    let (ud, rx) = channel::<(cognito_status, Option<String>)>();
    assert_eq!(
        cognito_user_pool_sign_up(
            pool,
            arg(&user),
            arg(&password),
            std::ptr::null(),
            0,
            Some(on_sign_up),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    let (status, sub) = rx.recv_timeout(WAIT).unwrap();
    assert_eq!(status, cognito_status::Ok);
    assert!(sub.is_some());
    let code = cstr("123456");
    let (ud, rx) = channel::<Done>();
    assert_eq!(
        cognito_user_pool_confirm_sign_up(
            pool,
            arg(&user),
            arg(&code),
            Some(on_done),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    assert_eq!(rx.recv_timeout(WAIT).unwrap().0, cognito_status::Ok);
    let (status, session, ..) = sign_in(pool, &user, &password, cognito_auth_flow::Srp);
    assert_eq!(status, cognito_status::Ok);
    assert_eq!(
        cognito_user_session_free(session as *mut _),
        cognito_status::Ok
    );

    // A wrong password: NotAuthorized, through the callback.
    let wrong = cstr("Wrong-Pass-1!");
    let (status, _, _, _, _, kind) =
        sign_in(pool, &m.s("confirmed"), &wrong, cognito_auth_flow::Password);
    assert_eq!((status, kind), (cognito_status::ErrFailed, Some(1)));
    assert_eq!(cognito_user_pool_free(pool), cognito_status::Ok);
}

#[test]
fn misuse_gives_error_statuses() {
    let m = moto();
    let pool = m.pool();
    let (id, client, bad) = (m.s("user_pool_id"), m.s("client_id"), cstr("not-a-pool"));
    let mut out = std::ptr::null_mut();
    assert_eq!(
        cognito_user_pool_new(arg(&bad), arg(&client), None, &mut out),
        cognito_status::ErrInvalidArgument
    );
    assert_eq!(
        cognito_user_pool_new(None, arg(&client), None, &mut out),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_user_pool_new(arg(&id), arg(&client), None, std::ptr::null_mut()),
        cognito_status::ErrNullArgument
    );
    let typo = cstr(r#"{"endpont":"x"}"#);
    assert_eq!(
        cognito_user_pool_new(arg(&id), arg(&client), arg(&typo), &mut out),
        cognito_status::ErrInvalidArgument
    );
    assert!(out.is_null());

    let (user, password) = (m.s("confirmed"), m.s("password"));
    assert_eq!(
        cognito_user_pool_sign_in(
            pool,
            None,
            arg(&password),
            cognito_auth_flow::Srp,
            Some(on_sign_in),
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_user_pool_sign_in(
            pool,
            arg(&user),
            arg(&password),
            cognito_auth_flow::Srp,
            None,
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        cognito_status::ErrNullArgument
    );
    // Forged handles: through the callback, as every asynchronous failure.
    let forged = 0x4321 as *mut cognito_user_pool;
    let (status, ..) = sign_in(forged, &user, &password, cognito_auth_flow::Srp);
    assert_eq!(status, cognito_status::ErrInvalidHandle);
    let (ud, rx) = channel::<Step>();
    assert_eq!(
        cognito_user_pool_respond(
            pool,
            0x99 as *mut _,
            std::ptr::null(),
            0,
            Some(on_sign_in),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    assert_eq!(
        rx.recv_timeout(WAIT).unwrap().0,
        cognito_status::ErrInvalidHandle
    );
    let (ud, rx) = channel::<Tokens>();
    assert_eq!(
        cognito_user_session_tokens(
            0x77 as *mut _,
            false,
            Some(on_tokens),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    assert_eq!(
        rx.recv_timeout(WAIT).unwrap().0,
        cognito_status::ErrInvalidHandle
    );
    // Answers with a count and no array; too many.
    assert_eq!(
        cognito_user_pool_respond(
            pool,
            0x99 as *mut _,
            std::ptr::null(),
            2,
            Some(on_sign_in),
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_user_pool_respond(
            pool,
            0x99 as *mut _,
            std::ptr::null(),
            65,
            Some(on_sign_in),
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        cognito_status::ErrInvalidArgument
    );
    assert_eq!(
        cognito_provider_set_user_pool_session(std::ptr::null_mut(), 0x77 as *mut _),
        cognito_status::ErrInvalidHandle
    );
    assert_eq!(
        cognito_challenge_free(std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(
        cognito_user_session_free(std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(
        cognito_user_pool_free(std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(cognito_user_pool_free(pool), cognito_status::Ok);
    assert_eq!(
        cognito_user_pool_free(pool),
        cognito_status::ErrInvalidHandle
    );
}
