//! Server-side AWS Signature Version 4 verification: the developer-identity operations
//! (signed with developer keys), and every request signed with the temporary
//! credentials the emulator issued (S3 and the generic JSON endpoint).
//!
//! The signature is recomputed from the request as received (method, path, query,
//! the values of the headers named in `SignedHeaders`, the payload hash) and the
//! secret the emulator knows for the access key id. Two sets of rules:
//! - every service but S3: the path is normalised (`.`/`..` segments and repeated
//!   slashes removed) and URI-encoded once more; the payload hash is the SHA-256 of
//!   the body;
//! - S3 ([`Check::s3`]): the path is taken as sent (single encoding, no
//!   normalisation); the payload hash is the `x-amz-content-sha256` header as sent
//!   (`UNSIGNED-PAYLOAD` for presigned URLs), which the S3 handler then checks
//!   against the body.
//!
//! In both, query parameters are decoded, strictly re-encoded and sorted, header
//! values are trimmed with inner whitespace collapsed and repeated headers joined
//! with `,`. Both the `Authorization` header and pre-signed query parameters
//! (`X-Amz-Algorithm`, ...) are accepted.
//!
//! A failed check is a [`Failure`], rendered in the protocol of the caller: AWS's
//! JSON errors ([`Failure::into_json`], status 400:
//! `MissingAuthenticationTokenException`, `IncompleteSignatureException`,
//! `UnrecognizedClientException`, `InvalidSignatureException`,
//! `ExpiredTokenException`) or S3's (in `s3.rs`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::{digest, hmac};

use crate::util::ApiError;

pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The signing name of Cognito Identity.
pub(crate) const SERVICE: &str = "cognito-identity";
/// How far `X-Amz-Date` may be from the emulator's clock, either way, on Cognito's
/// developer operations.
pub(crate) const MAX_SKEW: Duration = Duration::from_secs(5 * 60);
/// The same for S3 and the other services (the generic JSON endpoint).
pub(crate) const SERVICE_MAX_SKEW: Duration = Duration::from_secs(15 * 60);
pub(crate) const SECURITY_TOKEN_PARAM: &str = "X-Amz-Security-Token";
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
const CONTENT_SHA256: &str = "x-amz-content-sha256";

/// What verification needs of a request; header names are lowercase and keep their
/// order of appearance.
#[derive(Clone, Debug)]
pub(crate) struct RequestView<'a> {
    pub method: &'a str,
    /// The path as it appeared on the request line (still percent-encoded).
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

impl<'a> RequestView<'a> {
    pub fn from_parts(parts: &'a hyper::http::request::Parts, body: &'a [u8]) -> RequestView<'a> {
        let mut headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        if !headers.iter().any(|(n, _)| n == "host") {
            // Absolute-form request targets carry the host in the URI instead.
            if let Some(authority) = parts.uri.authority() {
                headers.push(("host".into(), authority.as_str().to_string()));
            }
        }
        RequestView {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers,
            body,
        }
    }

    fn header_values<'s, 'n>(
        &'s self,
        name: &'n str,
    ) -> impl Iterator<Item = &'s str> + use<'s, 'n, 'a> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).next()
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .filter(|q| !q.is_empty())
            .map(|q| {
                q.split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        (percent_decode(k), percent_decode(v))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Where a request must be scoped and when it is checked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub now: SystemTime,
}

/// What a request must be scoped to and which rules sign it: the general form of
/// [`Policy`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Check<'a> {
    /// `None`: any region (the one of the credential scope is used).
    pub region: Option<&'a str>,
    /// `None`: any service.
    pub service: Option<&'a str>,
    pub now: SystemTime,
    /// How far the signing time may be from `now`, either way.
    pub max_skew: Duration,
    /// S3's rules (see the module docs).
    pub s3: bool,
}

impl<'a> From<&Policy<'a>> for Check<'a> {
    fn from(p: &Policy<'a>) -> Check<'a> {
        Check {
            region: Some(p.region),
            service: Some(p.service),
            now: p.now,
            max_skew: MAX_SKEW,
            s3: false,
        }
    }
}

