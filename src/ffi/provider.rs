//! `cognito_provider_t`: an identity pool credentials provider as C holds it — creation (with a
//! host-kept identity store or not), logins, the asynchronous identity and credentials calls,
//! cached reads, sign-out and the identity-changed callback.

use super::callbacks::{Callback, Completer, Outcome};
use super::gate::CallbackGate;
use super::guard::{
    callback_arg, guard, opt_str_arg, out_arg, owned_c_string, str_arg, write_call_id, Failure,
    FfiResult,
};
use super::host_requests::{HostDeveloperSource, HostLoginsProvider, HostStore, StoreCallbacks};
use super::library::{failed, failing, library, ProviderEntry};
use super::options;
use super::types::*;
use crate::error::Error;
use crate::provider::CredentialsProvider;
use crate::secret::Secret;
use crate::store::IdentityStore;
use safer_ffi::prelude::*;
use std::ffi::c_void;
use std::sync::Arc;

/// Creates a provider for an identity pool (`<region>:<guid>`). `options_json` (nullable) sets the
/// other options, e.g. {"region":"eu-west-1","auth_role_arn":"arn:aws:iam::123456789012:role/R",
/// "endpoint":"http://127.0.0.1:4566","allow_http_loopback":true,"identity_store_dir":"/data"};
/// keys: region, account_id, unauth_role_arn, auth_role_arn, custom_role_arn, endpoint,
/// cognito_endpoint, sts_endpoint, allow_http_loopback, use_fips, use_environment, ca_bundle_pem,
/// ca_bundle_file, refresh_window_secs, attempt_timeout_ms, connect_timeout_ms, logins_timeout_ms,
/// max_attempts, retry_base_delay_ms, retry_max_delay_ms, identity_store_dir,
/// persist_credentials (with identity_store_dir: keep the credentials in a 0600 file beside the
/// identity id, used by later launches while valid), prefetch (start getting credentials at
/// creation, in the background; see cognito_provider_prefetch), rate_limits
/// ({"limiting":"aws"|"always"|"never","rates":{"GetId":25,...},"max_wait_ms":..,"warn_after_ms":..}:
/// Cognito's request quotas kept on this side, shared by the whole process; by default AWS's
/// default quotas for requests to AWS's endpoints).
/// Without a store the identity id is kept in memory only.
#[ffi_export]
pub fn cognito_provider_new(
    identity_pool_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    out_provider: *mut *mut cognito_provider,
) -> cognito_status {
    guard("cognito_provider_new", || {
        new_provider(identity_pool_id, options_json, None, out_provider)
    })
}

/// Like cognito_provider_new, with the identity id kept by the host (PlayerPrefs, Keychain...):
/// `load` is called once inside this call; `save` when the identity id changes (on a library
/// thread); `clear` when it is forgotten (inside cognito_provider_clear and
/// cognito_provider_clear_identity_cache, or on a library thread when the service no longer
/// accepts it). Each callback may be NULL. `store_user_data` must stay valid until the provider is
/// freed.
#[ffi_export]
pub fn cognito_provider_new_with_store(
    identity_pool_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    load: Option<cognito_store_load_cb>,
    save: Option<cognito_store_save_cb>,
    clear: Option<cognito_store_clear_cb>,
    store_user_data: *mut c_void,
    out_provider: *mut *mut cognito_provider,
) -> cognito_status {
    guard("cognito_provider_new_with_store", || {
        let identity = StoreCallbacks {
            load,
            save,
            clear,
            user_data: store_user_data,
        };
        let stores = (Some(identity), None);
        new_provider(identity_pool_id, options_json, Some(stores), out_provider)
    })
}

