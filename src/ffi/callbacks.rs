//! Completing the host's asynchronous calls: exactly once, with the result or an error.

use super::types::*;
use crate::credentials::Credentials;
use crate::developer_client::DeveloperIdentityLookup;
use crate::developer_source::DeveloperIdentity;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;
use crate::signing::{PresignedUrl, SignedHeaders};
use crate::user_pool::{CodeDelivery, SignUpResult, Tokens};
use safer_ffi::c_char;
use std::sync::Arc;

/// The callback of one asynchronous call.
pub(crate) enum Callback {
    Identity(cognito_identity_cb),
    Credentials(cognito_credentials_cb),
    DeveloperToken(cognito_developer_token_cb),
    DeveloperLookup(cognito_developer_lookup_cb),
    Done(cognito_done_cb),
    Signed(cognito_signed_cb),
    Presigned(cognito_presigned_cb),
    SignIn(cognito_sign_in_cb),
    UserTokens(cognito_user_tokens_cb),
    SignUp(cognito_sign_up_cb),
    CodeDelivery(cognito_code_delivery_cb),
    Secret(cognito_secret_cb),
    Attributes(cognito_attributes_cb),
}

pub(crate) enum Outcome {
    Identity(String),
    Credentials(Arc<Credentials>),
    DeveloperToken(DeveloperIdentity),
    DeveloperLookup(DeveloperIdentityLookup),
    Done,
    Signed(SignedHeaders),
    Presigned(PresignedUrl),
    /// A sign-in step, its session or challenge already registered as handles.
    SignIn(SignInHandles),
    UserTokens(Tokens),
    SignUp(SignUpResult),
    CodeDelivery(Option<CodeDelivery>),
    Secret(Secret),
    Attributes(Vec<(String, String)>),
}

/// A sign-in step as C receives it: the handle of the session, or of the challenge with its name
/// and parameters.
pub(crate) struct SignInHandles {
    pub session: Option<usize>,
    pub challenge: Option<ChallengeHandle>,
}

pub(crate) struct ChallengeHandle {
    pub handle: usize,
    pub name: &'static str,
    pub parameters: Vec<(String, String)>,
}

/// Completes an asynchronous call exactly once: `complete` consumes it, and dropping it
/// uncompleted (a task torn down by shutdown) completes it with COGNITO_STATUS_ERR_CANCELLED.
pub(crate) struct Completer {
    callback: Option<Callback>,
    user_data: UserData,
}

impl Completer {
    pub fn new(callback: Callback, user_data: UserData) -> Completer {
        Completer {
            callback: Some(callback),
            user_data,
        }
    }

    pub fn complete(mut self, result: std::result::Result<Outcome, (cognito_status, Error)>) {
        if let Some(cb) = self.callback.take() {
            deliver(cb, self.user_data, result);
        }
    }
}

impl Drop for Completer {
    fn drop(&mut self) {
        if let Some(cb) = self.callback.take() {
            let e = Error::new(
                ErrorKind::Cancelled,
                "the call was torn down before it finished",
            );
            deliver(cb, self.user_data, Err((cognito_status::ErrCancelled, e)));
        }
    }
}

/// An optional C string as C receives it: NULL when absent.
fn ptr_or_null(s: &Option<std::ffi::CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr().cast())
}

