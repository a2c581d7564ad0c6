//! Signing through the C ABI: the asynchronous calls complete exactly once, the cached forms
//! answer at once, and every malformed request is a clear status, never a crash.

mod common;

use cognito_native::ffi::*;
use common::ffi::*;
use common::*;
use std::ffi::{c_void, CString};
use std::sync::mpsc;
use std::time::Duration;

/// A request with owned strings: `raw()` is valid while `self` lives.
struct Request {
    strings: Vec<CString>,
    headers: Vec<cognito_header>,
    raw: cognito_sign_request,
}

impl Request {
    fn new(method: &str, url: &str, service: &str) -> Request {
        let strings = vec![cstr(method), cstr(url), cstr(service)];
        let raw = cognito_sign_request {
            method: strings[0].as_ptr().cast(),
            url: strings[1].as_ptr().cast(),
            headers: std::ptr::null(),
            header_count: 0,
            body: std::ptr::null(),
            body_len: 0,
            payload_sha256: std::ptr::null(),
            unsigned_payload: false,
            service: strings[2].as_ptr().cast(),
            region: std::ptr::null(),
        };
        Request {
            strings,
            headers: vec![],
            raw,
        }
    }

    fn header(mut self, name: &[u8], value: &str) -> Request {
        self.strings.push(CString::new(name).unwrap());
        let n = self.strings.last().unwrap().as_ptr().cast();
        self.strings.push(cstr(value));
        let v = self.strings.last().unwrap().as_ptr().cast();
        self.headers.push(cognito_header { name: n, value: v });
        self.raw.headers = self.headers.as_ptr();
        self.raw.header_count = self.headers.len();
        self
    }
}

type Signed = (cognito_status, Vec<(String, String)>, Option<u32>);

unsafe extern "C" fn on_signed(
    user_data: *mut c_void,
    status: cognito_status,
    headers: *const cognito_header,
    count: usize,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<Signed>>());
    let list = if headers.is_null() {
        vec![]
    } else {
        std::slice::from_raw_parts(headers, count)
            .iter()
            .map(|h| (read(h.name).unwrap(), read(h.value).unwrap()))
            .collect()
    };
    let _ = tx.send((status, list, error.as_ref().map(|e| e.kind)));
}

type Presigned = (cognito_status, Option<String>, i64, Option<u32>);

unsafe extern "C" fn on_presigned(
    user_data: *mut c_void,
    status: cognito_status,
    url: *const safer_ffi::c_char,
    expiration: i64,
    error: *const cognito_error,
) {
    let tx = Box::from_raw(user_data.cast::<mpsc::Sender<Presigned>>());
    let _ = tx.send((
        status,
        read(url),
        expiration,
        error.as_ref().map(|e| e.kind),
    ));
}

