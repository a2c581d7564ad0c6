//! Cognito user pools in C: `cognito_user_pool_t` (an app client: sign-in, challenges, sign-up,
//! the password flows), `cognito_user_session_t` (a signed-in user: fresh tokens, sign-out, the
//! logins of a provider) and `cognito_challenge_t` (a sign-in step to answer).

use super::callbacks::{Callback, ChallengeHandle, Completer, Outcome, SignInHandles};
use super::gate::CallbackGate;
use super::guard::{
    callback_arg, guard, opt_str_arg, out_arg, str_arg, str_field, Failure, FfiResult,
};
use super::host_requests::{HostSessionStore, StoreCallbacks};
use super::library::{failed, library, CallWork, Library, SessionEntry};
use super::options::UserPoolOptions;
use super::types::*;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;
use crate::user_pool::{SessionEnded, SignIn, UserPool, UserPoolSession};
use futures_util::FutureExt;
use safer_ffi::prelude::*;
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

/// Starts a call on a live object (`object`: its handle's lookup).
fn start<T>(
    lib: &Arc<Library>,
    object: FfiResult<T>,
    callback: Callback,
    user_data: *mut c_void,
    out_call_id: *mut u64,
    work: impl FnOnce(T) -> CallWork,
) -> FfiResult {
    let completer = Completer::new(callback, UserData(user_data));
    lib.start_on(object, completer, out_call_id, work);
    Ok(())
}

/// A sign-in step as C receives it: its session or challenge registered as a handle.
fn registered(step: crate::error::Result<SignIn>) -> Result<Outcome, (cognito_status, Error)> {
    let lib = library().map_err(|f| (f.status, Error::new(ErrorKind::Cancelled, f.message)))?;
    Ok(Outcome::SignIn(match step.map_err(failed)? {
        SignIn::SignedIn(session) => SignInHandles {
            session: Some(add_session(&lib, session)),
            challenge: None,
        },
        SignIn::Challenge(c) => {
            let name = c.name.as_str();
            let params = c
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            SignInHandles {
                session: None,
                challenge: Some(ChallengeHandle {
                    handle: lib.challenges.add(Mutex::new(c)),
                    name,
                    parameters: params,
                }),
            }
        }
    }))
}

/// Registers a session; its ended callback, once set, runs through the entry's gate.
fn add_session(lib: &Library, session: UserPoolSession) -> usize {
    let entry = SessionEntry {
        session: session.clone(),
        gate: CallbackGate::new(),
        ended: Arc::new(Mutex::new(None)),
    };
    let (gate, slot) = (entry.gate.clone(), entry.ended.clone());
    session.on_ended(move |why| {
        let Some((cb, user_data)) = *slot.lock().unwrap_or_else(|p| p.into_inner()) else {
            return;
        };
        let error = match why {
            SessionEnded::SignedOut => None,
            SessionEnded::RefreshRefused(e) => Some(CError::new(e)),
        };
        gate.post(move || {
            let view = error.as_ref().map(CError::view);
            let ptr = view.as_ref().map_or(std::ptr::null(), |v| v as *const _);
            // SAFETY: the host registered this callback; the error is valid for the call.
            unsafe { cb(user_data.ptr(), error.is_some(), ptr) }
        });
    });
    lib.user_sessions.add(entry)
}

/// Name/value pairs from C (`count` of them at `pairs`), checked and copied.
fn pairs(
    what: &str,
    pairs: *const cognito_header,
    count: usize,
) -> FfiResult<Vec<(String, String)>> {
    if count > 64 {
        return Err(Failure::new(
            cognito_status::ErrInvalidArgument,
            format!("at most 64 {what}"),
        ));
    }
    if count == 0 {
        return Ok(vec![]);
    }
    if pairs.is_null() {
        return Err(Failure::new(
            cognito_status::ErrNullArgument,
            format!("{what} is NULL with a count"),
        ));
    }
    // SAFETY: non-NULL, `count` entries (the contract).
    let list = unsafe { std::slice::from_raw_parts(pairs, count) };
    list.iter()
        .map(|p| {
            // SAFETY: the contract: NUL-terminated strings valid during the call.
            let (k, v) = unsafe { (str_field(what, p.name)?, str_field(what, p.value)?) };
            match (k, v) {
                (Some(k), Some(v)) => Ok((k.to_owned(), v.to_owned())),
                _ => Err(Failure::new(
                    cognito_status::ErrNullArgument,
                    format!("a name or value of {what} is NULL"),
                )),
            }
        })
        .collect()
}

