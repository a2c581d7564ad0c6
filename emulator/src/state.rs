//! Shared emulator state: clock, counters, fault rules, the identity store
//! (pools, identities, login links, merges), the temporary credentials issued (so
//! requests signed with them can be verified) and the object store.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use ring::hmac;
use serde_json::{json, Value};

use crate::objects::ObjectStore;
use crate::sigv4::Failure;
use crate::tokens::{self, LoginSubject, COGNITO_ISSUER, DEVELOPER_PROVIDER};
use crate::util::{self, ApiError};
use crate::{EmulatorConfig, Fault, FaultRule, Operation, PoolConfig};

/// Locks ignoring poisoning: state stays consistent because no code panics while
/// holding a lock, and a poisoned lock must not take the whole emulator down.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Default)]
struct Counters {
    total: u64,
    per_op: BTreeMap<Operation, u64>,
    /// Operations of the services verified with issued credentials, by name
    /// (`s3:PutObject`, `dynamodb:PutItem`).
    per_name: BTreeMap<String, u64>,
}

/// At most this many distinct operation names are counted by name; later new names
/// only count in the total.
const MAX_COUNTED_NAMES: usize = 1024;
/// The issued credentials remembered; beyond this the oldest are forgotten (and
/// requests signed with them refused as signed with an unknown key).
pub(crate) const MAX_SESSIONS: usize = 20_000;
/// Entries of the recent-requests log (admin API).
const MAX_RECENT: usize = 100;

/// Temporary credentials the emulator issued, with whom they belong to.
pub(crate) struct Session {
    secret_key: String,
    session_token: String,
    expiration: SystemTime,
    pub principal: Principal,
}

/// Who signs with a set of credentials.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Principal {
    /// The Cognito identity the credentials were issued for (STS: the token's `sub`).
    pub identity_id: Option<String>,
    /// STS: the assumed role's ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`).
    pub assumed_role_arn: Option<String>,
    /// The operation that issued them; `None` for a developer key.
    pub issued_by: Option<&'static str>,
}

#[derive(Default)]
struct Sessions {
    by_key: HashMap<String, Session>,
    /// Access key ids, oldest first.
    order: VecDeque<String>,
}

/// One request to S3 or the generic signed-service endpoint, as the emulator saw it
/// (no secrets, no bodies): [`crate::Emulator::recent_requests`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecentRequest {
    /// `s3:PutObject`, `dynamodb:PutItem`, `execute-api:GET`.
    pub operation: String,
    /// The signing name of the credential scope.
    pub service: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    /// The Cognito identity the credentials were issued for (verified requests).
    pub identity_id: Option<String>,
    /// The HTTP status answered.
    pub status: u16,
    /// The error code, if refused.
    pub error: Option<String>,
}

/// A fault rule for user-pool operations: (operation name, or any; fault; shots left).
type UserPoolFaultRule = (Option<String>, Fault, Option<u32>);

pub(crate) struct Shared {
    pools: Vec<PoolConfig>,
    secret: hmac::Key,
    skew_secs: AtomicI64,
    credential_lifetime_ms: AtomicU64,
    openid_lifetime_ms: AtomicU64,
    connections: AtomicU64,
    counters: Mutex<Counters>,
    faults: Mutex<Vec<FaultRule>>,
    store: Mutex<Store>,
    /// Access key id -> secret access key, for SigV4-signed operations.
    signing_keys: Mutex<HashMap<String, String>>,
    sessions: Mutex<Sessions>,
    recent: Mutex<VecDeque<RecentRequest>>,
    objects: Mutex<ObjectStore>,
    pub(crate) quotas: crate::quotas::Quotas,
    user_pools: crate::idp::UserPools,
    user_pool_faults: Mutex<Vec<UserPoolFaultRule>>,
}

/// Temporary credentials as both protocols return them.
pub(crate) struct Credentials {
    pub access_key_id: String,
    pub secret_key: String,
    pub session_token: String,
    pub expiration: SystemTime,
}

impl Credentials {
    pub fn generate(expiration: SystemTime) -> Credentials {
        // Real session tokens start with this prefix; some clients log it to recognise them.
        let mut session_token = String::from("IQoJb3JpZ2luX2VjE");
        session_token.push_str(&util::random_from(util::BASE64_CHARS, 380));
        Credentials {
            access_key_id: format!("ASIA{}", util::random_from(util::UPPER_ALNUM, 16)),
            secret_key: util::random_from(util::BASE64_CHARS, 40),
            session_token,
            expiration,
        }
    }
}

