//! Using the credentials without an AWS SDK: SigV4 headers for a request, or a presigned URL,
//! signed with a provider's current credentials (aws-sigv4 does the signing).
//!
//! The caller names the service; the rules that differ per service come from here: S3 signs the
//! path as sent (single URI encoding, no normalisation) and sends `x-amz-content-sha256`; every
//! other service double-encodes and normalises the path. The signing time is the server's, as
//! learned from Cognito's `Date` headers: a device clock minutes off would otherwise be refused
//! (SigV4 allows about 15 minutes).

use crate::credentials::{AwsCredentials, Credentials};
use crate::endpoints;
use crate::error::{Error, Result};
use crate::provider::CredentialsProvider;
use crate::wire::sign::{presigning_params, signing_headers, SigningScope};
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignatureLocation, SigningSettings,
    UriPathNormalizationMode,
};
use std::fmt;
use std::time::{Duration, SystemTime};

/// Longest URL accepted.
pub const MAX_URL_LEN: usize = 16 * 1024;
/// Most headers accepted in a request to sign.
pub const MAX_HEADERS: usize = 100;
/// Longest header (name and value) accepted.
pub const MAX_HEADER_LEN: usize = 16 * 1024;
/// Longest a presigned URL may live: SigV4's (and S3's) limit.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// What the signature covers of a request's body.
#[derive(Clone, Copy)]
pub enum Payload<'a> {
    /// The body itself (its SHA-256 is computed); empty for most GETs.
    Bytes(&'a [u8]),
    /// The body's SHA-256, 64 lowercase hex digits: for a body the caller streams.
    Sha256(&'a str),
    /// Not signed (`UNSIGNED-PAYLOAD`): S3 only, for uploads streamed without a hash.
    Unsigned,
}

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Payload::Sha256(h) => f.debug_tuple("Sha256").field(h).finish(),
            Payload::Unsigned => f.write_str("Unsigned"),
        }
    }
}

/// A request to sign: what will be sent, and to which service.
#[derive(Clone, Copy, Debug)]
pub struct SignRequest<'a> {
    /// `GET`, `PUT`, `POST`...
    pub method: &'a str,
    /// The full URL as it will be sent (`https://...`), query included.
    pub url: &'a str,
    /// Headers that will be sent and should be signed (`host` comes from the URL).
    pub headers: &'a [(&'a str, &'a str)],
    pub payload: Payload<'a>,
    /// The service's signing name: `s3`, `dynamodb`, `lambda`, `execute-api`, `kinesis`...
    pub service: &'a str,
    /// The region to sign for; the provider's when `None`.
    pub region: Option<&'a str>,
}

