//! A small S3-compatible endpoint: path-style (`/<bucket>/<key>`, or
//! `<bucket>.localhost` virtual-hosted), every request SigV4-signed (header or
//! presigned) with credentials the emulator issued or a developer key, S3's rules and
//! XML errors.

use std::time::SystemTime;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use hyper::{Response, StatusCode};
use quick_xml::escape::escape;
use ring::digest;

use crate::checksum::{self, Algorithm};
use crate::objects::{Entry, Marker, Object, Part, StoreError, UploadError, MIN_PART_SIZE};
use crate::server::{Resp, RespBody};
use crate::sigv4::{self, Check, Failure, RequestView, Verified};
use crate::state::{Principal, RecentRequest, Shared};
use crate::util;

pub(crate) const SERVICE: &str = "s3";
const XMLNS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
/// S3's cap on `X-Amz-Expires`: 7 days.
pub(crate) const MAX_PRESIGN_EXPIRES: u64 = 7 * 24 * 3600;
const MAX_KEY_BYTES: usize = 1024;
const MAX_METADATA_BYTES: usize = 2048;
const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";
/// The owner every bucket and object has (the emulator has one account).
const OWNER_ID: &str = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

const STREAMING_UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
/// The payload hashes of chunk-signed uploads, which the emulator does not verify.
const STREAMING_SIGNED: [&str; 4] = [
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
];

/// Headers stored with an object and returned on GET/HEAD (besides `x-amz-meta-*`).
const STORED_HEADERS: [&str; 6] = [
    "content-type",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "expires",
];

/// Query parameters naming S3 features the emulator does not model.
const UNSUPPORTED_SUBRESOURCES: [&str; 31] = [
    "accelerate",
    "acl",
    "analytics",
    "attributes",
    "cors",
    "delete",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "legal-hold",
    "lifecycle",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "session",
    "tagging",
    "torrent",
    "versionId",
    "versioning",
    "versions",
    "website",
];

/// An S3 error: code, message, the extra elements S3 adds, extra headers.
#[derive(Clone, Debug)]
pub(crate) struct S3Error {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub extra: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
}