/// Equality in time independent of where the inputs differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn millis(d: Duration) -> u64 {
    d.as_millis().min(u64::MAX as u128) as u64
}

impl Shared {
    /// Panics on an invalid user pool configuration (tests); the server uses
    /// [`Shared::try_new`].
    #[cfg(test)]
    pub fn new(config: &EmulatorConfig) -> Shared {
        Shared::try_new(config).expect("valid user pool configuration")
    }

    pub fn try_new(config: &EmulatorConfig) -> Result<Shared, String> {
        let secret = hmac::Key::new(hmac::HMAC_SHA256, &util::random_bytes::<32>());
        let now = util::epoch_secs(util::shift(SystemTime::now(), config.clock_skew_secs));
        let user_pools = crate::idp::UserPools::new(&config.user_pools, now)?;
        Ok(Shared {
            pools: config.pools.clone(),
            secret,
            skew_secs: AtomicI64::new(config.clock_skew_secs),
            credential_lifetime_ms: AtomicU64::new(millis(config.credential_lifetime)),
            openid_lifetime_ms: AtomicU64::new(millis(config.openid_token_lifetime)),
            connections: AtomicU64::new(0),
            counters: Mutex::default(),
            faults: Mutex::default(),
            quotas: crate::quotas::Quotas::new(&config.quotas),
            store: Mutex::default(),
            signing_keys: Mutex::new(config.signing_keys.iter().cloned().collect()),
            sessions: Mutex::default(),
            recent: Mutex::default(),
            objects: Mutex::new(ObjectStore::new(
                config.max_object_size,
                config.max_store_bytes,
            )),
            user_pools,
            user_pool_faults: Mutex::default(),
        })
    }

    pub fn user_pools(&self) -> &crate::idp::UserPools {
        &self.user_pools
    }

    pub fn region(&self) -> &str {
        self.pools
            .first()
            .map(|p| util::region_of(&p.id))
            .unwrap_or("us-east-1")
    }

    pub fn pool(&self, id: &str) -> Option<&PoolConfig> {
        self.pools.iter().find(|p| p.id == id)
    }

    pub fn secret(&self) -> &hmac::Key {
        &self.secret
    }

    // ---- clock and lifetimes ----

    pub fn now(&self) -> SystemTime {
        util::shift(SystemTime::now(), self.skew_secs.load(Ordering::Relaxed))
    }

    pub fn now_secs(&self) -> i64 {
        util::epoch_secs(self.now())
    }

    pub fn set_clock_skew(&self, secs: i64) {
        self.skew_secs.store(secs, Ordering::Relaxed)
    }

    pub fn clock_skew(&self) -> i64 {
        self.skew_secs.load(Ordering::Relaxed)
    }

    pub fn credential_lifetime(&self) -> Duration {
        Duration::from_millis(self.credential_lifetime_ms.load(Ordering::Relaxed))
    }

    pub fn set_credential_lifetime(&self, d: Duration) {
        self.credential_lifetime_ms
            .store(millis(d), Ordering::Relaxed)
    }

    pub fn openid_token_lifetime(&self) -> Duration {
        Duration::from_millis(self.openid_lifetime_ms.load(Ordering::Relaxed))
    }

    pub fn set_openid_token_lifetime(&self, d: Duration) {
        self.openid_lifetime_ms.store(millis(d), Ordering::Relaxed)
    }

    // ---- counters ----

    pub fn count_request(&self, op: Option<Operation>) {
        let mut c = lock(&self.counters);
        c.total += 1;
        if let Some(op) = op {
            *c.per_op.entry(op).or_insert(0) += 1;
        }
    }

    /// Counts a request to an operation known by name (S3, the generic endpoint).
    pub fn count_named(&self, name: &str) {
        let mut c = lock(&self.counters);
        c.total += 1;
        if let Some(n) = c.per_name.get_mut(name) {
            *n += 1;
        } else if c.per_name.len() < MAX_COUNTED_NAMES {
            c.per_name.insert(name.to_string(), 1);
        }
    }

    pub fn request_count(&self, op: Operation) -> u64 {
        lock(&self.counters).per_op.get(&op).copied().unwrap_or(0)
    }