impl<'a> SignRequest<'a> {
    /// A request without headers or body, in the provider's region.
    pub fn new(method: &'a str, url: &'a str, service: &'a str) -> SignRequest<'a> {
        SignRequest {
            method,
            url,
            headers: &[],
            payload: Payload::Bytes(&[]),
            service,
            region: None,
        }
    }

    pub fn with_headers(self, headers: &'a [(&'a str, &'a str)]) -> SignRequest<'a> {
        SignRequest { headers, ..self }
    }

    pub fn with_payload(self, payload: Payload<'a>) -> SignRequest<'a> {
        SignRequest { payload, ..self }
    }

    pub fn with_region(self, region: &'a str) -> SignRequest<'a> {
        SignRequest {
            region: Some(region),
            ..self
        }
    }

    /// Checks that the request can be signed (method, http(s) URL, headers, service name, region,
    /// payload), without signing it: signing checks this too.
    pub fn check(&self) -> Result<()> {
        if self.method.is_empty()
            || self.method.len() > 16
            || !self.method.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(Error::invalid_input(format!(
                "method {:?} is not an HTTP method (GET, PUT, POST...)",
                shorten(self.method)
            )));
        }
        if self.url.len() > MAX_URL_LEN {
            return Err(Error::invalid_input(format!(
                "the URL is longer than {MAX_URL_LEN} bytes"
            )));
        }
        if !crate::endpoints::host_is_plain_ascii(self.url) {
            return Err(Error::invalid_input(
                "the URL's host must be plain ASCII (punycode, xn--, for international names)",
            ));
        }
        let url = url::Url::parse(self.url)
            .map_err(|e| Error::invalid_input(format!("the URL is not valid: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none_or(str::is_empty) {
            return Err(Error::invalid_input(
                "only http(s) URLs with a host can be signed",
            ));
        }
        if self.headers.len() > MAX_HEADERS {
            return Err(Error::invalid_input(format!(
                "at most {MAX_HEADERS} headers can be signed"
            )));
        }
        if let Some((k, _)) = self
            .headers
            .iter()
            .find(|(k, v)| k.is_empty() || k.len() + v.len() > MAX_HEADER_LEN || !is_token(k))
        {
            return Err(Error::invalid_input(format!(
                "header {:?} is empty, too long, or not a valid header name",
                shorten(k)
            )));
        }
        check_service(self.service)?;
        if let Some(region) = self.region {
            endpoints::check_region(region)
                .map_err(|e| Error::invalid_input(e.message().to_owned()))?;
        }
        match self.payload {
            Payload::Unsigned if !is_s3(self.service) => Err(Error::invalid_input(
                "only S3 accepts an unsigned payload; sign the body or its SHA-256",
            )),
            Payload::Sha256(h) if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Err(Error::invalid_input("a payload SHA-256 is 64 hex digits"))
            }
            _ => Ok(()),
        }
    }
}

/// The headers that sign a request (`authorization`, `x-amz-date`, `x-amz-security-token`,
/// `x-amz-content-sha256` for S3): add them to the request as they are. `Debug` hides the
/// signature and the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders(Vec<(String, String)>);

impl SignedHeaders {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of `name` (case-insensitive), if it is among them.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<(String, String)> {
        self.0
    }
}

impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_map();
        for (k, v) in &self.0 {
            let secret = k.eq_ignore_ascii_case("authorization")
                || k.eq_ignore_ascii_case("x-amz-security-token");
            list.entry(k, if secret { &"<redacted>" } else { v });
        }
        list.finish()
    }
}

/// A presigned URL and when it stops working. It carries the session token: treat it as a
/// secret (`Debug` shows only its scheme, host and path).
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedUrl {
    url: String,
    expires_at: SystemTime,
}

impl PresignedUrl {
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn into_url(self) -> String {
        self.url
    }

    /// When the URL expires: its `X-Amz-Expires`, cut to the credentials' own expiry.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.url.split('?').next().unwrap_or("");
        f.debug_struct("PresignedUrl")
            .field("url", &format_args!("{shown}?<redacted>"))
            .field("expires_at", &httpdate::fmt_http_date(self.expires_at))
            .finish()
    }
}

impl CredentialsProvider {
    /// Signs `request` with valid credentials (cached, or refreshed first): the headers to add.
    pub async fn sign(&self, request: &SignRequest<'_>) -> Result<SignedHeaders> {
        let checked = Checked::new(request, self.region())?;
        let credentials = self.credentials().await?;
        checked.sign(&credentials, self.server_now())
    }

    /// Signs `request` with the cached credentials, without waiting on any I/O; `None` when
    /// there are no valid cached credentials.
    pub fn sign_cached(&self, request: &SignRequest<'_>) -> Result<Option<SignedHeaders>> {
        let checked = Checked::new(request, self.region())?;
        self.cached_credentials()
            .map(|c| checked.sign(&c, self.server_now()))
            .transpose()
    }

    /// A presigned URL for `request` (query signing) valid for `expires_in` (1 s to 7 days),
    /// cut to the credentials' remaining lifetime: a URL dies with the credentials that signed
    /// it. S3 URLs sign an unsigned payload, so they serve any body.
    pub async fn presign(
        &self,
        request: &SignRequest<'_>,
        expires_in: Duration,
    ) -> Result<PresignedUrl> {
        let checked = Checked::new(request, self.region())?;
        check_expiry(expires_in)?;
        let credentials = self.credentials().await?;
        checked.presign(&credentials, expires_in, self.server_now())
    }

