//! The credentials provider: identity id and credentials, cached, refreshed ahead of expiry, with
//! one request in flight however many callers wait.
//!
//! Locking: all state sits behind one `std::sync::Mutex`, held only for quick bookkeeping, never
//! across I/O or an `.await`. Network work runs in "flights": tasks spawned on the runtime whose
//! shared result every waiting caller receives. A caller that goes away does not cancel a flight
//! others may wait on, and its result is still cached.
//!
//! Epochs: every change that makes in-flight work stale (new logins, clear...) bumps an epoch and
//! forgets the flight; a flight that finishes under an old epoch hands its result to the callers
//! that waited for it but does not cache it.

use crate::config::{Config, Validated};
use crate::credentials::{CachedCredentials, Credentials};
use crate::developer_source::{
    check_developer_identity, DeveloperIdentity, DeveloperIdentitySource,
};
use crate::endpoints::{self, DEVELOPER_PROVIDER_NAME};
use crate::error::{Error, ErrorKind, Result};
use crate::events::{IdentityChange, Listeners, SubscriptionId};
use crate::logins::{Logins, LoginsProvider};
use crate::persisted::{self, Persisted};
use crate::secret::Secret;
use crate::store::IdentityStore;
use crate::wire::cognito::OpenIdToken;
use crate::wire::Wire;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

type Flight<T> = Shared<BoxFuture<'static, Result<T>>>;

/// After a background refresh fails, wait this long before the next one (the cached credentials
/// are still valid meanwhile).
const BACKGROUND_RETRY_PAUSE: Duration = Duration::from_secs(15);

/// Gets and keeps an identity id and temporary AWS credentials from a Cognito identity pool.
///
/// Cheap to clone; clones share state. All methods may be called from any thread.
#[derive(Clone)]
pub struct CredentialsProvider {
    inner: Arc<Inner>,
}

struct Inner {
    pool_id: String,
    account_id: Option<String>,
    unauth_role_arn: Option<String>,
    auth_role_arn: Option<String>,
    custom_role_arn: Option<String>,
    refresh_window: Duration,
    logins_timeout: Duration,
    wire: Wire,
    store: Arc<dyn IdentityStore>,
    /// Serialises store writes so the last one written is the current id.
    store_lock: Mutex<()>,
    persist_credentials: bool,
    /// Serialises writes of the persisted credentials; holds the [`State::persist_version`]
    /// the store has.
    credentials_store_lock: Mutex<u64>,
    runtime: tokio::runtime::Handle,
    listeners: Listeners,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    logins: Logins,
    identity_id: Option<String>,
    /// The id dropped as stale, reported as `old` when its replacement arrives.
    dropped_identity_id: Option<String>,
    identity_epoch: u64,
    identity_flight: Option<Flight<String>>,
    credentials: Option<CachedCredentials>,
    credentials_epoch: u64,
    credentials_flight: Option<Flight<Arc<Credentials>>>,
    /// No background refresh before this (set when one failed).
    background_pause_until: Option<Instant>,
    /// Credentials of an earlier launch, until first asked for (then used or dropped).
    persisted: Option<Persisted>,
    /// Counts changes of what the persisted credentials should be (new credentials, none).
    persist_version: u64,
}

impl State {
    fn invalidate_credentials(&mut self) {
        if self.credentials.is_some() {
            self.persist_version += 1;
        }
        self.credentials = None;
        self.credentials_flight = None;
        self.background_pause_until = None;
        self.credentials_epoch += 1;
        // A sign-in again as the same user keeps an earlier launch's credentials; any other
        // change of the logins or of the identity drops them.
        if let Some(p) = &self.persisted {
            if !p.matches(
                self.identity_id.as_deref(),
                self.logins.fingerprint().as_deref(),
            ) {
                self.drop_persisted();
            }
        }
    }

    fn drop_persisted(&mut self) {
        if self.persisted.take().is_some() {
            self.persist_version += 1;
        }
    }

    fn invalidate_identity(&mut self) {
        self.drop_persisted();
        self.identity_id = None;
        self.identity_flight = None;
        self.identity_epoch += 1;
        self.invalidate_credentials();
    }