/// Like cognito_provider_new_with_store, with the stores as structs, and a second one that keeps
/// the credentials between launches (persisted credentials: a launch while they are valid sends
/// no request). `identity_store` is called as cognito_provider_new_with_store's callbacks are.
/// `credentials_store` gets an opaque text of about 2 KB holding the secret key and session token:
/// keep it where the platform keeps secrets (Keychain, Keystore, DPAPI). Its `load` is called
/// once inside this call, `save` when new credentials arrive and `clear` when they no longer
/// apply (sign-out, another login or identity, expiry), on library threads or inside
/// cognito_provider_clear / _clear_credentials / _clear_identity_cache. Either store may be NULL
/// (an identity id kept in memory only; no persisted credentials).
#[ffi_export]
pub fn cognito_provider_new_with_stores(
    identity_pool_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    identity_store: *const cognito_store,
    credentials_store: *const cognito_store,
    out_provider: *mut *mut cognito_provider,
) -> cognito_status {
    guard("cognito_provider_new_with_stores", || {
        // SAFETY: NULL or pointing at a store struct for the duration of the call (the contract).
        let read = |p: *const cognito_store| unsafe { p.as_ref() }.map(StoreCallbacks::from_c);
        let stores = (read(identity_store), read(credentials_store));
        new_provider(identity_pool_id, options_json, Some(stores), out_provider)
    })
}

/// Starts getting the identity id and credentials in the background with the current logins, so
/// a later cognito_provider_get_credentials finds them ready (or joins the request in flight).
/// Returns at once; does nothing when valid credentials are cached or persisted, or a request is
/// in flight. A failure is logged; the next call tries again. The "prefetch" option does this when
/// the provider is created.
#[ffi_export]
pub fn cognito_provider_prefetch(provider: *mut cognito_provider) -> cognito_status {
    guard("cognito_provider_prefetch", || {
        with_provider(provider, |entry| {
            entry.provider.prefetch();
            Ok(())
        })
    })
}

fn new_provider(
    identity_pool_id: Option<char_p::Ref<'_>>,
    options_json: Option<char_p::Ref<'_>>,
    stores: Option<(Option<StoreCallbacks>, Option<StoreCallbacks>)>,
    out_provider: *mut *mut cognito_provider,
) -> FfiResult {
    let pool_id = str_arg("identity_pool_id", identity_pool_id)?;
    let options = options::ProviderOptions::parse(opt_str_arg("options_json", options_json)?)?;
    let out = out_arg("out_provider", out_provider)?;
    let lib = library()?;
    let mut config = options.apply(pool_id)?;
    config.runtime = Some(lib.handle.clone());
    let gate = CallbackGate::new();
    if let Some((identity, credentials)) = stores {
        // A host credentials store is the opt-in to persisted credentials.
        config.persist_credentials = credentials.is_some();
        let store: Arc<dyn IdentityStore> = Arc::new(HostStore {
            identity,
            credentials,
            gate: gate.clone(),
        });
        config.identity_store = store;
    }
    let provider = CredentialsProvider::new(config)?;
    let id = lib.providers.add(ProviderEntry::new(provider, gate));
    // SAFETY: checked non-NULL above; the caller provides a writable pointer.
    unsafe { *out = id as *mut cognito_provider };
    Ok(())
}

/// Frees a provider: its pending calls complete with COGNITO_STATUS_ERR_CANCELLED and its callbacks stop.
/// NULL is a no-op; a freed or unknown handle gives COGNITO_STATUS_ERR_INVALID_HANDLE.
#[ffi_export]
pub fn cognito_provider_free(provider: *mut cognito_provider) -> cognito_status {
    guard("cognito_provider_free", || {
        if provider.is_null() {
            return Ok(());
        }
        library()?.remove_provider(provider)
    })
}

fn with_provider<T>(
    provider: *const cognito_provider,
    f: impl FnOnce(&ProviderEntry) -> FfiResult<T>,
) -> FfiResult<T> {
    let entry = library()?.provider(provider)?;
    f(&entry)
}