    pub fn named_count(&self, name: &str) -> u64 {
        let c = lock(&self.counters);
        match name.parse::<Operation>() {
            Ok(op) if op.name() == name => c.per_op.get(&op).copied().unwrap_or(0),
            _ => c.per_name.get(name).copied().unwrap_or(0),
        }
    }

    pub fn total_requests(&self) -> u64 {
        lock(&self.counters).total
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        let c = lock(&self.counters);
        c.per_op
            .iter()
            .map(|(op, n)| (op.name().to_string(), *n))
            .chain(c.per_name.iter().map(|(name, n)| (name.clone(), *n)))
            .collect()
    }

    pub fn reset_counters(&self) {
        *lock(&self.counters) = Counters::default();
        lock(&self.recent).clear();
    }

    pub fn record_recent(&self, entry: RecentRequest) {
        let mut recent = lock(&self.recent);
        if recent.len() >= MAX_RECENT {
            recent.pop_front();
        }
        recent.push_back(entry);
    }

    /// Oldest first.
    pub fn recent_requests(&self) -> Vec<RecentRequest> {
        lock(&self.recent).iter().cloned().collect()
    }

    pub fn connection_accepted(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connections_accepted(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    // ---- faults ----

    pub fn inject(&self, rule: FaultRule) {
        lock(&self.faults).push(rule)
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
        lock(&self.user_pool_faults).clear();
    }

    pub fn inject_user_pool_fault(&self, op: Option<String>, fault: Fault, times: Option<u32>) {
        lock(&self.user_pool_faults).push((op, fault, times))
    }

    /// The first armed user-pool rule for `op`, consuming one of its shots. Faults that
    /// only change identity-pool answers never match.
    pub fn take_user_pool_fault(&self, op: &str) -> Option<Fault> {
        let mut rules = lock(&self.user_pool_faults);
        let index = rules.iter().position(|(o, f, times)| {
            o.as_deref().is_none_or(|o| o == op)
                && *times != Some(0)
                && !matches!(
                    f,
                    Fault::ExpiredCredentials | Fault::DifferentIdentity | Fault::WrongTypes
                )
        })?;
        let rule = &mut rules[index];
        let fault = rule.1.clone();
        if let Some(n) = rule.2.as_mut() {
            *n -= 1;
            if *n == 0 {
                rules.remove(index);
            }
        }
        Some(fault)
    }

    /// The first armed rule for `op`, consuming one of its shots.
    pub fn take_fault(&self, op: Operation) -> Option<Fault> {
        let mut rules = lock(&self.faults);
        let index = rules.iter().position(|r| {
            r.op.is_none_or(|o| o == op) && r.times != Some(0) && r.fault.applies_to(op)
        })?;
        let rule = &mut rules[index];
        let fault = rule.fault.clone();
        if let Some(n) = rule.times.as_mut() {
            *n -= 1;
            if *n == 0 {
                rules.remove(index);
            }
        }
        Some(fault)
    }

    // ---- SigV4 keys ----

    pub fn add_signing_key(&self, access_key_id: String, secret: String) {
        lock(&self.signing_keys).insert(access_key_id, secret);
    }

    pub fn signing_secret(&self, access_key_id: &str) -> Option<String> {
        lock(&self.signing_keys).get(access_key_id).cloned()
    }

    // ---- issued credentials ----

    /// Remembers credentials just issued, forgetting the oldest beyond [`MAX_SESSIONS`].
    pub fn register_session(&self, creds: &Credentials, principal: Principal) {
        let mut sessions = lock(&self.sessions);
        while sessions.by_key.len() >= MAX_SESSIONS {
            match sessions.order.pop_front() {
                Some(old) => {
                    sessions.by_key.remove(&old);
                }
                None => break,
            }
        }
        sessions.order.push_back(creds.access_key_id.clone());
        sessions.by_key.insert(
            creds.access_key_id.clone(),
            Session {
                secret_key: creds.secret_key.clone(),
                session_token: creds.session_token.clone(),
                expiration: creds.expiration,
                principal,
            },
        );
    }

    pub fn session_count(&self) -> usize {
        lock(&self.sessions).by_key.len()
    }

    /// The secret of credentials a request is signed with, and whose they are:
    /// temporary credentials issued by this emulator (the session token must be the
    /// one issued with them, and they must not have expired), or a developer key
    /// ([`Shared::signing_secret`], without a session token).
    pub fn credentials_for(
        &self,
        access_key_id: &str,
        session_token: Option<&str>,
    ) -> Result<(String, Principal), Failure> {
        let unknown = || Failure::UnknownKey {
            access_key_id: access_key_id.to_string(),
        };
        {
            let sessions = lock(&self.sessions);
            if let Some(session) = sessions.by_key.get(access_key_id) {
                // Temporary keys without their token are unknown to AWS.
                let token = session_token.ok_or_else(unknown)?;
                if !constant_time_eq(token.as_bytes(), session.session_token.as_bytes()) {
                    return Err(Failure::BadToken);
                }
                if session.expiration <= self.now() {
                    return Err(Failure::ExpiredToken);
                }
                return Ok((session.secret_key.clone(), session.principal.clone()));
            }
        }
        match self.signing_secret(access_key_id) {
            Some(_) if session_token.is_some() => Err(Failure::BadToken),
            Some(secret) => Ok((secret, Principal::default())),
            None => Err(unknown()),
        }
    }

    // ---- objects ----

    pub fn with_objects<R>(&self, f: impl FnOnce(&mut ObjectStore) -> R) -> R {
        f(&mut lock(&self.objects))
    }

    // ---- tokens ----

    /// An OpenID token with the configured lifetime (`GetOpenIdToken`).
    pub fn mint_openid_token(&self, identity_id: &str, pool_id: &str, amr: &[String]) -> String {
        self.mint_openid_token_with(
            identity_id,
            pool_id,
            amr,
            self.openid_token_lifetime(),
            None,
        )
    }

    /// An OpenID token valid for `lifetime`, with `principal_tags` in AWS's
    /// `https://aws.amazon.com/tags` claim if given.
    pub fn mint_openid_token_with(
        &self,
        identity_id: &str,
        pool_id: &str,
        amr: &[String],
        lifetime: Duration,
        principal_tags: Option<&BTreeMap<String, String>>,
    ) -> String {
        let iat = self.now_secs();
        let exp = iat.saturating_add(lifetime.as_secs().min(i64::MAX as u64) as i64);
        let mut payload = json!({
            "iss": COGNITO_ISSUER,
            "sub": identity_id,
            "aud": pool_id,
            "amr": amr,
            "https://cognito-identity.amazonaws.com/identity-pool-arn": pool_id,
            "iat": iat,
            "exp": exp,
        });
        if let (Some(tags), Value::Object(map)) = (principal_tags, &mut payload) {
            let tags: serde_json::Map<String, Value> =
                tags.iter().map(|(k, v)| (k.clone(), json!([v]))).collect();
            map.insert(
                "https://aws.amazon.com/tags".into(),
                json!({ "principal_tags": tags }),
            );
        }
        tokens::mint_hs256(&self.secret, &payload)
    }

    pub fn mint_user_pool_token(&self, provider: &str, sub: &str, lifetime: Duration) -> String {
        let iat = self.now_secs();
        let secs = lifetime.as_secs().min(i64::MAX as u64) as i64;
        if let Some(token) = self.user_pools.mint_for_provider(provider, sub, secs, iat) {
            return token;
        }
        let exp = iat.saturating_add(secs);
        let payload = json!({
            "sub": sub,
            "iss": format!("https://{provider}"),
            "aud": "cognitoemulatorclient",
            "token_use": "id",
            "cognito:username": sub,
            "auth_time": iat,
            "iat": iat,
            "exp": exp,
            "jti": util::random_uuid(),
        });
        tokens::mint_hs256(&self.secret, &payload)
    }

    // ---- identities ----

    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut lock(&self.store))
    }

