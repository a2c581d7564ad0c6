//! What Cognito accepts in a request's logins: how many, how long a provider name and a token.
//! Checked here before anything is sent, by the provider, the developer client and the C ABI.

use crate::error::{Error, Result};

/// Cognito accepts at most this many logins in one request.
pub const MAX_LOGINS: usize = 10;
/// Longest token Cognito accepts.
pub const MAX_TOKEN_LEN: usize = 50_000;
/// Longest provider name Cognito accepts.
pub const MAX_PROVIDER_NAME_LEN: usize = 128;

pub(crate) fn check_provider_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_PROVIDER_NAME_LEN {
        return Err(Error::invalid_input(format!(
            "login provider name must have 1 to {MAX_PROVIDER_NAME_LEN} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            "login provider name must not contain control characters",
        ));
    }
    Ok(())
}

pub(crate) fn check_token(provider_name: &str, token: &str) -> Result<()> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(Error::invalid_input(format!(
            "token for {provider_name:?} must have 1 to {MAX_TOKEN_LEN} characters"
        )));
    }
    Ok(())
}