fn refs(list: &[(String, String)]) -> Vec<(&str, &str)> {
    list.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Creates a user pool app client. `options_json` (nullable): {"client_secret":"..",
/// "endpoint":"http://127.0.0.1:4566","allow_http_loopback":true,"session_store_dir":"/data"};
/// keys: client_secret, region, endpoint, allow_http_loopback, use_fips, use_environment,
/// ca_bundle_pem, ca_bundle_file, refresh_window_secs, attempt_timeout_ms, connect_timeout_ms,
/// max_attempts, retry_base_delay_ms, retry_max_delay_ms, refresh_token_rotation,
/// session_store_dir (keeps the signed-in session between runs, 0600).
#[ffi_export]
pub fn cognito_user_pool_new(
    user_pool_id: Option<char_p::Ref<'_>>,
    client_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    out_pool: *mut *mut cognito_user_pool,
) -> cognito_status {
    guard("cognito_user_pool_new", || {
        new_pool(user_pool_id, client_id, options_json, None, out_pool)
    })
}

/// Like cognito_user_pool_new, with the signed-in session kept by the host (PlayerPrefs,
/// Keychain...) instead of `session_store_dir`: the value is an opaque text with the refresh token
/// (a secret: keep it where the platform keeps secrets), under the key "<userPoolId>:<clientId>".
/// `load` runs inside cognito_user_pool_resume_saved's work, `save` and `clear` when a session
/// signs in, rotates its refresh token or ends; all on library threads. `session_store` (NULL: none)
/// is read inside this call; its `user_data` must stay valid until cognito_shutdown (sessions and
/// the providers they sign in outlive the pool handle).
#[ffi_export]
pub fn cognito_user_pool_new_with_store(
    user_pool_id: Option<char_p::Ref<'_>>,
    client_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    session_store: *const cognito_store,
    out_pool: *mut *mut cognito_user_pool,
) -> cognito_status {
    guard("cognito_user_pool_new_with_store", || {
        let store = StoreCallbacks::from_arg(session_store);
        new_pool(user_pool_id, client_id, options_json, store, out_pool)
    })
}

fn new_pool(
    user_pool_id: Option<char_p::Ref<'_>>,
    client_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    store: Option<StoreCallbacks>,
    out_pool: *mut *mut cognito_user_pool,
) -> FfiResult {
    let pool_id = str_arg("user_pool_id", user_pool_id)?;
    let client_id = str_arg("client_id", client_id)?;
    let options = UserPoolOptions::parse(opt_str_arg("options_json", options_json)?)?;
    let out = out_arg("out_pool", out_pool)?;
    let lib = library()?;
    let mut config = options.apply(pool_id, client_id)?;
    config.runtime = Some(lib.handle.clone());
    if let Some(callbacks) = store {
        config.session_store = Some(Arc::new(HostSessionStore {
            callbacks,
            gate: CallbackGate::new(),
        }));
    }
    let id = lib.user_pools.add(UserPool::new(config)?);
    // SAFETY: checked non-NULL.
    unsafe { *out = id as *mut cognito_user_pool };
    Ok(())
}

/// Frees a user pool client (calls in flight still complete; its sessions live on). NULL is a
/// no-op.
#[ffi_export]
pub fn cognito_user_pool_free(pool: *mut cognito_user_pool) -> cognito_status {
    guard("cognito_user_pool_free", || {
        if pool.is_null() {
            return Ok(());
        }
        library()?.user_pools.remove(pool).map(drop)
    })
}

/// Signs a user in (`flow`: COGNITO_AUTH_FLOW_SRP, the password never leaves the device, or
/// COGNITO_AUTH_FLOW_PASSWORD): the callback receives a session, or a challenge to answer with
/// cognito_user_pool_respond. A wrong password is COGNITO_ERROR_KIND_NOT_AUTHORIZED ("Incorrect
/// username or password."), never retried. Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_pool_sign_in(
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    password: Option<char_p::Ref<'_>>,
    flow: cognito_auth_flow,
    callback: Option<cognito_sign_in_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_pool_sign_in", || {
        let callback = callback_arg(callback)?;
        let username = str_arg("username", username)?.to_owned();
        let password = Secret::new(str_arg("password", password)?);
        let lib = library()?;
        start(
            &lib,
            lib.user_pools.get(pool),
            Callback::SignIn(callback),
            user_data,
            out_call_id,
            move |pool| {
                async move {
                    registered(match flow {
                        cognito_auth_flow::Srp => {
                            pool.sign_in_srp(&username, password.expose()).await
                        }
                        cognito_auth_flow::Password => {
                            pool.sign_in_password(&username, password.expose()).await
                        }
                    })
                }
                .boxed()
            },
        )
    })
}