    /// [`Self::presign`] with the cached credentials, without waiting on any I/O; `None` when
    /// there are no valid cached credentials.
    pub fn presign_cached(
        &self,
        request: &SignRequest<'_>,
        expires_in: Duration,
    ) -> Result<Option<PresignedUrl>> {
        let checked = Checked::new(request, self.region())?;
        check_expiry(expires_in)?;
        self.cached_credentials()
            .map(|c| checked.presign(&c, expires_in, self.server_now()))
            .transpose()
    }
}

/// Checks a presigned URL's lifetime: 1 second to [`MAX_PRESIGN_EXPIRY`].
pub(crate) fn check_expiry(expires_in: Duration) -> Result<()> {
    if expires_in < Duration::from_secs(1) || expires_in > MAX_PRESIGN_EXPIRY {
        return Err(Error::invalid_input(
            "a presigned URL expires in 1 second to 7 days",
        ));
    }
    Ok(())
}

/// A request checked before anything is signed, with its service's rules.
struct Checked<'a> {
    request: &'a SignRequest<'a>,
    region: &'a str,
    s3: bool,
}

impl<'a> Checked<'a> {
    fn new(request: &'a SignRequest<'a>, default_region: &'a str) -> Result<Checked<'a>> {
        request.check()?;
        Ok(Checked {
            request,
            region: request.region.unwrap_or(default_region),
            s3: is_s3(request.service),
        })
    }

    fn settings(&self) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if self.s3 {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        settings
    }

    fn body(&self) -> SignableBody<'a> {
        match self.request.payload {
            Payload::Bytes(b) => SignableBody::Bytes(b),
            Payload::Sha256(h) => SignableBody::Precomputed(h.to_ascii_lowercase()),
            Payload::Unsigned => SignableBody::UnsignedPayload,
        }
    }

    fn sign(&self, credentials: &Credentials, now: SystemTime) -> Result<SignedHeaders> {
        let aws = signer(credentials);
        let r = self.request;
        let headers = signing_headers(
            r.method,
            r.url,
            r.headers,
            self.body(),
            &self.scope(&aws, now),
            self.settings(),
        )?;
        Ok(SignedHeaders(headers))
    }

    fn presign(
        &self,
        credentials: &Credentials,
        expires_in: Duration,
        now: SystemTime,
    ) -> Result<PresignedUrl> {
        let remaining = credentials
            .expiration
            .duration_since(now)
            .unwrap_or(Duration::ZERO);
        let expires_in = Duration::from_secs(expires_in.min(remaining).as_secs());
        if expires_in.is_zero() {
            return Err(Error::invalid_input(
                "the credentials expire within a second: no URL can be presigned with them",
            ));
        }
        let mut settings = self.settings();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires_in);
        // S3 URLs serve any body: their payload is never signed.
        let body = if self.s3 {
            SignableBody::UnsignedPayload
        } else {
            self.body()
        };
        let aws = signer(credentials);
        let r = self.request;
        let params = presigning_params(
            r.method,
            r.url,
            r.headers,
            body,
            &self.scope(&aws, now),
            settings,
        )?;
        let mut url = r.url.to_owned();
        let mut separator = if url.contains('?') { '&' } else { '?' };
        for (k, v) in params {
            url.push(separator);
            url.extend(url::form_urlencoded::byte_serialize(k.as_bytes()));
            url.push('=');
            url.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
            separator = '&';
        }
        Ok(PresignedUrl {
            url,
            expires_at: now + expires_in,
        })
    }

    fn scope<'s>(&'s self, credentials: &'s AwsCredentials, now: SystemTime) -> SigningScope<'s> {
        SigningScope {
            credentials,
            region: self.region,
            service: self.request.service,
            time: now,
        }
    }
}

/// The temporary credentials as the signer takes them.
fn signer(c: &Credentials) -> AwsCredentials {
    AwsCredentials::new(
        c.access_key_id.clone(),
        c.secret_access_key.clone(),
        Some(c.session_token.clone()),
    )
}

/// The services signed with S3's rules.
fn is_s3(service: &str) -> bool {
    matches!(service, "s3" | "s3-object-lambda" | "s3-outposts")
}

/// A service signing name as AWS writes them: lowercase letters, digits and '-', starting with a
/// letter (`s3`, `execute-api`, `iotdata`).
fn check_service(service: &str) -> Result<()> {
    let ok = !service.is_empty()
        && service.len() <= 64
        && service.starts_with(|c: char| c.is_ascii_lowercase())
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "{:?} is not an AWS service signing name (s3, dynamodb, execute-api...)",
            shorten(service)
        )))
    }
}