/// Adds or replaces a login token, e.g. a user pool id token under
/// "cognito-idp.<region>.amazonaws.com/<userPoolId>". Clears cached credentials if it changed.
#[ffi_export]
pub fn cognito_provider_add_login(
    provider: *mut cognito_provider,
    provider_name: Option<char_p::Ref<'_>>,
    token: Option<char_p::Ref<'_>>,
) -> cognito_status {
    guard("cognito_provider_add_login", || {
        let name = str_arg("provider_name", provider_name)?;
        let token = str_arg("token", token)?;
        with_provider(provider, |e| {
            Ok(e.provider.set_login(name, Secret::new(token))?)
        })
    })
}

/// Removes a login (token or logins provider); COGNITO_STATUS_ERR_NOT_FOUND if there was none.
#[ffi_export]
pub fn cognito_provider_remove_login(
    provider: *mut cognito_provider,
    provider_name: Option<char_p::Ref<'_>>,
) -> cognito_status {
    guard("cognito_provider_remove_login", || {
        let name = str_arg("provider_name", provider_name)?;
        with_provider(provider, |e| match e.provider.remove_login(name) {
            true => Ok(()),
            false => Err(Failure::new(
                cognito_status::ErrNotFound,
                format!("no login for {name:?}"),
            )),
        })
    })
}

/// Writes whether there is a login for `provider_name`.
#[ffi_export]
pub fn cognito_provider_contains_login(
    provider: *mut cognito_provider,
    provider_name: Option<char_p::Ref<'_>>,
    out_contains: *mut bool,
) -> cognito_status {
    guard("cognito_provider_contains_login", || {
        let name = str_arg("provider_name", provider_name)?;
        let out = out_arg("out_contains", out_contains)?;
        let contains = with_provider(provider, |e| Ok(e.provider.contains_login(name)))?;
        // SAFETY: checked non-NULL.
        unsafe { *out = contains };
        Ok(())
    })
}

/// Writes the number of logins.
#[ffi_export]
pub fn cognito_provider_logins_count(
    provider: *mut cognito_provider,
    out_count: *mut usize,
) -> cognito_status {
    guard("cognito_provider_logins_count", || {
        let out = out_arg("out_count", out_count)?;
        let count = with_provider(provider, |e| Ok(e.provider.logins_count()))?;
        // SAFETY: checked non-NULL.
        unsafe { *out = count };
        Ok(())
    })
}

/// Writes the provider names with a login, sorted, separated by '\n' ("" if none). Free the
/// string with cognito_string_free.
#[ffi_export]
pub fn cognito_provider_logins_list(
    provider: *mut cognito_provider,
    out_names: *mut Option<char_p::Box>,
) -> cognito_status {
    guard("cognito_provider_logins_list", || {
        let out = out_arg("out_names", out_names)?;
        let names = with_provider(provider, |e| Ok(e.provider.login_names().join("\n")))?;
        // SAFETY: checked non-NULL; the caller's slot holds no string we must free.
        unsafe { out.write(owned_c_string(&names)) };
        Ok(())
    })
}

/// Registers a logins provider for `provider_name`: whenever a request needs logins, `callback` is
/// called (on a library thread) with a request id; answer with cognito_token_request_complete.
/// Unanswered requests fail after the logins timeout (default 30 s).
#[ffi_export]
pub fn cognito_provider_set_logins_provider(
    provider: *mut cognito_provider,
    provider_name: Option<char_p::Ref<'_>>,
    callback: Option<cognito_token_request_cb>,
    user_data: *mut c_void,
) -> cognito_status {
    guard("cognito_provider_set_logins_provider", || {
        let name = str_arg("provider_name", provider_name)?;
        let callback = callback_arg(callback)?;
        with_provider(provider, |e| {
            let host = HostLoginsProvider {
                callback,
                user_data: UserData(user_data),
                gate: e.gate.clone(),
            };
            Ok(e.provider.set_logins_provider(name, Arc::new(host))?)
        })
    })
}