impl S3Error {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> S3Error {
        S3Error {
            status,
            code,
            message: message.into(),
            extra: Vec::new(),
            headers: Vec::new(),
        }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> S3Error {
        self.extra.push((name, value.into()));
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> S3Error {
        self.headers.push((name, value.into()));
        self
    }

    fn not_implemented(what: &str) -> S3Error {
        S3Error::new(
            501,
            "NotImplemented",
            format!("A header or query you provided implies functionality that is not implemented ({what}; the emulator's S3 has PutObject, GetObject, HeadObject, DeleteObject, ListObjects(V2), multipart uploads and the basic bucket operations)."),
        )
    }

    fn no_such_bucket(bucket: &str) -> S3Error {
        S3Error::new(404, "NoSuchBucket", "The specified bucket does not exist")
            .with("BucketName", bucket)
    }

    fn invalid_argument(message: impl Into<String>, name: &str, value: &str) -> S3Error {
        S3Error::new(400, "InvalidArgument", message)
            .with("ArgumentName", name)
            .with("ArgumentValue", value)
    }

    fn invalid_request(message: impl Into<String>) -> S3Error {
        S3Error::new(400, "InvalidRequest", message)
    }

    fn upload(err: UploadError, bucket: &str, upload_id: &str) -> S3Error {
        match err {
            UploadError::Store(e) => S3Error::store(e, bucket),
            UploadError::NoSuchUpload => S3Error::new(
                404,
                "NoSuchUpload",
                "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            )
            .with("UploadId", upload_id),
            UploadError::TooManyUploads => S3Error::invalid_request(format!(
                "The emulator keeps at most {} multipart uploads in progress; complete or abort some.",
                crate::objects::MAX_UPLOADS
            )),
            UploadError::InvalidPart(n) => S3Error::new(
                400,
                "InvalidPart",
                "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            )
            .with("UploadId", upload_id)
            .with("PartNumber", n.to_string()),
            UploadError::InvalidPartOrder => S3Error::new(
                400,
                "InvalidPartOrder",
                "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
            )
            .with("UploadId", upload_id),
            UploadError::EntityTooSmall { part, size } => S3Error::new(
                400,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed object size.",
            )
            .with("ProposedSize", size.to_string())
            .with("MinSizeAllowed", MIN_PART_SIZE.to_string())
            .with("PartNumber", part.to_string()),
        }
    }

    fn store(err: StoreError, bucket: &str) -> S3Error {
        match err {
            StoreError::NoSuchBucket => S3Error::no_such_bucket(bucket),
            StoreError::BucketNotEmpty => S3Error::new(
                409,
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty",
            )
            .with("BucketName", bucket),
            StoreError::TooManyBuckets => S3Error::new(
                400,
                "TooManyBuckets",
                format!(
                    "You have attempted to create more buckets than allowed ({}).",
                    crate::objects::MAX_BUCKETS
                ),
            ),
            StoreError::ObjectTooLarge { size, max } => too_large(size, max),
            StoreError::StoreFull { used, needed, max } => S3Error::new(
                400,
                "EntityTooLarge",
                format!(
                    "The emulator's object store is full: {used} of {max} bytes used, this object needs {needed}. Delete objects or raise EmulatorConfig::max_store_bytes."
                ),
            )
            .with("ProposedSize", needed.to_string())
            .with("MaxSizeAllowed", max.saturating_sub(used).to_string()),
        }
    }
}

fn too_large(size: u64, max: u64) -> S3Error {
    S3Error::new(
        400,
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
    )
    .with("ProposedSize", size.to_string())
    .with("MaxSizeAllowed", max.to_string())
}

/// The error for a request body over the limit, before it is read.
pub(crate) fn body_too_large(shared: &Shared, size: u64, request_id: &str) -> Resp {
    let max = shared.with_objects(|s| s.max_object_size) as u64;
    let err = too_large(size, max);
    let mut resp = error_response(shared, &err, request_id, false);
    resp.headers_mut()
        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// The most a request body to S3 may be on the wire (aws-chunked framing included).
pub(crate) fn max_request_body(max_object_size: usize) -> usize {
    max_object_size
        .saturating_add(max_object_size / 8)
        .saturating_add(64 * 1024)
}

/// Sign-in failures as S3 answers them.
fn auth_error(failure: Failure) -> S3Error {
    match failure {
        Failure::Missing => S3Error::new(403, "AccessDenied", "Access Denied"),
        Failure::Malformed {
            message,
            presigned: false,
        } => S3Error::new(
            400,
            "AuthorizationHeaderMalformed",
            format!("The authorization header is malformed; {message}"),
        ),
        Failure::Malformed {
            message,
            presigned: true,
        } => S3Error::new(400, "AuthorizationQueryParametersError", message),
        Failure::TooOld { amz_date, now, .. }
        | Failure::TooNew {
            amz_date,
            now,
            presigned: false,
            ..
        } => S3Error::new(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        )
        .with("RequestTime", amz_date)
        .with("ServerTime", iso8601_seconds(now))
        .with(
            "MaxAllowedSkewMilliseconds",
            sigv4::SERVICE_MAX_SKEW.as_millis().to_string(),
        ),
        Failure::TooNew {
            amz_date,
            now,
            presigned: true,
            ..
        } => S3Error::new(403, "AccessDenied", "Request is not valid yet")
            .with("X-Amz-Date", amz_date)
            .with("ServerTime", iso8601_seconds(now)),
        Failure::PresignExpired {
            amz_date,
            expires,
            now,
        } => {
            let expired_at = sigv4_date(&amz_date)
                .map(|d| iso8601_seconds(d + expires))
                .unwrap_or_default();
            S3Error::new(403, "AccessDenied", "Request has expired")
                .with("X-Amz-Expires", expires.as_secs().to_string())
                .with("Expires", expired_at)
                .with("ServerTime", iso8601_seconds(now))
        }
        Failure::Scope {
            message,
            presigned: false,
        } => S3Error::new(
            400,
            "AuthorizationHeaderMalformed",
            format!("The authorization header is malformed; {message}"),
        ),
        Failure::Scope {
            message,
            presigned: true,
        } => S3Error::new(
            400,
            "AuthorizationQueryParametersError",
            format!("Error parsing the X-Amz-Credential parameter; {message}"),
        ),
        Failure::Region {
            got,
            expected,
            presigned,
        } => {
            let (code, lead) = if presigned {
                (
                    "AuthorizationQueryParametersError",
                    "Error parsing the X-Amz-Credential parameter;",
                )
            } else {
                (
                    "AuthorizationHeaderMalformed",
                    "The authorization header is malformed;",
                )
            };
            S3Error::new(
                400,
                code,
                format!("{lead} the region '{got}' is wrong; expecting '{expected}'"),
            )
            .with("Region", expected.clone())
            .header("x-amz-bucket-region", expected)
        }
        Failure::UnknownKey { access_key_id } => S3Error::new(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        )
        .with("AWSAccessKeyId", access_key_id),
        Failure::BadToken => S3Error::new(
            400,
            "InvalidToken",
            "The provided token is malformed or otherwise invalid.",
        ),
        Failure::ExpiredToken => {
            S3Error::new(400, "ExpiredToken", "The provided token has expired.")
        }
        Failure::Mismatch {
            access_key_id,
            canonical_request,
            string_to_sign,
            signature,
        } => S3Error::new(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        )
        .with("AWSAccessKeyId", access_key_id)
        .with("StringToSign", string_to_sign)
        .with("SignatureProvided", signature)
        .with("CanonicalRequest", canonical_request),
    }
}

fn sigv4_date(amz_date: &str) -> Option<SystemTime> {
    sigv4::parse_amz_date(amz_date).ok().map(|(_, t)| t)
}

/// `2024-01-02T03:04:05Z`.
fn iso8601_seconds(t: SystemTime) -> String {
    let s = util::iso8601_millis(t);
    match s.split_once('.') {
        Some((head, _)) => format!("{head}Z"),
        None => s,
    }
}

// ---- requests ----

/// What a request addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub bucket: Option<String>,
    pub key: Option<String>,
}

/// `%XX` decoded, strictly: malformed escapes and invalid UTF-8 are errors.
fn decode_path_segment(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Path-style `/<bucket>/<key>`, or virtual-hosted `<bucket>.localhost` + `/<key>`.
pub(crate) fn parse_target(host: Option<&str>, path: &str) -> Result<Target, S3Error> {
    let invalid_uri = || {
        S3Error::new(400, "InvalidURI", "Couldn't parse the specified URI.")
            .with("URI", path.chars().take(1024).collect::<String>())
    };
    let hostname = host
        .map(|h| match h.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|c| c.is_ascii_digit()) => name,
            _ => h,
        })
        .unwrap_or("");
    let path = path.strip_prefix('/').unwrap_or(path);
    if let Some(bucket) = hostname
        .to_ascii_lowercase()
        .strip_suffix(".localhost")
        .filter(|b| !b.is_empty())
    {
        let key = decode_path_segment(path).ok_or_else(invalid_uri)?;
        return Ok(Target {
            bucket: Some(bucket.to_string()),
            key: Some(key).filter(|k| !k.is_empty()),
        });
    }
    let (bucket, key) = match path.split_once('/') {
        Some((b, k)) => (b, Some(k)),
        None => (path, None),
    };
    let bucket = decode_path_segment(bucket).ok_or_else(invalid_uri)?;
    let key = match key {
        Some(k) => Some(decode_path_segment(k).ok_or_else(invalid_uri)?),
        None => None,
    };
    Ok(Target {
        bucket: Some(bucket).filter(|b| !b.is_empty()),
        key: key.filter(|k| !k.is_empty()),
    })
}

/// S3's bucket naming rules (general purpose buckets).
fn check_bucket_name(name: &str) -> Result<(), S3Error> {
    let b = name.as_bytes();
    let ok = (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
        && !name.contains(".-")
        && !name.contains("-.")
        && name.parse::<std::net::Ipv4Addr>().is_err();
    if ok {
        Ok(())
    } else {
        Err(S3Error::new(
            400,
            "InvalidBucketName",
            "The specified bucket is not valid.",
        )
        .with("BucketName", name.chars().take(255).collect::<String>()))
    }
}

/// The S3 operations the emulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum S3Op {
    ListBuckets,
    CreateBucket,
    DeleteBucket,
    HeadBucket,
    GetBucketLocation,
    ListObjects,
    ListObjectsV2,
    PutObject,
    GetObject,
    HeadObject,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    CompleteMultipartUpload,
    AbortMultipartUpload,
}

impl S3Op {
    pub fn name(self) -> &'static str {
        match self {
            S3Op::ListBuckets => "ListBuckets",
            S3Op::CreateBucket => "CreateBucket",
            S3Op::DeleteBucket => "DeleteBucket",
            S3Op::HeadBucket => "HeadBucket",
            S3Op::GetBucketLocation => "GetBucketLocation",
            S3Op::ListObjects => "ListObjects",
            S3Op::ListObjectsV2 => "ListObjectsV2",
            S3Op::PutObject => "PutObject",
            S3Op::GetObject => "GetObject",
            S3Op::HeadObject => "HeadObject",
            S3Op::DeleteObject => "DeleteObject",
            S3Op::CreateMultipartUpload => "CreateMultipartUpload",
            S3Op::UploadPart => "UploadPart",
            S3Op::CompleteMultipartUpload => "CompleteMultipartUpload",
            S3Op::AbortMultipartUpload => "AbortMultipartUpload",
        }
    }
}

/// The operation, or the name of what is not implemented.
fn classify(
    method: &hyper::Method,
    target: &Target,
    query: &[(String, String)],
    headers: &RequestView<'_>,
) -> Result<S3Op, String> {
    use hyper::Method;
    let has = |k: &str| query.iter().any(|(q, _)| q == k);
    if let Some(sub) = UNSUPPORTED_SUBRESOURCES.iter().find(|s| has(s)) {
        return Err(format!("?{sub}"));
    }
    match (&target.bucket, &target.key) {
        (None, _) => match *method {
            Method::GET => Ok(S3Op::ListBuckets),
            _ => Err(format!("{method} /")),
        },
        (Some(_), None) => match *method {
            _ if has("uploads") => Err("ListMultipartUploads".into()),
            Method::GET if has("location") => Ok(S3Op::GetBucketLocation),
            Method::GET if query.iter().any(|(k, v)| k == "list-type" && v == "2") => {
                Ok(S3Op::ListObjectsV2)
            }
            Method::GET if has("list-type") => Err("list-type other than 2".into()),
            Method::GET => Ok(S3Op::ListObjects),
            Method::PUT => Ok(S3Op::CreateBucket),
            Method::DELETE => Ok(S3Op::DeleteBucket),
            Method::HEAD => Ok(S3Op::HeadBucket),
            _ => Err(format!("{method} on a bucket")),
        },
        (Some(_), Some(_)) => match *method {
            Method::POST if has("uploads") => Ok(S3Op::CreateMultipartUpload),
            Method::POST if has("uploadId") => Ok(S3Op::CompleteMultipartUpload),
            Method::PUT if headers.header("x-amz-copy-source").is_some() => {
                Err("CopyObject / UploadPartCopy (x-amz-copy-source)".into())
            }
            Method::PUT if has("uploadId") || has("partNumber") => Ok(S3Op::UploadPart),
            Method::DELETE if has("uploadId") => Ok(S3Op::AbortMultipartUpload),
            _ if has("uploadId") => Err("ListParts".into()),
            _ if has("partNumber") => Err("?partNumber".into()),
            Method::PUT => Ok(S3Op::PutObject),
            Method::GET => Ok(S3Op::GetObject),
            Method::HEAD => Ok(S3Op::HeadObject),
            Method::DELETE => Ok(S3Op::DeleteObject),
            _ => Err(format!("{method} on an object")),
        },
    }
}

/// Handles one S3 request (the body already read, within the limits).
pub(crate) fn handle(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: &Bytes,
    request_id: &str,
) -> Resp {
    let head = parts.method == hyper::Method::HEAD;
    let view = RequestView::from_parts(parts, body);
    let query = view.query_pairs();
    let mut record = RecentRequest {
        operation: "s3:Unknown".into(),
        service: Some(SERVICE.into()),
        region: None,
        access_key_id: None,
        identity_id: None,
        status: 0,
        error: None,
    };
    let result = (|| -> Result<Resp, S3Error> {
        let target = parse_target(view.header("host"), parts.uri.path())?;
        let op = classify(&parts.method, &target, &query, &view);
        record.operation = format!(
            "s3:{}",
            op.as_ref().map_or("NotImplemented", |op| op.name())
        );
        shared.count_named(&record.operation);
        let (verified, principal) = authenticate(shared, &view, &query, &target)?;
        record.region = Some(verified.region.clone());
        record.access_key_id = Some(verified.access_key_id.clone());
        record.identity_id = principal.identity_id.clone();
        let op = op.map_err(|what| S3Error::not_implemented(&what))?;
        tracing::debug!(
            op = op.name(),
            bucket = ?target.bucket,
            key = ?target.key,
            identity = ?principal.identity_id,
            "S3 request verified"
        );
        let ctx = Ctx {
            shared,
            view: &view,
            query: &query,
            target: &target,
            verified: &verified,
            request_id,
        };
        ctx.run(op)
    })();
    let resp = match result {
        Ok(resp) => resp,
        Err(err) => {
            tracing::debug!(code = err.code, message = %err.message, "S3 request refused");
            record.error = Some(err.code.to_string());
            error_response(shared, &err, request_id, head)
        }
    };
    record.status = resp.status().as_u16();
    shared.record_recent(record);
    resp
}

/// Verifies the signature with S3's rules; the bucket's region (if it exists) is the
/// one the request must be scoped to.
fn authenticate(
    shared: &Shared,
    view: &RequestView<'_>,
    query: &[(String, String)],
    target: &Target,
) -> Result<(Verified, Principal), S3Error> {
    let presigned = view.header("authorization").is_none();
    // Signature Version 2 (`Authorization: AWS <key>:<signature>`, or the query's
    // `AWSAccessKeyId` + `Signature`, which botocore still presigns with in us-east-1
    // unless told `signature_version="s3v4"`): refused as S3 refuses it for buckets
    // that only take SigV4.
    let sigv2_header = view
        .header("authorization")
        .is_some_and(|a| a.trim_start().starts_with("AWS "));
    let sigv2_query = query.iter().any(|(k, _)| k == "AWSAccessKeyId")
        && query.iter().any(|(k, _)| k == "Signature");
    if sigv2_header || (presigned && sigv2_query && !sigv4::is_signed(view)) {
        return Err(S3Error::invalid_request(
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
        ));
    }
    if !sigv4::is_signed(view) {
        return Err(auth_error(Failure::Missing));
    }
    if presigned {
        if let Some((_, e)) = query.iter().find(|(k, _)| k == "X-Amz-Expires") {
            match e.parse::<u64>() {
                Ok(secs) if secs > MAX_PRESIGN_EXPIRES => {
                    return Err(S3Error::new(
                        400,
                        "AuthorizationQueryParametersError",
                        format!("X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGN_EXPIRES}"),
                    ))
                }
                Ok(_) => {}
                Err(_) => {
                    return Err(S3Error::new(
                        400,
                        "AuthorizationQueryParametersError",
                        "X-Amz-Expires should be a number",
                    ))
                }
            }
        }
    } else {
        match view.header("x-amz-content-sha256").map(str::trim) {
            None => {
                return Err(S3Error::invalid_request(
                    "Missing required header for this request: x-amz-content-sha256",
                ))
            }
            Some(v) if STREAMING_SIGNED.contains(&v) => {
                return Err(S3Error::not_implemented(&format!(
                    "x-amz-content-sha256: {v} (chunk-signed uploads; sign the payload, or use UNSIGNED-PAYLOAD or {STREAMING_UNSIGNED_TRAILER})"
                )))
            }
            Some(v) if v == sigv4::UNSIGNED_PAYLOAD || v == STREAMING_UNSIGNED_TRAILER => {}
            Some(v) if is_sha256_hex(v) => {}
            Some(v) => {
                return Err(S3Error::invalid_argument(
                    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
                    "x-amz-content-sha256",
                    &v.chars().take(128).collect::<String>(),
                ))
            }
        }
    }
    let bucket_region = target
        .bucket
        .as_deref()
        .and_then(|b| shared.with_objects(|s| s.bucket(b).map(|b| b.region.clone())));
    let check = Check {
        region: bucket_region.as_deref(),
        service: Some(SERVICE),
        now: shared.now(),
        max_skew: sigv4::SERVICE_MAX_SKEW,
        s3: true,
    };
    let mut principal = Principal::default();
    let verified = sigv4::verify_with(view, &check, |akid, token| {
        let (secret, p) = shared.credentials_for(akid, token)?;
        principal = p;
        Ok(secret)
    })
    .map_err(auth_error)?;
    Ok((verified, principal))
}

fn is_sha256_hex(v: &str) -> bool {
    v.len() == 64 && v.bytes().all(|c| c.is_ascii_hexdigit())
}

/// One verified request being served.
struct Ctx<'a> {
    shared: &'a Shared,
    view: &'a RequestView<'a>,
    query: &'a [(String, String)],
    target: &'a Target,
    verified: &'a Verified,
    request_id: &'a str,
}

impl Ctx<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn bucket(&self) -> &str {
        self.target.bucket.as_deref().unwrap_or_default()
    }