fn deliver(
    cb: Callback,
    user_data: UserData,
    result: std::result::Result<Outcome, (cognito_status, Error)>,
) {
    let ud = user_data.ptr();
    // SAFETY (all calls below): the host gave us this function and user_data for exactly this
    // call; every pointer passed is valid for the duration of the call.
    use std::ptr::null;
    match (cb, result) {
        (Callback::Identity(f), Ok(Outcome::Identity(id))) => {
            let id = c_string(&id);
            unsafe { f(ud, cognito_status::Ok, id.as_ptr().cast(), null()) }
        }
        (Callback::Credentials(f), Ok(Outcome::Credentials(c))) => {
            let owned = CCredentials::new(&c);
            unsafe { f(ud, cognito_status::Ok, owned.view(), null()) }
        }
        (Callback::DeveloperToken(f), Ok(Outcome::DeveloperToken(d))) => {
            let (id, token) = (c_string(&d.identity_id), c_string(d.token.expose()));
            unsafe {
                f(
                    ud,
                    cognito_status::Ok,
                    id.as_ptr().cast(),
                    token.as_ptr().cast(),
                    null(),
                )
            }
        }
        (Callback::DeveloperLookup(f), Ok(Outcome::DeveloperLookup(l))) => {
            let id = l.identity_id.as_deref().map(c_string);
            let next = l.next_token.as_deref().map(c_string);
            let ids: Vec<_> = l.developer_user_ids.iter().map(|u| c_string(u)).collect();
            let ptrs: Vec<*const c_char> = ids.iter().map(|u| u.as_ptr().cast()).collect();
            unsafe {
                f(
                    ud,
                    cognito_status::Ok,
                    ptr_or_null(&id),
                    ptrs.as_ptr(),
                    ptrs.len(),
                    ptr_or_null(&next),
                    null(),
                )
            }
        }
        (Callback::Done(f), Ok(Outcome::Done)) => unsafe { f(ud, cognito_status::Ok, null()) },
        (Callback::Signed(f), Ok(Outcome::Signed(h))) => {
            let owned = CSignedHeaders::new(&h);
            let list = owned.list();
            unsafe { f(ud, cognito_status::Ok, list.headers, list.count, null()) }
        }
        (Callback::SignIn(f), Ok(Outcome::SignIn(s))) => {
            let (challenge, name, params) = match &s.challenge {
                Some(c) => (c.handle, Some(c_string(c.name)), c.parameters.as_slice()),
                None => (0, None, &[][..]),
            };
            let strings: Vec<_> = params
                .iter()
                .flat_map(|(k, v)| [c_string(k), c_string(v)])
                .collect();
            let pairs: Vec<cognito_header> = strings
                .chunks(2)
                .map(|kv| cognito_header {
                    name: kv[0].as_ptr().cast(),
                    value: kv[1].as_ptr().cast(),
                })
                .collect();
            let view = cognito_sign_in {
                session: s.session.unwrap_or(0) as *mut cognito_user_session,
                challenge: challenge as *mut cognito_challenge,
                challenge_name: ptr_or_null(&name),
                parameters: pairs.as_ptr(),
                parameter_count: pairs.len(),
            };
            unsafe { f(ud, cognito_status::Ok, &view, null()) }
        }
        (Callback::UserTokens(f), Ok(Outcome::UserTokens(t))) => {
            let (id, access) = (
                c_string(t.id_token.expose()),
                c_string(t.access_token.expose()),
            );
            let refresh = t.refresh_token.as_ref().map(|r| c_string(r.expose()));
            let username = c_string(&t.username);
            let view = cognito_user_tokens {
                id_token: id.as_ptr().cast(),
                access_token: access.as_ptr().cast(),
                refresh_token: ptr_or_null(&refresh),
                username: username.as_ptr().cast(),
                expiration: epoch_seconds(t.expires_at),
            };
            unsafe { f(ud, cognito_status::Ok, &view, null()) }
        }
        (Callback::SignUp(f), Ok(Outcome::SignUp(r))) => {
            let opt = |s: Option<&String>| s.map(|s| c_string(s));
            let sub = opt(r.user_sub.as_ref());
            let delivery = r.code_delivery.as_ref();
            let medium = opt(delivery.and_then(|d| d.delivery_medium.as_ref()));
            let destination = opt(delivery.and_then(|d| d.destination.as_ref()));
            let view = cognito_sign_up_result {
                user_confirmed: r.user_confirmed,
                user_sub: ptr_or_null(&sub),
                delivery_medium: ptr_or_null(&medium),
                destination: ptr_or_null(&destination),
            };
            unsafe { f(ud, cognito_status::Ok, &view, null()) }
        }
        (Callback::CodeDelivery(f), Ok(Outcome::CodeDelivery(delivery))) => {
            let owned = delivery.map(|d| {
                let opt = |s: Option<String>| s.map(|s| c_string(&s));
                (
                    opt(d.delivery_medium),
                    opt(d.destination),
                    opt(d.attribute_name),
                )
            });
            let view =
                owned
                    .as_ref()
                    .map(|(medium, destination, attribute)| cognito_code_delivery {
                        delivery_medium: ptr_or_null(medium),
                        destination: ptr_or_null(destination),
                        attribute_name: ptr_or_null(attribute),
                    });
            let view_ptr = view.as_ref().map_or(null(), |v| v as *const _);
            unsafe { f(ud, cognito_status::Ok, view_ptr, null()) }
        }
        (Callback::Attributes(f), Ok(Outcome::Attributes(list))) => {
            let owned: Vec<_> = list
                .iter()
                .map(|(name, value)| (c_string(name), c_string(value)))
                .collect();
            let view: Vec<cognito_header> = owned
                .iter()
                .map(|(name, value)| cognito_header {
                    name: name.as_ptr().cast(),
                    value: value.as_ptr().cast(),
                })
                .collect();
            unsafe { f(ud, cognito_status::Ok, view.as_ptr(), view.len(), null()) }
        }
        (Callback::Secret(f), Ok(Outcome::Secret(secret))) => {
            let secret = c_string(secret.expose());
            unsafe { f(ud, cognito_status::Ok, secret.as_ptr().cast(), null()) }
        }
        (Callback::Presigned(f), Ok(Outcome::Presigned(p))) => {
            let url = c_string(p.url());
            let expiration = epoch_seconds(p.expires_at());
            unsafe {
                f(
                    ud,
                    cognito_status::Ok,
                    url.as_ptr().cast(),
                    expiration,
                    null(),
                )
            }
        }
        (cb, result) => {
            let (status, e) = match result {
                Err(failure) => failure,
                Ok(_) => (
                    cognito_status::ErrPanic,
                    Error::new(ErrorKind::Internal, "internal error: mismatched completion"),
                ),
            };
            let owned = CError::new(&e);
            let view = owned.view();
            match cb {
                Callback::Identity(f) => unsafe { f(ud, status, null(), &view) },
                Callback::Credentials(f) => unsafe { f(ud, status, null(), &view) },
                Callback::DeveloperToken(f) => unsafe { f(ud, status, null(), null(), &view) },
                Callback::DeveloperLookup(f) => unsafe {
                    f(ud, status, null(), null(), 0, null(), &view)
                },
                Callback::Done(f) => unsafe { f(ud, status, &view) },
                Callback::Signed(f) => unsafe { f(ud, status, null(), 0, &view) },
                Callback::Presigned(f) => unsafe { f(ud, status, null(), 0, &view) },
                Callback::SignIn(f) => unsafe { f(ud, status, null(), &view) },
                Callback::UserTokens(f) => unsafe { f(ud, status, null(), &view) },
                Callback::SignUp(f) => unsafe { f(ud, status, null(), &view) },
                Callback::CodeDelivery(f) => unsafe { f(ud, status, null(), &view) },
                Callback::Secret(f) => unsafe { f(ud, status, null(), &view) },
                Callback::Attributes(f) => unsafe { f(ud, status, null(), 0, &view) },
            }
        }
    }
}
