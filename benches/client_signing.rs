//! P9 signing cost (`benches/signing.py`): ns per signed request, ours
//! (`CredentialsProvider::sign_cached` / `presign_cached` with valid cached credentials) next to
//! the `aws-sigv4` crate called directly (what the Rust SDK signs with, and what ours wraps: the
//! floor), on the same requests, given on the command line by the driver.
//!
//! ```text
//! bench-client signing --endpoint URL --region R --pool POOL --s3-url URL --ddb-url URL
//!              --ddb-target T --ddb-body JSON --presign-url URL [--expires 900]
//!              [--round-ms 100] [--rounds 5]
//! ```
//! Before timing, each request is signed once by ours and once by aws-sigv4 at the time ours
//! used (its `x-amz-date`), with the same credentials: the signatures must be equal.

use super::{elapsed_ns, Args};
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use cognito_native::{CredentialsProvider, Payload, SignRequest};
use serde_json::{json, Value};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const DDB_CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Owned name/value pairs: headers or query parameters.
type Pairs = Vec<(String, String)>;

/// The three requests, as the driver gave them.
struct Requests {
    s3_url: String,
    ddb_url: String,
    ddb_target: String,
    ddb_body: String,
    presign_url: String,
    expires: Duration,
}

impl Requests {
    fn from(args: &Args) -> Result<Requests, String> {
        let text = |name: &str| {
            args.texts
                .get(name)
                .cloned()
                .ok_or_else(|| format!("--{name} is required"))
        };
        Ok(Requests {
            s3_url: text("s3-url")?,
            ddb_url: text("ddb-url")?,
            ddb_target: text("ddb-target")?,
            ddb_body: text("ddb-body")?,
            presign_url: text("presign-url")?,
            expires: Duration::from_secs(args.number("expires", 900)),
        })
    }

    fn ddb_headers(&self) -> [(&str, &str); 2] {
        [
            ("content-type", DDB_CONTENT_TYPE),
            ("x-amz-target", self.ddb_target.as_str()),
        ]
    }
}

/// aws-sigv4 alone, as a caller of the crate signs: its settings for the service (S3: single
/// encoding, no path normalisation, `x-amz-content-sha256`), `SigningParams` built per request
/// with the current time, `sign`, and the instructions turned into owned name/value pairs.
struct Floor {
    identity: aws_smithy_runtime_api::client::identity::Identity,
    region: String,
}

impl Floor {
    fn settings(s3: bool, presign: Option<Duration>) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if s3 {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        if let Some(expires) = presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(expires);
        }
        settings
    }

    #[allow(clippy::too_many_arguments)]
    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: SignableBody<'_>,
        service: &str,
        settings: SigningSettings,
        time: SystemTime,
    ) -> Result<(Pairs, Pairs), String> {
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name(service)
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let request = SignableRequest::new(method, url, headers.iter().copied(), body)
            .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        let (headers, params) = instructions.into_parts();
        Ok((
            headers
                .iter()
                .map(|h| (h.name().to_owned(), h.value().to_owned()))
                .collect(),
            params
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.into_owned()))
                .collect(),
        ))
    }

    fn s3_get(&self, r: &Requests, time: SystemTime) -> Result<Pairs, String> {
        let settings = Floor::settings(true, None);
        let body = SignableBody::UnsignedPayload;
        Ok(self
            .sign("GET", &r.s3_url, &[], body, "s3", settings, time)?
            .0)
    }

    fn ddb_put(&self, r: &Requests, time: SystemTime) -> Result<Pairs, String> {
        let body = SignableBody::Bytes(r.ddb_body.as_bytes());
        let settings = Floor::settings(false, None);
        let headers = r.ddb_headers();
        Ok(self
            .sign(
                "POST", &r.ddb_url, &headers, body, "dynamodb", settings, time,
            )?
            .0)
    }

    /// The presigned URL: the query parameters appended to the URL, as ours does.
    fn presign(&self, r: &Requests, expires: Duration, time: SystemTime) -> Result<String, String> {
        let settings = Floor::settings(true, Some(expires));
        let body = SignableBody::UnsignedPayload;
        let (_, params) = self.sign("GET", &r.presign_url, &[], body, "s3", settings, time)?;
        let mut url = r.presign_url.clone();
        let mut separator = if url.contains('?') { '&' } else { '?' };
        for (k, v) in params {
            url.push(separator);
            url.extend(url::form_urlencoded::byte_serialize(k.as_bytes()));
            url.push('=');
            url.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
            separator = '&';
        }
        Ok(url)
    }
}

/// `20261201T152143Z` as a time.
fn parse_amz_date(s: &str) -> Result<SystemTime, String> {
    let bad = || format!("not an x-amz-date: {s:?}");
    if s.len() != 16 || &s[8..9] != "T" || !s.ends_with('Z') {
        return Err(bad());
    }
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().map_err(|_| bad());
    let (y, m, d) = (n(0, 4)?, n(4, 6)?, n(6, 8)?);
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + n(9, 11)? * 3600 + n(11, 13)? * 60 + n(13, 15)?;
    Ok(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).map_err(|_| bad())?))
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One request's two contenders: each returns whether it produced a signature.
type Contender<'a> = Box<dyn Fn() -> bool + 'a>;