    fn key(&self) -> &str {
        self.target.key.as_deref().unwrap_or_default()
    }

    fn run(&self, op: S3Op) -> Result<Resp, S3Error> {
        match op {
            S3Op::ListBuckets => self.list_buckets(),
            S3Op::CreateBucket => self.create_bucket(),
            S3Op::DeleteBucket => {
                let bucket = self.bucket();
                self.shared
                    .with_objects(|s| s.delete_bucket(bucket))
                    .map_err(|e| S3Error::store(e, bucket))?;
                Ok(self.ok(204, Vec::new(), Bytes::new()))
            }
            S3Op::HeadBucket => {
                let bucket = self.bucket();
                let region = self
                    .shared
                    .with_objects(|s| s.bucket(bucket).map(|b| b.region.clone()))
                    .ok_or_else(|| S3Error::no_such_bucket(bucket))?;
                Ok(self.ok(200, vec![("x-amz-bucket-region", region)], Bytes::new()))
            }
            S3Op::GetBucketLocation => {
                let bucket = self.bucket();
                let region = self
                    .shared
                    .with_objects(|s| s.bucket(bucket).map(|b| b.region.clone()))
                    .ok_or_else(|| S3Error::no_such_bucket(bucket))?;
                // us-east-1 is the empty location constraint.
                let region = if region == "us-east-1" { "" } else { &region };
                Ok(self.xml(format!(
                    "{XML_DECL}<LocationConstraint xmlns=\"{XMLNS}\">{}</LocationConstraint>",
                    escape(region)
                )))
            }
            S3Op::ListObjects => self.list_objects(false),
            S3Op::ListObjectsV2 => self.list_objects(true),
            S3Op::PutObject => self.put_object(),
            S3Op::GetObject => self.get_object(false),
            S3Op::HeadObject => self.get_object(true),
            S3Op::CreateMultipartUpload => self.create_upload(),
            S3Op::UploadPart => self.upload_part(),
            S3Op::CompleteMultipartUpload => self.complete_upload(),
            S3Op::AbortMultipartUpload => {
                let (bucket, key) = (self.bucket(), self.key());
                let id = self.param("uploadId").unwrap_or_default();
                self.shared
                    .with_objects(|s| s.abort_upload(id, bucket, key))
                    .map_err(|e| S3Error::upload(e, bucket, id))?;
                Ok(self.ok(204, Vec::new(), Bytes::new()))
            }
            S3Op::DeleteObject => {
                let (bucket, key) = (self.bucket(), self.key());
                self.shared
                    .with_objects(|s| s.delete(bucket, key))
                    .map_err(|e| S3Error::store(e, bucket))?;
                Ok(self.ok(204, Vec::new(), Bytes::new()))
            }
        }
    }