/// A request whose signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Verified {
    pub access_key_id: String,
    pub session_token: Option<String>,
    /// Region and service of the credential scope.
    pub region: String,
    pub service: String,
    /// The payload hash that was signed (S3: the `x-amz-content-sha256` value).
    pub payload_hash: String,
    pub presigned: bool,
}

/// Why a request was refused, before it is rendered in a protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No signature at all.
    Missing,
    /// Malformed `Authorization` header or query parameters, or date.
    Malformed { message: String, presigned: bool },
    /// The signing time is more than the allowed skew before the server's clock.
    TooOld {
        amz_date: String,
        now: SystemTime,
        max_skew: Duration,
    },
    /// ... or after it.
    TooNew {
        amz_date: String,
        now: SystemTime,
        max_skew: Duration,
        presigned: bool,
    },
    /// A presigned request past `X-Amz-Date` + `X-Amz-Expires`.
    PresignExpired {
        amz_date: String,
        expires: Duration,
        now: SystemTime,
    },
    /// A credential scope with the wrong service, terminator or date.
    Scope { message: String, presigned: bool },
    /// A credential scope with the wrong region.
    Region {
        got: String,
        expected: String,
        presigned: bool,
    },
    /// No such access key id (or temporary keys without their session token).
    UnknownKey { access_key_id: String },
    /// The session token is not the one issued with the access key id.
    BadToken,
    /// The temporary credentials have expired.
    ExpiredToken,
    /// The signature differs. The canonical request has the session token redacted.
    Mismatch {
        access_key_id: String,
        canonical_request: String,
        string_to_sign: String,
        signature: String,
    },
}

pub(crate) const MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

impl Failure {
    fn incomplete(message: impl Into<String>, presigned: bool) -> Failure {
        Failure::Malformed {
            message: message.into(),
            presigned,
        }
    }

    /// As AWS's JSON services answer (status 400).
    pub fn into_json(self) -> ApiError {
        let invalid = |m: String| ApiError::bad_request("InvalidSignatureException", m);
        match self {
            Failure::Missing => ApiError::bad_request(
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ),
            Failure::Malformed { message, .. } => {
                ApiError::bad_request("IncompleteSignatureException", message)
            }
            Failure::TooOld {
                amz_date,
                now,
                max_skew,
            } => invalid(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - {} min.)",
                format_amz_date(shifted(now, max_skew, false)),
                format_amz_date(now),
                max_skew.as_secs() / 60
            )),
            Failure::TooNew {
                amz_date,
                now,
                max_skew,
                ..
            } => invalid(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + {} min.)",
                format_amz_date(shifted(now, max_skew, true)),
                format_amz_date(now),
                max_skew.as_secs() / 60
            )),
            Failure::PresignExpired {
                amz_date,
                expires,
                now,
            } => invalid(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - {} sec.)",
                format_amz_date(shifted(now, expires, false)),
                format_amz_date(now),
                expires.as_secs()
            )),
            Failure::Scope { message, .. } => invalid(message),
            Failure::Region { got, .. } => invalid(format!(
                "Credential should be scoped to a valid region, not '{}'. ",
                shorten(&got)
            )),
            Failure::UnknownKey { .. } | Failure::BadToken => ApiError::bad_request(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ),
            Failure::ExpiredToken => ApiError::bad_request(
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ),
            Failure::Mismatch { .. } => invalid(MISMATCH_MESSAGE.to_string()),
        }
    }
}

/// The signature parameters, from the `Authorization` header or the query.
struct Auth {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
    /// `X-Amz-Date` (or `Date`) in ISO-8601 basic format, and that instant.
    amz_date: String,
    date: SystemTime,
    /// Pre-signed requests: `X-Amz-Expires`.
    expires: Option<Duration>,
    presigned: bool,
}