    pub fn delete_identity(&self, id: &str) -> bool {
        self.with_store(|s| s.retire(id))
    }

    pub fn forbid_identity(&self, id: &str) -> bool {
        self.with_store(|s| match s.identities.get_mut(id) {
            Some(identity) if identity.live => {
                identity.forbidden = true;
                true
            }
            _ => false,
        })
    }

    pub fn identity_count(&self) -> usize {
        self.with_store(|s| s.identities.values().filter(|i| i.live).count())
    }

    /// Checks every login of a request against the token rules.
    pub fn check_logins(
        &self,
        pool_id: &str,
        logins: &BTreeMap<String, String>,
    ) -> Result<Vec<Login>, ApiError> {
        let now = self.now_secs();
        logins
            .iter()
            .map(|(provider, token)| {
                // Tokens of (or for) a user pool this emulator hosts must be its own.
                let subject = match self.user_pools.check_id_token_login(provider, token, now) {
                    Some(checked) => LoginSubject::User(checked?),
                    None => tokens::check_login(&self.secret, pool_id, provider, token, now)?,
                };
                Ok(Login {
                    provider: provider.clone(),
                    subject,
                })
            })
            .collect()
    }
}

/// A login whose token passed the rules.
#[derive(Clone, Debug)]
pub(crate) struct Login {
    pub provider: String,
    pub subject: LoginSubject,
}