/// Answers a challenge with name/value pairs (USERNAME and SECRET_HASH are added):
/// NEW_PASSWORD_REQUIRED → NEW_PASSWORD (+ "userAttributes.<name>"), SMS_MFA → SMS_MFA_CODE,
/// SOFTWARE_TOKEN_MFA → SOFTWARE_TOKEN_MFA_CODE, EMAIL_OTP → EMAIL_OTP_CODE, SELECT_MFA_TYPE →
/// ANSWER, CUSTOM_CHALLENGE → ANSWER. The callback receives the next step. The challenge handle
/// stays yours to free. Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_pool_respond(
    pool: *mut cognito_user_pool,
    challenge: *mut cognito_challenge,
    answers: *const cognito_header,
    answer_count: usize,
    callback: Option<cognito_sign_in_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_pool_respond", || {
        let callback = callback_arg(callback)?;
        let answers = pairs("answers", answers, answer_count)?;
        let lib = library()?;
        let challenge = lib.challenges.get(challenge);
        start(
            &lib,
            lib.user_pools.get(pool).and_then(|p| Ok((p, challenge?))),
            Callback::SignIn(callback),
            user_data,
            out_call_id,
            move |pc| {
                async move {
                    let (pool, challenge) = &pc;
                    let c = challenge.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    registered(pool.respond(&c, &refs(&answers)).await)
                }
                .boxed()
            },
        )
    })
}

/// MFA_SETUP, step 1: the callback receives the secret to show the user (as a QR code:
/// otpauth://totp/...). The challenge handle then carries the next session: verify the app's
/// first code with cognito_user_pool_verify_software_token. Completion: see the contract.
#[ffi_export]
pub fn cognito_user_pool_associate_software_token(
    pool: *mut cognito_user_pool,
    challenge: *mut cognito_challenge,
    callback: Option<cognito_secret_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_pool_associate_software_token", || {
        let callback = callback_arg(callback)?;
        let lib = library()?;
        let challenge = lib.challenges.get(challenge);
        start(
            &lib,
            lib.user_pools.get(pool).and_then(|p| Ok((p, challenge?))),
            Callback::Secret(callback),
            user_data,
            out_call_id,
            move |pc| {
                async move {
                    let (pool, challenge) = &pc;
                    let c = challenge.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    let (secret, next) = pool.associate_software_token(&c).await.map_err(failed)?;
                    *challenge.lock().unwrap_or_else(|p| p.into_inner()) = next;
                    Ok(Outcome::Secret(secret))
                }
                .boxed()
            },
        )
    })
}

/// MFA_SETUP, step 2: the authenticator app's first code (`device_name` nullable); the callback
/// receives the next step (signed in when the code is right). Completion: see the contract.
#[ffi_export]
pub fn cognito_user_pool_verify_software_token(
    pool: *mut cognito_user_pool,
    challenge: *mut cognito_challenge,
    code: Option<char_p::Ref<'_>>,
    device_name: Option<char_p::Ref<'_>>,
    callback: Option<cognito_sign_in_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_pool_verify_software_token", || {
        let callback = callback_arg(callback)?;
        let code = Secret::new(str_arg("code", code)?);
        let device_name = opt_str_arg("device_name", device_name)?.map(str::to_owned);
        let lib = library()?;
        let challenge = lib.challenges.get(challenge);
        start(
            &lib,
            lib.user_pools.get(pool).and_then(|p| Ok((p, challenge?))),
            Callback::SignIn(callback),
            user_data,
            out_call_id,
            move |pc| {
                async move {
                    let (pool, challenge) = &pc;
                    let c = challenge.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    registered(
                        pool.verify_software_token(&c, code.expose(), device_name.as_deref())
                            .await,
                    )
                }
                .boxed()
            },
        )
    })
}

