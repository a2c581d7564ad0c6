//! Sign-in tokens sent with each request ("logins"), and hosts that supply fresh tokens on demand.

use crate::developer_source::DeveloperIdentitySource;
use crate::endpoints::DEVELOPER_PROVIDER_NAME;
use crate::error::{Error, ErrorKind, Result};
use crate::login_limits::{check_provider_name, check_token};
pub use crate::login_limits::{MAX_LOGINS, MAX_PROVIDER_NAME_LEN, MAX_TOKEN_LEN};
use crate::secret::Secret;
use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Supplies the current token of one identity provider whenever the provider needs logins, e.g. a
/// user pool id token that the app refreshes when it expires (after an hour).
pub trait LoginsProvider: Send + Sync {
    /// The current token for `provider_name`. May take its time; it is bounded by the provider's
    /// logins timeout.
    fn token(&self, provider_name: &str) -> BoxFuture<'static, Result<Secret>>;

    /// Who the tokens are for (the same for every token of one user, e.g. a JWT's `iss` and
    /// `sub`), without waiting. Persisted credentials are used on a later launch only for the same
    /// subject; `None` (the default) means they are not persisted for this login.
    fn subject(&self, _provider_name: &str) -> Option<String> {
        None
    }
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

    /// Removes `name`'s supplier if it is `provider` itself; returns whether it did.
    pub fn remove_provider_if(&mut self, name: &str, provider: &Arc<dyn LoginsProvider>) -> bool {
        let same = self
            .providers
            .get(name)
            .is_some_and(|p| Arc::ptr_eq(p, provider));
        if same {
            self.providers.remove(name);
        }
        same
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tokens.contains_key(name)
            || self.providers.contains_key(name)
            || (name == DEVELOPER_PROVIDER_NAME && self.developer.is_some())
    }

    pub fn count(&self) -> usize {
        self.tokens.len() + self.providers.len() + usize::from(self.developer.is_some())
    }

    /// Per provider name (sorted), who its login is for; `None` if some login cannot tell
    /// (a supplier without a subject, a developer identity source).
    pub fn subjects(&self) -> Option<Vec<(String, String)>> {
        if self.developer.is_some() {
            return None;
        }
        let mut out: Vec<(String, String)> = self
            .tokens
            .iter()
            .map(|(name, token)| (name.clone(), token_subject(token.expose())))
            .collect();
        for (name, provider) in &self.providers {
            out.push((name.clone(), provider.subject(name)?));
        }
        out.sort();
        Some(out)
    }

    /// Who the logins are, without their secrets: a hash over each provider name and its
    /// [`Self::subjects`]. `None` when some login cannot tell (credentials for such logins are
    /// not persisted).
    pub fn fingerprint(&self) -> Option<String> {
        let mut hash = Sha256::new();
        for (name, subject) in self.subjects()? {
            hash.update(name.as_bytes());
            hash.update([0]);
            hash.update(subject.as_bytes());
            hash.update([0]);
        }
        Some(hex(&hash.finalize()))
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

/// Who a fixed token is for: a JWT's `iss` and `sub` (the same for every id token of one user),
/// else the token's hash (the same token only). Never the token itself.
pub(crate) fn token_subject(token: &str) -> String {
    if let Some(subject) = jwt_subject(token) {
        return subject;
    }
    hex(&Sha256::digest(token.as_bytes()))
}

fn jwt_subject(token: &str) -> Option<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let (iss, sub) = (claims["iss"].as_str()?, claims["sub"].as_str()?);
    Some(format!("jwt\0{iss}\0{sub}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

    #[test]
    fn fingerprints_say_who_without_the_secret() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let jwt = |sub: &str, exp: u64| {
            let claims = serde_json::json!({
                "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X",
                "sub": sub, "exp": exp,
            });
            format!("e30.{}.c2ln", URL_SAFE_NO_PAD.encode(claims.to_string()))
        };
        // A refreshed id token of the same user is the same login; another user is not.
        assert_eq!(
            token_subject(&jwt("alice", 1)),
            token_subject(&jwt("alice", 2))
        );
        assert_ne!(
            token_subject(&jwt("alice", 1)),
            token_subject(&jwt("bob", 1))
        );
        // Opaque tokens are hashed, never kept.
        let opaque = token_subject("EAAB-facebook-token");
        assert!(!opaque.contains("facebook"));
        assert_eq!(opaque.len(), 64);

        let mut logins = Logins::default();
        let guest = logins.fingerprint().unwrap();
        logins
            .set_token("graph.facebook.com", Secret::new("EAAB-facebook-token"))
            .unwrap();
        let facebook = logins.fingerprint().unwrap();
        assert_ne!(guest, facebook);
        assert!(!facebook.contains("EAAB"));
        // A supplier that cannot say who it is: not fingerprinted.
        let supplier = |_: &str| -> BoxFuture<'static, Result<Secret>> {
            Box::pin(async { Ok(Secret::new("t")) })
        };
        logins
            .set_provider("accounts.google.com", Arc::new(supplier))
            .unwrap();
        assert_eq!(logins.fingerprint(), None);
    }
}