struct Identity {
    pool_id: String,
    /// (provider, user key) pairs linked to this identity.
    links: BTreeSet<(String, String)>,
    /// Signed in through a developer-identity token at least once.
    developer: bool,
    /// False once deleted or merged into another identity; kept as a tombstone so the
    /// id answers "not found" and is never handed out again.
    live: bool,
    forbidden: bool,
}

impl Identity {
    fn new(pool_id: &str) -> Identity {
        Identity {
            pool_id: pool_id.to_string(),
            links: BTreeSet::new(),
            developer: false,
            live: true,
            forbidden: false,
        }
    }

    fn authenticated(&self) -> bool {
        self.developer || !self.links.is_empty()
    }
}

/// What an identity-using operation (credentials, OpenID token) works with.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub identity_id: String,
    pub pool_id: String,
    /// `amr` of an OpenID token for this identity.
    pub amr: Vec<String>,
}

#[derive(Default)]
pub(crate) struct Store {
    identities: HashMap<String, Identity>,
    /// (pool, provider, user key) -> identity id.
    links: HashMap<(String, String, String), String>,
}

impl Store {
    /// The live identity `id`, with AWS's errors for missing and forbidden ones.
    pub fn live_pool_of(&self, id: &str) -> Result<String, ApiError> {
        match self.identities.get(id) {
            Some(i) if i.live && i.forbidden => Err(ApiError::not_authorized(format!(
                "Access to Identity '{id}' is forbidden."
            ))),
            Some(i) if i.live => Ok(i.pool_id.clone()),
            _ => Err(ApiError::identity_not_found(id)),
        }
    }

    /// Deletes or merges away `id`, unlinking its logins.
    fn retire(&mut self, id: &str) -> bool {
        let Some(identity) = self.identities.get_mut(id) else {
            return false;
        };
        if !identity.live {
            return false;
        }
        identity.live = false;
        let pool = identity.pool_id.clone();
        for (provider, user) in std::mem::take(&mut identity.links) {
            self.links.remove(&(pool.clone(), provider, user));
        }
        true
    }

    fn create(&mut self, pool: &PoolConfig, id: String) -> String {
        self.identities.insert(id.clone(), Identity::new(&pool.id));
        id
    }

    fn create_random(&mut self, pool: &PoolConfig) -> String {
        loop {
            let id = format!("{}:{}", util::region_of(&pool.id), util::random_uuid());
            if !self.identities.contains_key(&id) {
                return self.create(pool, id);
            }
        }
    }

    /// Stable id for a login: the same user gets the same id across restarts; a
    /// retired id is skipped so a deleted identity is never revived.
    fn create_for_login(&mut self, pool: &PoolConfig, provider: &str, user: &str) -> String {
        for generation in 0u32..1000 {
            let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
            for part in [pool.id.as_bytes(), provider.as_bytes(), user.as_bytes()] {
                ctx.update(&(part.len() as u64).to_be_bytes());
                ctx.update(part);
            }
            ctx.update(&generation.to_be_bytes());
            let digest = ctx.finish();
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(&digest.as_ref()[..16]);
            let id = format!(
                "{}:{}",
                util::region_of(&pool.id),
                util::uuid_from_bytes(bytes)
            );
            if !self.identities.contains_key(&id) {
                return self.create(pool, id);
            }
        }
        self.create_random(pool)
    }

    /// Identity a login already designates, if any.
    fn linked(&self, pool: &PoolConfig, login: &Login) -> Result<Option<String>, ApiError> {
        match &login.subject {
            LoginSubject::User(user) => Ok(self
                .links
                .get(&(pool.id.clone(), login.provider.clone(), user.clone()))
                .cloned()),
            LoginSubject::Identity(id) => {
                let identity_pool = self.live_pool_of(id)?;
                if identity_pool != pool.id {
                    return Err(ApiError::not_authorized(
                        "Invalid login token. Incorrect token audience.",
                    ));
                }
                Ok(Some(id.clone()))
            }
        }
    }