/// Signs in again with the session kept in the pool's session store (`session_store_dir`),
/// refreshed: the callback receives it, or COGNITO_STATUS_ERR_NOT_FOUND when none is kept (or
/// COGNITO_ERROR_KIND_NOT_AUTHORIZED when the pool refused it; it is then forgotten).
/// Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_pool_resume_saved(
    pool: *mut cognito_user_pool,
    callback: Option<cognito_sign_in_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_pool_resume_saved", || {
        let callback = callback_arg(callback)?;
        let lib = library()?;
        start(
            &lib,
            lib.user_pools.get(pool),
            Callback::SignIn(callback),
            user_data,
            out_call_id,
            move |pool| {
                async move {
                    match pool.resume_saved().await {
                        Ok(Some(session)) => registered(Ok(SignIn::SignedIn(session))),
                        Ok(None) => Err((
                            cognito_status::ErrNotFound,
                            Error::new(ErrorKind::InvalidInput, "no saved session"),
                        )),
                        Err(e) => Err(failed(e)),
                    }
                }
                .boxed()
            },
        )
    })
}

/// A session from a refresh token the app kept (with the username it belongs to and, when the pool
/// tracks devices, the device key; nullable), refreshed once now so that a refused token shows at
/// once (COGNITO_ERROR_KIND_NOT_AUTHORIZED). The callback receives the session. Completion: see
/// the contract at the top.
#[ffi_export]
pub fn cognito_user_pool_resume(
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    refresh_token: Option<char_p::Ref<'_>>,
    device_key: Option<char_p::Ref<'_>>,
    callback: Option<cognito_sign_in_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_pool_resume", || {
        let callback = callback_arg(callback)?;
        let username = str_arg("username", username)?.to_owned();
        let refresh_token = Secret::new(str_arg("refresh_token", refresh_token)?);
        let device_key = opt_str_arg("device_key", device_key)?.map(str::to_owned);
        let lib = library()?;
        start(
            &lib,
            lib.user_pools.get(pool),
            Callback::SignIn(callback),
            user_data,
            out_call_id,
            move |pool| {
                async move {
                    let session = pool.resume(&username, refresh_token, device_key).await;
                    registered(session.map(SignIn::SignedIn))
                }
                .boxed()
            },
        )
    })
}

/// Signs up a user with `password` and attributes (name/value pairs, e.g. "email"); the callback
/// says whether they are confirmed already and where the code went. Completion: see the contract.
#[ffi_export]
pub fn cognito_user_pool_sign_up(
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    password: Option<char_p::Ref<'_>>,
    attributes: *const cognito_header,
    attribute_count: usize,
    callback: Option<cognito_sign_up_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_pool_sign_up", || {
        let callback = callback_arg(callback)?;
        let username = str_arg("username", username)?.to_owned();
        let password = Secret::new(str_arg("password", password)?);
        let attributes = pairs("attributes", attributes, attribute_count)?;
        let lib = library()?;
        start(
            &lib,
            lib.user_pools.get(pool),
            Callback::SignUp(callback),
            user_data,
            out_call_id,
            move |pool| {
                async move {
                    pool.sign_up(&username, password.expose(), &refs(&attributes))
                        .await
                        .map(Outcome::SignUp)
                        .map_err(failed)
                }
                .boxed()
            },
        )
    })
}

/// The user-pool operations that take a username and maybe a code and a new password.
#[derive(Clone, Copy)]
enum UserCall {
    ConfirmSignUp,
    ResendCode,
    ForgotPassword,
    ConfirmForgotPassword,
}

/// The callback of a [`UserCall`]: the confirmations complete with nothing, the calls that send a
/// code with where it went.
enum UserCallback {
    Done(Option<cognito_done_cb>),
    CodeDelivery(Option<cognito_code_delivery_cb>),
}