    fn ok(&self, status: u16, headers: Vec<(&str, String)>, body: Bytes) -> Resp {
        s3_response(self.shared, status, self.request_id, &headers, body, None)
    }

    fn xml(&self, body: String) -> Resp {
        self.ok(
            200,
            vec![("content-type", "application/xml".into())],
            Bytes::from(body),
        )
    }

    /// The body of a verified request: checked against a signed payload hash, or
    /// decoded from aws-chunked framing (with its trailer).
    fn payload(&self) -> Result<(Bytes, Vec<(String, String)>), S3Error> {
        let hash = self.verified.payload_hash.as_str();
        let body = Bytes::copy_from_slice(self.view.body);
        if hash == STREAMING_UNSIGNED_TRAILER && !self.verified.presigned {
            return decode_aws_chunked(self.view);
        }
        if is_sha256_hex(hash) {
            let computed = sigv4::hex(digest::digest(&digest::SHA256, &body).as_ref());
            if !computed.eq_ignore_ascii_case(hash) {
                return Err(S3Error::new(
                    400,
                    "XAmzContentSHA256Mismatch",
                    "The provided 'x-amz-content-sha256' header does not match what was computed.",
                )
                .with("ClientComputedContentSHA256", hash)
                .with("S3ComputedContentSHA256", computed));
            }
        }
        Ok((body, Vec::new()))
    }

    fn list_buckets(&self) -> Result<Resp, S3Error> {
        let mut xml = format!(
            "{XML_DECL}<ListAllMyBucketsResult xmlns=\"{XMLNS}\"><Owner><ID>{OWNER_ID}</ID><DisplayName>emulator</DisplayName></Owner><Buckets>"
        );
        self.shared.with_objects(|s| {
            for (name, b) in s.buckets() {
                xml.push_str(&format!(
                    "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate><BucketRegion>{}</BucketRegion></Bucket>",
                    escape(name.as_str()),
                    util::iso8601_millis(b.created),
                    escape(b.region.as_str())
                ));
            }
        });
        xml.push_str("</Buckets></ListAllMyBucketsResult>");
        Ok(self.xml(xml))
    }

    fn create_bucket(&self) -> Result<Resp, S3Error> {
        let bucket = self.bucket();
        check_bucket_name(bucket)?;
        let (body, _) = self.payload()?;
        let region = self.verified.region.as_str();
        let text = String::from_utf8_lossy(&body);
        let constraint = xml_element(&text, "LocationConstraint");
        let wanted = match constraint.as_deref() {
            None | Some("") => "us-east-1",
            Some(c) => c,
        };
        if wanted != region {
            let message = if constraint.is_none() {
                "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.".to_string()
            } else {
                format!("The {wanted} location constraint is incompatible for the region specific endpoint this request was sent to.")
            };
            return Err(S3Error::new(
                400,
                "IllegalLocationConstraintException",
                message,
            ));
        }
        let created = self
            .shared
            .with_objects(|s| s.create_bucket(bucket, region, self.shared.now()))
            .map_err(|e| S3Error::store(e, bucket))?;
        // Recreating one's own bucket is fine in us-east-1 only (S3's legacy rule).
        if !created && region != "us-east-1" {
            return Err(S3Error::new(
                409,
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            )
            .with("BucketName", bucket));
        }
        Ok(self.ok(200, vec![("location", format!("/{bucket}"))], Bytes::new()))
    }

