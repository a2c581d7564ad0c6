//! The listener: accepting (plain or TLS), one task per connection, routing requests
//! to Cognito, STS, S3, the generic signed-service endpoint or the admin API, and
//! carrying out transport-level faults.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, DATE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::faults::{self, Protocol};
use crate::state::Shared;
use crate::util::{self, ApiError};
use crate::{admin, cognito, idp, s3, services, sigv4, sts, EmulatorConfig, Fault, Operation};

/// Requests larger than this are refused with 413 (AWS's limits are far lower).
pub(crate) const MAX_REQUEST_BODY: usize = 1024 * 1024;
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a cut connection waits after its last bytes, so they leave before the RST.
const CUT_GRACE: Duration = Duration::from_millis(50);

pub(crate) struct Parts {
    pub shared: Arc<Shared>,
    pub addr: SocketAddr,
    pub ca_pem: Option<String>,
}

/// A bound listener, not yet serving.
pub(crate) struct Prepared {
    listener: TcpListener,
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls: Option<TlsAcceptor>,
    ca_pem: Option<String>,
}

pub(crate) async fn prepare(config: EmulatorConfig) -> io::Result<Prepared> {
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let (tls, ca_pem) = if config.tls {
        let setup = crate::tls::setup(config.tls_cert)?;
        (Some(setup.acceptor), Some(setup.ca_pem))
    } else {
        (None, None)
    };
    tracing::debug!(%addr, tls = config.tls, "cognito emulator listening");
    let shared =
        Shared::try_new(&config).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    Ok(Prepared {
        listener,
        shared: Arc::new(shared),
        addr,
        tls,
        ca_pem,
    })
}

impl Prepared {
    pub fn parts(&self) -> Parts {
        Parts {
            shared: self.shared.clone(),
            addr: self.addr,
            ca_pem: self.ca_pem.clone(),
        }
    }

    /// Serves until `shutdown` turns true (or its sender is gone), then closes every
    /// connection and returns.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut conns = JoinSet::new();
        let for_conns = shutdown.clone();
        loop {
            tokio::select! {
                _ = stopped(&mut shutdown) => break,
                accepted = self.listener.accept() => match accepted {
                    Ok((tcp, peer)) => {
                        self.shared.connection_accepted();
                        tracing::trace!(%peer, "connection accepted");
                        conns.spawn(connection(
                            tcp,
                            self.tls.clone(),
                            self.shared.clone(),
                            for_conns.clone(),
                        ));
                    }
                    Err(e) => {
                        // E.g. out of file descriptors: back off instead of spinning.
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                },
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
            }
        }
        conns.shutdown().await;
        tracing::debug!(addr = %self.addr, "cognito emulator stopped");
    }
}

/// Resolves once shutdown is requested or the emulator handle is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Lets a request handler cut its own connection (Reset faults).
pub(crate) struct ConnCtl {
    /// A duplicate of the connection's socket: setting SO_LINGER 0 through it makes
    /// the final close send a RST.
    socket: Mutex<Option<socket2::Socket>>,
    cut: Notify,
}

impl ConnCtl {
    fn cut(&self, rst: bool) {
        if rst {
            let guard = self.socket.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(s) = guard.as_ref() {
                let _ = s.set_linger(Some(Duration::ZERO));
            }
        }
        self.cut.notify_one();
    }
}

async fn connection(
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    let ctl = Arc::new(ConnCtl {
        socket: Mutex::new(socket2::SockRef::from(&tcp).try_clone().ok()),
        cut: Notify::new(),
    });
    match tls {
        None => serve(tcp, shared, ctl.clone(), shutdown).await,
        Some(acceptor) => {
            match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => serve(stream, shared, ctl.clone(), shutdown).await,
                Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        }
    }
    // The connection is gone by now; closing the last descriptor sends the RST if asked.
    let socket = ctl.socket.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(socket);
}