#[allow(clippy::too_many_arguments)]
fn user_call(
    name: &str,
    call: UserCall,
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    code: Option<char_p::Ref<'_>>,
    new_password: Option<char_p::Ref<'_>>,
    callback: UserCallback,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard(name, || {
        let callback = match callback {
            UserCallback::Done(f) => Callback::Done(callback_arg(f)?),
            UserCallback::CodeDelivery(f) => Callback::CodeDelivery(callback_arg(f)?),
        };
        let username = str_arg("username", username)?.to_owned();
        let code = match call {
            UserCall::ConfirmSignUp | UserCall::ConfirmForgotPassword => {
                Some(Secret::new(str_arg("code", code)?))
            }
            _ => None,
        };
        let new_password = match call {
            UserCall::ConfirmForgotPassword => {
                Some(Secret::new(str_arg("new_password", new_password)?))
            }
            _ => None,
        };
        let lib = library()?;
        start(
            &lib,
            lib.user_pools.get(pool),
            callback,
            user_data,
            out_call_id,
            move |pool| {
                async move {
                    let code = code.as_ref().map_or("", Secret::expose);
                    let result = match call {
                        UserCall::ConfirmSignUp => pool
                            .confirm_sign_up(&username, code)
                            .await
                            .map(|()| Outcome::Done),
                        UserCall::ResendCode => pool
                            .resend_confirmation_code(&username)
                            .await
                            .map(Outcome::CodeDelivery),
                        UserCall::ForgotPassword => pool
                            .forgot_password(&username)
                            .await
                            .map(Outcome::CodeDelivery),
                        UserCall::ConfirmForgotPassword => {
                            let new = new_password.as_ref().map_or("", Secret::expose);
                            pool.confirm_forgot_password(&username, code, new)
                                .await
                                .map(|()| Outcome::Done)
                        }
                    };
                    result.map_err(failed)
                }
                .boxed()
            },
        )
    })
}

/// ConfirmSignUp with the code the user got. Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_pool_confirm_sign_up(
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    code: Option<char_p::Ref<'_>>,
    callback: Option<cognito_done_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    user_call(
        "cognito_user_pool_confirm_sign_up",
        UserCall::ConfirmSignUp,
        pool,
        username,
        code,
        None,
        UserCallback::Done(callback),
        user_data,
        out_call_id,
    )
}

/// ResendConfirmationCode: a new sign-up code; the callback says where it went. Completion: see
/// the contract at the top.
#[ffi_export]
pub fn cognito_user_pool_resend_confirmation_code(
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    callback: Option<cognito_code_delivery_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    user_call(
        "cognito_user_pool_resend_confirmation_code",
        UserCall::ResendCode,
        pool,
        username,
        None,
        None,
        UserCallback::CodeDelivery(callback),
        user_data,
        out_call_id,
    )
}

/// ForgotPassword: sends the user a code to reset their password; the callback says where it
/// went. Completion: see the contract.
#[ffi_export]
pub fn cognito_user_pool_forgot_password(
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    callback: Option<cognito_code_delivery_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    user_call(
        "cognito_user_pool_forgot_password",
        UserCall::ForgotPassword,
        pool,
        username,
        None,
        None,
        UserCallback::CodeDelivery(callback),
        user_data,
        out_call_id,
    )
}

/// ConfirmForgotPassword: the code and the new password. Completion: see the contract.
#[ffi_export]
pub fn cognito_user_pool_confirm_forgot_password(
    pool: *mut cognito_user_pool,
    username: Option<char_p::Ref<'_>>,
    code: Option<char_p::Ref<'_>>,
    new_password: Option<char_p::Ref<'_>>,
    callback: Option<cognito_done_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    user_call(
        "cognito_user_pool_confirm_forgot_password",
        UserCall::ConfirmForgotPassword,
        pool,
        username,
        code,
        new_password,
        UserCallback::Done(callback),
        user_data,
        out_call_id,
    )
}

/// Frees a challenge handle. NULL is a no-op.
#[ffi_export]
pub fn cognito_challenge_free(challenge: *mut cognito_challenge) -> cognito_status {
    guard("cognito_challenge_free", || {
        if challenge.is_null() {
            return Ok(());
        }
        library()?.challenges.remove(challenge).map(drop)
    })
}

/// The session's tokens, refreshed first when the id token is near its expiry (`refresh`
/// false), or refreshed now (`refresh` true). Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_session_tokens(
    session: *mut cognito_user_session,
    refresh: bool,
    callback: Option<cognito_user_tokens_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_session_tokens", || {
        let callback = callback_arg(callback)?;
        let lib = library()?;
        start(
            &lib,
            lib.user_sessions.get(session),
            Callback::UserTokens(callback),
            user_data,
            out_call_id,
            move |entry| {
                async move {
                    let tokens = match refresh {
                        true => entry.session.refresh().await,
                        false => entry.session.tokens().await,
                    };
                    tokens.map(Outcome::UserTokens).map_err(failed)
                }
                .boxed()
            },
        )
    })
}