    fn list_objects(&self, v2: bool) -> Result<Resp, S3Error> {
        let bucket = self.bucket();
        let prefix = self.param("prefix").unwrap_or("");
        let delimiter = self.param("delimiter").filter(|d| !d.is_empty());
        let url_encoded = match self.param("encoding-type") {
            None => false,
            Some(e) if e.eq_ignore_ascii_case("url") => true,
            Some(e) => {
                return Err(S3Error::invalid_argument(
                    "Invalid Encoding Method specified in Request",
                    "encoding-type",
                    e,
                ))
            }
        };
        let max_keys = match self.param("max-keys") {
            None => 1000,
            Some(m) => match m.parse::<i64>() {
                Ok(n) if (0..=i64::from(i32::MAX)).contains(&n) => (n as usize).min(1000),
                Ok(_) => {
                    return Err(S3Error::invalid_argument(
                        "Argument maxKeys must be an integer between 0 and 2147483647",
                        "maxKeys",
                        m,
                    ))
                }
                Err(_) => {
                    return Err(S3Error::invalid_argument(
                        "Provided max-keys not an integer or within integer range",
                        "max-keys",
                        m,
                    ))
                }
            },
        };
        let continuation = if v2 {
            match self.param("continuation-token") {
                None => None,
                Some(t) => Some(decode_token(t).ok_or_else(|| {
                    S3Error::invalid_argument(
                        "The continuation token provided is incorrect",
                        "continuation-token",
                        t,
                    )
                })?),
            }
        } else {
            None
        };
        let start_after = if v2 {
            self.param("start-after")
        } else {
            self.param("marker")
        }
        .filter(|s| !s.is_empty());
        let after = continuation.clone().or_else(|| {
            start_after.map(|s| Marker {
                key: s.to_string(),
                skip_prefix: false,
            })
        });
        let enc = |s: &str| {
            if url_encoded {
                sigv4::uri_encode(s, true)
            } else {
                s.to_string()
            }
        };
        let xml = self.shared.with_objects(|s| {
            let page = s
                .list(bucket, prefix, delimiter, after.as_ref(), max_keys)
                .map_err(|e| S3Error::store(e, bucket))?;
            let truncated = page.truncated && max_keys > 0;
            let last = page.entries.last().map(|e| match e {
                Entry::Object(k, _) => Marker {
                    key: k.to_string(),
                    skip_prefix: false,
                },
                Entry::CommonPrefix(p) => Marker {
                    key: p.clone(),
                    skip_prefix: true,
                },
            });
            let mut xml = format!(
                "{XML_DECL}<ListBucketResult xmlns=\"{XMLNS}\"><Name>{}</Name><Prefix>{}</Prefix>",
                escape(bucket),
                escape(enc(prefix).as_str())
            );
            if v2 {
                xml.push_str(&format!("<KeyCount>{}</KeyCount>", page.entries.len()));
            } else {
                xml.push_str(&format!(
                    "<Marker>{}</Marker>",
                    escape(enc(start_after.unwrap_or("")).as_str())
                ));
            }
            xml.push_str(&format!("<MaxKeys>{max_keys}</MaxKeys>"));
            if let Some(d) = delimiter {
                xml.push_str(&format!("<Delimiter>{}</Delimiter>", escape(enc(d).as_str())));
            }
            if url_encoded {
                xml.push_str("<EncodingType>url</EncodingType>");
            }
            xml.push_str(&format!("<IsTruncated>{truncated}</IsTruncated>"));
            if v2 {
                if let Some(t) = self.param("continuation-token") {
                    xml.push_str(&format!(
                        "<ContinuationToken>{}</ContinuationToken>",
                        escape(t)
                    ));
                }
                if truncated {
                    if let Some(last) = &last {
                        xml.push_str(&format!(
                            "<NextContinuationToken>{}</NextContinuationToken>",
                            encode_token(last)
                        ));
                    }
                }
                if let Some(sa) = start_after {
                    xml.push_str(&format!("<StartAfter>{}</StartAfter>", escape(enc(sa).as_str())));
                }
            } else if truncated && delimiter.is_some() {
                if let Some(last) = &last {
                    xml.push_str(&format!(
                        "<NextMarker>{}</NextMarker>",
                        escape(enc(&last.key).as_str())
                    ));
                }
            }
            let fetch_owner = !v2 || self.param("fetch-owner") == Some("true");
            for entry in &page.entries {
                match entry {
                    Entry::Object(key, o) => {
                        xml.push_str(&format!(
                            "<Contents><Key>{}</Key><LastModified>{}</LastModified><ETag>{}</ETag>",
                            escape(enc(key).as_str()),
                            util::iso8601_millis(o.last_modified),
                            escape(o.etag.as_str()),
                        ));
                        if let Some((header, _)) = &o.checksum {
                            if let Some(a) = Algorithm::from_header(header) {
                                xml.push_str(&format!(
                                    "<ChecksumAlgorithm>{}</ChecksumAlgorithm>",
                                    a.name()
                                ));
                            }
                        }
                        xml.push_str(&format!("<Size>{}</Size>", o.data.len()));
                        if fetch_owner {
                            xml.push_str(&format!(
                                "<Owner><ID>{OWNER_ID}</ID><DisplayName>emulator</DisplayName></Owner>"
                            ));
                        }
                        xml.push_str("<StorageClass>STANDARD</StorageClass></Contents>");
                    }
                    Entry::CommonPrefix(p) => xml.push_str(&format!(
                        "<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
                        escape(enc(p).as_str())
                    )),
                }
            }
            xml.push_str("</ListBucketResult>");
            Ok::<_, S3Error>(xml)
        })?;
        Ok(self.xml(xml))
    }

    fn put_object(&self) -> Result<Resp, S3Error> {
        let (bucket, key) = (self.bucket(), self.key());
        self.check_upload_target()?;
        let chunked = self.verified.payload_hash == STREAMING_UNSIGNED_TRAILER;
        // A body of unknown length (chunked transfer encoding) needs its length
        // declared; no framing at all is an empty body.
        if !chunked
            && self.view.header("content-length").is_none()
            && self.view.header("transfer-encoding").is_some()
        {
            return Err(S3Error::new(
                411,
                "MissingContentLength",
                "You must provide the Content-Length HTTP header.",
            ));
        }
        let (data, trailer) = self.payload()?;
        let max = self.shared.with_objects(|s| s.max_object_size) as u64;
        if data.len() as u64 > max {
            return Err(too_large(data.len() as u64, max));
        }
        check_content_md5(self.view, &data)?;
        let checksum = check_checksums(self.view, &trailer, &data)?;
        let headers = self.object_headers()?;
        let etag = format!("\"{}\"", sigv4::hex(&checksum::md5(&data)));
        let object = Object {
            data,
            etag: etag.clone(),
            last_modified: self.shared.now(),
            headers,
            checksum: checksum.clone(),
        };
        let now = self.shared.now();
        let region = self.verified.region.clone();
        let if_none_match = self.view.header("if-none-match").map(str::trim);
        self.shared
            .with_objects(|s| {
                // Buckets come into existence with their first object.
                s.create_bucket(bucket, &region, now)?;
                if if_none_match == Some("*") && s.get(bucket, key)?.is_some() {
                    return Ok(false);
                }
                s.put(bucket, key, object).map(|_| true)
            })
            .map_err(|e| S3Error::store(e, bucket))
            .and_then(|stored| {
                if stored {
                    Ok(())
                } else {
                    Err(precondition_failed("If-None-Match"))
                }
            })?;
        let mut out = vec![
            ("etag", etag),
            ("x-amz-server-side-encryption", "AES256".to_string()),
        ];
        if let Some((header, value)) = checksum {
            if let Some(a) = Algorithm::from_header(&header) {
                out.push((a.header(), value));
            }
        }
        Ok(self.ok(200, out, Bytes::new()))
    }