fn parse_header_auth(req: &RequestView<'_>, header: &str) -> Result<Auth, Failure> {
    let incomplete = |m: String| Failure::incomplete(m, false);
    let header = header.trim();
    let (algorithm, rest) = header.split_once(' ').unwrap_or((header, ""));
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{}'. Authorization={header}",
            shorten(algorithm)
        )));
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(incomplete(format!(
                "'{}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.",
                shorten(part)
            )));
        };
        match key.trim() {
            "Credential" => credential = Some(value.trim().to_string()),
            "SignedHeaders" => signed = Some(value.trim().to_string()),
            "Signature" => signature = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let date_header = req.header("x-amz-date").or_else(|| req.header("date"));
    let mut problems = Vec::new();
    if credential.is_none() {
        problems.push("Authorization header requires 'Credential' parameter.");
    }
    if signature.is_none() {
        problems.push("Authorization header requires 'Signature' parameter.");
    }
    if signed.is_none() {
        problems.push("Authorization header requires 'SignedHeaders' parameter.");
    }
    if date_header.is_none() {
        problems.push(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
    }
    if !problems.is_empty() {
        return Err(incomplete(format!(
            "{} Authorization={header}",
            problems.join(" ")
        )));
    }
    let (amz_date, date) = match req.header("x-amz-date") {
        Some(d) => parse_amz_date(d.trim()).map_err(incomplete)?,
        None => {
            let d = date_header.unwrap_or_default().trim();
            let t = httpdate::parse_http_date(d).map_err(|_| incomplete(date_format_error(d)))?;
            (format_amz_date(t), t)
        }
    };
    Ok(Auth {
        credential: credential.unwrap_or_default(),
        signed_headers: split_signed_headers(&signed.unwrap_or_default()),
        signature: signature.unwrap_or_default(),
        amz_date,
        date,
        expires: None,
        presigned: false,
    })
}

fn parse_query_auth(pairs: &[(String, String)]) -> Result<Auth, Failure> {
    let incomplete = |m: String| Failure::incomplete(m, true);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let algorithm = get("X-Amz-Algorithm").unwrap_or_default();
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{}'.",
            shorten(algorithm)
        )));
    }
    let mut problems = Vec::new();
    for name in [
        "X-Amz-Credential",
        "X-Amz-Signature",
        "X-Amz-SignedHeaders",
        "X-Amz-Date",
    ] {
        if get(name).is_none() {
            problems.push(format!(
                "AWS query-string parameters must include '{name}'."
            ));
        }
    }
    if !problems.is_empty() {
        return Err(incomplete(problems.join(" ")));
    }
    let (amz_date, date) =
        parse_amz_date(get("X-Amz-Date").unwrap_or_default()).map_err(incomplete)?;
    let expires = match get("X-Amz-Expires") {
        None => None,
        Some(e) => Some(Duration::from_secs(e.parse::<u64>().map_err(|_| {
            incomplete(format!(
                "X-Amz-Expires must be non-negative integer, not '{}'.",
                shorten(e)
            ))
        })?)),
    };
    Ok(Auth {
        credential: get("X-Amz-Credential").unwrap_or_default().to_string(),
        signed_headers: split_signed_headers(get("X-Amz-SignedHeaders").unwrap_or_default()),
        signature: get("X-Amz-Signature").unwrap_or_default().to_string(),
        amz_date,
        date,
        expires,
        presigned: true,
    })
}

fn split_signed_headers(s: &str) -> Vec<String> {
    s.split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect()
}

fn shorten(s: &str) -> String {
    s.chars().take(128).collect()
}

fn date_format_error(value: &str) -> String {
    format!(
        "Date must be in ISO-8601 'basic format'. Got '{}'. See http://en.wikipedia.org/wiki/ISO_8601",
        shorten(value)
    )
}

/// `YYYYMMDD'T'HHMMSS'Z'`.
pub(crate) fn parse_amz_date(value: &str) -> Result<(String, SystemTime), String> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = value.get(r)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let parsed = (|| {
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let month = time::Month::try_from(u8::try_from(digits(4..6)?).ok()?).ok()?;
        let date = time::Date::from_calendar_date(
            i32::try_from(digits(0..4)?).ok()?,
            month,
            u8::try_from(digits(6..8)?).ok()?,
        )
        .ok()?;
        let clock = time::Time::from_hms(
            u8::try_from(digits(9..11)?).ok()?,
            u8::try_from(digits(11..13)?).ok()?,
            u8::try_from(digits(13..15)?).ok()?,
        )
        .ok()?;
        let secs = date.with_time(clock).assume_utc().unix_timestamp();
        Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
    })();
    parsed
        .map(|t| (value.to_string(), t))
        .ok_or_else(|| date_format_error(value))
}

