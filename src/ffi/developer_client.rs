//! `cognito_developer_client_t`: a game backend's client for the developer identity operations
//! (GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, UnlinkDeveloperIdentity), signed
//! with its own AWS credentials.

use super::callbacks::{Callback, Completer, Outcome};
use super::guard::{
    callback_arg, guard, opt_str_arg, out_arg, str_arg, write_call_id, Failure, FfiResult,
};
use super::library::{failed, library};
use super::options;
use super::types::*;
use crate::credentials::AwsCredentials;
use crate::developer_client::DeveloperIdentityClient;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;
use safer_ffi::prelude::*;
use std::ffi::c_void;
use std::sync::Arc;

/// Creates a game backend's client for GetOpenIdTokenForDeveloperIdentity, signed (SigV4) with
/// the given AWS credentials, or, when `access_key_id` is NULL, with AWS_ACCESS_KEY_ID /
/// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. The pool id gives the region; `options_json` takes
/// the keys of cognito_provider_new (region, endpoint, timeouts...).
#[ffi_export]
pub fn cognito_developer_client_new(
    identity_pool_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    access_key_id: Option<char_p::Ref<'_>>,
    secret_access_key: Option<char_p::Ref<'_>>,
    session_token: Option<char_p::Ref<'_>>,
    out_client: *mut *mut cognito_developer_client,
) -> cognito_status {
    guard("cognito_developer_client_new", || {
        let pool_id = str_arg("identity_pool_id", identity_pool_id)?;
        let options = options::ProviderOptions::parse(opt_str_arg("options_json", options_json)?)?;
        let credentials = match opt_str_arg("access_key_id", access_key_id)? {
            Some(id) => Some(AwsCredentials::new(
                id,
                str_arg("secret_access_key", secret_access_key)?,
                opt_str_arg("session_token", session_token)?.map(Secret::new),
            )),
            None => None,
        };
        let out = out_arg("out_client", out_client)?;
        let lib = library()?;
        let mut config = options.apply(pool_id)?;
        config.runtime = Some(lib.handle.clone());
        let client = DeveloperIdentityClient::new(config, credentials)?;
        let id = lib.developer_clients.add(client);
        // SAFETY: checked non-NULL above.
        unsafe { *out = id as *mut cognito_developer_client };
        Ok(())
    })
}

/// Frees a developer client (calls in flight still complete). NULL is a no-op.
#[ffi_export]
pub fn cognito_developer_client_free(client: *mut cognito_developer_client) -> cognito_status {
    guard("cognito_developer_client_free", || {
        if client.is_null() {
            return Ok(());
        }
        library()?.developer_clients.remove(client).map(drop)
    })
}

/// GetOpenIdTokenForDeveloperIdentity for one player: `callback` receives the identity id and
/// OpenID token to hand to the player's app. `request_options_json` (nullable):
/// {"identity_id":"..","token_duration_secs":900,"principal_tags":{"team":"red"}}.
/// Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_developer_client_get_token(
    client: *mut cognito_developer_client,
    identity_pool_id: Option<char_p::Ref<'_>>,
    developer_provider_name: Option<char_p::Ref<'_>>,
    developer_user_id: Option<char_p::Ref<'_>>,
    request_options_json: Option<char_p::Ref<'_>>,
    callback: Option<cognito_developer_token_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_developer_client_get_token", || {
        let callback = callback_arg(callback)?;
        let pool = str_arg("identity_pool_id", identity_pool_id)?;
        let provider_name = str_arg("developer_provider_name", developer_provider_name)?;
        let user_id = str_arg("developer_user_id", developer_user_id)?;
        let request = options::developer_request(
            pool,
            provider_name,
            user_id,
            opt_str_arg("request_options_json", request_options_json)?,
        )?;
        let id = start_developer_call(
            client,
            Callback::DeveloperToken(callback),
            user_data,
            |c| async move {
                c.get_open_id_token_for_developer_identity(&request)
                    .await
                    .map(Outcome::DeveloperToken)
            },
        )?;
        write_call_id(out_call_id, id);
        Ok(())
    })
}