/// Makes the identity come from your backend (developer-authenticated identities): whenever the
/// provider needs the identity or fresh credentials, `callback` is called (on a library thread)
/// with a request id; answer with cognito_developer_identity_complete. The token is sent under
/// "cognito-identity.amazonaws.com" (remove it with cognito_provider_remove_login of that name).
#[ffi_export]
pub fn cognito_provider_set_developer_identity_source(
    provider: *mut cognito_provider,
    callback: Option<cognito_developer_identity_request_cb>,
    user_data: *mut c_void,
) -> cognito_status {
    guard("cognito_provider_set_developer_identity_source", || {
        let callback = callback_arg(callback)?;
        with_provider(provider, |e| {
            let source = HostDeveloperSource {
                callback,
                user_data: UserData(user_data),
                gate: e.gate.clone(),
            };
            Ok(e.provider.set_developer_identity_source(Arc::new(source))?)
        })
    })
}

/// A call's work: what it does with the provider once its handle checked out.
pub(super) type ProviderWork = Box<
    dyn FnOnce(
        CredentialsProvider,
    ) -> futures_util::future::BoxFuture<
        'static,
        Result<Outcome, (cognito_status, Error)>,
    >,
>;

/// Starts an asynchronous call; see the contract at the top.
fn start_async(
    name: &str,
    provider: *const cognito_provider,
    callback: Option<Callback>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
    work: ProviderWork,
) -> cognito_status {
    guard(name, || {
        start_provider_call(provider, callback, user_data, out_call_id, work)
    })
}

/// [`start_async`] inside an export's own guard (one that checks more arguments first).
pub(super) fn start_provider_call(
    provider: *const cognito_provider,
    callback: Option<Callback>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
    work: ProviderWork,
) -> FfiResult {
    let callback = callback_arg(callback)?;
    let lib = library()?;
    let completer = Completer::new(callback, UserData(user_data));
    let id = match lib.provider(provider) {
        Ok(entry) => {
            let fut = work(entry.provider.clone());
            lib.start_call(Some(&entry), completer, fut)
        }
        Err(f) => lib.start_call(None, completer, failing(f)),
    };
    write_call_id(out_call_id, id);
    Ok(())
}

/// Gets the identity id (cached, or from GetId). Completion: see the contract at the top.
/// `out_call_id` (nullable) receives an id for cognito_cancel.
#[ffi_export]
pub fn cognito_provider_get_identity_id(
    provider: *mut cognito_provider,
    callback: Option<cognito_identity_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    use futures_util::FutureExt;
    start_async(
        "cognito_provider_get_identity_id",
        provider,
        callback.map(Callback::Identity),
        user_data,
        out_call_id,
        Box::new(|p| {
            async move { p.identity_id().await.map(Outcome::Identity).map_err(failed) }.boxed()
        }),
    )
}

/// Gets valid credentials (cached, or refreshed). Completion: see the contract at the top.
/// `out_call_id` (nullable) receives an id for cognito_cancel.
#[ffi_export]
pub fn cognito_provider_get_credentials(
    provider: *mut cognito_provider,
    callback: Option<cognito_credentials_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    use futures_util::FutureExt;
    start_async(
        "cognito_provider_get_credentials",
        provider,
        callback.map(Callback::Credentials),
        user_data,
        out_call_id,
        Box::new(|p| {
            async move {
                p.credentials()
                    .await
                    .map(Outcome::Credentials)
                    .map_err(failed)
            }
            .boxed()
        }),
    )
}

/// Writes the cached identity id without any I/O; COGNITO_STATUS_ERR_NOT_FOUND if there is none. Free
/// the string with cognito_string_free.
#[ffi_export]
pub fn cognito_provider_cached_identity_id(
    provider: *mut cognito_provider,
    out_identity_id: *mut Option<char_p::Box>,
) -> cognito_status {
    guard("cognito_provider_cached_identity_id", || {
        let out = out_arg("out_identity_id", out_identity_id)?;
        let id = with_provider(provider, |e| {
            e.provider
                .cached_identity_id()
                .ok_or_else(|| Failure::new(cognito_status::ErrNotFound, "no cached identity id"))
        })?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(owned_c_string(&id)) };
        Ok(())
    })
}