    /// The headers an upload stores with its object (checked: user metadata <= 2 KB),
    /// with S3's default content type.
    fn object_headers(&self) -> Result<Vec<(String, String)>, S3Error> {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut metadata = 0usize;
        for (name, value) in &self.view.headers {
            if name.starts_with("x-amz-meta-") {
                metadata += name.len() - "x-amz-meta-".len() + value.len();
                headers.push((name.clone(), value.trim().to_string()));
            } else if STORED_HEADERS.contains(&name.as_str()) {
                let value = if name == "content-encoding" {
                    // aws-chunked is framing, not the object's encoding.
                    let rest: Vec<&str> = value
                        .split(',')
                        .map(str::trim)
                        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("aws-chunked"))
                        .collect();
                    if rest.is_empty() {
                        continue;
                    }
                    rest.join(",")
                } else {
                    value.trim().to_string()
                };
                headers.push((name.clone(), value));
            }
        }
        if metadata > MAX_METADATA_BYTES {
            return Err(S3Error::new(
                400,
                "MetadataTooLarge",
                "Your metadata headers exceed the maximum allowed metadata size.",
            )
            .with("Size", metadata.to_string())
            .with("MaxSizeAllowed", MAX_METADATA_BYTES.to_string()));
        }
        if !headers.iter().any(|(n, _)| n == "content-type") {
            headers.push(("content-type".into(), DEFAULT_CONTENT_TYPE.into()));
        }
        Ok(headers)
    }

    /// Bucket and key checks shared by the uploads.
    fn check_upload_target(&self) -> Result<(), S3Error> {
        check_bucket_name(self.bucket())?;
        let key = self.key();
        if key.len() > MAX_KEY_BYTES {
            return Err(S3Error::new(400, "KeyTooLongError", "Your key is too long")
                .with("Size", key.len().to_string())
                .with("MaxSizeAllowed", MAX_KEY_BYTES.to_string()));
        }
        Ok(())
    }

    fn create_upload(&self) -> Result<Resp, S3Error> {
        self.check_upload_target()?;
        let (bucket, key) = (self.bucket(), self.key());
        let headers = self.object_headers()?;
        let id = util::random_from(UPLOAD_ID_CHARS, 64);
        let region = self.verified.region.clone();
        let now = self.shared.now();
        self.shared
            .with_objects(|s| {
                s.create_bucket(bucket, &region, now)?;
                s.create_upload(id.clone(), bucket, key, headers)
            })
            .map_err(|e| S3Error::upload(e, bucket, &id))?;
        Ok(self.xml(format!(
            "{XML_DECL}<InitiateMultipartUploadResult xmlns=\"{XMLNS}\"><Bucket>{}</Bucket><Key>{}</Key><UploadId>{id}</UploadId></InitiateMultipartUploadResult>",
            escape(bucket),
            escape(key)
        )))
    }

    fn upload_part(&self) -> Result<Resp, S3Error> {
        let (bucket, key) = (self.bucket(), self.key());
        let id = self.param("uploadId").unwrap_or_default();
        let number_text = self.param("partNumber").unwrap_or_default();
        let number = number_text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| {
                S3Error::invalid_argument(
                    "Part number must be an integer between 1 and 10000, inclusive",
                    "partNumber",
                    number_text,
                )
            })?;
        let (data, trailer) = self.payload()?;
        check_content_md5(self.view, &data)?;
        let checksum = check_checksums(self.view, &trailer, &data)?;
        let etag = format!("\"{}\"", sigv4::hex(&checksum::md5(&data)));
        let part = Part {
            data,
            etag: etag.clone(),
        };
        self.shared
            .with_objects(|s| s.put_part(id, bucket, key, number, part))
            .map_err(|e| S3Error::upload(e, bucket, id))?;
        let mut out = vec![("etag", etag)];
        if let Some((header, value)) = checksum {
            if let Some(a) = Algorithm::from_header(&header) {
                out.push((a.header(), value));
            }
        }
        Ok(self.ok(200, out, Bytes::new()))
    }

    fn complete_upload(&self) -> Result<Resp, S3Error> {
        let (bucket, key) = (self.bucket(), self.key());
        let id = self.param("uploadId").unwrap_or_default();
        let (body, _) = self.payload()?;
        let listed = parse_complete(&String::from_utf8_lossy(&body)).ok_or_else(|| {
            S3Error::new(
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema",
            )
        })?;
        let now = self.shared.now();
        let etag = self
            .shared
            .with_objects(|s| s.complete_upload(id, bucket, key, &listed, now))
            .map_err(|e| S3Error::upload(e, bucket, id))?;
        let location = format!(
            "{}/{}/{}",
            self.view
                .header("host")
                .map(|h| format!("http://{h}"))
                .unwrap_or_default(),
            sigv4::uri_encode(bucket, false),
            sigv4::uri_encode(key, true)
        );
        Ok(self.xml(format!(
            "{XML_DECL}<CompleteMultipartUploadResult xmlns=\"{XMLNS}\"><Location>{}</Location><Bucket>{}</Bucket><Key>{}</Key><ETag>{}</ETag></CompleteMultipartUploadResult>",
            escape(location.as_str()),
            escape(bucket),
            escape(key),
            escape(etag.as_str())
        )))
    }

    fn get_object(&self, head: bool) -> Result<Resp, S3Error> {
        let (bucket, key) = (self.bucket(), self.key());
        let object = self
            .shared
            .with_objects(|s| s.get(bucket, key).map(|o| o.cloned()))
            .map_err(|e| S3Error::store(e, bucket))?
            .ok_or_else(|| {
                S3Error::new(404, "NoSuchKey", "The specified key does not exist.").with("Key", key)
            })?;
        let etag_matches = |list: &str| {
            list.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t == object.etag || format!("\"{t}\"") == object.etag)
        };
        if let Some(v) = self.view.header("if-match") {
            if !etag_matches(v) {
                return Err(precondition_failed("If-Match"));
            }
        }
        let not_modified = self.view.header("if-none-match").is_some_and(etag_matches);
        let last_modified = httpdate::fmt_http_date(object.last_modified);
        let mut headers: Vec<(&str, String)> = vec![
            ("etag", object.etag.clone()),
            ("last-modified", last_modified),
            ("accept-ranges", "bytes".into()),
            ("x-amz-server-side-encryption", "AES256".into()),
        ];
        for (name, value) in &object.headers {
            let overridden = name
                .strip_prefix("content-")
                .map(|rest| format!("response-content-{rest}"))
                .or_else(|| (name == "cache-control").then(|| "response-cache-control".into()))
                .or_else(|| (name == "expires").then(|| "response-expires".into()))
                .and_then(|p| self.param(&p));
            headers.push((name.as_str(), overridden.unwrap_or(value).to_string()));
        }
        for (param, header) in [
            ("response-content-type", "content-type"),
            ("response-content-disposition", "content-disposition"),
            ("response-content-encoding", "content-encoding"),
            ("response-content-language", "content-language"),
            ("response-cache-control", "cache-control"),
            ("response-expires", "expires"),
        ] {
            if let Some(v) = self.param(param) {
                if !headers.iter().any(|(n, _)| *n == header) {
                    headers.push((header, v.to_string()));
                }
            }
        }
        if not_modified {
            headers.retain(|(n, _)| matches!(*n, "etag" | "last-modified"));
            return Ok(self.ok(304, headers, Bytes::new()));
        }
        let len = object.data.len() as u64;
        let range = self.view.header("range").and_then(|r| parse_range(r, len));
        let (status, data) = match range {
            None => {
                if self
                    .view
                    .header("x-amz-checksum-mode")
                    .is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"))
                {
                    if let Some((header, value)) = &object.checksum {
                        if let Some(a) = Algorithm::from_header(header) {
                            headers.push((a.header(), value.clone()));
                        }
                    }
                }
                (200, object.data.clone())
            }
            Some(Ok((start, end))) => {
                headers.push(("content-range", format!("bytes {start}-{end}/{len}")));
                (206, object.data.slice(start as usize..=end as usize))
            }
            Some(Err(())) => {
                return Err(S3Error::new(
                    416,
                    "InvalidRange",
                    "The requested range is not satisfiable",
                )
                .with(
                    "RangeRequested",
                    self.view.header("range").unwrap_or_default(),
                )
                .with("ActualObjectSize", len.to_string()))
            }
        };
        let length = data.len() as u64;
        let body = if head { Bytes::new() } else { data };
        Ok(s3_response(
            self.shared,
            status,
            self.request_id,
            &headers,
            body,
            Some(length),
        ))
    }
}