pub(crate) fn format_amz_date(t: SystemTime) -> String {
    let secs = crate::util::epoch_secs(t);
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(dt) => format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        ),
        Err(_) => "19700101T000000Z".to_string(),
    }
}

fn shifted(t: SystemTime, by: Duration, later: bool) -> SystemTime {
    if later {
        t.checked_add(by).unwrap_or(t)
    } else {
        t.checked_sub(by).unwrap_or(UNIX_EPOCH)
    }
}

/// AWS's wording (rendered by [`Failure::into_json`]), e.g. `Signature expired:
/// 20140325T143453Z is now earlier than 20140325T144751Z (20140325T145251Z - 5 min.)`.
fn check_time(auth: &Auth, now: SystemTime, max_skew: Duration) -> Result<(), Failure> {
    let earliest = shifted(now, max_skew, false);
    let latest = shifted(now, max_skew, true);
    if let Some(expires) = auth.expires {
        let until = shifted(auth.date, expires, true);
        if until < now {
            return Err(Failure::PresignExpired {
                amz_date: auth.amz_date.clone(),
                expires,
                now,
            });
        }
    } else if auth.date < earliest {
        return Err(Failure::TooOld {
            amz_date: auth.amz_date.clone(),
            now,
            max_skew,
        });
    }
    if auth.date > latest {
        return Err(Failure::TooNew {
            amz_date: auth.amz_date.clone(),
            now,
            max_skew,
            presigned: auth.presigned,
        });
    }
    Ok(())
}

/// The parts of a credential scope (`akid/date/region/service/aws4_request`).
struct Scope<'c> {
    access_key_id: &'c str,
    region: &'c str,
    service: &'c str,
}

/// The checked credential scope.
fn check_scope<'c>(auth: &'c Auth, check: &Check<'_>) -> Result<Scope<'c>, Failure> {
    let presigned = auth.presigned;
    let scope_error = |message: String| Failure::Scope { message, presigned };
    let parts: Vec<&str> = auth.credential.split('/').collect();
    let [akid, date, region, service, terminator] = parts[..] else {
        return Err(Failure::incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
            shorten(&auth.credential)
        ), presigned));
    };
    if akid.is_empty() {
        return Err(Failure::UnknownKey {
            access_key_id: String::new(),
        });
    }
    if terminator != "aws4_request" {
        return Err(scope_error(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'. ",
            shorten(terminator)
        )));
    }
    if let Some(expected) = check.service {
        if service != expected {
            return Err(scope_error(format!(
                "Credential should be scoped to correct service: '{expected}'. "
            )));
        }
    }
    if service.is_empty() {
        return Err(scope_error(
            "Credential should be scoped to correct service. ".to_string(),
        ));
    }
    match check.region {
        Some(expected) if region != expected => {
            return Err(Failure::Region {
                got: shorten(region),
                expected: expected.to_string(),
                presigned,
            })
        }
        None if region.is_empty() => {
            return Err(scope_error(
                "Credential should be scoped to a valid region, not ''. ".to_string(),
            ))
        }
        _ => {}
    }
    if date != &auth.amz_date[..8] {
        return Err(scope_error(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{}'.",
            shorten(date),
            &auth.amz_date[..8],
            auth.amz_date
        )));
    }
    Ok(Scope {
        access_key_id: akid,
        region,
        service,
    })
}

/// The signature parameters of a request: `Authorization` header first, then a
/// pre-signed query; [`Failure::Missing`] without either.
fn parse_auth(req: &RequestView<'_>, pairs: &[(String, String)]) -> Result<Auth, Failure> {
    let auth = match req.header("authorization") {
        Some(header) => parse_header_auth(req, header)?,
        None if pairs.iter().any(|(k, _)| k == "X-Amz-Algorithm") => parse_query_auth(pairs)?,
        None => return Err(Failure::Missing),
    };
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(Failure::incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
            auth.presigned,
        ));
    }
    Ok(auth)
}