/// Writes the cached credentials if they are still valid, without waiting on any I/O (a refresh
/// may start in the background); COGNITO_STATUS_ERR_NOT_FOUND otherwise. Free with
/// cognito_credentials_free.
#[ffi_export]
pub fn cognito_provider_cached_credentials(
    provider: *mut cognito_provider,
    out_credentials: *mut *mut cognito_credentials,
) -> cognito_status {
    guard("cognito_provider_cached_credentials", || {
        let out = out_arg("out_credentials", out_credentials)?;
        let shared = with_provider(provider, |e| {
            let c = e.provider.cached_credentials().ok_or_else(|| {
                Failure::new(cognito_status::ErrNotFound, "no valid cached credentials")
            })?;
            Ok(e.c_credentials(&c))
        })?;
        // No copy: one reference to the C form shared by every reader of these credentials.
        // SAFETY: checked non-NULL; CCredentials starts with the view (repr(C)).
        unsafe {
            *out = Arc::into_raw(shared)
                .cast_mut()
                .cast::<cognito_credentials>()
        };
        Ok(())
    })
}

/// Frees credentials from cognito_provider_cached_credentials. NULL is a no-op.
#[ffi_export]
pub fn cognito_credentials_free(credentials: *mut cognito_credentials) {
    if !credentials.is_null() {
        // SAFETY: the contract: only pointers from cognito_provider_cached_credentials come here.
        drop(unsafe { Arc::from_raw(credentials.cast_const().cast::<CCredentials>()) });
    }
}

/// Signs out: forgets the logins, the identity id (also in the store) and the credentials.
#[ffi_export]
pub fn cognito_provider_clear(provider: *mut cognito_provider) -> cognito_status {
    guard("cognito_provider_clear", || {
        with_provider(provider, |e| {
            e.provider.clear();
            Ok(())
        })
    })
}

/// Forgets the cached credentials.
#[ffi_export]
pub fn cognito_provider_clear_credentials(provider: *mut cognito_provider) -> cognito_status {
    guard("cognito_provider_clear_credentials", || {
        with_provider(provider, |e| {
            e.provider.clear_credentials();
            Ok(())
        })
    })
}

/// Forgets the identity id (also in the store) and the credentials; keeps the logins.
#[ffi_export]
pub fn cognito_provider_clear_identity_cache(provider: *mut cognito_provider) -> cognito_status {
    guard("cognito_provider_clear_identity_cache", || {
        with_provider(provider, |e| {
            e.provider.clear_identity_cache();
            Ok(())
        })
    })
}

/// Calls `callback` (on a library thread) once per change of the identity id. Replaces the
/// previous callback; NULL removes it.
#[ffi_export]
pub fn cognito_provider_set_identity_changed_callback(
    provider: *mut cognito_provider,
    callback: Option<cognito_identity_changed_cb>,
    user_data: *mut c_void,
) -> cognito_status {
    guard("cognito_provider_set_identity_changed_callback", || {
        with_provider(provider, |e| {
            let mut slot = e
                .identity_subscription
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some(old) = slot.take() {
                e.provider.unsubscribe(old);
            }
            if let Some(cb) = callback {
                let (gate, user_data) = (e.gate.clone(), UserData(user_data));
                *slot = Some(e.provider.on_identity_changed(move |change| {
                    let old = change.old.as_deref().map(c_string);
                    let new = c_string(&change.new);
                    gate.post(move || {
                        let old_ptr = old.as_ref().map_or(std::ptr::null(), |s| s.as_ptr().cast());
                        // SAFETY: the strings are valid for the call.
                        unsafe { cb(user_data.ptr(), old_ptr, new.as_ptr().cast()) }
                    });
                }));
            }
            Ok(())
        })
    })
}