    /// Records the identity id the service gave us; queues an event if it differs from the last
    /// one known. Returns whether the cached id changed (and so must be stored).
    fn set_identity(&mut self, new: &str, listeners: &Listeners) -> bool {
        if self.identity_id.as_deref() == Some(new) {
            return false;
        }
        let old = self.identity_id.replace(new.to_owned());
        if old.is_some() {
            // Credentials belong to an identity: the old one's are of no use now.
            self.invalidate_credentials();
        }
        let old = old.or_else(|| self.dropped_identity_id.take());
        if old.as_deref() == Some(new) {
            return true; // the service gave the dropped id back: cached again, but no change
        }
        tracing::info!(
            old = old.as_deref().unwrap_or(""),
            new,
            "identity id changed"
        );
        listeners.push(IdentityChange {
            old,
            new: new.to_owned(),
        });
        true
    }
}

impl CredentialsProvider {
    /// Builds a provider. Fails on an invalid configuration (pool id, region, endpoints, ARNs...),
    /// or when no tokio runtime is given or current. Reads the identity store once.
    pub fn new(config: Config) -> Result<CredentialsProvider> {
        let v = config.validate()?;
        let identity_id = match config.identity_store.load(&config.identity_pool_id) {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the identity store; starting without an id");
                None
            }
        };
        let persisted = if config.persist_credentials {
            match config
                .identity_store
                .load_credentials(&config.identity_pool_id)
            {
                Ok(text) => text.and_then(|t| persisted::decode(&config.identity_pool_id, &t)),
                Err(e) => {
                    tracing::warn!(error = %e, "could not read the stored credentials");
                    None
                }
            }
        } else {
            None
        };
        let Validated { wire, runtime } = v;
        let inner = Inner {
            pool_id: config.identity_pool_id,
            account_id: config.account_id,
            unauth_role_arn: config.unauth_role_arn,
            auth_role_arn: config.auth_role_arn,
            custom_role_arn: config.custom_role_arn,
            refresh_window: config.refresh_window,
            logins_timeout: config.logins_timeout,
            wire,
            store: config.identity_store,
            store_lock: Mutex::new(()),
            persist_credentials: config.persist_credentials,
            credentials_store_lock: Mutex::new(0),
            runtime,
            listeners: Listeners::default(),
            state: Mutex::new(State {
                identity_id,
                persisted,
                ..Default::default()
            }),
        };
        let provider = CredentialsProvider {
            inner: Arc::new(inner),
        };
        if config.prefetch {
            provider.prefetch();
        }
        Ok(provider)
    }

    /// Starts getting credentials (and the identity id) in the background with the current
    /// logins, so that a later [`Self::credentials`] finds them ready or joins the request in
    /// flight. Never waits; does nothing when valid credentials are cached or persisted, or a
    /// request is in flight already. A failure is logged, and the next call tries again.
    pub fn prefetch(&self) {
        let mut s = self.inner.lock();
        if self.inner.cached_now(&mut s).is_none() {
            drop(self.inner.credentials_flight(&mut s));
        }
    }

    pub fn identity_pool_id(&self) -> &str {
        &self.inner.pool_id
    }

    pub fn region(&self) -> &str {
        &self.inner.wire.region
    }

    /// The provider name of a Cognito user pool in this provider's region, the key for its id
    /// token in the logins: `cognito-idp.<region>.amazonaws.com/<userPoolId>`.
    pub fn user_pool_provider_name(&self, user_pool_id: &str) -> String {
        endpoints::user_pool_provider_name(&self.inner.wire.region, user_pool_id)
    }

    /// The identity id: the cached one, or a new one from GetId (sent with the current logins).
    pub async fn identity_id(&self) -> Result<String> {
        let flight = {
            let mut s = self.inner.lock();
            if let Some(id) = &s.identity_id {
                return Ok(id.clone());
            }
            self.inner.identity_flight(&mut s)
        };
        flight.await
    }

    /// The cached identity id, without any I/O.
    pub fn cached_identity_id(&self) -> Option<String> {
        self.inner.lock().identity_id.clone()
    }

    /// Valid credentials: cached ones at once (starting a background refresh when they are within
    /// the refresh window), or fresh ones from the service (enhanced flow, or the basic flow when
    /// a role ARN is configured for the current state).
    pub async fn credentials(&self) -> Result<Arc<Credentials>> {
        let flight = {
            let mut s = self.inner.lock();
            if let Some(c) = self.inner.usable_cached(&mut s) {
                return Ok(c);
            }
            self.inner.credentials_flight(&mut s)
        };
        flight.await
    }

    /// The cached credentials if they are still usable, without waiting on any I/O. Like
    /// [`Self::credentials`], starts a background refresh when they are within the refresh window.
    pub fn cached_credentials(&self) -> Option<Arc<Credentials>> {
        let mut s = self.inner.lock();
        self.inner.usable_cached(&mut s)
    }

    /// Adds or replaces the token of an identity provider (e.g. the user pool id token under
    /// [`Self::user_pool_provider_name`]). A change clears the cached credentials.
    pub fn set_login(&self, provider_name: &str, token: impl Into<Secret>) -> Result<()> {
        let mut s = self.inner.lock();
        if s.logins.set_token(provider_name, token.into())? {
            s.invalidate_credentials();
            drop(s);
            self.inner.spawn_persist_credentials();
        }
        Ok(())
    }

    /// Registers a supplier asked for `provider_name`'s current token whenever a request needs
    /// logins, for tokens that expire. Clears the cached credentials.
    pub fn set_logins_provider(
        &self,
        provider_name: &str,
        provider: Arc<dyn LoginsProvider>,
    ) -> Result<()> {
        let mut s = self.inner.lock();
        s.logins.set_provider(provider_name, provider)?;
        s.invalidate_credentials();
        drop(s);
        self.inner.spawn_persist_credentials();
        Ok(())
    }

    /// Gets the identity and its token from the app's backend (developer-authenticated
    /// identities): asked on first use and for every credentials refresh; its token is sent under
    /// `cognito-identity.amazonaws.com`. Clears the cached credentials. Remove it with
    /// `remove_login("cognito-identity.amazonaws.com")`.
    pub fn set_developer_identity_source(
        &self,
        source: Arc<dyn DeveloperIdentitySource>,
    ) -> Result<()> {
        let mut s = self.inner.lock();
        s.logins.set_developer(source)?;
        s.invalidate_credentials();
        drop(s);
        self.inner.spawn_persist_credentials();
        Ok(())
    }

    /// Removes a login (token or supplier). Returns whether it was there; if so, clears the cached
    /// credentials.
    pub fn remove_login(&self, provider_name: &str) -> bool {
        let mut s = self.inner.lock();
        let removed = s.logins.remove(provider_name);
        if removed {
            s.invalidate_credentials();
            drop(s);
            self.inner.spawn_persist_credentials();
        }
        removed
    }

    /// Removes `provider_name`'s login if it is still `provider` (not replaced since).
    pub(crate) fn remove_login_provider(
        &self,
        provider_name: &str,
        provider: &Arc<dyn LoginsProvider>,
    ) -> bool {
        let mut s = self.inner.lock();
        let removed = s.logins.remove_provider_if(provider_name, provider);
        if removed {
            s.invalidate_credentials();
            drop(s);
            self.inner.spawn_persist_credentials();
        }
        removed
    }

    pub fn contains_login(&self, provider_name: &str) -> bool {
        self.inner.lock().logins.contains(provider_name)
    }

    /// The provider names with a login, sorted.
    pub fn login_names(&self) -> Vec<String> {
        self.inner.lock().logins.names()
    }

    pub fn logins_count(&self) -> usize {
        self.inner.lock().logins.count()
    }

    /// Signs out: forgets the logins, the identity id (also in the store) and the credentials.
    pub fn clear(&self) {
        {
            let mut s = self.inner.lock();
            s.logins = Logins::default();
            s.dropped_identity_id = None;
            s.invalidate_identity();
        }
        self.inner.persist_identity();
    }

    /// Forgets the cached credentials (also persisted ones); the next call gets new ones.
    pub fn clear_credentials(&self) {
        {
            let mut s = self.inner.lock();
            s.invalidate_credentials();
            s.drop_persisted();
        }
        self.inner.persist_credentials();
    }

    /// Forgets the identity id (also in the store) and the credentials; keeps the logins.
    pub fn clear_identity_cache(&self) {
        {
            let mut s = self.inner.lock();
            s.dropped_identity_id = None;
            s.invalidate_identity();
        }
        self.inner.persist_identity();
    }

    /// Calls `listener` once for every change of the identity id, in order, on the thread that
    /// learned of it (a runtime thread). It must not block.
    pub fn on_identity_changed(
        &self,
        listener: impl Fn(&IdentityChange) + Send + Sync + 'static,
    ) -> SubscriptionId {
        self.inner.listeners.subscribe(Arc::new(listener))
    }

    pub fn unsubscribe(&self, id: SubscriptionId) -> bool {
        self.inner.listeners.unsubscribe(id)
    }

    /// The server's current time, as learned from its `Date` headers (a wrong device clock
    /// corrected): what signatures are dated with.
    pub(crate) fn server_now(&self) -> std::time::SystemTime {
        self.inner.wire.clock.now()
    }

    /// Server clock minus local clock in milliseconds (negative when the server is behind).
    pub fn server_clock_offset_ms(&self) -> i64 {
        self.inner.wire.clock.offset_ms()
    }
}

