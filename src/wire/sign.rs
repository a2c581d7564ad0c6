//! SigV4 signing of Cognito Identity requests (the developer identity operations), with the
//! aws-sigv4 crate.

use crate::developer::AwsCredentials;
use crate::error::{Error, ErrorKind, Result};
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use std::time::SystemTime;

/// The headers to add (`authorization`, `x-amz-date`, and `x-amz-security-token` with a session
/// token) so that a POST of `body` to `url` with `headers` is signed for `service` in `region`.
pub(crate) fn signing_headers(
    url: &url::Url,
    headers: &[(&str, &str)],
    body: &[u8],
    credentials: &AwsCredentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<Vec<(String, String)>> {
    let identity = aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        credentials.secret_access_key.expose(),
        credentials
            .session_token
            .as_ref()
            .map(|t| t.expose().to_owned()),
        None,
        "cognito-native",
    )
    .into();
    let failed = |e: &dyn std::fmt::Display| {
        Error::new(ErrorKind::InvalidInput, format!("SigV4 signing: {e}"))
    };
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| failed(&e))?
        .into();
    let request = SignableRequest::new(
        "POST",
        url.as_str(),
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| failed(&e))?;
    let (instructions, _signature) = sign(request, &params).map_err(|e| failed(&e))?.into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}
