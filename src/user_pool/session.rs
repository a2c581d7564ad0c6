//! A signed-in user: tokens kept fresh (refreshed ahead of the id token's expiry, one refresh in
//! flight however many callers wait), the session kept between runs in a [`SessionStore`], and
//! the id token as the logins of an identity pool's [`CredentialsProvider`].

use super::{PoolInner, Tokens};
use crate::error::{Error, ErrorKind, Result};
use crate::logins::LoginsProvider;
use crate::provider::CredentialsProvider;
use crate::secret::Secret;
use crate::store::FileIdentityStore;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What is kept between runs to stay signed in: the refresh token (a secret) and who it is for.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSession {
    pub username: String,
    pub refresh_token: Secret,
    pub device_key: Option<String>,
}

impl fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedSession")
            .field("username", &self.username)
            .field("refresh_token", &self.refresh_token)
            .field("device_key", &self.device_key)
            .finish()
    }
}

/// Keeps sessions between runs, one per user pool app client (`key` is `<poolId>:<clientId>`).
/// Called on the runtime's blocking threads, never on the thread that uses the session.
pub trait SessionStore: Send + Sync {
    fn load(&self, key: &str) -> Result<Option<SavedSession>>;
    fn save(&self, key: &str, session: &SavedSession) -> Result<()>;
    fn clear(&self, key: &str) -> Result<()>;
}

/// Sessions in memory only.
#[derive(Default)]
pub struct MemorySessionStore {
    sessions: Mutex<HashMap<String, SavedSession>>,
}

impl MemorySessionStore {
    pub fn new() -> MemorySessionStore {
        MemorySessionStore::default()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SessionStore for MemorySessionStore {
    fn load(&self, key: &str) -> Result<Option<SavedSession>> {
        Ok(lock(&self.sessions).get(key).cloned())
    }
    fn save(&self, key: &str, session: &SavedSession) -> Result<()> {
        lock(&self.sessions).insert(key.to_owned(), session.clone());
        Ok(())
    }
    fn clear(&self, key: &str) -> Result<()> {
        lock(&self.sessions).remove(key);
        Ok(())
    }
}

/// Sessions in a folder, one JSON file per app client, readable by the owner only (0600) and
/// written atomically, as the identity store's files. A file that does not parse is ignored.
pub struct FileSessionStore {
    files: FileIdentityStore,
}

impl FileSessionStore {
    pub fn new(dir: impl Into<PathBuf>) -> FileSessionStore {
        FileSessionStore {
            files: FileIdentityStore::new(dir),
        }
    }

    pub fn path_for(&self, key: &str) -> PathBuf {
        let name: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.files
            .dir()
            .join(format!("cognito-session-{name}.json"))
    }
}

impl SessionStore for FileSessionStore {
    fn load(&self, key: &str) -> Result<Option<SavedSession>> {
        let path = self.path_for(key);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::Store,
                    format!("reading {}: {e}", path.display()),
                ))
            }
        };
        let saved = serde_json::from_slice::<SavedSession>(&bytes)
            .ok()
            .filter(|s| !s.username.is_empty() && !s.refresh_token.expose().is_empty());
        if saved.is_none() {
            tracing::warn!(path = %path.display(), "session file is corrupt; ignoring it");
        }
        Ok(saved)
    }

    fn save(&self, key: &str, session: &SavedSession) -> Result<()> {
        let body =
            serde_json::to_vec(session).map_err(|e| Error::new(ErrorKind::Store, e.to_string()))?;
        self.files.write(&self.path_for(key), &body)
    }

    fn clear(&self, key: &str) -> Result<()> {
        self.files.remove(&self.path_for(key))
    }
}

/// Why a session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEnded {
    /// The app signed out.
    SignedOut,
    /// The pool refused the refresh token (revoked, expired, the user signed out everywhere):
    /// the user must sign in again.
    RefreshRefused(Error),
}

type Refresh = Shared<BoxFuture<'static, Result<Tokens>>>;
type EndedListener = Box<dyn Fn(&SessionEnded) + Send + Sync>;

/// A signed-in user. Cheap to clone; clones share state. `Debug` shows only who.
#[derive(Clone)]
pub struct UserPoolSession {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    pool: Arc<PoolInner>,
    state: Mutex<State>,
    listeners: Mutex<Vec<EndedListener>>,
    /// Store writes in order: the last one written is the session's state.
    store_order: Mutex<()>,
}

struct State {
    tokens: Tokens,
    refresh: Option<Refresh>,
    ended: Option<SessionEnded>,
}

impl fmt::Debug for UserPoolSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPoolSession")
            .field("username", &lock(&self.inner.state).tokens.username)
            .finish_non_exhaustive()
    }
}

