//! The app side of developer-authenticated identities: the identity id and OpenID token come from
//! the game's own backend (which got them with a [`crate::DeveloperIdentityClient`]); the provider
//! sends the token under `cognito-identity.amazonaws.com` and asks again on every refresh.

use crate::endpoints::{self, DEVELOPER_PROVIDER_NAME};
use crate::error::{Error, ErrorKind, Result};
use crate::login_limits::check_token;
use crate::secret::Secret;
use futures_util::future::BoxFuture;

/// An identity id and its OpenID token, as the backend hands them to the app.
#[derive(Clone, Debug)]
pub struct DeveloperIdentity {
    pub identity_id: String,
    pub token: Secret,
}

/// Supplies a developer-authenticated identity from the app's own backend, whenever the provider
/// needs one (first use, and every credentials refresh: tokens live minutes).
pub trait DeveloperIdentitySource: Send + Sync {
    fn refresh(&self) -> BoxFuture<'static, Result<DeveloperIdentity>>;
}

/// A closure as a [`DeveloperIdentitySource`].
impl<F> DeveloperIdentitySource for F
where
    F: Fn() -> BoxFuture<'static, Result<DeveloperIdentity>> + Send + Sync,
{
    fn refresh(&self) -> BoxFuture<'static, Result<DeveloperIdentity>> {
        self()
    }
}

/// Checks what a source answered.
pub(crate) fn check_developer_identity(d: &DeveloperIdentity) -> Result<()> {
    endpoints::parse_id("identity id", &d.identity_id)
        .map_err(|e| Error::new(ErrorKind::LoginsProvider, e.message()))?;
    check_token(DEVELOPER_PROVIDER_NAME, d.token.expose())
        .map_err(|e| Error::new(ErrorKind::LoginsProvider, e.message()))
}