/// The signed-in user's attributes (GetUser: "sub", "email", "email_verified", custom ones...).
/// Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_session_attributes(
    session: *mut cognito_user_session,
    callback: Option<cognito_attributes_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_session_attributes", || {
        let callback = callback_arg(callback)?;
        let lib = library()?;
        start(
            &lib,
            lib.user_sessions.get(session),
            Callback::Attributes(callback),
            user_data,
            out_call_id,
            move |entry| {
                async move {
                    let attributes = entry.session.attributes().await;
                    attributes.map(Outcome::Attributes).map_err(failed)
                }
                .boxed()
            },
        )
    })
}

/// Signs the user out: with `everywhere`, GlobalSignOut (every refresh token of the user dies);
/// otherwise the refresh token is revoked. The session ends (also in the store) whatever the pool
/// answers. Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_session_sign_out(
    session: *mut cognito_user_session,
    everywhere: bool,
    callback: Option<cognito_done_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_session_sign_out", || {
        let callback = callback_arg(callback)?;
        let lib = library()?;
        start(
            &lib,
            lib.user_sessions.get(session),
            Callback::Done(callback),
            user_data,
            out_call_id,
            move |entry| {
                async move {
                    entry
                        .session
                        .sign_out(everywhere)
                        .await
                        .map(|()| Outcome::Done)
                        .map_err(failed)
                }
                .boxed()
            },
        )
    })
}

/// ChangePassword for the signed-in user. Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_user_session_change_password(
    session: *mut cognito_user_session,
    previous_password: Option<char_p::Ref<'_>>,
    proposed_password: Option<char_p::Ref<'_>>,
    callback: Option<cognito_done_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_user_session_change_password", || {
        let callback = callback_arg(callback)?;
        let previous = Secret::new(str_arg("previous_password", previous_password)?);
        let proposed = Secret::new(str_arg("proposed_password", proposed_password)?);
        let lib = library()?;
        start(
            &lib,
            lib.user_sessions.get(session),
            Callback::Done(callback),
            user_data,
            out_call_id,
            move |entry| {
                async move {
                    entry
                        .session
                        .change_password(previous.expose(), proposed.expose())
                        .await
                        .map(|()| Outcome::Done)
                        .map_err(failed)
                }
                .boxed()
            },
        )
    })
}

/// Calls `callback` (on a library thread) once when the session ends: signed out, or the pool
/// refused the refresh token. Replaces the previous callback; NULL removes it.
#[ffi_export]
pub fn cognito_user_session_set_ended_callback(
    session: *mut cognito_user_session,
    callback: Option<cognito_session_ended_cb>,
    user_data: *mut c_void,
) -> cognito_status {
    guard("cognito_user_session_set_ended_callback", || {
        let entry = library()?.user_sessions.get(session)?;
        *entry.ended.lock().unwrap_or_else(|p| p.into_inner()) =
            callback.map(|cb| (cb, UserData(user_data)));
        Ok(())
    })
}

/// Makes the session the provider's login for its user pool: its id token, kept fresh, goes
/// with every request; when the session ends, the login goes (and the credentials with it).
#[ffi_export]
pub fn cognito_provider_set_user_pool_session(
    provider: *mut cognito_provider,
    session: *mut cognito_user_session,
) -> cognito_status {
    guard("cognito_provider_set_user_pool_session", || {
        let lib = library()?;
        let entry = lib.user_sessions.get(session)?;
        let provider = lib.provider(provider)?;
        Ok(provider.provider.set_user_pool_session(&entry.session)?)
    })
}

/// Frees a session handle: its ended callback stops (the session itself stays signed in: sign out
/// first to end it). NULL is a no-op.
#[ffi_export]
pub fn cognito_user_session_free(session: *mut cognito_user_session) -> cognito_status {
    guard("cognito_user_session_free", || {
        if session.is_null() {
            return Ok(());
        }
        let entry = library()?.user_sessions.remove(session)?;
        entry.gate.close();
        Ok(())
    })
}