/// LookupDeveloperIdentity: the identity of a developer user id, or the developer user ids of an
/// identity (give at least one of `identity_id` and `developer_user_id`). `max_results` 1 to 60;
/// `next_token` (nullable) continues a previous answer. Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_developer_client_lookup(
    client: *mut cognito_developer_client,
    identity_pool_id: Option<char_p::Ref<'_>>,
    identity_id: Option<char_p::Ref<'_>>,
    developer_user_id: Option<char_p::Ref<'_>>,
    max_results: u32,
    next_token: Option<char_p::Ref<'_>>,
    callback: Option<cognito_developer_lookup_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_developer_client_lookup", || {
        let callback = callback_arg(callback)?;
        let pool = str_arg("identity_pool_id", identity_pool_id)?.to_owned();
        let identity_id = opt_str_arg("identity_id", identity_id)?.map(str::to_owned);
        let user_id = opt_str_arg("developer_user_id", developer_user_id)?.map(str::to_owned);
        let next_token = opt_str_arg("next_token", next_token)?.map(str::to_owned);
        if identity_id.is_none() && user_id.is_none() {
            return Err(Failure::new(
                cognito_status::ErrInvalidArgument,
                "give an identity id or a developer user id to look up",
            ));
        }
        let id = start_developer_call(
            client,
            Callback::DeveloperLookup(callback),
            user_data,
            |c| async move {
                c.lookup_developer_identity(
                    &pool,
                    identity_id.as_deref(),
                    user_id.as_deref(),
                    max_results,
                    next_token.as_deref(),
                )
                .await
                .map(Outcome::DeveloperLookup)
            },
        )?;
        write_call_id(out_call_id, id);
        Ok(())
    })
}

/// UnlinkDeveloperIdentity: detaches a developer user id from an identity. Completion: see the
/// contract at the top.
#[ffi_export]
pub fn cognito_developer_client_unlink(
    client: *mut cognito_developer_client,
    identity_pool_id: Option<char_p::Ref<'_>>,
    identity_id: Option<char_p::Ref<'_>>,
    developer_provider_name: Option<char_p::Ref<'_>>,
    developer_user_id: Option<char_p::Ref<'_>>,
    callback: Option<cognito_done_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_developer_client_unlink", || {
        let callback = callback_arg(callback)?;
        let pool = str_arg("identity_pool_id", identity_pool_id)?.to_owned();
        let identity_id = str_arg("identity_id", identity_id)?.to_owned();
        let provider = str_arg("developer_provider_name", developer_provider_name)?.to_owned();
        let user_id = str_arg("developer_user_id", developer_user_id)?.to_owned();
        let id = start_developer_call(
            client,
            Callback::Done(callback),
            user_data,
            |c| async move {
                c.unlink_developer_identity(&pool, &identity_id, &provider, &user_id)
                    .await
                    .map(|()| Outcome::Done)
            },
        )?;
        write_call_id(out_call_id, id);
        Ok(())
    })
}

/// Starts a call of a developer client; a bad handle is reported through the callback.
fn start_developer_call<F, Fut>(
    client: *mut cognito_developer_client,
    callback: Callback,
    user_data: *mut c_void,
    work: F,
) -> FfiResult<u64>
where
    F: FnOnce(Arc<DeveloperIdentityClient>) -> Fut,
    Fut: std::future::Future<Output = Result<Outcome, Error>> + Send + 'static,
{
    let lib = library()?;
    let completer = Completer::new(callback, UserData(user_data));
    Ok(match lib.developer_clients.get(client) {
        Ok(c) => {
            let fut = work(c);
            lib.start_call(None, completer, async move { fut.await.map_err(failed) })
        }
        Err(f) => lib.start_call(None, completer, async move {
            Err((f.status, Error::new(ErrorKind::InvalidInput, f.message)))
        }),
    })
}