impl UserPoolSession {
    /// A session for fresh sign-in tokens; saved to the pool's store when it has one.
    pub(crate) async fn start(pool: Arc<PoolInner>, tokens: Tokens) -> Result<UserPoolSession> {
        let session = UserPoolSession {
            inner: Arc::new(SessionInner {
                pool,
                state: Mutex::new(State {
                    tokens,
                    refresh: None,
                    ended: None,
                }),
                listeners: Mutex::new(Vec::new()),
                store_order: Mutex::new(()),
            }),
        };
        session.inner.save().await;
        Ok(session)
    }

    pub fn username(&self) -> String {
        lock(&self.inner.state).tokens.username.clone()
    }

    /// The identity pools' provider name of the session's pool.
    pub fn provider_name(&self) -> String {
        crate::endpoints::user_pool_provider_name(
            &self.inner.pool.wire.region,
            &self.inner.pool.pool_id,
        )
    }

    /// Valid tokens: the current ones, or refreshed first when the id token is within the
    /// refresh window of its expiry (server time). An ended session is an error.
    pub async fn tokens(&self) -> Result<Tokens> {
        let refresh = {
            let mut s = lock(&self.inner.state);
            if let Some(ended) = &s.ended {
                return Err(ended_error(ended));
            }
            if !self.inner.needs_refresh(&s.tokens) {
                return Ok(s.tokens.clone());
            }
            self.inner.refresh_flight(&mut s)
        };
        refresh.await
    }

    /// The tokens as they are, without any I/O (maybe expired).
    pub fn cached_tokens(&self) -> Tokens {
        lock(&self.inner.state).tokens.clone()
    }

    /// A fresh id token: what an identity pool takes as this user's login.
    pub async fn id_token(&self) -> Result<Secret> {
        Ok(self.tokens().await?.id_token)
    }

    /// Refreshes now, whatever the tokens' age.
    pub async fn refresh(&self) -> Result<Tokens> {
        let refresh = {
            let mut s = lock(&self.inner.state);
            if let Some(ended) = &s.ended {
                return Err(ended_error(ended));
            }
            self.inner.refresh_flight(&mut s)
        };
        refresh.await
    }

    /// The session's state to keep, for apps that store it themselves.
    pub fn saved(&self) -> Option<SavedSession> {
        saved_of(&lock(&self.inner.state).tokens)
    }

    /// Calls `listener` once when the session ends (sign-out, or a refused refresh token).
    pub fn on_ended(&self, listener: impl Fn(&SessionEnded) + Send + Sync + 'static) {
        lock(&self.inner.listeners).push(Box::new(listener));
    }

    /// Signs out on this device: forgets the tokens (also in the store) and ends the session.
    /// With `everywhere`, first GlobalSignOut (all the user's refresh tokens die); otherwise the
    /// refresh token is revoked (RevokeToken), so a copy of it is useless too.
    pub async fn sign_out(&self, everywhere: bool) -> Result<()> {
        let tokens = self.cached_tokens();
        let pool = &self.inner.pool;
        let result = if everywhere {
            pool.wire
                .user_pool_call(
                    "GlobalSignOut",
                    &super::api::AccessToken {
                        access_token: tokens.access_token.expose(),
                    },
                )
                .await
                .map(drop)
        } else if let Some(refresh) = &tokens.refresh_token {
            pool.wire
                .user_pool_call(
                    "RevokeToken",
                    &super::api::RevokeToken {
                        token: refresh.expose(),
                        client_id: &pool.client_id,
                        client_secret: pool.client_secret.as_ref().map(Secret::expose),
                    },
                )
                .await
                .map(drop)
        } else {
            Ok(())
        };
        // Signed out here whatever the pool answered: the user asked for it.
        self.inner.end(SessionEnded::SignedOut).await;
        result
    }

    /// ChangePassword for the signed-in user.
    pub async fn change_password(&self, previous: &str, proposed: &str) -> Result<()> {
        let tokens = self.tokens().await?;
        self.inner
            .pool
            .wire
            .user_pool_call(
                "ChangePassword",
                &super::api::ChangePassword {
                    access_token: tokens.access_token.expose(),
                    previous_password: previous,
                    proposed_password: proposed,
                },
            )
            .await
            .map(drop)
    }

    /// GetUser: the user's attributes (`email`, `sub`, custom ones...).
    pub async fn attributes(&self) -> Result<Vec<(String, String)>> {
        let tokens = self.tokens().await?;
        let r = self
            .inner
            .pool
            .wire
            .user_pool_call(
                "GetUser",
                &super::api::AccessToken {
                    access_token: tokens.access_token.expose(),
                },
            )
            .await?;
        let user: super::api::GetUserAnswer = super::api::parse("GetUser", &r)?;
        Ok(user
            .user_attributes
            .into_iter()
            .map(|a| (a.name, a.value))
            .collect())
    }
}