fn channel<T>() -> (*mut c_void, mpsc::Receiver<T>) {
    let (tx, rx) = mpsc::channel::<T>();
    (Box::into_raw(Box::new(tx)).cast(), rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_and_presign_complete_exactly_once_and_match_the_cached_forms() {
    let emu = emulator().await;
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    let request = Request::new("GET", "https://b.s3.us-east-1.amazonaws.com/k%20ey", "s3")
        .header(b"x-amz-meta-a", "1");

    // Nothing cached yet: the cached forms say so, the asynchronous ones fetch credentials.
    let mut out = std::ptr::null_mut();
    assert_eq!(
        cognito_provider_sign_cached(p, &request.raw, &mut out),
        cognito_status::ErrNotFound
    );
    assert!(out.is_null());
    let (ud, rx) = channel::<Signed>();
    assert_eq!(
        cognito_provider_sign(p, &request.raw, Some(on_signed), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    let (status, headers, _) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, cognito_status::Ok);
    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    for name in [
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "completed twice"
    );
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);

    // Cached now: the same signature at the same second, without another request.
    assert_eq!(
        cognito_provider_sign_cached(p, &request.raw, &mut out),
        cognito_status::Ok
    );
    // SAFETY: a list the library handed out, freed right after.
    let cached: Vec<(String, String)> = unsafe {
        let list = &*out;
        std::slice::from_raw_parts(list.headers, list.count)
            .iter()
            .map(|h| (read(h.name).unwrap(), read(h.value).unwrap()))
            .collect()
    };
    cognito_signed_headers_free(out);
    cognito_signed_headers_free(std::ptr::null_mut());
    assert_eq!(cached.len(), headers.len());

    let (ud, rx) = channel::<Presigned>();
    assert_eq!(
        cognito_provider_presign(
            p,
            &request.raw,
            600,
            Some(on_presigned),
            ud,
            std::ptr::null_mut()
        ),
        cognito_status::Ok
    );
    let (status, url, expiration, _) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, cognito_status::Ok);
    let url = url.unwrap();
    assert!(url.starts_with(
        "https://b.s3.us-east-1.amazonaws.com/k%20ey?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
    ));
    assert!(url.contains("X-Amz-Expires=600") && url.contains("X-Amz-Security-Token="));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (expiration - now - 600).abs() <= 5,
        "expires at {expiration}, now {now}"
    );

    // A URL lives no longer than its credentials (the emulator's live an hour).
    let (mut url, mut expiration) = (None, 0);
    assert_eq!(
        cognito_provider_presign_cached(p, &request.raw, 604_800, &mut url, &mut expiration),
        cognito_status::Ok
    );
    let url = url.unwrap().to_str().to_owned();
    let expires: u64 = url
        .split("X-Amz-Expires=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(expires <= 3600 && expires > 3000, "X-Amz-Expires={expires}");
    assert_eq!(emu.request_count(Operation::GetCredentialsForIdentity), 1);
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_clear_statuses() {
    let emu = emulator().await;
    let p = new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, "");
    let ok = Request::new("GET", "https://h.example.com/x", "execute-api");
    let long_url = format!("https://h.example.com/{}", "a".repeat(20_000));
    let rows: Vec<(&str, Request, cognito_status)> = vec![
        (
            "lowercase method",
            Request::new("get", "https://h.example.com/", "s3"),
            cognito_status::ErrInvalidArgument,
        ),
        (
            "ftp URL",
            Request::new("GET", "ftp://h.example.com/", "s3"),
            cognito_status::ErrInvalidArgument,
        ),
        (
            "not a URL",
            Request::new("GET", "no url", "s3"),
            cognito_status::ErrInvalidArgument,
        ),
        (
            "oversized URL",
            Request::new("GET", &long_url, "s3"),
            cognito_status::ErrInvalidArgument,
        ),
        (
            "service with a space",
            Request::new("GET", "https://h.example.com/", "s 3"),
            cognito_status::ErrInvalidArgument,
        ),
        (
            "empty service",
            Request::new("GET", "https://h.example.com/", ""),
            cognito_status::ErrInvalidArgument,
        ),
        (
            "bad header name",
            Request::new("GET", "https://h.example.com/", "s3").header(b"bad name", "v"),
            cognito_status::ErrInvalidArgument,
        ),
        (
            "invalid UTF-8 header",
            Request::new("GET", "https://h.example.com/", "s3").header(b"x-\xff", "v"),
            cognito_status::ErrInvalidUtf8,
        ),
    ];
    let mut out = std::ptr::null_mut();
    for (what, r, expected) in &rows {
        assert_eq!(
            cognito_provider_sign_cached(p, &r.raw, &mut out),
            *expected,
            "{what}"
        );
        assert!(!last_error().is_empty(), "{what}: no message");
        // The asynchronous call refuses it at once too: its callback never runs.
        let (ud, rx) = channel::<Signed>();
        assert_eq!(
            cognito_provider_sign(p, &r.raw, Some(on_signed), ud, std::ptr::null_mut()),
            *expected,
            "{what}"
        );
        assert!(
            rx.recv_timeout(Duration::from_millis(50)).is_err(),
            "{what}: called back"
        );
        drop(unsafe { Box::from_raw(ud.cast::<mpsc::Sender<Signed>>()) });
    }
    let many = (0..101).fold(
        Request::new("GET", "https://h.example.com/", "s3"),
        |r, _| r.header(b"x-a", "b"),
    );
    assert_eq!(
        cognito_provider_sign_cached(p, &many.raw, &mut out),
        cognito_status::ErrInvalidArgument
    );

    // NULLs.
    assert_eq!(
        cognito_provider_sign_cached(p, std::ptr::null(), &mut out),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_provider_sign_cached(p, &ok.raw, std::ptr::null_mut()),
        cognito_status::ErrNullArgument
    );
    let mut no_method = Request::new("GET", "https://h.example.com/x", "s3");
    no_method.raw.method = std::ptr::null();
    assert_eq!(
        cognito_provider_sign_cached(p, &no_method.raw, &mut out),
        cognito_status::ErrNullArgument
    );
    let mut no_body = Request::new("PUT", "https://h.example.com/x", "s3");
    no_body.raw.body_len = 10;
    assert_eq!(
        cognito_provider_sign_cached(p, &no_body.raw, &mut out),
        cognito_status::ErrNullArgument
    );
    let mut no_headers = Request::new("PUT", "https://h.example.com/x", "s3");
    no_headers.raw.header_count = 2;
    assert_eq!(
        cognito_provider_sign_cached(p, &no_headers.raw, &mut out),
        cognito_status::ErrNullArgument
    );
    assert_eq!(
        cognito_provider_sign(p, &ok.raw, None, std::ptr::null_mut(), std::ptr::null_mut()),
        cognito_status::ErrNullArgument
    );
    let mut unsigned_api = Request::new("PUT", "https://h.example.com/x", "execute-api");
    unsigned_api.raw.unsigned_payload = true;
    assert_eq!(
        cognito_provider_sign_cached(p, &unsigned_api.raw, &mut out),
        cognito_status::ErrInvalidArgument
    );
    assert!(out.is_null(), "the output was written on failure");

    // Presign lifetimes: 1 s to 7 days.
    let (mut url, mut expiration) = (None, 0);
    for expires in [0, 604_801] {
        assert_eq!(
            cognito_provider_presign_cached(p, &ok.raw, expires, &mut url, &mut expiration),
            cognito_status::ErrInvalidArgument,
            "{expires} s"
        );
    }
    assert!(url.is_none());

    // A bad handle: a status for the cached form, the callback for the asynchronous one.
    let forged = 0x1234 as *mut cognito_provider;
    assert_eq!(
        cognito_provider_sign_cached(forged, &ok.raw, &mut out),
        cognito_status::ErrInvalidHandle
    );
    let (ud, rx) = channel::<Signed>();
    assert_eq!(
        cognito_provider_sign(forged, &ok.raw, Some(on_signed), ud, std::ptr::null_mut()),
        cognito_status::Ok
    );
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap().0,
        cognito_status::ErrInvalidHandle
    );
    assert_eq!(cognito_provider_free(p), cognito_status::Ok);
}