async fn serve<I>(
    io: I,
    shared: Arc<Shared>,
    ctl: Arc<ConnCtl>,
    mut shutdown: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service_ctl = ctl.clone();
    let service = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        let ctl = service_ctl.clone();
        async move { Ok::<_, Infallible>(handle(shared, ctl, req).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // No header read timeout: an idle pooled connection stays open until the client
    // closes it, so tests never race a server-side idle close.
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(None);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        _ = ctl.cut.notified() => tracing::debug!("connection cut by a fault"),
        _ = stopped(&mut shutdown) => {}
    }
}

/// Response bodies, including the deliberately broken ones.
pub(crate) enum RespBody {
    Full(Option<Bytes>),
    /// Sends `chunk`, then runs `then` (which cuts the connection) and stalls.
    Cut {
        chunk: Option<Bytes>,
        then: Option<Box<dyn FnOnce() + Send>>,
    },
    /// `prefix`, `remaining` padding bytes, `suffix`, streamed without allocating it all.
    Padded {
        prefix: Option<Bytes>,
        remaining: usize,
        suffix: Option<Bytes>,
    },
}

impl RespBody {
    pub fn full(data: impl Into<Bytes>) -> RespBody {
        RespBody::Full(Some(data.into()))
    }
}

static PADDING: [u8; 64 * 1024] = [b'a'; 64 * 1024];

impl hyper::body::Body for RespBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        match this {
            RespBody::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            RespBody::Cut { chunk, then } => {
                if let Some(c) = chunk.take() {
                    return Poll::Ready(Some(Ok(Frame::data(c))));
                }
                if let Some(f) = then.take() {
                    f();
                }
                Poll::Pending
            }
            RespBody::Padded {
                prefix,
                remaining,
                suffix,
            } => {
                if let Some(p) = prefix.take() {
                    return Poll::Ready(Some(Ok(Frame::data(p))));
                }
                if *remaining > 0 {
                    let n = (*remaining).min(PADDING.len());
                    *remaining -= n;
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&PADDING[..n])))));
                }
                Poll::Ready(suffix.take().map(|s| Ok(Frame::data(s))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RespBody::Full(data) => data.is_none(),
            RespBody::Cut { .. } => false,
            RespBody::Padded {
                prefix,
                remaining,
                suffix,
            } => prefix.is_none() && *remaining == 0 && suffix.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RespBody::Full(data) => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
            // Unknown, so hyper sends our (too large) Content-Length header as is.
            RespBody::Cut { .. } => SizeHint::default(),
            RespBody::Padded {
                prefix,
                remaining,
                suffix,
            } => {
                let len = prefix.as_ref().map_or(0, |p| p.len())
                    + *remaining
                    + suffix.as_ref().map_or(0, |s| s.len());
                SizeHint::with_exact(len as u64)
            }
        }
    }
}

pub(crate) type Resp = Response<RespBody>;

/// A response carrying the headers every AWS answer has.
pub(crate) fn response(
    shared: &Shared,
    status: u16,
    content_type: &str,
    request_id: &str,
    body: RespBody,
) -> Resp {
    // Statuses without a body (or not final) would break the framing faults rely on.
    let status = match status {
        204 | 205 | 304 => 500,
        200..=599 => status,
        _ => 500,
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", v);
    }
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(shared.now())) {
        headers.insert(DATE, v);
    }
    resp
}

fn error_response(shared: &Shared, protocol: Protocol, err: &ApiError, request_id: &str) -> Resp {
    match protocol {
        Protocol::Json => {
            let mut resp = response(
                shared,
                err.status,
                cognito::CONTENT_TYPE,
                request_id,
                RespBody::full(cognito::error_body(err)),
            );
            if let Ok(v) = HeaderValue::from_str(&cognito::error_type_header(&err.code)) {
                resp.headers_mut().insert("x-amzn-errortype", v);
            }
            resp
        }
        Protocol::Xml => response(
            shared,
            err.status,
            sts::CONTENT_TYPE,
            request_id,
            RespBody::full(sts::error_xml(err, request_id)),
        ),
    }
}