fn ended_error(ended: &SessionEnded) -> Error {
    match ended {
        SessionEnded::SignedOut => Error::new(ErrorKind::NotAuthorized, "the user signed out"),
        SessionEnded::RefreshRefused(e) => e.clone(),
    }
}

fn saved_of(t: &Tokens) -> Option<SavedSession> {
    t.refresh_token.as_ref().map(|r| SavedSession {
        username: t.username.clone(),
        refresh_token: r.clone(),
        device_key: t.device_key.clone(),
    })
}

impl SessionInner {
    fn needs_refresh(&self, t: &Tokens) -> bool {
        let (left, _) = self.pool.wire.clock.deadline(t.expires_at);
        left <= self.pool.refresh_window.min(Duration::from_secs(1800))
    }

    fn refresh_flight(self: &Arc<Self>, s: &mut State) -> Refresh {
        if let Some(f) = &s.refresh {
            return f.clone();
        }
        let inner = self.clone();
        let current = s.tokens.clone();
        let task = self.pool.runtime.spawn(async move {
            let result = match &current.refresh_token {
                Some(r) => {
                    inner
                        .pool
                        .refresh(&current.username, r, current.device_key.as_deref())
                        .await
                }
                None => Err(Error::new(
                    ErrorKind::NotAuthorized,
                    "the session has no refresh token",
                )),
            };
            inner.finish_refresh(&result).await;
            result
        });
        let flight = async move {
            task.await.unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Cancelled,
                    "the refresh was torn down",
                ))
            })
        }
        .boxed()
        .shared();
        s.refresh = Some(flight.clone());
        flight
    }

    async fn finish_refresh(self: &Arc<Self>, result: &Result<Tokens>) {
        match result {
            Ok(tokens) => {
                {
                    let mut s = lock(&self.state);
                    s.refresh = None;
                    if s.ended.is_none() {
                        s.tokens = tokens.clone();
                    }
                }
                // A rotated refresh token must be kept, or the next launch signs in again.
                self.save().await;
            }
            // The token itself was refused: the user must sign in again.
            Err(e) if e.kind() == ErrorKind::NotAuthorized => {
                tracing::info!("the user pool refused the refresh token; the session ends");
                lock(&self.state).refresh = None;
                self.end(SessionEnded::RefreshRefused(e.clone())).await;
            }
            Err(_) => lock(&self.state).refresh = None,
        }
    }

    /// Keeps the session in the pool's store (on a blocking thread: a store may be slow).
    async fn save(self: &Arc<Self>) {
        let Some(saved) = saved_of(&lock(&self.state).tokens) else {
            return;
        };
        self.with_store(move |store, key| store.save(key, &saved))
            .await;
    }

    async fn end(self: &Arc<Self>, why: SessionEnded) {
        {
            let mut s = lock(&self.state);
            if s.ended.is_some() {
                return;
            }
            s.ended = Some(why.clone());
        }
        self.with_store(|store, key| store.clear(key)).await;
        for listener in lock(&self.listeners).iter() {
            listener(&why);
        }
    }

    /// Runs a store operation on the runtime's blocking threads, one at a time.
    async fn with_store(
        self: &Arc<Self>,
        op: impl FnOnce(&dyn SessionStore, &str) -> Result<()> + Send + 'static,
    ) {
        if self.pool.store.is_none() {
            return;
        }
        let inner = self.clone();
        let done = self
            .pool
            .in_store(move |store, key| {
                let _order = lock(&inner.store_order);
                op(store, key)
            })
            .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "could not update the session store");
        }
    }
}

/// The session's id token as the identity pool's login: fresh whenever a request needs it.
impl LoginsProvider for UserPoolSession {
    fn token(&self, _provider_name: &str) -> BoxFuture<'static, Result<Secret>> {
        let session = self.clone();
        async move { session.id_token().await }.boxed()
    }

    fn subject(&self, _provider_name: &str) -> Option<String> {
        Some(crate::logins::token_subject(
            self.cached_tokens().id_token.expose(),
        ))
    }
}

impl CredentialsProvider {
    /// Signs the provider in with a user-pool session: its id token (kept fresh) becomes the
    /// login of the session's pool, and when the session ends the login goes (and with it the
    /// credentials).
    pub fn set_user_pool_session(&self, session: &UserPoolSession) -> Result<()> {
        let name = session.provider_name();
        let login: Arc<dyn LoginsProvider> = Arc::new(session.clone());
        self.set_logins_provider(&name, login.clone())?;
        let weak = self.downgrade();
        // Only this session's login goes: the app may have replaced it since.
        let login = Arc::downgrade(&login);
        session.on_ended(move |_| {
            if let (Some(p), Some(login)) = (weak.upgrade(), login.upgrade()) {
                p.remove_login_provider(&name, &login);
            }
        });
        Ok(())
    }
}