pub(crate) async fn signing(args: &Args) -> Result<Value, String> {
    let r = Requests::from(args)?;
    let round = Duration::from_millis(args.number("round-ms", 100));
    let rounds = args.number("rounds", 5).max(1);
    let provider = CredentialsProvider::new(args.config(None)).map_err(|e| e.to_string())?;
    provider.credentials().await.map_err(|e| e.to_string())?;
    let cached = provider
        .cached_credentials()
        .ok_or("no cached credentials")?;
    let floor = Floor {
        identity: aws_credential_types::Credentials::new(
            &cached.access_key_id,
            cached.secret_access_key.expose(),
            Some(cached.session_token.expose().to_owned()),
            None,
            "bench",
        )
        .into(),
        region: args.region.clone(),
    };

    let s3 = SignRequest::new("GET", &r.s3_url, "s3").with_payload(Payload::Unsigned);
    let ddb_headers = r.ddb_headers();
    let ddb = SignRequest::new("POST", &r.ddb_url, "dynamodb")
        .with_headers(&ddb_headers)
        .with_payload(Payload::Bytes(r.ddb_body.as_bytes()));
    let presign = SignRequest::new("GET", &r.presign_url, "s3");

    // Agreement: aws-sigv4 at the time ours signed at gives the same signature.
    let ours_s3 = provider
        .sign_cached(&s3)
        .map_err(|e| e.to_string())?
        .ok_or("no cached credentials")?
        .into_vec();
    let ours_ddb = provider
        .sign_cached(&ddb)
        .map_err(|e| e.to_string())?
        .ok_or("no cached credentials")?
        .into_vec();
    let ours_url = provider
        .presign_cached(&presign, r.expires)
        .map_err(|e| e.to_string())?
        .ok_or("no cached credentials")?
        .into_url();
    let mut checks = serde_json::Map::new();
    for (name, ours) in [("s3_get", &ours_s3), ("dynamodb_put", &ours_ddb)] {
        let date = header(ours, "x-amz-date").ok_or("ours signed without x-amz-date")?;
        let time = parse_amz_date(date)?;
        let theirs = match name {
            "s3_get" => floor.s3_get(&r, time)?,
            _ => floor.ddb_put(&r, time)?,
        };
        let (a, b) = (
            header(ours, "authorization"),
            header(&theirs, "authorization"),
        );
        if a.is_none() || a != b {
            return Err(format!(
                "{name}: ours and aws-sigv4 disagree on the Authorization header"
            ));
        }
        let signed = a
            .and_then(|a| a.split("SignedHeaders=").nth(1))
            .and_then(|s| s.split(',').next())
            .unwrap_or("");
        checks.insert(
            name.into(),
            json!({ "agree": true, "signed_headers": signed }),
        );
    }
    {
        let date =
            query_param(&ours_url, "X-Amz-Date").ok_or("presigned URL without X-Amz-Date")?;
        let expires: u64 = query_param(&ours_url, "X-Amz-Expires")
            .and_then(|e| e.parse().ok())
            .ok_or("presigned URL without X-Amz-Expires")?;
        let theirs = floor.presign(&r, Duration::from_secs(expires), parse_amz_date(&date)?)?;
        if theirs != ours_url {
            return Err("s3_presign: ours and aws-sigv4 disagree on the presigned URL".into());
        }
        let signed = query_param(&ours_url, "X-Amz-SignedHeaders").unwrap_or_default();
        checks.insert(
            "s3_presign".into(),
            json!({ "agree": true, "signed_headers": signed, "expires": expires }),
        );
    }

    let expires = r.expires;
    let series: Vec<(&str, &str, Contender)> = vec![
        (
            "s3_get",
            "rust",
            Box::new(|| matches!(provider.sign_cached(&s3), Ok(Some(h)) if !h.is_empty())),
        ),
        (
            "s3_get",
            "aws-sigv4",
            Box::new(|| matches!(floor.s3_get(&r, SystemTime::now()), Ok(h) if !h.is_empty())),
        ),
        (
            "dynamodb_put",
            "rust",
            Box::new(|| matches!(provider.sign_cached(&ddb), Ok(Some(h)) if !h.is_empty())),
        ),
        (
            "dynamodb_put",
            "aws-sigv4",
            Box::new(|| matches!(floor.ddb_put(&r, SystemTime::now()), Ok(h) if !h.is_empty())),
        ),
        (
            "s3_presign",
            "rust",
            Box::new(
                || matches!(provider.presign_cached(&presign, expires), Ok(Some(u)) if !u.url().is_empty()),
            ),
        ),
        (
            "s3_presign",
            "aws-sigv4",
            Box::new(
                || matches!(floor.presign(&r, expires, SystemTime::now()), Ok(u) if !u.is_empty()),
            ),
        ),
    ];

    // Warm-up and calibration: each contender runs for one round's time; its iterations per
    // round are what it did in that time. Then the rounds, the contenders in turn.
    let mut iters = Vec::new();
    for (request, client, f) in &series {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < round {
            if !std::hint::black_box(f()) {
                return Err(format!("{client} {request}: signing failed"));
            }
            n += 1;
        }
        iters.push(n.max(1));
    }
    let mut rounds_ns = vec![Vec::new(); series.len()];
    for _ in 0..rounds {
        for (i, (request, client, f)) in series.iter().enumerate() {
            let start = Instant::now();
            for _ in 0..iters[i] {
                if !std::hint::black_box(f()) {
                    return Err(format!("{client} {request}: signing failed"));
                }
            }
            rounds_ns[i].push(elapsed_ns(start) as f64 / iters[i] as f64);
        }
    }
    let out: Vec<Value> = series
        .iter()
        .zip(iters.iter().zip(rounds_ns))
        .map(|((request, client, _), (n, ns))| {
            json!({ "request": request, "client": client, "iters_per_round": n, "rounds_ns": ns })
        })
        .collect();
    Ok(json!({
        "series": out,
        "checks": checks,
        "access_key_id_len": cached.access_key_id.len(),
        "session_token_len": cached.session_token.expose().len(),
    }))
}
