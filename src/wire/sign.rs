//! SigV4 with the aws-sigv4 crate: the headers that sign a request (the developer identity
//! operations, and any request a caller signs with a provider's credentials), or the query
//! parameters of a presigned URL.

use crate::credentials::AwsCredentials;
use crate::error::{Error, ErrorKind, Result};
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use std::time::SystemTime;

/// What identifies a signature: who signs, for which service and region, and when.
pub(crate) struct SigningScope<'a> {
    pub credentials: &'a AwsCredentials,
    pub region: &'a str,
    pub service: &'a str,
    pub time: SystemTime,
}

/// The headers to add (`authorization`, `x-amz-date`, `x-amz-security-token` with a session
/// token, `x-amz-content-sha256` when the settings ask for it) so that the request is signed.
pub(crate) fn signing_headers(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: SignableBody<'_>,
    scope: &SigningScope<'_>,
    settings: SigningSettings,
) -> Result<Vec<(String, String)>> {
    let (headers, _) = instructions(method, url, headers, body, scope, settings)?;
    Ok(headers)
}

/// The query parameters (`X-Amz-Algorithm` ... `X-Amz-Signature`) that make `url` a presigned
/// URL; `settings` must sign in the query, with `expires_in`.
pub(crate) fn presigning_params(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: SignableBody<'_>,
    scope: &SigningScope<'_>,
    settings: SigningSettings,
) -> Result<Vec<(String, String)>> {
    let (_, params) = instructions(method, url, headers, body, scope, settings)?;
    Ok(params)
}

type Instructions = (Vec<(String, String)>, Vec<(String, String)>);

fn instructions(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: SignableBody<'_>,
    scope: &SigningScope<'_>,
    settings: SigningSettings,
) -> Result<Instructions> {
    let c = scope.credentials;
    let identity = aws_credential_types::Credentials::new(
        &c.access_key_id,
        c.secret_access_key.expose(),
        c.session_token.as_ref().map(|t| t.expose().to_owned()),
        None,
        "cognito-native",
    )
    .into();
    let failed = |e: &dyn std::fmt::Display| {
        Error::new(ErrorKind::InvalidInput, format!("SigV4 signing: {e}"))
    };
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(scope.time)
        .settings(settings)
        .build()
        .map_err(|e| failed(&e))?
        .into();
    let request =
        SignableRequest::new(method, url, headers.iter().copied(), body).map_err(|e| failed(&e))?;
    let (instructions, _signature) = sign(request, &params).map_err(|e| failed(&e))?.into_parts();
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

/// The AWS SigV4 test suite, as shipped in the aws-sigv4 crate, read for the tests of the raw
/// signer (below) and of the per-service rules (`crate::signing`).
#[cfg(test)]
pub(crate) mod suite {
    use crate::credentials::AwsCredentials;
    use crate::secret::Secret;
    use std::path::PathBuf;
    use std::time::SystemTime;

    /// One vector: its request and context, and the signatures it expects.
    pub(crate) struct Vector {
        pub name: String,
        dir: PathBuf,
        pub ctx: serde_json::Value,
        pub method: String,
        pub url: String,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
        pub credentials: AwsCredentials,
        pub time: SystemTime,
    }

    impl Vector {
        /// `header-signature.txt` or `query-signature.txt`, when the vector has it.
        pub fn expected(&self, file: &str) -> Option<String> {
            std::fs::read_to_string(self.dir.join(file))
                .ok()
                .map(|s| s.trim().to_owned())
        }

        pub fn header_refs(&self) -> Vec<(&str, &str)> {
            self.headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        }

        pub fn flag(&self, key: &str) -> Option<bool> {
            self.ctx[key].as_bool()
        }
    }

    /// Every vector with a header signature (at least 30, or the suite was not found).
    pub(crate) fn vectors() -> Vec<Vector> {
        let root = cognito_emulator::sigv4_suite::aws_sigv4_test_suite_dir();
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("header-signature.txt").exists())
            .collect();
        dirs.sort();
        assert!(dirs.len() >= 30, "only {} vectors found", dirs.len());
        dirs.into_iter().map(read).collect()
    }

    fn read(dir: PathBuf) -> Vector {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let ctx: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("context.json")).unwrap())
                .unwrap();
        let text = std::fs::read_to_string(dir.join("request.txt")).unwrap();
        let (method, path, headers, body) = parse_request(&text);
        let host = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("host"))
            .map(|(_, v)| v.clone())
            .unwrap();
        let creds = &ctx["credentials"];
        let credentials = AwsCredentials::new(
            creds["access_key_id"].as_str().unwrap(),
            creds["secret_access_key"].as_str().unwrap(),
            creds["token"].as_str().map(Secret::new),
        );
        let time = time::OffsetDateTime::parse(
            ctx["timestamp"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .into();
        Vector {
            name,
            dir,
            url: format!("https://{host}{path}"),
            ctx,
            method,
            headers,
            body,
            credentials,
            time,
        }
    }

    /// A raw HTTP request of the suite: method, path+query, headers (continuation lines
    /// unfolded), body.
    fn parse_request(text: &str) -> (String, String, Vec<(String, String)>, Vec<u8>) {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        // "METHOD path HTTP/1.1", where the path may hold raw spaces (sent as %20 on the wire).
        let line = lines.next().unwrap();
        let (method, rest) = line.split_once(' ').unwrap();
        let (path, _version) = rest.rsplit_once(' ').unwrap();
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with(' ') || line.starts_with('\t') {
                // obs-fold: a continuation line joins the value with one space (RFC 7230 3.2.4).
                let last = headers.last_mut().unwrap();
                last.1.push(' ');
                last.1.push_str(line.trim());
            } else if let Some((k, v)) = line.split_once(':') {
                headers.push((k.to_owned(), v.to_owned()));
            }
        }
        (
            method.to_owned(),
            path.replace(' ', "%20"),
            headers,
            body.as_bytes().to_vec(),
        )
    }
}

#[cfg(test)]
mod tests {
    //! The AWS SigV4 test suite through the raw signer, each vector with its own settings.
    use super::*;
    use aws_sigv4::http_request::{
        PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, UriPathNormalizationMode,
    };

    #[test]
    fn aws_sigv4_test_suite_header_signatures() {
        let vectors = suite::vectors();
        for v in &vectors {
            let mut settings = SigningSettings::default();
            if v.flag("sign_body") == Some(true) {
                settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            }
            if v.flag("normalize") == Some(false) {
                settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            }
            // These two were generated with single encoding of path segments (aws-sigv4's own
            // suite run skips them for that reason); SigV4 for every service but S3 is double.
            if v.name.starts_with("get-space-") {
                settings.percent_encoding_mode = PercentEncodingMode::Single;
            }
            if v.flag("omit_session_token") == Some(true) {
                settings.session_token_mode = SessionTokenMode::Exclude;
            }
            let scope = SigningScope {
                credentials: &v.credentials,
                region: v.ctx["region"].as_str().unwrap(),
                service: v.ctx["service"].as_str().unwrap(),
                time: v.time,
            };
            let signed = signing_headers(
                &v.method,
                &v.url,
                &v.header_refs(),
                SignableBody::Bytes(&v.body),
                &scope,
                settings,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
            let authorization = &signed.iter().find(|(k, _)| k == "authorization").unwrap().1;
            let expected = v.expected("header-signature.txt").unwrap();
            assert!(
                authorization.ends_with(&format!("Signature={expected}")),
                "{}: {authorization} does not carry {expected}",
                v.name
            );
        }
        println!("SigV4 test suite: {} vectors passed", vectors.len());
    }
}