const UPLOAD_ID_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

/// The (part number, ETag) list of a `CompleteMultipartUpload` document; `None` if
/// malformed or empty. Bounded by the body's length and 10 000 parts.
fn parse_complete(text: &str) -> Option<Vec<(u32, String)>> {
    if !text.contains("<CompleteMultipartUpload") {
        return None;
    }
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<Part>") {
        let end = rest[start..].find("</Part>")? + start;
        let block = &rest[start + "<Part>".len()..end];
        let number = xml_element(block, "PartNumber")?.parse::<u32>().ok()?;
        let etag = xml_element(block, "ETag")?
            .replace("&quot;", "\"")
            .replace("&#34;", "\"");
        parts.push((number, etag));
        if parts.len() > 10_000 {
            return None;
        }
        rest = &rest[end + "</Part>".len()..];
    }
    (!parts.is_empty()).then_some(parts)
}

fn precondition_failed(condition: &str) -> S3Error {
    S3Error::new(
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
    )
    .with("Condition", condition)
}

/// The text of the first `<name>` element, if any (enough for
/// `CreateBucketConfiguration`).
fn xml_element(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&format!("</{name}>"))? + start;
    Some(text[start..end].trim().to_string())
}

/// A single `bytes=` range: `None` to ignore the header (malformed, or several
/// ranges, as S3 does), `Err` if unsatisfiable, else the inclusive bounds.
fn parse_range(header: &str, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    if a.is_empty() {
        let n = num(b)?;
        if n == 0 || len == 0 {
            return Some(Err(()));
        }
        return Some(Ok((len.saturating_sub(n), len - 1)));
    }
    let start = num(a)?;
    let end = if b.is_empty() { None } else { Some(num(b)?) };
    if end.is_some_and(|e| e < start) {
        return None;
    }
    if start >= len {
        return Some(Err(()));
    }
    Some(Ok((start, end.map_or(len - 1, |e| e.min(len - 1)))))
}

fn encode_token(m: &Marker) -> String {
    let flag = if m.skip_prefix { "p" } else { "k" };
    B64.encode(format!("{flag}:{}", m.key))
}

fn decode_token(t: &str) -> Option<Marker> {
    let raw = String::from_utf8(B64.decode(t.trim()).ok()?).ok()?;
    let (flag, key) = raw.split_once(':')?;
    match flag {
        "k" => Some(Marker {
            key: key.to_string(),
            skip_prefix: false,
        }),
        "p" => Some(Marker {
            key: key.to_string(),
            skip_prefix: true,
        }),
        _ => None,
    }
}

/// `Content-MD5`, if given, must be the body's.
fn check_content_md5(view: &RequestView<'_>, data: &[u8]) -> Result<(), S3Error> {
    let Some(given) = view.header("content-md5") else {
        return Ok(());
    };
    let decoded = B64.decode(given.trim()).ok().filter(|d| d.len() == 16);
    match decoded {
        None => Err(S3Error::new(
            400,
            "InvalidDigest",
            "The Content-MD5 you specified was invalid.",
        )
        .with("Content-MD5", given)),
        Some(d) if d != checksum::md5(data) => Err(S3Error::new(
            400,
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
        )
        .with("ExpectedDigest", given)
        .with("CalculatedDigest", B64.encode(checksum::md5(data)))),
        Some(_) => Ok(()),
    }
}

/// The one `x-amz-checksum-*` value (header or trailer) checked against the data.
fn check_checksums(
    view: &RequestView<'_>,
    trailer: &[(String, String)],
    data: &[u8],
) -> Result<Option<(String, String)>, S3Error> {
    let given: Vec<(Algorithm, String)> = view
        .headers
        .iter()
        .chain(trailer.iter())
        .filter_map(|(n, v)| Algorithm::from_header(n).map(|a| (a, v.trim().to_string())))
        .collect();
    let (algorithm, value) = match given.as_slice() {
        [] => return Ok(None),
        [one] => one.clone(),
        _ => return Err(S3Error::invalid_request(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
        )),
    };
    let expected = algorithm.digest(data);
    match B64.decode(&value) {
        Ok(d) if d.len() == expected.len() => {
            if d == expected {
                Ok(Some((algorithm.header().to_string(), value)))
            } else {
                Err(S3Error::new(
                    400,
                    "BadDigest",
                    format!(
                        "The {} you specified did not match the calculated checksum.",
                        algorithm.name()
                    ),
                ))
            }
        }
        _ => Err(S3Error::invalid_request(format!(
            "Value for {} header is invalid.",
            algorithm.header()
        ))),
    }
}

/// Decodes an `aws-chunked` body with unsigned chunks (`STREAMING-UNSIGNED-PAYLOAD-
/// TRAILER`): `<hex size>\r\n<data>\r\n` ... `0\r\n` trailer lines `\r\n`. The loop
/// consumes at least one byte per turn, so it ends.
fn decode_aws_chunked(view: &RequestView<'_>) -> Result<(Bytes, Vec<(String, String)>), S3Error> {
    let incomplete = |why: &str| {
        S3Error::new(
            400,
            "IncompleteBody",
            format!("The request body is not valid aws-chunked encoding: {why}."),
        )
    };
    let encoding_ok = view.header("content-encoding").is_some_and(|e| {
        e.split(',')
            .any(|p| p.trim().eq_ignore_ascii_case("aws-chunked"))
    });
    if !encoding_ok {
        return Err(S3Error::invalid_request(format!(
            "x-amz-content-sha256: {STREAMING_UNSIGNED_TRAILER} needs Content-Encoding: aws-chunked"
        )));
    }
    let decoded_length = view
        .header("x-amz-decoded-content-length")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            S3Error::new(
                411,
                "MissingContentLength",
                "You must provide the x-amz-decoded-content-length HTTP header.",
            )
        })?;
    let body = view.body;
    let mut data = Vec::with_capacity(decoded_length.min(body.len() as u64) as usize);
    let mut pos = 0usize;
    let line_end = |from: usize| -> Option<usize> {
        body.get(from..)?
            .windows(2)
            .position(|w| w == b"\r\n")
            .map(|i| from + i)
    };
    loop {
        let end = line_end(pos).ok_or_else(|| incomplete("a chunk size line has no CRLF"))?;
        let line =
            std::str::from_utf8(&body[pos..end]).map_err(|_| incomplete("bad chunk size"))?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        if size_text.is_empty() || size_text.len() > 15 {
            return Err(incomplete("bad chunk size"));
        }
        let size =
            usize::from_str_radix(size_text, 16).map_err(|_| incomplete("bad chunk size"))?;
        pos = end + 2;
        if size == 0 {
            break;
        }
        let chunk = body
            .get(pos..pos + size)
            .ok_or_else(|| incomplete("a chunk is shorter than its size"))?;
        data.extend_from_slice(chunk);
        pos += size;
        if body.get(pos..pos + 2) != Some(b"\r\n") {
            return Err(incomplete("a chunk does not end with CRLF"));
        }
        pos += 2;
    }
    let mut trailer = Vec::new();
    loop {
        let end = match line_end(pos) {
            Some(e) => e,
            // Some clients end the trailer without the final empty line.
            None if pos >= body.len() => break,
            None => return Err(incomplete("a trailer line has no CRLF")),
        };
        if end == pos {
            pos += 2;
            break;
        }
        let line = std::str::from_utf8(&body[pos..end]).map_err(|_| incomplete("bad trailer"))?;
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| incomplete("a trailer line is not name:value"))?;
        trailer.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        pos = end + 2;
    }
    if pos < body.len() {
        return Err(incomplete("bytes after the trailer"));
    }
    if data.len() as u64 != decoded_length {
        return Err(S3Error::new(
            400,
            "IncompleteBody",
            "You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header",
        ));
    }
    if let Some(announced) = view.header("x-amz-trailer") {
        let announced = announced.trim().to_ascii_lowercase();
        if !trailer.iter().any(|(n, _)| *n == announced) {
            return Err(S3Error::invalid_request(format!(
                "The trailer {announced} announced in x-amz-trailer is missing."
            )));
        }
    }
    Ok((Bytes::from(data), trailer))
}

