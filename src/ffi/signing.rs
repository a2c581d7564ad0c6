//! Signing requests with a provider's credentials: SigV4 headers (`cognito_provider_sign`) and
//! presigned URLs (`cognito_provider_presign`), asynchronous (credentials refreshed first when
//! needed) or from the cached credentials at once.

use super::callbacks::{Callback, Outcome};
use super::guard::{guard, out_arg, owned_c_string, str_field, Failure, FfiResult};
use super::library::{failed, library};
use super::provider::start_provider_call;
use super::types::*;
use crate::signing::{Payload, SignRequest, MAX_HEADERS};
use futures_util::FutureExt;
use safer_ffi::prelude::*;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::ffi::c_void;
use std::sync::Arc;
use std::time::Duration;

/// A request to sign as the caller's struct holds it, borrowed for the call: the synchronous
/// calls sign it as it is, the asynchronous ones copy it ([`OwnedRequest`]). The body is kept as
/// its SHA-256 only.
struct RequestView<'a> {
    method: &'a str,
    url: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    /// `None`: unsigned payload.
    payload_sha256: Option<Cow<'a, str>>,
    service: &'a str,
    region: Option<&'a str>,
}

impl<'a> RequestView<'a> {
    /// Reads `*request`; NULLs, invalid UTF-8 and oversized parts are errors here (the library
    /// checks the rest when it signs). The header's contract: `request` is a valid struct whose
    /// pointers live until the exported call returns, so the view must not outlive that call.
    fn read(request: *const cognito_sign_request) -> FfiResult<RequestView<'a>> {
        // SAFETY: checked non-NULL; the header's contract (above).
        let r = unsafe { request.as_ref() }
            .ok_or_else(|| Failure::new(cognito_status::ErrNullArgument, "request is NULL"))?;
        let required = |what: &str, p| {
            // SAFETY: as above.
            unsafe { str_field(what, p) }?.ok_or_else(|| {
                Failure::new(cognito_status::ErrNullArgument, format!("{what} is NULL"))
            })
        };
        if r.header_count > MAX_HEADERS {
            return Err(Failure::new(
                cognito_status::ErrInvalidArgument,
                format!("at most {MAX_HEADERS} headers can be signed"),
            ));
        }
        let headers = if r.header_count == 0 {
            &[][..]
        } else if r.headers.is_null() {
            return Err(Failure::new(
                cognito_status::ErrNullArgument,
                "headers is NULL with a header_count",
            ));
        } else {
            // SAFETY: non-NULL, `header_count` entries (the contract).
            unsafe { std::slice::from_raw_parts(r.headers, r.header_count) }
        };
        let headers = headers
            .iter()
            .map(|h| {
                Ok((
                    required("header name", h.name)?,
                    required("header value", h.value)?,
                ))
            })
            .collect::<FfiResult<Vec<_>>>()?;
        // SAFETY: as above.
        let given_sha256 = unsafe { str_field("payload_sha256", r.payload_sha256) }?;
        let payload_sha256 = match (r.unsigned_payload, given_sha256) {
            (true, _) => None,
            (false, Some(hash)) => Some(Cow::Borrowed(hash)),
            (false, None) => {
                let body = match (r.body.is_null(), r.body_len) {
                    (_, 0) => &[][..],
                    (true, _) => {
                        return Err(Failure::new(
                            cognito_status::ErrNullArgument,
                            "body is NULL with a body_len",
                        ))
                    }
                    // SAFETY: non-NULL, `body_len` bytes (the contract).
                    (false, len) => unsafe { std::slice::from_raw_parts(r.body, len) },
                };
                Some(Cow::Owned(hex(&Sha256::digest(body))))
            }
        };
        Ok(RequestView {
            method: required("method", r.method)?,
            url: required("url", r.url)?,
            headers,
            payload_sha256,
            service: required("service", r.service)?,
            // SAFETY: as above.
            region: unsafe { str_field("region", r.region) }?,
        })
    }

    /// The request as the library takes it.
    fn request(&self) -> SignRequest<'_> {
        SignRequest {
            method: self.method,
            url: self.url,
            headers: &self.headers,
            payload: match &self.payload_sha256 {
                Some(hash) => Payload::Sha256(hash),
                None => Payload::Unsigned,
            },
            service: self.service,
            region: self.region,
        }
    }
}

/// A request to sign, copied out of the caller's struct inside the call: an asynchronous call
/// may complete later, when the caller's memory is gone.
struct OwnedRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    payload_sha256: Option<String>,
    service: String,
    region: Option<String>,
}

impl OwnedRequest {
    /// Reads and copies `*request`, and checks that it can be signed: a request the library
    /// cannot sign fails at the call, before anything starts.
    fn read_checked(request: *const cognito_sign_request) -> FfiResult<OwnedRequest> {
        // Copied before the call returns.
        let view = RequestView::read(request)?;
        view.request().check()?;
        let own = |s: &str| s.to_owned();
        Ok(OwnedRequest {
            method: own(view.method),
            url: own(view.url),
            headers: view.headers.iter().map(|(k, v)| (own(k), own(v))).collect(),
            payload_sha256: view.payload_sha256.map(Cow::into_owned),
            service: own(view.service),
            region: view.region.map(own),
        })
    }