/// The service name of a request's credential scope (`Authorization` header or
/// `X-Amz-Credential`), without checking anything else: what routing needs.
pub(crate) fn signed_service(req: &RequestView<'_>) -> Option<String> {
    let credential = match req.header("authorization") {
        Some(header) => header
            .split([' ', ','])
            .find_map(|part| part.trim().strip_prefix("Credential="))
            .map(str::to_string)?,
        None => req
            .query_pairs()
            .into_iter()
            .find(|(k, _)| k == "X-Amz-Credential")
            .map(|(_, v)| v)?,
    };
    credential.split('/').nth(3).map(str::to_string)
}

/// Whether a request carries a SigV4 signature at all (header or query).
pub(crate) fn is_signed(req: &RequestView<'_>) -> bool {
    req.header("authorization").is_some()
        || req
            .query_pairs()
            .iter()
            .any(|(k, _)| k == "X-Amz-Algorithm")
}

/// Verifies a SigV4-signed request with Cognito's rules ([`Policy`]); `secret_for`
/// maps an access key id to its secret. Errors in AWS's JSON form.
pub(crate) fn verify(
    req: &RequestView<'_>,
    policy: &Policy<'_>,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<Verified, ApiError> {
    verify_with(req, &Check::from(policy), |akid, _token| {
        secret_for(akid).ok_or_else(|| Failure::UnknownKey {
            access_key_id: akid.to_string(),
        })
    })
    .map_err(Failure::into_json)
}

/// Verifies a SigV4-signed request. `lookup` is given the access key id and the
/// session token the request carries (header or query) and answers the secret, or
/// why the credentials are refused (unknown, wrong token, expired). Checked in this
/// order: parameters, signing time, credential scope, credentials, signature.
pub(crate) fn verify_with(
    req: &RequestView<'_>,
    check: &Check<'_>,
    lookup: impl FnOnce(&str, Option<&str>) -> Result<String, Failure>,
) -> Result<Verified, Failure> {
    let pairs = req.query_pairs();
    let auth = parse_auth(req, &pairs)?;
    check_time(&auth, check.now, check.max_skew)?;
    let scope = check_scope(&auth, check)?;
    let session_token = req
        .header("x-amz-security-token")
        .map(str::to_string)
        .or_else(|| {
            pairs
                .iter()
                .find(|(k, _)| k == SECURITY_TOKEN_PARAM)
                .map(|(_, v)| v.clone())
        });
    let secret = lookup(scope.access_key_id, session_token.as_deref())?;

    let payload_hash = payload_hash(req, &pairs, &auth, check.s3);
    let key = signing_key(&secret, &auth.amz_date[..8], scope.region, scope.service);
    let provided = unhex(&auth.signature);
    let rules = Rules {
        s3: check.s3,
        payload_hash: &payload_hash,
    };
    let matches = |exclude_token: bool| {
        let Some(provided) = &provided else {
            return false;
        };
        let canonical = canonical_request_with(req, &pairs, &auth, exclude_token, &rules, false);
        let string_to_sign = string_to_sign(&auth, &canonical);
        // Constant-time comparison of the recomputed tag with the provided one.
        hmac::verify(&key, string_to_sign.as_bytes(), provided).is_ok()
    };
    // Some signers (STS-style, `SessionTokenMode::Exclude`) add the session token
    // to a pre-signed query only after signing.
    let has_query_token = auth.presigned && pairs.iter().any(|(k, _)| k == SECURITY_TOKEN_PARAM);
    if !(matches(false) || (has_query_token && matches(true))) {
        // What the client should have signed, without the session token (a secret).
        let canonical = canonical_request_with(req, &pairs, &auth, false, &rules, true);
        let string_to_sign = string_to_sign(&auth, &canonical);
        tracing::debug!(
            canonical_request = %canonical,
            %string_to_sign,
            "SigV4 signature mismatch"
        );
        return Err(Failure::Mismatch {
            access_key_id: scope.access_key_id.to_string(),
            canonical_request: canonical,
            string_to_sign,
            signature: shorten(&auth.signature),
        });
    }
    Ok(Verified {
        access_key_id: scope.access_key_id.to_string(),
        session_token,
        region: scope.region.to_string(),
        service: scope.service.to_string(),
        payload_hash,
        presigned: auth.presigned,
    })
}