/// An HTTP header name (RFC 9110 token).
fn is_token(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn shorten(s: &str) -> &str {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::wire::sign::suite;

    fn temporary(c: &AwsCredentials, expiration: SystemTime) -> Credentials {
        Credentials {
            access_key_id: c.access_key_id.clone(),
            secret_access_key: c.secret_access_key.clone(),
            session_token: c.session_token.clone().unwrap_or_else(|| Secret::new("")),
            expiration,
            identity_id: "us-east-1:00000000-0000-4000-8000-000000000001".into(),
        }
    }

    /// The suite through the per-service rules (the suite's service is not S3: double encoding,
    /// normalised paths), header and query signatures: the vectors made with those rules.
    #[test]
    fn aws_sigv4_test_suite_through_the_service_rules() {
        let (mut headers, mut queries) = (0, 0);
        for v in suite::vectors() {
            let made_with_other_rules = v.flag("normalize") == Some(false)
                || v.flag("sign_body") == Some(true)
                || v.flag("omit_session_token") == Some(true)
                || v.name.starts_with("get-space-");
            // A session token signs only when the vector has one; ours always carry one.
            if made_with_other_rules || v.credentials.session_token.is_none() {
                continue;
            }
            let header_refs = v.header_refs();
            let request = SignRequest {
                method: &v.method,
                url: &v.url,
                headers: &header_refs,
                payload: Payload::Bytes(&v.body),
                service: v.ctx["service"].as_str().unwrap(),
                region: v.ctx["region"].as_str(),
            };
            let credentials = temporary(&v.credentials, v.time + Duration::from_secs(86_400));
            let checked = Checked::new(&request, "us-east-1").unwrap();
            let signed = checked.sign(&credentials, v.time).unwrap();
            let expected = v.expected("header-signature.txt").unwrap();
            assert!(
                signed
                    .get("authorization")
                    .unwrap()
                    .ends_with(&format!("Signature={expected}")),
                "{}: {signed:?}",
                v.name
            );
            headers += 1;
            if let Some(expected) = v.expected("query-signature.txt") {
                let expires = Duration::from_secs(v.ctx["expiration_in_seconds"].as_u64().unwrap());
                let url = checked.presign(&credentials, expires, v.time).unwrap();
                assert!(
                    url.url().contains(&format!("X-Amz-Signature={expected}")),
                    "{}: {}",
                    v.name,
                    url.url()
                );
                queries += 1;
            }
        }
        // The suite has one vector with a session token; the others are signed again below with
        // one added, against botocore (tests/signing_oracle.rs).
        assert!(
            headers >= 1 && queries >= 1,
            "{headers} header, {queries} query vectors"
        );
    }

    fn credentials(expiration: SystemTime) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("very-secret-key"),
            session_token: Secret::new("very-secret-session"),
            expiration,
            identity_id: "us-east-1:00000000-0000-4000-8000-000000000001".into(),
        }
    }

    #[test]
    fn s3_signs_the_payload_hash_and_the_path_as_sent() {
        let now = SystemTime::now();
        let c = credentials(now + Duration::from_secs(3600));
        let path = "https://bucket.s3.us-east-1.amazonaws.com/a%20b/../c.txt";
        let request = SignRequest::new("PUT", path, "s3").with_payload(Payload::Bytes(b"hello"));
        let s3 = Checked::new(&request, "us-east-1")
            .unwrap()
            .sign(&c, now)
            .unwrap();
        assert_eq!(
            s3.get("x-amz-content-sha256"),
            Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        assert_eq!(s3.get("x-amz-security-token"), Some("very-secret-session"));
        let other =
            SignRequest::new("PUT", path, "execute-api").with_payload(Payload::Bytes(b"hello"));
        let api = Checked::new(&other, "us-east-1")
            .unwrap()
            .sign(&c, now)
            .unwrap();
        assert_eq!(api.get("x-amz-content-sha256"), None);
        // Same time, credentials and request: only the per-service rules differ.
        assert_ne!(s3.get("authorization"), api.get("authorization"));
        let unsigned = request.with_payload(Payload::Unsigned);
        let u = Checked::new(&unsigned, "us-east-1")
            .unwrap()
            .sign(&c, now)
            .unwrap();
        assert_eq!(u.get("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    }

    #[test]
    fn presigned_urls_die_with_their_credentials() {
        let now = SystemTime::now();
        let c = credentials(now + Duration::from_secs(1200));
        let request = SignRequest::new("GET", "https://b.s3.amazonaws.com/k?x=1", "s3");
        let checked = Checked::new(&request, "eu-west-1").unwrap();
        let url = checked.presign(&c, Duration::from_secs(3600), now).unwrap();
        assert!(url
            .url()
            .starts_with("https://b.s3.amazonaws.com/k?x=1&X-Amz-Algorithm="));
        assert!(url.url().contains("X-Amz-Expires=1200"), "{}", url.url());
        assert!(url.url().contains("%2Feu-west-1%2Fs3%2Faws4_request"));
        assert!(url
            .url()
            .contains("X-Amz-Security-Token=very-secret-session"));
        assert_eq!(url.expires_at(), now + Duration::from_secs(1200));
        let short = checked.presign(&c, Duration::from_secs(60), now).unwrap();
        assert!(short.url().contains("X-Amz-Expires=60"));
        let spent = credentials(now + Duration::from_millis(500));
        assert!(checked
            .presign(&spent, Duration::from_secs(60), now)
            .is_err());
        assert!(check_expiry(Duration::ZERO).is_err());
        assert!(check_expiry(MAX_PRESIGN_EXPIRY + Duration::from_secs(1)).is_err());
        check_expiry(MAX_PRESIGN_EXPIRY).unwrap();
    }

    #[test]
    fn requests_that_cannot_be_signed_are_errors() {
        let long_url = format!("https://h.example.com/{}", "a".repeat(MAX_URL_LEN));
        let many: Vec<(&str, &str)> = (0..=MAX_HEADERS).map(|_| ("x-a", "b")).collect();
        let bad: Vec<SignRequest<'_>> = vec![
            SignRequest::new("get", "https://h.example.com/", "s3"),
            SignRequest::new("", "https://h.example.com/", "s3"),
            SignRequest::new("GET", "ftp://h.example.com/", "s3"),
            SignRequest::new("GET", "not a url", "s3"),
            SignRequest::new("GET", "https://%41%C3%BC.example.com/", "s3"),
            SignRequest::new("GET", "https://bücher.example.com/", "s3"),
            SignRequest::new("GET", "file:///etc/passwd", "s3"),
            SignRequest::new("GET", &long_url, "s3"),
            SignRequest::new("GET", "https://h.example.com/", ""),
            SignRequest::new("GET", "https://h.example.com/", "S3"),
            SignRequest::new("GET", "https://h.example.com/", "s3 "),
            SignRequest::new("GET", "https://h.example.com/", "execute-api")
                .with_payload(Payload::Unsigned),
            SignRequest::new("GET", "https://h.example.com/", "s3")
                .with_payload(Payload::Sha256("abc")),
            SignRequest::new("GET", "https://h.example.com/", "s3").with_region("Mars 1"),
            SignRequest::new("GET", "https://h.example.com/", "s3").with_headers(&many),
            SignRequest::new("GET", "https://h.example.com/", "s3")
                .with_headers(&[("bad name", "v")]),
        ];
        for (i, r) in bad.iter().enumerate() {
            let e = r
                .check()
                .err()
                .unwrap_or_else(|| panic!("case {i} accepted: {r:?}"));
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "case {i}");
        }
        SignRequest::new("GET", "http://127.0.0.1:4566/b/k", "s3")
            .with_region("us-west-2")
            .check()
            .unwrap();
    }

    #[test]
    fn debug_hides_signatures_and_tokens() {
        let now = SystemTime::now();
        let c = credentials(now + Duration::from_secs(3600));
        let request = SignRequest::new("GET", "https://b.s3.amazonaws.com/k", "s3");
        let checked = Checked::new(&request, "us-east-1").unwrap();
        let headers = format!("{:?}", checked.sign(&c, now).unwrap());
        let url = format!(
            "{:?}",
            checked.presign(&c, Duration::from_secs(60), now).unwrap()
        );
        for text in [&headers, &url] {
            assert!(
                !text.contains("very-secret") && !text.contains("Signature="),
                "{text}"
            );
        }
        assert!(headers.contains("x-amz-date") && url.contains("b.s3.amazonaws.com/k"));
    }
}
