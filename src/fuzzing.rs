//! Entry points for `fuzz/` and the property tests (feature `fuzzing`): thin wrappers around the
//! crate-private parsers, so the fuzzers exercise exactly the code the provider runs. Not an API.

use crate::config::Config;
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::ffi::options;
use crate::secret::Secret;
use crate::wire::{cognito, sts};

/// The C ABI's string types, for driving `cognito_native::ffi` from Rust.
pub use safer_ffi::{c_char, prelude::char_p};

/// GetId's answer: the identity id.
pub fn cognito_get_id(body: &[u8], request_id: &Option<String>) -> Result<String> {
    cognito::parse_get_id(body, request_id)
}

/// GetCredentialsForIdentity's answer.
pub fn cognito_get_credentials(body: &[u8], request_id: &Option<String>) -> Result<Credentials> {
    cognito::parse_get_credentials(body, request_id)
}

/// GetOpenIdToken's answer: the identity id and the token.
pub fn cognito_get_open_id_token(
    body: &[u8],
    request_id: &Option<String>,
) -> Result<(String, Secret)> {
    cognito::parse_get_open_id_token(body, request_id).map(|t| (t.identity_id, t.token))
}

/// A Cognito Identity error answer (any status).
pub fn cognito_error(
    status: u16,
    error_type_header: Option<&str>,
    body: &[u8],
    request_id: Option<String>,
) -> Error {
    cognito::parse_error(status, error_type_header, body, request_id)
}

/// STS AssumeRoleWithWebIdentity's answer, for `identity_id`.
pub fn sts_credentials(
    body: &[u8],
    identity_id: &str,
    request_id: &Option<String>,
) -> Result<Credentials> {
    sts::parse_credentials(body, identity_id, request_id)
}

/// An STS error answer (any status).
pub fn sts_error(status: u16, body: &[u8], request_id: Option<String>) -> Error {
    sts::parse_error(status, body, request_id)
}

/// `cognito_provider_new`'s options JSON applied to a pool id, as the C ABI does it.
pub fn provider_config(options_json: Option<&str>, pool_id: &str) -> Result<Config> {
    options::ProviderOptions::parse(options_json)?.apply(pool_id)
}

/// `cognito_developer_client_get_token`'s request, checked as the C ABI does it.
pub fn developer_request(
    pool_id: &str,
    provider_name: &str,
    user_id: &str,
    request_options_json: Option<&str>,
) -> Result<()> {
    options::developer_request(pool_id, provider_name, user_id, request_options_json).map(drop)
}

/// Checks a configuration as `CredentialsProvider::new` does (needs `config.runtime` or a current
/// tokio runtime); returns the region it resolves to.
pub fn validate(config: &Config) -> Result<String> {
    config.validate().map(|v| v.wire.region)
}

/// USER_SRP_AUTH's client side with a given secret `a` (hex): `(SRP_A, PASSWORD_CLAIM_SIGNATURE,
/// TIMESTAMP)` for a PASSWORD_VERIFIER challenge, signed at `at`.
#[allow(clippy::too_many_arguments)]
pub fn srp_password_claim(
    a_hex: &str,
    pool_name: &str,
    user_id_for_srp: &str,
    password: &str,
    salt_hex: &str,
    srp_b_hex: &str,
    secret_block: &str,
    at: std::time::SystemTime,
) -> Result<(String, String, String)> {
    use crate::user_pool::srp;
    let session = srp::SrpSession::with_secret(srp::from_hex("a", a_hex)?);
    let verifier = srp::Verifier {
        pool_name,
        user_id_for_srp,
        salt_hex,
        srp_b_hex,
        secret_block,
    };
    let timestamp = srp::timestamp(at);
    let signature = session.password_claim(&verifier, password, &timestamp)?;
    Ok((session.srp_a(), signature, timestamp))
}

/// SECRET_HASH of an app client with a secret.
pub fn srp_secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    crate::user_pool::srp::secret_hash(client_secret, username, client_id)
}