enum BodyError {
    TooLarge,
    Io,
}

async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Io),
    }
}

/// Which service and operation a request is for.
enum Call {
    Cognito(Result<Operation, ApiError>),
    Sts(Result<HashMap<String, String>, ApiError>),
}

fn classify(parts: &hyper::http::request::Parts, body: &[u8]) -> Call {
    if let Some(target) = parts.headers.get("x-amz-target") {
        let target = String::from_utf8_lossy(target.as_bytes());
        return Call::Cognito(
            cognito::operation_for_target(&target)
                .ok_or_else(|| cognito::unknown_operation(&target)),
        );
    }
    let mut form: HashMap<String, String> = HashMap::new();
    if let Some(query) = parts.uri.query() {
        form.extend(url::form_urlencoded::parse(query.as_bytes()).into_owned());
    }
    form.extend(url::form_urlencoded::parse(body).into_owned());
    match form.get("Action") {
        Some(action) if action == sts::ACTION => Call::Sts(Ok(form)),
        Some(action) => Call::Sts(Err(sts::invalid_action(action))),
        None => Call::Cognito(Err(ApiError::bad_request(
            "UnknownOperationException",
            "Missing X-Amz-Target header",
        ))),
    }
}

/// Where a request goes, decided from what it carries before its body is read.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Route {
    Admin,
    /// Cognito Identity (its `X-Amz-Target`s, or none) and STS, as before S3 and
    /// the generic endpoint existed.
    CognitoOrSts,
    S3,
    /// Any other signed service: JSON protocol (with its `X-Amz-Target`) or REST.
    Service(Option<String>),
    /// Cognito user pools (`AWSCognitoIdentityProviderService.<op>`).
    UserPools(String),
    /// `/<userPoolId>/.well-known/jwks.json` (or `openid-configuration`).
    WellKnown(String, String),
}

fn route(parts: &hyper::http::request::Parts) -> Route {
    if parts.uri.path().starts_with(admin::PREFIX) {
        return Route::Admin;
    }
    if let Some((pool, doc)) = well_known(parts.uri.path()) {
        return Route::WellKnown(pool, doc);
    }
    if let Some(target) = parts.headers.get("x-amz-target") {
        let target = String::from_utf8_lossy(target.as_bytes());
        return if target.starts_with(cognito::TARGET_PREFIX) {
            Route::CognitoOrSts
        } else if let Some(op) = target.strip_prefix(idp::TARGET_PREFIX) {
            Route::UserPools(op.to_string())
        } else {
            Route::Service(Some(target.into_owned()))
        };
    }
    let view = sigv4::RequestView::from_parts(parts, &[]);
    match sigv4::signed_service(&view).as_deref() {
        Some(s3::SERVICE) => Route::S3,
        Some(sigv4::SERVICE) | Some(sts::SIGNING_NAME) => Route::CognitoOrSts,
        Some(_) => Route::Service(None),
        None => {
            // No SigV4 credential scope (unsigned, or signed otherwise): Cognito and
            // STS live on `/`; any other path is S3's (which refuses such requests).
            let sts_query = parts.uri.query().is_some_and(|q| {
                url::form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "Action")
            });
            if parts.uri.path() != "/" && !sts_query {
                Route::S3
            } else {
                Route::CognitoOrSts
            }
        }
    }
}

/// `/<userPoolId>/.well-known/<doc>`: S3 bucket names never contain `_`, user pool ids
/// always do.
fn well_known(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix('/')?;
    let (pool, doc) = rest.split_once("/.well-known/")?;
    if !pool.contains('_') || pool.contains('/') {
        return None;
    }
    matches!(doc, "jwks.json" | "openid-configuration").then(|| (pool.to_string(), doc.to_string()))
}

