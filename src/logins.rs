//! Sign-in tokens sent with each request ("logins"), and hosts that supply fresh tokens on demand.

use crate::developer_source::DeveloperIdentitySource;
use crate::endpoints::DEVELOPER_PROVIDER_NAME;
use crate::error::{Error, ErrorKind, Result};
use crate::login_limits::{check_provider_name, check_token};
pub use crate::login_limits::{MAX_LOGINS, MAX_PROVIDER_NAME_LEN, MAX_TOKEN_LEN};
use crate::secret::Secret;
use futures_util::future::BoxFuture;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Supplies the current token of one identity provider whenever the provider needs logins, e.g. a
/// user pool id token that the app refreshes when it expires (after an hour).
pub trait LoginsProvider: Send + Sync {
    /// The current token for `provider_name`. May take its time; it is bounded by the provider's
    /// logins timeout.
    fn token(&self, provider_name: &str) -> BoxFuture<'static, Result<Secret>>;
}

/// A closure as a [`LoginsProvider`].
impl<F> LoginsProvider for F
where
    F: Fn(&str) -> BoxFuture<'static, Result<Secret>> + Send + Sync,
{
    fn token(&self, provider_name: &str) -> BoxFuture<'static, Result<Secret>> {
        self(provider_name)
    }
}

/// The provider's logins: fixed tokens, token suppliers and a developer identity source (under
/// [`DEVELOPER_PROVIDER_NAME`]), at most [`MAX_LOGINS`] names in all.
#[derive(Clone, Default)]
pub(crate) struct Logins {
    tokens: BTreeMap<String, Secret>,
    providers: BTreeMap<String, Arc<dyn LoginsProvider>>,
    developer: Option<Arc<dyn DeveloperIdentitySource>>,
}

impl Logins {
    fn check_room_for(&self, name: &str) -> Result<()> {
        let known = self.contains(name);
        if !known && self.count() >= MAX_LOGINS {
            return Err(Error::invalid_input(format!(
                "at most {MAX_LOGINS} logins are allowed"
            )));
        }
        Ok(())
    }

    /// Sets a fixed token; returns whether anything changed.
    pub fn set_token(&mut self, name: &str, token: Secret) -> Result<bool> {
        check_provider_name(name)?;
        check_token(name, token.expose())?;
        self.check_room_for(name)?;
        let provider_removed = self.providers.remove(name).is_some();
        let old = self.tokens.insert(name.to_owned(), token.clone());
        Ok(provider_removed || old.as_ref() != Some(&token))
    }

    /// Makes the identity and its token come from the app's backend.
    pub fn set_developer(&mut self, source: Arc<dyn DeveloperIdentitySource>) -> Result<()> {
        self.check_room_for(DEVELOPER_PROVIDER_NAME)?;
        self.tokens.remove(DEVELOPER_PROVIDER_NAME);
        self.providers.remove(DEVELOPER_PROVIDER_NAME);
        self.developer = Some(source);
        Ok(())
    }

    pub fn developer(&self) -> Option<&Arc<dyn DeveloperIdentitySource>> {
        self.developer.as_ref()
    }

    pub fn set_provider(&mut self, name: &str, provider: Arc<dyn LoginsProvider>) -> Result<()> {
        check_provider_name(name)?;
        self.check_room_for(name)?;
        self.tokens.remove(name);
        self.providers.insert(name.to_owned(), provider);
        Ok(())
    }

    /// Removes a name (fixed token or supplier); returns whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let a = self.tokens.remove(name).is_some();
        let b = self.providers.remove(name).is_some();
        let c = name == DEVELOPER_PROVIDER_NAME && self.developer.take().is_some();
        a || b || c
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tokens.contains_key(name)
            || self.providers.contains_key(name)
            || (name == DEVELOPER_PROVIDER_NAME && self.developer.is_some())
    }

    pub fn count(&self) -> usize {
        self.tokens.len() + self.providers.len() + usize::from(self.developer.is_some())
    }

    /// Provider names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tokens
            .keys()
            .chain(self.providers.keys())
            .cloned()
            .chain(
                self.developer
                    .as_ref()
                    .map(|_| DEVELOPER_PROVIDER_NAME.to_owned()),
            )
            .collect();
        names.sort();
        names
    }

    /// The tokens to send now: fixed ones as they are, supplied ones asked for (concurrently), each
    /// within `timeout`. The developer identity's token is not among them (it comes with its id).
    pub async fn resolve(&self, timeout: Duration) -> Result<BTreeMap<String, Secret>> {
        let mut out = self.tokens.clone();
        let asks = self.providers.iter().map(|(name, provider)| {
            let name = name.clone();
            let ask = provider.token(&name);
            async move {
                let token = tokio::time::timeout(timeout, ask).await.map_err(|_| {
                    Error::new(
                        ErrorKind::LoginsProvider,
                        format!(
                            "the logins provider for {name:?} did not answer within {timeout:?}"
                        ),
                    )
                })??;
                check_token(&name, token.expose())?;
                Ok::<_, Error>((name, token))
            }
        });
        for (name, token) in futures_util::future::try_join_all(asks).await? {
            out.insert(name, token);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[test]
    fn bounds_are_enforced() {
        let mut l = Logins::default();
        for i in 0..MAX_LOGINS {
            l.set_token(&format!("p{i}"), "t".into()).unwrap();
        }
        assert!(l.set_token("one-too-many", "t".into()).is_err());
        // Replacing an existing name is fine.
        assert!(l.set_token("p3", "t2".into()).unwrap());
        assert!(!l.set_token("p3", "t2".into()).unwrap());
        assert!(l.set_token("p4", "".into()).is_err());
        assert!(l
            .set_token("p4", "x".repeat(MAX_TOKEN_LEN + 1).into())
            .is_err());
        assert!(l.set_token("", "t".into()).is_err());
        assert!(l.set_token(&"n".repeat(129), "t".into()).is_err());
        assert_eq!(l.count(), MAX_LOGINS);
        assert!(l.remove("p0"));
        assert!(!l.remove("p0"));
        assert_eq!(l.count(), MAX_LOGINS - 1);
    }

    #[tokio::test]
    async fn suppliers_are_asked_and_time_out() {
        let mut l = Logins::default();
        l.set_token("fixed", "a".into()).unwrap();
        let fresh: Arc<dyn LoginsProvider> =
            Arc::new(|_: &str| async { Ok(Secret::new("fresh")) }.boxed());
        l.set_provider("supplied", fresh).unwrap();
        let tokens = l.resolve(Duration::from_secs(1)).await.unwrap();
        assert_eq!(tokens["fixed"].expose(), "a");
        assert_eq!(tokens["supplied"].expose(), "fresh");
        assert_eq!(l.names(), vec!["fixed", "supplied"]);

        let silent: Arc<dyn LoginsProvider> =
            Arc::new(|_: &str| futures_util::future::pending().boxed());
        l.set_provider("silent", silent).unwrap();
        let err = l.resolve(Duration::from_millis(20)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LoginsProvider);
    }
}