/// A handle that does not keep the provider alive (for hooks the provider must not outlive).
#[derive(Clone)]
pub(crate) struct WeakProvider(std::sync::Weak<Inner>);

impl WeakProvider {
    pub fn upgrade(&self) -> Option<CredentialsProvider> {
        self.0.upgrade().map(|inner| CredentialsProvider { inner })
    }
}

impl CredentialsProvider {
    pub(crate) fn downgrade(&self) -> WeakProvider {
        WeakProvider(Arc::downgrade(&self.inner))
    }
}

impl std::fmt::Debug for CredentialsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsProvider")
            .field("identity_pool_id", &self.inner.pool_id)
            .field("region", &self.inner.wire.region)
            .finish_non_exhaustive()
    }
}

/// Runs `work`, turning a panic into an error, so the flight's bookkeeping after it still runs.
async fn caught<T>(work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Internal, "a refresh task panicked")))
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // State changes are single assignments: a panic cannot leave it half-updated.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `work` as a flight: spawned, panics turned into errors, result shared.
    fn spawn_flight<T, F>(&self, work: F) -> Flight<T>
    where
        T: Clone + Send + Sync + 'static,
        F: std::future::Future<Output = Result<T>> + Send + 'static,
    {
        let task = self.runtime.spawn(AssertUnwindSafe(work).catch_unwind());
        async move {
            match task.await {
                Ok(Ok(result)) => result,
                Ok(Err(_panic)) => Err(Error::new(ErrorKind::Internal, "a refresh task panicked")),
                Err(e) if e.is_cancelled() => Err(Error::new(
                    ErrorKind::Cancelled,
                    "the runtime shut down before the request finished",
                )),
                Err(_) => Err(Error::new(ErrorKind::Internal, "a refresh task failed")),
            }
        }
        .boxed()
        .shared()
    }

    /// A read of the cache (counted in the statistics).
    fn usable_cached(self: &Arc<Self>, s: &mut State) -> Option<Arc<Credentials>> {
        let credentials = self.cached_now(s)?;
        crate::stats::cache_hit();
        Some(credentials)
    }

    /// An earlier launch's credentials become the cached ones if they still belong to this
    /// identity and these logins and are valid by the server's clock; otherwise they go.
    fn adopt_persisted(self: &Arc<Self>, s: &mut State) {
        let Some(p) = s.persisted.take() else {
            return;
        };
        let lifetime = p
            .matches(s.identity_id.as_deref(), s.logins.fingerprint().as_deref())
            .then(|| p.lifetime(std::time::SystemTime::now()))
            .flatten();
        match lifetime {
            Some(lifetime) => {
                tracing::debug!("using the credentials persisted by an earlier launch");
                s.credentials = Some(CachedCredentials::new(
                    Arc::new(p.credentials),
                    lifetime,
                    self.refresh_window,
                    Instant::now(),
                ));
            }
            None => {
                tracing::debug!("the persisted credentials are expired or not this login's");
                s.persist_version += 1;
                self.spawn_persist_credentials();
            }
        }
    }

    /// The cached credentials if usable now, starting a background refresh when they are within
    /// the refresh window.
    fn cached_now(self: &Arc<Self>, s: &mut State) -> Option<Arc<Credentials>> {
        if s.credentials.is_none() && s.persisted.is_some() {
            self.adopt_persisted(s);
        }
        let now = Instant::now();
        let cached = s.credentials.as_ref()?;
        if !cached.is_usable(now) {
            return None;
        }
        let credentials = cached.credentials.clone();
        let paused = s.background_pause_until.is_some_and(|t| now < t);
        if cached.needs_refresh(now) && s.credentials_flight.is_none() && !paused {
            tracing::debug!("credentials within the refresh window: refreshing in the background");
            drop(self.credentials_flight(s));
        }
        Some(credentials)
    }

    fn identity_flight(self: &Arc<Self>, s: &mut State) -> Flight<String> {
        if let Some(f) = &s.identity_flight {
            return f.clone();
        }
        let epoch = s.identity_epoch;
        let logins = s.logins.clone();
        let inner = self.clone();
        let flight = self.spawn_flight(async move {
            let result = caught(inner.fetch_identity(&logins)).await;
            match &result {
                Ok(id) => {
                    let id = id.clone();
                    inner
                        .with_store(move |inner| {
                            inner.store_then_apply(&id, |s, listeners| {
                                if s.identity_epoch != epoch {
                                    return false;
                                }
                                s.identity_flight = None;
                                s.set_identity(&id, listeners)
                            })
                        })
                        .await;
                }
                Err(_) => {
                    let mut s = inner.lock();
                    if s.identity_epoch == epoch {
                        s.identity_flight = None;
                    }
                }
            }
            inner.listeners.deliver();
            result
        });
        s.identity_flight = Some(flight.clone());
        flight
    }

    async fn fetch_identity(&self, logins: &Logins) -> Result<String> {
        if let Some(source) = logins.developer() {
            return Ok(self.ask_developer_source(source).await?.identity_id);
        }
        let tokens = logins.resolve(self.logins_timeout).await?;
        self.wire
            .get_id(&self.pool_id, self.account_id.as_deref(), &tokens)
            .await
    }

    /// Asks the app's backend for the developer identity, within the logins timeout.
    async fn ask_developer_source(
        &self,
        source: &Arc<dyn DeveloperIdentitySource>,
    ) -> Result<DeveloperIdentity> {
        let answer = tokio::time::timeout(self.logins_timeout, source.refresh())
            .await
            .map_err(|_| {
                Error::new(
                    ErrorKind::LoginsProvider,
                    format!(
                        "the developer identity source did not answer within {:?}",
                        self.logins_timeout
                    ),
                )
            })??;
        check_developer_identity(&answer)?;
        Ok(answer)
    }

    fn credentials_flight(self: &Arc<Self>, s: &mut State) -> Flight<Arc<Credentials>> {
        if let Some(f) = &s.credentials_flight {
            return f.clone();
        }
        let epoch = s.credentials_epoch;
        let logins = s.logins.clone();
        let inner = self.clone();
        crate::stats::credentials_fetch();
        let flight = self.spawn_flight(async move {
            let result = caught(inner.fetch_credentials(epoch, &logins)).await;
            if let Err(e) = &result {
                let mut s = inner.lock();
                if s.credentials_epoch == epoch {
                    s.credentials_flight = None;
                    if s.credentials.is_some() {
                        s.background_pause_until = Some(Instant::now() + BACKGROUND_RETRY_PAUSE);
                    }
                }
                tracing::warn!(error = %e.code(), "getting credentials failed");
            }
            result
        });
        s.credentials_flight = Some(flight.clone());
        flight
    }

    async fn fetch_credentials(
        self: &Arc<Self>,
        epoch: u64,
        logins: &Logins,
    ) -> Result<Arc<Credentials>> {
        let mut tokens = logins.resolve(self.logins_timeout).await?;
        let developer = logins.developer();
        let role_arn = if tokens.is_empty() && developer.is_none() {
            self.unauth_role_arn.as_deref()
        } else {
            self.auth_role_arn.as_deref()
        };
        let mut recovered = false;
        loop {
            // The identity: from the app's backend (with a fresh token), cached, or from GetId.
            let (identity_id, identity_epoch, developer_token) = match developer {
                Some(source) => {
                    let identity_epoch = self.lock().identity_epoch;
                    let d = self.ask_developer_source(source).await?;
                    tokens.insert(DEVELOPER_PROVIDER_NAME.to_owned(), d.token.clone());
                    (d.identity_id, identity_epoch, Some(d.token))
                }
                None => {
                    let (id, identity_epoch) = self.identity_for_credentials().await?;
                    (id, identity_epoch, None)
                }
            };
            let result = match (role_arn, developer_token) {
                // A developer token is an OpenID token already: straight to STS.
                (Some(role), Some(token)) => {
                    let token = OpenIdToken {
                        identity_id: identity_id.clone(),
                        token,
                    };
                    self.wire.assume_role_with_web_identity(role, &token).await
                }
                (Some(role), None) => {
                    async {
                        let token = self.wire.get_open_id_token(&identity_id, &tokens).await?;
                        self.wire.assume_role_with_web_identity(role, &token).await
                    }
                    .await
                }
                (None, _) => {
                    self.wire
                        .get_credentials_for_identity(
                            &identity_id,
                            &tokens,
                            self.custom_role_arn.as_deref(),
                        )
                        .await
                }
            };
            match result {
                Ok(credentials) => {
                    return self
                        .commit_credentials(epoch, identity_epoch, credentials)
                        .await
                }
                Err(e) if e.is_stale_identity() && !recovered => {
                    tracing::info!(
                        identity_id,
                        error = e.code(),
                        "the service no longer accepts the cached identity id; getting a new one"
                    );
                    recovered = true;
                    self.drop_stale_identity(&identity_id).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The identity id to get credentials for, and the identity epoch it belongs to.
    async fn identity_for_credentials(self: &Arc<Self>) -> Result<(String, u64)> {
        // Another round only when the identity was reset while we waited (a caller's clear).
        for _ in 0..3 {
            let (flight, epoch) = {
                let mut s = self.lock();
                let epoch = s.identity_epoch;
                if let Some(id) = &s.identity_id {
                    return Ok((id.clone(), epoch));
                }
                (self.identity_flight(&mut s), epoch)
            };
            let id = flight.await?;
            if self.lock().identity_epoch == epoch {
                return Ok((id, epoch));
            }
        }
        Err(Error::new(
            ErrorKind::Cancelled,
            "the identity was reset repeatedly while it was being fetched",
        ))
    }

    async fn drop_stale_identity(self: &Arc<Self>, identity_id: &str) {
        {
            let mut s = self.lock();
            if s.identity_id.as_deref() != Some(identity_id) {
                return; // already replaced
            }
            s.invalidate_identity();
            s.dropped_identity_id = Some(identity_id.to_owned());
        }
        self.with_store(|inner| inner.persist_identity()).await;
    }

    async fn commit_credentials(
        self: &Arc<Self>,
        epoch: u64,
        identity_epoch: u64,
        credentials: Credentials,
    ) -> Result<Arc<Credentials>> {
        let (lifetime, _) = self.wire.clock.deadline(credentials.expiration);
        if lifetime.is_zero() {
            return Err(Error::invalid_response(
                format!(
                    "credentials expired on arrival (expiration {}, server time {})",
                    httpdate::fmt_http_date(credentials.expiration),
                    httpdate::fmt_http_date(self.wire.clock.now())
                ),
                None,
            ));
        }
        let credentials = Arc::new(credentials);
        let refresh_window = self.refresh_window;
        let commit = {
            let credentials = credentials.clone();
            move |s: &mut State, listeners: &Listeners| {
                let current = s.credentials_epoch == epoch;
                let mut changed = false;
                if s.identity_epoch == identity_epoch {
                    // The service may answer with another identity id (a merge after sign-in).
                    changed = s.set_identity(&credentials.identity_id, listeners);
                }
                if current {
                    s.credentials_flight = None;
                    if s.identity_id.as_deref() == Some(credentials.identity_id.as_str()) {
                        s.credentials = Some(CachedCredentials::new(
                            credentials,
                            lifetime,
                            refresh_window,
                            Instant::now(),
                        ));
                        s.background_pause_until = None;
                        s.persisted = None;
                        s.persist_version += 1;
                    }
                }
                changed
            }
        };
        let new_identity = {
            let s = self.lock();
            s.identity_epoch == identity_epoch
                && s.identity_id.as_deref() != Some(credentials.identity_id.as_str())
        };
        if new_identity {
            let id = credentials.identity_id.clone();
            self.with_store(move |inner| inner.store_then_apply(&id, commit))
                .await;
        } else if commit(&mut self.lock(), &self.listeners) {
            // The identity changed after all (another flight got in between): store it now.
            self.with_store(|inner| inner.persist_identity()).await;
        }
        // Not awaited: the caller need not wait for a disk write (writes are ordered by version).
        self.spawn_persist_credentials();
        self.listeners.deliver();
        Ok(credentials)
    }

    /// Runs a store write on the runtime's blocking threads, never on its I/O threads, where a
    /// slow disk or a host's store callback would stall every provider's requests.
    async fn with_store(self: &Arc<Self>, write: impl FnOnce(&Inner) + Send + 'static) {
        let inner = self.clone();
        if let Err(e) = self.runtime.spawn_blocking(move || write(&inner)).await {
            tracing::warn!(error = %e, "an identity store write did not run");
        }
    }

    /// Takes an identity id the service gave us: `apply` updates the state (under its lock) and
    /// may take the id. The id is stored first, so whoever sees it in memory finds it in the
    /// store too (a second provider, the next launch); all under the store lock, so the store
    /// ends with the id last taken. Should `apply` not take it (a clear got in between), the
    /// clear's own store write comes after this one.
    fn store_then_apply(&self, id: &str, apply: impl FnOnce(&mut State, &Listeners) -> bool) {
        let _order = self.store_lock.lock().unwrap_or_else(|p| p.into_inner());
        if self.lock().identity_id.as_deref() != Some(id) {
            if let Err(e) = self.store.save(&self.pool_id, id) {
                tracing::warn!(error = %e, "could not update the identity store");
            }
        }
        apply(&mut self.lock(), &self.listeners);
        drop(_order);
        self.persist_credentials();
    }

    /// Writes the current identity id (or its absence) to the store.
    fn persist_identity(&self) {
        let _guard = self.store_lock.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.lock().identity_id.clone();
        let result = match &current {
            Some(id) => self.store.save(&self.pool_id, id),
            None => self.store.clear(&self.pool_id),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not update the identity store");
        }
        drop(_guard);
        self.persist_credentials();
    }

    /// Writes what the persisted credentials should be now (the cached ones, or none) to the
    /// store, unless it has that already.
    fn persist_credentials(&self) {
        if !self.persist_credentials {
            return;
        }
        let mut written = self
            .credentials_store_lock
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let (version, entry) = {
            let s = self.lock();
            if s.persist_version == *written || s.persisted.is_some() {
                return;
            }
            // Credentials for logins that cannot say who they are (a developer identity source,
            // a supplier without a subject) are not kept.
            let entry = s.credentials.as_ref().and_then(|c| {
                let logins = s.logins.fingerprint()?;
                Some(persisted::encode(
                    &self.pool_id,
                    &c.credentials,
                    &logins,
                    self.wire.clock.offset_ms(),
                ))
            });
            (s.persist_version, entry)
        };
        let result = match &entry {
            Some(entry) => self.store.save_credentials(&self.pool_id, entry),
            None => self.store.clear_credentials(&self.pool_id),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not update the stored credentials");
        }
        *written = version;
    }

    /// [`Self::persist_credentials`] on the runtime's blocking threads (from calls that must not
    /// wait on the store).
    fn spawn_persist_credentials(self: &Arc<Self>) {
        if self.persist_credentials {
            let inner = self.clone();
            self.runtime
                .spawn_blocking(move || inner.persist_credentials());
        }
    }
}