fn user_pool_error(shared: &Shared, err: &ApiError, request_id: &str) -> Resp {
    let body = serde_json::json!({"__type": err.code, "message": err.message}).to_string();
    let mut resp = response(
        shared,
        err.status,
        cognito::CONTENT_TYPE,
        request_id,
        RespBody::full(body),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("{}:", err.code)) {
        resp.headers_mut().insert("x-amzn-errortype", v);
    }
    let message: String = err
        .message
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .take(512)
        .collect();
    if let Ok(v) = HeaderValue::from_str(&message) {
        resp.headers_mut().insert("x-amzn-errormessage", v);
    }
    resp
}

/// A user-pool operation. The SRP exponentiations take milliseconds: they run on the
/// blocking pool, not on the thread serving connections.
async fn user_pools(
    shared: Arc<Shared>,
    ctl: Arc<ConnCtl>,
    op: String,
    body: Bytes,
    request_id: &str,
) -> Resp {
    let known = idp::OPERATIONS.contains(&op.as_str());
    shared.count_named(&format!(
        "cognito-idp:{}",
        if known { op.as_str() } else { "unknown" }
    ));
    if let Some(category) = crate::quotas::user_pool_category(&op) {
        if !shared.quotas.admit(category) {
            let err = ApiError::bad_request("TooManyRequestsException", "Rate exceeded");
            return user_pool_error(&shared, &err, request_id);
        }
    }
    let fault = shared.take_user_pool_fault(&op);
    if let Some(f) = &fault {
        tracing::debug!(op = %op, fault = ?f, "injecting fault");
    }
    let json_ok = |body: RespBody| response(&shared, 200, cognito::CONTENT_TYPE, request_id, body);
    match &fault {
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        Some(Fault::Hang) => std::future::pending::<()>().await,
        Some(Fault::Reset) => {
            ctl.cut(true);
            std::future::pending::<()>().await
        }
        Some(Fault::LimitExceeded) => {
            let err = ApiError::bad_request(
                "LimitExceededException",
                "Attempt limit exceeded, please try after some time.",
            );
            return user_pool_error(&shared, &err, request_id);
        }
        Some(Fault::Malformed) => {
            return json_ok(RespBody::full(faults::malformed_body(Protocol::Json)))
        }
        Some(Fault::MissingFields) => return json_ok(RespBody::full("{}")),
        Some(Fault::WrongContentType) => {
            return response(
                &shared,
                200,
                "text/html",
                request_id,
                RespBody::full(faults::HTML_BODY),
            )
        }
        Some(Fault::HugeBody(n)) => {
            let (prefix, suffix) = faults::huge_body_frame(Protocol::Json);
            return json_ok(RespBody::Padded {
                prefix: Some(Bytes::from_static(prefix.as_bytes())),
                remaining: n.saturating_sub(prefix.len() + suffix.len()),
                suffix: Some(Bytes::from_static(suffix.as_bytes())),
            });
        }
        _ => {}
    }
    if let Some(err) = fault
        .as_ref()
        .and_then(|f| faults::as_error(f, Protocol::Json))
    {
        return user_pool_error(&shared, &err, request_id);
    }
    let worker = shared.clone();
    let result = tokio::task::spawn_blocking(move || {
        worker.user_pools().handle(&op, &body, worker.now_secs())
    })
    .await
    .unwrap_or_else(|_| {
        Err(ApiError::new(
            500,
            "InternalErrorException",
            "An internal error occurred",
        ))
    });
    let resp = match result {
        Ok(value) => json_ok(RespBody::full(value.to_string())),
        Err(err) => user_pool_error(&shared, &err, request_id),
    };
    // The operation ran; its answer is cut short.
    match fault {
        Some(Fault::Truncated) => cut_short(resp, ctl, false),
        Some(Fault::ResetMidBody) => cut_short(resp, ctl, true),
        _ => resp,
    }
}