    /// Moves everything of `from` into `into` and retires `from`.
    fn merge(&mut self, from: &str, into: &str) {
        if from == into {
            return;
        }
        let (links, developer) = match self.identities.get(from) {
            Some(i) => (i.links.clone(), i.developer),
            None => return,
        };
        self.retire(from);
        for (provider, user) in links {
            self.link(into, &provider, &user);
        }
        if developer {
            if let Some(i) = self.identities.get_mut(into) {
                i.developer = true;
            }
        }
    }

    fn link(&mut self, id: &str, provider: &str, user: &str) {
        let Some(identity) = self.identities.get_mut(id) else {
            return;
        };
        identity
            .links
            .insert((provider.to_string(), user.to_string()));
        let key = (
            identity.pool_id.clone(),
            provider.to_string(),
            user.to_string(),
        );
        self.links.insert(key, id.to_string());
    }

    /// Links every login to `id` and merges other identities the logins designate.
    fn attach(&mut self, id: &str, pool: &PoolConfig, logins: &[Login]) -> Result<(), ApiError> {
        for login in logins {
            match &login.subject {
                LoginSubject::User(user) => {
                    if let Some(other) = self.linked(pool, login)? {
                        self.merge(&other, id);
                    }
                    self.link(id, &login.provider, user);
                }
                LoginSubject::Identity(other) => {
                    self.merge(other, id);
                    if let Some(i) = self.identities.get_mut(id) {
                        i.developer = true;
                    }
                }
            }
        }
        Ok(())
    }