/// The payload line of the canonical request.
fn payload_hash(
    req: &RequestView<'_>,
    pairs: &[(String, String)],
    auth: &Auth,
    s3: bool,
) -> String {
    if s3 {
        let sent = if auth.presigned {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(CONTENT_SHA256))
                .map(|(_, v)| v.as_str())
                .or(Some(UNSIGNED_PAYLOAD))
        } else {
            req.header(CONTENT_SHA256)
        };
        if let Some(v) = sent {
            return v.trim().to_string();
        }
    }
    hex(digest::digest(&digest::SHA256, req.body).as_ref())
}

/// How the canonical request is built.
struct Rules<'a> {
    s3: bool,
    payload_hash: &'a str,
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> hmac::Key {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in [date, region, service, "aws4_request"] {
        let k = hmac::Key::new(hmac::HMAC_SHA256, &key);
        key = hmac::sign(&k, part.as_bytes()).as_ref().to_vec();
    }
    hmac::Key::new(hmac::HMAC_SHA256, &key)
}

fn string_to_sign(auth: &Auth, canonical_request: &str) -> String {
    let scope = auth.credential.split_once('/').map_or("", |(_, s)| s);
    format!(
        "{ALGORITHM}\n{}\n{scope}\n{}",
        auth.amz_date,
        hex(digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref())
    )
}

/// The canonical request with the rules of services other than S3 and the SHA-256 of
/// the body as payload hash.
#[cfg(test)]
fn canonical_request(
    req: &RequestView<'_>,
    pairs: &[(String, String)],
    auth: &Auth,
    exclude_token: bool,
) -> String {
    let payload_hash = hex(digest::digest(&digest::SHA256, req.body).as_ref());
    let rules = Rules {
        s3: false,
        payload_hash: &payload_hash,
    };
    canonical_request_with(req, pairs, auth, exclude_token, &rules, false)
}

/// `redact`: the session token's value (header or query) is replaced, for logs and
/// error documents.
fn canonical_request_with(
    req: &RequestView<'_>,
    pairs: &[(String, String)],
    auth: &Auth,
    exclude_token: bool,
    rules: &Rules<'_>,
    redact: bool,
) -> String {
    let mut query: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| {
            !(auth.presigned
                && (k == "X-Amz-Signature" || (exclude_token && k == SECURITY_TOKEN_PARAM)))
        })
        .map(|(k, v)| {
            let v = if redact && k == SECURITY_TOKEN_PARAM {
                REDACTED
            } else {
                v.as_str()
            };
            (uri_encode(k, false), uri_encode(v, false))
        })
        .collect();
    query.sort();
    let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = String::new();
    out.push_str(req.method);
    out.push('\n');
    if rules.s3 {
        // S3: the path exactly as sent.
        out.push_str(if req.path.is_empty() { "/" } else { req.path });
    } else {
        out.push_str(&uri_encode(&normalize_path(req.path), true));
    }
    out.push('\n');
    out.push_str(&query.join("&"));
    out.push('\n');
    for name in &auth.signed_headers {
        let values: Vec<String> = if redact && name == "x-amz-security-token" {
            vec![REDACTED.to_string()]
        } else {
            req.header_values(name).map(canonical_value).collect()
        };
        out.push_str(name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&auth.signed_headers.join(";"));
    out.push('\n');
    out.push_str(rules.payload_hash);
    out
}

/// What replaces a session token in logged or returned canonical requests.
const REDACTED: &str = "<session token redacted>";

/// Trimmed, with every run of whitespace (folded lines included) made one space.
fn canonical_value(v: &str) -> String {
    v.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// RFC 3986 dot-segment removal plus collapsing of empty segments, keeping a
/// trailing slash; an empty path is `/`.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = format!("/{}", segments.join("/"));
    if trailing && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// SigV4's URI encoding: everything but unreserved characters (and `/` when
/// `keep_slash`) as uppercase `%XX` of its UTF-8 bytes.
pub(crate) fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` sequences decoded; malformed ones kept as they are (`+` stays `+`).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hi = (b[i + 1] as char).to_digit(16);
            let lo = (b[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    s.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => {
                Some(((*hi as char).to_digit(16)? * 16 + (*lo as char).to_digit(16)?) as u8)
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