fn well_known_doc(shared: &Shared, pool: &str, doc: &str, request_id: &str) -> Resp {
    let found = match doc {
        "jwks.json" => shared.user_pools().jwks(pool),
        _ => shared.user_pools().openid_configuration(pool),
    };
    let (status, body) = match found {
        Some(v) => (200, v),
        None => {
            let shown: String = pool.chars().take(128).collect();
            (
                404,
                serde_json::json!({"message": format!("User pool {shown} does not exist.")}),
            )
        }
    };
    response(
        shared,
        status,
        "application/json",
        request_id,
        RespBody::full(body.to_string()),
    )
}

async fn handle(shared: Arc<Shared>, ctl: Arc<ConnCtl>, req: Request<Incoming>) -> Resp {
    let request_id = util::random_uuid();
    let (parts, body) = req.into_parts();
    let route = route(&parts);
    let limit = match route {
        Route::S3 => s3::max_request_body(shared.with_objects(|s| s.max_object_size)),
        _ => MAX_REQUEST_BODY,
    };
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let declared_too_large = declared.is_some_and(|n| n > limit as u64);
    let body = if declared_too_large {
        Err(BodyError::TooLarge)
    } else {
        read_body(body, limit).await
    };
    let body = match body {
        Ok(b) => b,
        Err(BodyError::TooLarge) if route == Route::S3 => {
            let size = declared.unwrap_or(limit as u64 + 1);
            return s3::body_too_large(&shared, size, &request_id);
        }
        Err(BodyError::TooLarge) => {
            let err = ApiError::new(413, "RequestEntityTooLarge", "Request body too large");
            let mut resp = error_response(&shared, Protocol::Json, &err, &request_id);
            resp.headers_mut()
                .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
            return resp;
        }
        Err(BodyError::Io) => {
            let err =
                ApiError::bad_request("SerializationException", "Could not read the request body");
            return error_response(&shared, Protocol::Json, &err, &request_id);
        }
    };
    match route {
        Route::Admin => {
            return admin::handle(&shared, &parts.method, parts.uri.path(), &body, &request_id)
        }
        Route::S3 => return s3::handle(&shared, &parts, &body, &request_id),
        Route::Service(target) => {
            return services::handle(&shared, &parts, &body, &request_id, target.as_deref())
        }
        Route::UserPools(op) => {
            return user_pools(shared.clone(), ctl, op, body, &request_id).await
        }
        Route::WellKnown(pool, doc) => return well_known_doc(&shared, &pool, &doc, &request_id),
        Route::CognitoOrSts => {}
    }

    let call = classify(&parts, &body);
    let (protocol, op) = match &call {
        Call::Cognito(op) => (Protocol::Json, op.as_ref().ok().copied()),
        Call::Sts(Ok(_)) => (Protocol::Xml, Some(Operation::AssumeRoleWithWebIdentity)),
        Call::Sts(Err(_)) => (Protocol::Xml, None),
    };
    shared.count_request(op);
    if let Some(op) = op {
        if !shared.quotas.admit(op.name()) {
            if let Some(err) = faults::as_error(&Fault::Throttle, protocol) {
                return error_response(&shared, protocol, &err, &request_id);
            }
        }
    }
    // Operations that need developer credentials are authenticated first: a request
    // failing that is counted but neither faulted nor run. Other operations ignore
    // any signature, so clients that sign everything still work.
    if op.is_some_and(Operation::requires_signature) {
        if let Err(err) = authenticate(&shared, &parts, &body) {
            tracing::debug!(code = %err.code, message = %err.message, "SigV4 check failed");
            return error_response(&shared, protocol, &err, &request_id);
        }
    }
    let fault = op.and_then(|op| shared.take_fault(op));
    if let (Some(op), Some(fault)) = (op, &fault) {
        tracing::debug!(op = op.name(), ?fault, "injecting fault");
    }

    match &fault {
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        Some(Fault::Hang) => std::future::pending::<()>().await,
        Some(Fault::Reset) => {
            ctl.cut(true);
            std::future::pending::<()>().await
        }
        _ => {}
    }
    if let Some(err) = fault.as_ref().and_then(|f| faults::as_error(f, protocol)) {
        return error_response(&shared, protocol, &err, &request_id);
    }
    let content_type = match protocol {
        Protocol::Json => cognito::CONTENT_TYPE,
        Protocol::Xml => sts::CONTENT_TYPE,
    };
    let ok = |body: RespBody| response(&shared, 200, content_type, &request_id, body);
    match (&fault, op) {
        (Some(Fault::Malformed), _) => return ok(RespBody::full(faults::malformed_body(protocol))),
        (Some(Fault::MissingFields), _) => {
            return ok(RespBody::full(faults::missing_fields_body(
                protocol,
                &request_id,
            )))
        }
        (Some(Fault::WrongTypes), Some(op)) => {
            return ok(RespBody::full(faults::wrong_types_body(op)))
        }
        (Some(Fault::WrongContentType), _) => {
            return response(
                &shared,
                200,
                "text/html",
                &request_id,
                RespBody::full(faults::HTML_BODY),
            )
        }
        (Some(Fault::HugeBody(n)), _) => {
            let (prefix, suffix) = faults::huge_body_frame(protocol);
            let padding = n.saturating_sub(prefix.len() + suffix.len());
            return ok(RespBody::Padded {
                prefix: Some(Bytes::from_static(prefix.as_bytes())),
                remaining: padding,
                suffix: Some(Bytes::from_static(suffix.as_bytes())),
            });
        }
        _ => {}
    }

    let resp = match call {
        Call::Cognito(Err(err)) | Call::Sts(Err(err)) => {
            error_response(&shared, protocol, &err, &request_id)
        }
        Call::Cognito(Ok(op)) => match cognito::handle(&shared, op, &body, fault.as_ref()) {
            Ok(value) => ok(RespBody::full(value.to_string())),
            Err(err) => error_response(&shared, protocol, &err, &request_id),
        },
        Call::Sts(Ok(form)) => {
            match sts::assume_role_with_web_identity(&shared, &form, fault.as_ref(), &request_id) {
                Ok(xml) => ok(RespBody::full(xml)),
                Err(err) => error_response(&shared, protocol, &err, &request_id),
            }
        }
    };
    match fault {
        Some(Fault::Truncated) => cut_short(resp, ctl, false),
        Some(Fault::ResetMidBody) => cut_short(resp, ctl, true),
        _ => resp,
    }
}