    /// The identity the first already-linked login designates.
    fn first_linked(
        &self,
        pool: &PoolConfig,
        logins: &[Login],
        except: Option<&str>,
    ) -> Result<Option<String>, ApiError> {
        for login in logins {
            if let Some(id) = self.linked(pool, login)? {
                if Some(id.as_str()) != except {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }

    /// GetId.
    pub fn get_id(&mut self, pool: &PoolConfig, logins: &[Login]) -> Result<String, ApiError> {
        if logins.is_empty() {
            if !pool.allow_unauthenticated {
                return Err(unauth_not_supported());
            }
            return Ok(self.create_random(pool));
        }
        let id = match self.first_linked(pool, logins, None)? {
            Some(id) => {
                self.live_pool_of(&id)?;
                id
            }
            None => {
                let first_user = logins.iter().find_map(|l| match &l.subject {
                    LoginSubject::User(u) => Some((l.provider.as_str(), u.as_str())),
                    LoginSubject::Identity(_) => None,
                });
                match first_user {
                    Some((provider, user)) => self.create_for_login(pool, provider, user),
                    None => self.create_random(pool),
                }
            }
        };
        self.attach(&id, pool, logins)?;
        Ok(id)
    }

    /// GetCredentialsForIdentity and GetOpenIdToken: checks `id` may be used with
    /// these logins, linking and merging as Cognito does. `fresh` forces the answer
    /// to be a new identity that `id` is merged into (the DifferentIdentity fault).
    pub fn use_identity(
        &mut self,
        id: &str,
        pool: &PoolConfig,
        logins: &[Login],
        fresh: bool,
    ) -> Result<Resolved, ApiError> {
        self.live_pool_of(id)?;
        let current = {
            let identity = self
                .identities
                .get(id)
                .ok_or_else(|| ApiError::identity_not_found(id))?;
            if logins.is_empty() {
                if identity.authenticated() {
                    return Err(logins_dont_match());
                }
                if !pool.allow_unauthenticated {
                    return Err(unauth_not_supported());
                }
            }
            id.to_string()
        };
        let mut target = match self.first_linked(pool, logins, Some(&current))? {
            Some(other) => {
                self.live_pool_of(&other)?;
                self.merge(&current, &other);
                other
            }
            None => current,
        };
        self.attach(&target, pool, logins)?;
        if fresh {
            let new_id = self.create_random(pool);
            self.merge(&target, &new_id);
            target = new_id;
        }
        let identity = self
            .identities
            .get(&target)
            .ok_or_else(|| ApiError::identity_not_found(&target))?;
        let amr = if identity.authenticated() {
            let mut amr = vec!["authenticated".to_string()];
            let providers: BTreeSet<&str> =
                identity.links.iter().map(|(p, _)| p.as_str()).collect();
            amr.extend(providers.into_iter().map(str::to_string));
            if identity.developer {
                amr.push(DEVELOPER_PROVIDER.to_string());
            }
            amr
        } else {
            vec!["unauthenticated".to_string()]
        };
        Ok(Resolved {
            identity_id: target,
            pool_id: pool.id.clone(),
            amr,
        })
    }
}

// ---- developer-authenticated identities ----

impl Store {
    /// The live identity `id` of `pool` (identities of other pools are "not found").
    fn live_in_pool(&self, id: &str, pool: &PoolConfig) -> Result<(), ApiError> {
        if self.live_pool_of(id)? == pool.id {
            Ok(())
        } else {
            Err(ApiError::identity_not_found(id))
        }
    }

    /// GetOpenIdTokenForDeveloperIdentity: the identity of the developer user `dev`
    /// (a login of the pool's developer provider), with `others` linked (and
    /// identities they designate merged) as in the other operations.
    /// - Without `identity_id`: the identity the developer user (or else another
    ///   login) is linked to, or a new one whose id derives from the developer user.
    /// - With `identity_id`: that identity; the developer user is linked to it
    ///   unless linked to another identity (`ResourceConflictException`). An
    ///   identity with logins of other providers needs one of them among `others`
    ///   to take a new developer user (`Logins don't match`, as AWS answers).
    pub fn developer_identity(
        &mut self,
        pool: &PoolConfig,
        identity_id: Option<&str>,
        dev: &Login,
        others: &[Login],
    ) -> Result<String, ApiError> {
        let mut all = Vec::with_capacity(others.len() + 1);
        all.push(dev.clone());
        all.extend_from_slice(others);
        let Some(id) = identity_id else {
            return self.get_id(pool, &all);
        };
        self.live_in_pool(id, pool)?;
        match self.linked(pool, dev)? {
            Some(other) if other != id => return Err(developer_conflict()),
            Some(_) => {}
            None => {
                // The developer vouches for its own users, not for other providers'.
                let foreign_logins = self.identities.get(id).is_some_and(|i| {
                    i.links
                        .iter()
                        .any(|(provider, _)| *provider != dev.provider)
                });
                if foreign_logins {
                    let mut presented = false;
                    for login in others {
                        presented |= self.linked(pool, login)?.as_deref() == Some(id);
                    }
                    if !presented {
                        return Err(logins_dont_match());
                    }
                }
            }
        }
        self.attach(id, pool, &all)?;
        Ok(id.to_string())
    }

    /// LookupDeveloperIdentity: the identity (given, or the one `user` is linked to)
    /// and its developer user identifiers, sorted.
    pub fn developer_lookup(
        &self,
        pool: &PoolConfig,
        identity_id: Option<&str>,
        user: Option<&str>,
    ) -> Result<(String, Vec<String>), ApiError> {
        let provider = pool.developer_provider_name.as_deref();
        let by_user = match user {
            None => None,
            Some(user) => {
                let found = provider.and_then(|p| {
                    self.links
                        .get(&(pool.id.clone(), p.to_string(), user.to_string()))
                        .cloned()
                });
                Some(found.ok_or_else(developer_user_not_found)?)
            }
        };
        let id = match (identity_id, by_user) {
            (Some(id), Some(found)) if id != found => return Err(developer_conflict()),
            (Some(id), _) => id.to_string(),
            (None, Some(found)) => found,
            (None, None) => {
                return Err(ApiError::bad_request(
                    "InvalidParameterException",
                    "Either IdentityId or DeveloperUserIdentifier must be specified.",
                ))
            }
        };
        // Identities made inaccessible (forbidden) can still be looked up.
        match self.identities.get(&id) {
            Some(identity) if identity.live && identity.pool_id == pool.id => {}
            _ => return Err(ApiError::identity_not_found(&id)),
        }
        let users = self
            .identities
            .get(&id)
            .map(|identity| {
                identity
                    .links
                    .iter()
                    .filter(|(p, _)| Some(p.as_str()) == provider)
                    .map(|(_, u)| u.clone())
                    .collect()
            })
            .unwrap_or_default();
        Ok((id, users))
    }

    /// UnlinkDeveloperIdentity. An identity left without logins and never used
    /// with an OpenID token becomes inaccessible, as AWS documents.
    pub fn developer_unlink(
        &mut self,
        pool: &PoolConfig,
        identity_id: &str,
        provider: &str,
        user: &str,
    ) -> Result<(), ApiError> {
        self.live_in_pool(identity_id, pool)?;
        let key = (pool.id.clone(), provider.to_string(), user.to_string());
        match self.links.get(&key) {
            Some(id) if id == identity_id => {}
            Some(_) => return Err(developer_conflict()),
            None => return Err(developer_user_not_found()),
        }
        self.links.remove(&key);
        if let Some(identity) = self.identities.get_mut(identity_id) {
            identity
                .links
                .remove(&(provider.to_string(), user.to_string()));
            if identity.links.is_empty() && !identity.developer {
                identity.forbidden = true;
            }
        }
        Ok(())
    }
}

fn developer_conflict() -> ApiError {
    ApiError::bad_request(
        "ResourceConflictException",
        "Developer user identifier is already linked to a different identity.",
    )
}

fn developer_user_not_found() -> ApiError {
    ApiError::bad_request(
        "ResourceNotFoundException",
        "Developer user identifier not found.",
    )
}

fn logins_dont_match() -> ApiError {
    ApiError::not_authorized(
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    )
}

fn unauth_not_supported() -> ApiError {
    ApiError::not_authorized("Unauthenticated access is not supported for this identity pool.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(allow: bool) -> PoolConfig {
        PoolConfig::new("eu-west-1:00000000-0000-4000-8000-00000000000a", allow)
    }

    fn user(provider: &str, key: &str) -> Login {
        Login {
            provider: provider.into(),
            subject: LoginSubject::User(key.into()),
        }
    }

    #[test]
    fn unauth_and_auth_only() {
        let mut s = Store::default();
        let a = s.get_id(&pool(true), &[]).unwrap();
        let b = s.get_id(&pool(true), &[]).unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("eu-west-1:"));
        assert_eq!(
            s.get_id(&pool(false), &[]).unwrap_err().code,
            "NotAuthorizedException"
        );
    }

    #[test]
    fn stable_login_ids_survive_restart() {
        let login = [user("graph.facebook.com", "alice")];
        let a = Store::default().get_id(&pool(true), &login).unwrap();
        let b = Store::default().get_id(&pool(true), &login).unwrap();
        assert_eq!(a, b);
        let mut s = Store::default();
        assert_eq!(s.get_id(&pool(true), &login).unwrap(), a);
        assert_eq!(s.get_id(&pool(true), &login).unwrap(), a);
        // After deletion the user gets a new, different identity.
        assert!(s.retire(&a));
        let c = s.get_id(&pool(true), &login).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn merge_into_linked_identity() {
        let p = pool(true);
        let mut s = Store::default();
        let y = s.get_id(&p, &[user("google", "bob")]).unwrap();
        let x = s.get_id(&p, &[]).unwrap();
        let r = s
            .use_identity(&x, &p, &[user("google", "bob")], false)
            .unwrap();
        assert_eq!(r.identity_id, y);
        assert_eq!(r.amr, vec!["authenticated", "google"]);
        assert_eq!(
            s.use_identity(&x, &p, &[], false).unwrap_err().code,
            "ResourceNotFoundException"
        );
        // Y is authenticated: no logins no longer works.
        let err = s.use_identity(&y, &p, &[], false).unwrap_err();
        assert!(err.message.starts_with("Logins don't match"));
    }

    #[test]
    fn linking_unlinked_login_authenticates() {
        let p = pool(true);
        let mut s = Store::default();
        let x = s.get_id(&p, &[]).unwrap();
        let r = s
            .use_identity(&x, &p, &[user("google", "carol")], false)
            .unwrap();
        assert_eq!(r.identity_id, x);
        assert_eq!(s.get_id(&p, &[user("google", "carol")]).unwrap(), x);
    }

    #[test]
    fn fresh_identity_takes_over_links() {
        let p = pool(true);
        let mut s = Store::default();
        let x = s.get_id(&p, &[user("google", "dan")]).unwrap();
        let r = s
            .use_identity(&x, &p, &[user("google", "dan")], true)
            .unwrap();
        assert_ne!(r.identity_id, x);
        assert_eq!(
            s.get_id(&p, &[user("google", "dan")]).unwrap(),
            r.identity_id
        );
        assert!(s.live_pool_of(&x).is_err());
    }
}