// ---- responses ----

fn host_id() -> String {
    B64.encode(util::random_bytes::<48>())
}

/// An S3 answer: any status (204 and 304 included, without a body), S3's request id
/// headers. `length`: the Content-Length to declare when it differs from the body
/// (HEAD).
fn s3_response(
    shared: &Shared,
    status: u16,
    request_id: &str,
    headers: &[(&str, String)],
    body: Bytes,
    length: Option<u64>,
) -> Resp {
    let no_body = matches!(status, 204 | 304);
    let declared = length.unwrap_or(body.len() as u64);
    let body = if no_body { Bytes::new() } else { body };
    let mut resp = Response::new(RespBody::Full(Some(body).filter(|b| !b.is_empty())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            h.append(n, v);
        }
    }
    if !no_body {
        h.insert(CONTENT_LENGTH, HeaderValue::from(declared));
    }
    let id = request_id.replace('-', "").to_ascii_uppercase();
    let id: String = id.chars().take(16).collect();
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert("x-amz-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&host_id()) {
        h.insert("x-amz-id-2", v);
    }
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(shared.now())) {
        h.insert(hyper::header::DATE, v);
    }
    h.insert(hyper::header::SERVER, HeaderValue::from_static("AmazonS3"));
    resp
}

/// S3's XML error document (no body for HEAD requests, as S3 answers them).
pub(crate) fn error_response(shared: &Shared, err: &S3Error, request_id: &str, head: bool) -> Resp {
    let id: String = request_id
        .replace('-', "")
        .to_ascii_uppercase()
        .chars()
        .take(16)
        .collect();
    let mut xml = format!(
        "{XML_DECL}<Error><Code>{}</Code><Message>{}</Message>",
        err.code,
        escape(err.message.as_str())
    );
    for (name, value) in &err.extra {
        xml.push_str(&format!("<{name}>{}</{name}>", escape(value.as_str())));
    }
    xml.push_str(&format!(
        "<RequestId>{id}</RequestId><HostId>{}</HostId></Error>",
        host_id()
    ));
    let mut headers: Vec<(&str, String)> =
        err.headers.iter().map(|(n, v)| (*n, v.clone())).collect();
    headers.push(("content-type", "application/xml".into()));
    let body = Bytes::from(xml);
    let length = body.len() as u64;
    let body = if head { Bytes::new() } else { body };
    s3_response(
        shared,
        err.status,
        request_id,
        &headers,
        body,
        if head { Some(0) } else { Some(length) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn targets() {
        let t = parse_target(Some("127.0.0.1:4566"), "/b/a%20b/c%2Bd").unwrap();
        assert_eq!(
            (t.bucket.as_deref(), t.key.as_deref()),
            (Some("b"), Some("a b/c+d"))
        );
        let t = parse_target(None, "/b").unwrap();
        assert_eq!((t.bucket.as_deref(), t.key), (Some("b"), None));
        let t = parse_target(None, "/b/").unwrap();
        assert_eq!((t.bucket.as_deref(), t.key), (Some("b"), None));
        let t = parse_target(None, "/").unwrap();
        assert_eq!((t.bucket, t.key), (None, None));
        let t = parse_target(Some("my.bucket.localhost:80"), "/k/x").unwrap();
        assert_eq!(
            (t.bucket.as_deref(), t.key.as_deref()),
            (Some("my.bucket"), Some("k/x"))
        );
        assert_eq!(parse_target(None, "/b/%ff").unwrap_err().code, "InvalidURI");
        assert_eq!(parse_target(None, "/b/%2").unwrap_err().code, "InvalidURI");
    }

    #[test]
    fn bucket_names() {
        for ok in ["abc", "my-bucket.1", "a1b"] {
            assert!(check_bucket_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            "Abc",
            "-abc",
            "abc-",
            "a..b",
            "192.168.1.1",
            "a_b",
            "a.-b",
        ] {
            assert!(check_bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-4", 10), Some(Ok((0, 4))));
        assert_eq!(parse_range("bytes=5-", 10), Some(Ok((5, 9))));
        assert_eq!(parse_range("bytes=-3", 10), Some(Ok((7, 9))));
        assert_eq!(parse_range("bytes=-30", 10), Some(Ok((0, 9))));
        assert_eq!(parse_range("bytes=8-100", 10), Some(Ok((8, 9))));
        assert_eq!(parse_range("bytes=10-", 10), Some(Err(())));
        assert_eq!(parse_range("bytes=-0", 10), Some(Err(())));
        assert_eq!(parse_range("bytes=5-2", 10), None);
        assert_eq!(parse_range("bytes=0-1,3-4", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }

    #[test]
    fn continuation_tokens() {
        for m in [
            Marker {
                key: "a/b:c".into(),
                skip_prefix: false,
            },
            Marker {
                key: "a/".into(),
                skip_prefix: true,
            },
        ] {
            assert_eq!(decode_token(&encode_token(&m)), Some(m));
        }
        assert_eq!(decode_token("not base64!"), None);
        assert_eq!(decode_token(&B64.encode("x:y")), None);
    }

    #[test]
    fn failures_as_s3_errors() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let e = auth_error(Failure::TooOld {
            amz_date: "20231114T200000Z".into(),
            now,
            max_skew: sigv4::SERVICE_MAX_SKEW,
        });
        assert_eq!((e.status, e.code), (403, "RequestTimeTooSkewed"));
        assert!(e
            .extra
            .contains(&("MaxAllowedSkewMilliseconds", "900000".into())));
        let e = auth_error(Failure::PresignExpired {
            amz_date: "20231114T200000Z".into(),
            expires: Duration::from_secs(60),
            now,
        });
        assert_eq!(
            (e.code, e.message.as_str()),
            ("AccessDenied", "Request has expired")
        );
        assert!(e
            .extra
            .contains(&("Expires", "2023-11-14T20:01:00Z".into())));
        let e = auth_error(Failure::UnknownKey {
            access_key_id: "ASIAX".into(),
        });
        assert_eq!((e.status, e.code), (403, "InvalidAccessKeyId"));
        assert_eq!(auth_error(Failure::ExpiredToken).code, "ExpiredToken");
        assert_eq!(auth_error(Failure::BadToken).code, "InvalidToken");
    }
}