/// Checks the SigV4 signature of a Cognito request against the emulator's keys,
/// region and clock.
fn authenticate(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<(), ApiError> {
    let view = sigv4::RequestView::from_parts(parts, body);
    let policy = sigv4::Policy {
        region: shared.region(),
        service: sigv4::SERVICE,
        now: shared.now(),
    };
    let verified = sigv4::verify(&view, &policy, |akid| shared.signing_secret(akid))?;
    tracing::trace!(
        access_key_id = %verified.access_key_id,
        session_token = verified.session_token.is_some(),
        "SigV4 signature verified"
    );
    Ok(())
}

/// Re-sends `resp` with its full Content-Length but only half of its body, then
/// closes the connection (with a RST if `rst`).
fn cut_short(resp: Resp, ctl: Arc<ConnCtl>, rst: bool) -> Resp {
    let (mut parts, body) = resp.into_parts();
    let full = match body {
        RespBody::Full(Some(data)) => data,
        _ => Bytes::new(),
    };
    let sent = full.slice(..full.len() / 2);
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(full.len().max(1) as u64));
    let then: Box<dyn FnOnce() + Send> = Box::new(move || {
        // hyper flushes what it has once the body stalls; give the bytes time to leave.
        tokio::spawn(async move {
            tokio::time::sleep(CUT_GRACE).await;
            ctl.cut(rst);
        });
    });
    Response::from_parts(
        parts,
        RespBody::Cut {
            chunk: Some(sent),
            then: Some(then),
        },
    )
}