    /// The copy seen as the caller's request: what [`RequestView::request`] signs.
    fn view(&self) -> RequestView<'_> {
        RequestView {
            method: &self.method,
            url: &self.url,
            headers: self
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            payload_sha256: self.payload_sha256.as_deref().map(Cow::Borrowed),
            service: &self.service,
            region: self.region.as_deref(),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A presigned URL's lifetime argument.
fn expiry(expires_secs: u32) -> Duration {
    Duration::from_secs(u64::from(expires_secs))
}

/// Signs `request` with the provider's credentials (refreshed first when needed): the callback
/// receives the headers to add to the request. S3 (service "s3") signs the path as sent and adds
/// x-amz-content-sha256; other services double-encode and normalise the path. Signed at the
/// server's time (a wrong device clock corrected). A request the library cannot sign (bad URL,
/// unknown service name, too many headers...) fails here, before anything starts.
/// `out_call_id` (nullable) receives an id for cognito_cancel. Completion: see the contract at
/// the top.
#[ffi_export]
pub fn cognito_provider_sign(
    provider: *mut cognito_provider,
    request: *const cognito_sign_request,
    callback: Option<cognito_signed_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_provider_sign", || {
        let owned = OwnedRequest::read_checked(request)?;
        start_provider_call(
            provider,
            callback.map(Callback::Signed),
            user_data,
            out_call_id,
            Box::new(move |p| {
                async move {
                    let signed = {
                        let view = owned.view();
                        p.sign(&view.request()).await
                    };
                    signed.map(Outcome::Signed).map_err(failed)
                }
                .boxed()
            }),
        )
    })
}

/// Signs `request` with the cached credentials, at once, without any I/O: writes the headers to
/// add (free them with cognito_signed_headers_free); COGNITO_STATUS_ERR_NOT_FOUND when there are
/// no valid cached credentials (then use cognito_provider_sign).
#[ffi_export]
pub fn cognito_provider_sign_cached(
    provider: *mut cognito_provider,
    request: *const cognito_sign_request,
    out_headers: *mut *mut cognito_signed_headers,
) -> cognito_status {
    guard("cognito_provider_sign_cached", || {
        let out = out_arg("out_headers", out_headers)?;
        // Signed (and checked) before this call returns.
        let view = RequestView::read(request)?;
        let entry = library()?.provider(provider)?;
        let signed = entry
            .provider
            .sign_cached(&view.request())?
            .ok_or_else(no_cached_credentials)?;
        let c = Arc::new(CSignedHeaders::new(&signed));
        // SAFETY: checked non-NULL; CSignedHeaders starts with the list (repr(C)).
        unsafe { *out = Arc::into_raw(c).cast_mut().cast::<cognito_signed_headers>() };
        Ok(())
    })
}

/// Frees headers from cognito_provider_sign_cached. NULL is a no-op.
#[ffi_export]
pub fn cognito_signed_headers_free(headers: *mut cognito_signed_headers) {
    if !headers.is_null() {
        // SAFETY: the contract: only pointers from cognito_provider_sign_cached come here.
        drop(unsafe { Arc::from_raw(headers.cast_const().cast::<CSignedHeaders>()) });
    }
}

/// A presigned URL for `request` (signed in the query), valid for `expires_secs` (1 to 604800,
/// S3's 7 days), cut to the credentials' remaining lifetime: the callback receives the URL and
/// when it expires. S3 URLs sign UNSIGNED-PAYLOAD (any body); for other services the body (or
/// its SHA-256) is signed. `out_call_id` (nullable) receives an id for cognito_cancel.
/// Completion: see the contract at the top.
#[ffi_export]
pub fn cognito_provider_presign(
    provider: *mut cognito_provider,
    request: *const cognito_sign_request,
    expires_secs: u32,
    callback: Option<cognito_presigned_cb>,
    user_data: *mut c_void,
    out_call_id: *mut u64,
) -> cognito_status {
    guard("cognito_provider_presign", || {
        let owned = OwnedRequest::read_checked(request)?;
        crate::signing::check_expiry(expiry(expires_secs))?;
        start_provider_call(
            provider,
            callback.map(Callback::Presigned),
            user_data,
            out_call_id,
            Box::new(move |p| {
                async move {
                    let view = owned.view();
                    p.presign(&view.request(), expiry(expires_secs))
                        .await
                        .map(Outcome::Presigned)
                        .map_err(failed)
                }
                .boxed()
            }),
        )
    })
}

/// cognito_provider_presign with the cached credentials, at once, without any I/O: writes the
/// URL (free it with cognito_string_free) and its expiration (seconds since the Unix epoch, server
/// time); COGNITO_STATUS_ERR_NOT_FOUND when there are no valid cached credentials.
#[ffi_export]
pub fn cognito_provider_presign_cached(
    provider: *mut cognito_provider,
    request: *const cognito_sign_request,
    expires_secs: u32,
    out_url: *mut Option<char_p::Box>,
    out_expiration: *mut i64,
) -> cognito_status {
    guard("cognito_provider_presign_cached", || {
        let out = out_arg("out_url", out_url)?;
        let out_expiration = out_arg("out_expiration", out_expiration)?;
        // Presigned (and checked) before this call returns.
        let view = RequestView::read(request)?;
        let entry = library()?.provider(provider)?;
        let presigned = entry
            .provider
            .presign_cached(&view.request(), expiry(expires_secs))?
            .ok_or_else(no_cached_credentials)?;
        // SAFETY: both checked non-NULL; the caller's slot holds no string we must free.
        unsafe {
            out.write(owned_c_string(presigned.url()));
            *out_expiration = epoch_seconds(presigned.expires_at());
        }
        Ok(())
    })
}

fn no_cached_credentials() -> Failure {
    Failure::new(cognito_status::ErrNotFound, "no valid cached credentials")
}
