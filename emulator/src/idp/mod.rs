//! Cognito user pools (`AWSCognitoIdentityProviderService.*`): pools, app clients,
//! users, challenge sessions, codes, tokens. The operations are in `ops.rs`, the SRP
//! math in `srp.rs`, the RS256 tokens in `jwt.rs`, TOTP in `totp.rs`.

mod admin;
pub(crate) mod config;
mod jwt;
mod ops;
mod srp;
mod totp;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use ring::hmac;
use serde_json::{json, Value};

use crate::util::ApiError;
pub use config::*;
use srp::PasswordVerifier;

pub(crate) use ops::{OPERATIONS, TARGET_PREFIX};

/// Limits that keep the state bounded whatever clients send.
pub(crate) const MAX_POOLS: usize = 100;
pub(crate) const MAX_CLIENTS_PER_POOL: usize = 100;
pub(crate) const MAX_USERS_PER_POOL: usize = 10_000;
/// Challenge sessions and pending SRP handshakes, each; the oldest are dropped beyond.
pub(crate) const MAX_SESSIONS: usize = 10_000;
pub(crate) const MAX_REFRESH_TOKENS: usize = 50_000;
/// Sign-in sessions (origin_jti) alive per user; the oldest are revoked beyond.
const MAX_ORIGINS_PER_USER: usize = 100;
const MAX_ATTRIBUTES: usize = 50;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Bytes from the OS's CSPRNG (session ids, secret blocks, codes, SRP's b).
pub(crate) fn secure_bytes(n: usize) -> Vec<u8> {
    use ring::rand::SecureRandom;
    let mut out = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut out)
        .expect("the OS random generator works");
    out
}

fn random_code() -> String {
    let b = secure_bytes(4);
    let n = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) % 1_000_000;
    format!("{n:06}")
}

fn random_token(len_bytes: usize) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secure_bytes(len_bytes))
}

/// A code the emulator "sent" (the admin API reads them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeKind {
    /// SignUp / ResendConfirmationCode.
    SignUp,
    /// ForgotPassword.
    ForgotPassword,
    /// The SMS_MFA challenge.
    SmsMfa,
    /// The EMAIL_OTP challenge.
    EmailOtp,
}

impl CodeKind {
    pub const ALL: [CodeKind; 4] = [
        CodeKind::SignUp,
        CodeKind::ForgotPassword,
        CodeKind::SmsMfa,
        CodeKind::EmailOtp,
    ];

    /// `sign_up`, `forgot_password`, `sms_mfa`, `email_otp`.
    pub fn name(self) -> &'static str {
        match self {
            CodeKind::SignUp => "sign_up",
            CodeKind::ForgotPassword => "forgot_password",
            CodeKind::SmsMfa => "sms_mfa",
            CodeKind::EmailOtp => "email_otp",
        }
    }

    pub fn parse(s: &str) -> Option<CodeKind> {
        CodeKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MfaKind {
    Sms,
    SoftwareToken,
    Email,
}

impl MfaKind {
    fn challenge(self) -> &'static str {
        match self {
            MfaKind::Sms => "SMS_MFA",
            MfaKind::SoftwareToken => "SOFTWARE_TOKEN_MFA",
            MfaKind::Email => "EMAIL_OTP",
        }
    }

    fn parse(s: &str) -> Option<MfaKind> {
        match s {
            "SMS_MFA" => Some(MfaKind::Sms),
            "SOFTWARE_TOKEN_MFA" => Some(MfaKind::SoftwareToken),
            "EMAIL_OTP" => Some(MfaKind::Email),
            _ => None,
        }
    }
}

#[derive(Clone)]
struct Code {
    value: String,
    expires: i64,
    attempts: u32,
    medium: &'static str,
    destination: String,
    attribute: String,
}

/// What an admin reads about a code sent to a user.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SentCode {
    pub code: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    /// The address or number it went to (unmasked).
    pub destination: String,
    /// Unix time it expires (emulator clock).
    pub expires: i64,
}

struct User {
    username: String,
    sub: String,
    status: UserStatus,
    enabled: bool,
    attributes: BTreeMap<String, String>,
    verifier: PasswordVerifier,
    /// FORCE_CHANGE_PASSWORD: when the temporary password stops working.
    temp_expires: Option<i64>,
    mfa_sms: bool,
    mfa_email: bool,
    mfa_totp: bool,
    preferred: Option<MfaKind>,
    /// The verified authenticator secret.
    totp_secret: Option<Vec<u8>>,
    /// A secret from AssociateSoftwareToken(AccessToken), until VerifySoftwareToken.
    totp_pending: Option<Vec<u8>>,
    codes: BTreeMap<CodeKind, Code>,
    failed_sign_ins: u32,
    locked_until: i64,
    lockouts: u32,
    /// Live sign-in sessions (origin_jti), oldest first.
    origins: VecDeque<String>,
    created: i64,
    modified: i64,
}

impl User {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    fn verified(&self, name: &str) -> bool {
        self.attr(&format!("{name}_verified")) == Some("true")
    }

    fn origin_live(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }

    fn add_origin(&mut self, origin: String) {
        while self.origins.len() >= MAX_ORIGINS_PER_USER {
            self.origins.pop_front();
        }
        self.origins.push_back(origin);
    }
}

struct Pool {
    settings: UserPoolConfig,
    /// The part of the id after `_`.
    name: String,
    region: String,
    users: BTreeMap<String, User>,
}

impl Pool {
    fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region, self.settings.id
        )
    }

    fn client(&self, id: &str) -> Option<&AppClientConfig> {
        self.settings.clients.iter().find(|c| c.client_id == id)
    }

    /// The user a sign-in name designates: the username, or a verified alias.
    fn find_username(&self, name: &str) -> Option<String> {
        if self.users.contains_key(name) {
            return Some(name.to_string());
        }
        let aliases = &self.settings.alias_attributes;
        if aliases.is_empty() {
            return None;
        }
        self.users
            .values()
            .find(|u| {
                aliases.iter().any(|a| {
                    u.attr(a) == Some(name) && (a == "preferred_username" || u.verified(a))
                })
            })
            .map(|u| u.username.clone())
    }
}

#[derive(Clone)]
enum Step {
    NewPassword,
    /// SMS_MFA / EMAIL_OTP (with the code sent) or SOFTWARE_TOKEN_MFA (`None`).
    Code {
        kind: MfaKind,
        code: Option<String>,
    },
    SelectMfa(Vec<MfaKind>),
    MfaSetup {
        secret: Option<Vec<u8>>,
        verified: bool,
    },
}

impl Step {
    fn challenge(&self) -> &'static str {
        match self {
            Step::NewPassword => "NEW_PASSWORD_REQUIRED",
            Step::Code { kind, .. } => kind.challenge(),
            Step::SelectMfa(_) => "SELECT_MFA_TYPE",
            Step::MfaSetup { .. } => "MFA_SETUP",
        }
    }
}

#[derive(Clone)]
struct ChallengeSession {
    pool: String,
    client: String,
    username: String,
    step: Step,
    expires: i64,
    attempts: u32,
}

struct SrpPending {
    pool: String,
    client: String,
    username: String,
    a: num_bigint::BigUint,
    handshake: srp::ServerHandshake,
    verifier: PasswordVerifier,
    expires: i64,
    /// False for the decoy handshake of an unknown user (PreventUserExistenceErrors).
    known: bool,
}

#[derive(Clone)]
struct RefreshRecord {
    pool: String,
    client: String,
    username: String,
    origin: String,
    expires: i64,
    auth_time: i64,
}

/// A map that forgets its oldest entries beyond `max`.
struct Bounded<T> {
    map: HashMap<String, T>,
    order: VecDeque<String>,
    max: usize,
}

impl<T> Bounded<T> {
    fn new(max: usize) -> Bounded<T> {
        Bounded {
            map: HashMap::new(),
            order: VecDeque::new(),
            max,
        }
    }

    fn insert(&mut self, key: String, value: T) {
        while self.map.len() >= self.max {
            match self.order.pop_front() {
                Some(old) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
        // Keys removed early stay in `order`; compact once it doubles.
        if self.order.len() > 2 * self.max {
            let map = &self.map;
            self.order.retain(|k| map.contains_key(k));
        }
        self.order.push_back(key.clone());
        self.map.insert(key, value);
    }

    fn get(&self, key: &str) -> Option<&T> {
        self.map.get(key)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        self.map.get_mut(key)
    }

    fn remove(&mut self, key: &str) -> Option<T> {
        self.map.remove(key)
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn retain(&mut self, f: impl FnMut(&String, &mut T) -> bool) {
        self.map.retain(f);
    }
}

struct Inner {
    pools: BTreeMap<String, Pool>,
    sessions: Bounded<ChallengeSession>,
    srp: Bounded<SrpPending>,
    refresh: Bounded<RefreshRecord>,
}

/// All user pools of one emulator.
pub(crate) struct UserPools {
    inner: Mutex<Inner>,
    signer: jwt::Signer,
    /// Derives decoy salts for unknown users, so they look the same on every try.
    decoy_key: hmac::Key,
}

pub(crate) fn api(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

fn not_authorized(message: impl Into<String>) -> ApiError {
    api("NotAuthorizedException", message)
}

fn incorrect() -> ApiError {
    not_authorized("Incorrect username or password.")
}

fn user_not_found() -> ApiError {
    api("UserNotFoundException", "User does not exist.")
}

fn invalid_parameter(message: impl Into<String>) -> ApiError {
    api("InvalidParameterException", message)
}

/// Checks a pool id's shape: `<region>_<name>`, name alphanumeric.
fn split_pool_id(id: &str) -> Result<(String, String), String> {
    let (region, name) = id
        .split_once('_')
        .ok_or_else(|| format!("user pool id {id:?} is not <region>_<name>"))?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let name_ok =
        !name.is_empty() && name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphanumeric());
    if !region_ok || !name_ok {
        return Err(format!(
            "user pool id {id:?} is not <region>_<alphanumeric name>"
        ));
    }
    Ok((region.to_string(), name.to_string()))
}

fn check_client(c: &AppClientConfig) -> Result<(), String> {
    let id_ok = !c.client_id.is_empty()
        && c.client_id.len() <= 128
        && c.client_id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '+');
    if !id_ok {
        return Err(format!(
            "app client id {:?} is not [\\w+]{{1,128}}",
            c.client_id
        ));
    }
    if c.client_secret.as_deref().is_some_and(str::is_empty) {
        return Err("an app client secret must not be empty".into());
    }
    for f in &c.explicit_auth_flows {
        if !matches!(
            f.as_str(),
            ALLOW_USER_SRP_AUTH | ALLOW_USER_PASSWORD_AUTH | ALLOW_REFRESH_TOKEN_AUTH
        ) {
            return Err(format!("auth flow {f:?} is not supported by the emulator"));
        }
    }
    Ok(())
}

/// AWS's password policy messages.
fn check_password(policy: &PasswordPolicy, password: &str) -> Result<(), ApiError> {
    let fail = |why: &str| {
        Err(api(
            "InvalidPasswordException",
            format!("Password did not conform with policy: {why}"),
        ))
    };
    let n = password.chars().count();
    if n < policy.min_length.max(1) {
        return fail("Password not long enough");
    }
    if n > 256 {
        return fail("Password is too long");
    }
    if policy.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
        return fail("Password must have lowercase characters");
    }
    if policy.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
        return fail("Password must have uppercase characters");
    }
    if policy.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        return fail("Password must have numeric characters");
    }
    const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";
    if policy.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
        return fail("Password must have symbol characters");
    }
    Ok(())
}

const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

/// Attribute names and values a user may have: the standard ones and `custom:*`.
fn check_attributes(attrs: &BTreeMap<String, String>) -> Result<(), ApiError> {
    if attrs.len() > MAX_ATTRIBUTES {
        return Err(invalid_parameter(format!(
            "A user has at most {MAX_ATTRIBUTES} attributes"
        )));
    }
    for (name, value) in attrs {
        let custom = name
            .strip_prefix("custom:")
            .is_some_and(|n| !n.is_empty() && n.len() <= 20);
        if !custom && !STANDARD_ATTRIBUTES.contains(&name.as_str()) {
            return Err(invalid_parameter(format!(
                "Attributes did not conform to the schema: {}: Attribute does not exist in the schema.",
                crate::util::quote_value(name)
            )));
        }
        if value.chars().count() > 2048 {
            return Err(invalid_parameter(format!(
                "Attributes did not conform to the schema: {name}: String must be no longer than 2048 characters"
            )));
        }
        if name == "phone_number" {
            let digits = value.strip_prefix('+').unwrap_or("");
            if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(invalid_parameter("Invalid phone number format."));
            }
        }
        if name == "email" && (!value.contains('@') || value.contains(char::is_whitespace)) {
            return Err(invalid_parameter("Invalid email address format."));
        }
    }
    Ok(())
}

/// `a***@e***` / `+*******1234`, as CodeDeliveryDetails shows destinations.
fn mask(medium: &str, destination: &str) -> String {
    if medium == "SMS" {
        let tail: String = destination
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let hidden = destination.chars().count().saturating_sub(5);
        return format!("+{}{tail}", "*".repeat(hidden));
    }
    match destination.split_once('@') {
        Some((local, domain)) => format!(
            "{}***@{}***",
            local.chars().next().unwrap_or('*'),
            domain.chars().next().unwrap_or('*')
        ),
        None => "***".into(),
    }
}

fn code_delivery(code: &Code) -> Value {
    json!({
        "AttributeName": code.attribute,
        "DeliveryMedium": code.medium,
        "Destination": mask(code.medium, &code.destination),
    })
}

/// An authenticator secret given in base32 (seed files, admin API).
fn parse_totp_secret(s: &str) -> Result<Vec<u8>, String> {
    match totp::base32_decode(s) {
        Some(b) if b.len() >= 10 && b.len() <= 64 => Ok(b),
        _ => Err("software_token_secret must be base32 of 10 to 64 bytes".into()),
    }
}

impl UserPools {
    pub fn new(pools: &[UserPoolConfig], now: i64) -> Result<UserPools, String> {
        let up = UserPools {
            inner: Mutex::new(Inner {
                pools: BTreeMap::new(),
                sessions: Bounded::new(MAX_SESSIONS),
                srp: Bounded::new(MAX_SESSIONS),
                refresh: Bounded::new(MAX_REFRESH_TOKENS),
            }),
            signer: jwt::Signer::new(),
            decoy_key: hmac::Key::new(hmac::HMAC_SHA256, &secure_bytes(32)),
        };
        for p in pools {
            up.add_pool(p.clone(), now)?;
        }
        Ok(up)
    }

    // ---- configuration (config, admin API) ----

    pub fn add_pool(&self, mut config: UserPoolConfig, now: i64) -> Result<(), String> {
        let (region, name) = split_pool_id(&config.id)?;
        let users = std::mem::take(&mut config.users);
        if config.clients.len() > MAX_CLIENTS_PER_POOL {
            return Err(format!(
                "at most {MAX_CLIENTS_PER_POOL} app clients per pool"
            ));
        }
        for c in &config.clients {
            check_client(c)?;
        }
        {
            let mut inner = lock(&self.inner);
            if inner.pools.contains_key(&config.id) {
                return Err(format!("user pool {} exists already", config.id));
            }
            if inner.pools.len() >= MAX_POOLS {
                return Err(format!("at most {MAX_POOLS} user pools"));
            }
            for c in &config.clients {
                if inner
                    .pools
                    .values()
                    .any(|p| p.client(&c.client_id).is_some())
                {
                    return Err(format!("app client {} exists already", c.client_id));
                }
            }
            let id = config.id.clone();
            inner.pools.insert(
                id,
                Pool {
                    settings: config.clone(),
                    name,
                    region,
                    users: BTreeMap::new(),
                },
            );
        }
        for u in users {
            self.create_user(&config.id, u, now)?;
        }
        Ok(())
    }

    pub fn add_client(&self, pool_id: &str, client: AppClientConfig) -> Result<(), String> {
        check_client(&client)?;
        let mut inner = lock(&self.inner);
        if inner
            .pools
            .values()
            .any(|p| p.client(&client.client_id).is_some())
        {
            return Err(format!("app client {} exists already", client.client_id));
        }
        let pool = inner
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| format!("no user pool {pool_id}"))?;
        if pool.settings.clients.len() >= MAX_CLIENTS_PER_POOL {
            return Err(format!(
                "at most {MAX_CLIENTS_PER_POOL} app clients per pool"
            ));
        }
        pool.settings.clients.push(client);
        Ok(())
    }

    pub fn set_mfa_config(&self, pool_id: &str, mfa: MfaConfig) -> Result<(), String> {
        let mut inner = lock(&self.inner);
        let pool = inner
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| format!("no user pool {pool_id}"))?;
        pool.settings.mfa = mfa;
        Ok(())
    }

    /// Changes token and session lifetimes of one client (or all of the pool's).
    pub fn set_lifetimes(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
        f: impl Fn(&mut AppClientConfig),
    ) -> Result<(), String> {
        let mut inner = lock(&self.inner);
        let pool = inner
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| format!("no user pool {pool_id}"))?;
        let mut found = false;
        for c in pool.settings.clients.iter_mut() {
            if client_id.is_none_or(|id| id == c.client_id) {
                f(c);
                found = true;
            }
        }
        if found {
            Ok(())
        } else {
            Err("no such app client".into())
        }
    }

    pub fn pool_ids(&self) -> Vec<String> {
        lock(&self.inner).pools.keys().cloned().collect()
    }

    /// The pools and their clients (with secrets: the emulator is a test tool).
    pub fn describe(&self) -> Value {
        let inner = lock(&self.inner);
        let pools: Vec<Value> = inner
            .pools
            .values()
            .map(|p| {
                let clients: Vec<Value> = p
                    .settings
                    .clients
                    .iter()
                    .map(|c| {
                        json!({
                            "client_id": c.client_id,
                            "client_secret": c.client_secret,
                            "auth_flows": c.explicit_auth_flows,
                            "refresh_token_rotation": c.refresh_token_rotation,
                            "prevent_user_existence_errors": c.prevent_user_existence_errors,
                            "id_token_validity_secs": c.id_token_validity.as_secs(),
                            "access_token_validity_secs": c.access_token_validity.as_secs(),
                            "refresh_token_validity_secs": c.refresh_token_validity.as_secs(),
                            "auth_session_validity_secs": c.auth_session_validity.as_secs(),
                        })
                    })
                    .collect();
                json!({
                    "id": p.settings.id,
                    "issuer": p.issuer(),
                    "clients": clients,
                    "mfa": {
                        "mode": format!("{:?}", p.settings.mfa.mode).to_ascii_uppercase(),
                        "sms": p.settings.mfa.sms,
                        "software_token": p.settings.mfa.software_token,
                        "email": p.settings.mfa.email,
                    },
                    "users": p.users.len(),
                })
            })
            .collect();
        json!({ "user_pools": pools })
    }

    pub fn create_user(&self, pool_id: &str, seed: SeedUser, now: i64) -> Result<String, String> {
        let mut inner = lock(&self.inner);
        let pool = inner
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| format!("no user pool {pool_id}"))?;
        let name_ok = !seed.username.is_empty()
            && seed.username.chars().count() <= 128
            && !seed
                .username
                .chars()
                .any(|c| c.is_whitespace() || c.is_control());
        if !name_ok {
            return Err(format!("username {:?} is not valid", seed.username));
        }
        if pool.users.contains_key(&seed.username) {
            return Err(format!("user {} exists already", seed.username));
        }
        if pool.users.len() >= MAX_USERS_PER_POOL {
            return Err(format!("at most {MAX_USERS_PER_POOL} users per pool"));
        }
        check_password(&pool.settings.password_policy, &seed.password).map_err(|e| e.message)?;
        check_attributes(&seed.attributes).map_err(|e| e.message)?;
        let totp_secret = match &seed.mfa.software_token_secret {
            Some(s) => Some(parse_totp_secret(s)?),
            None => None,
        };
        let preferred = match &seed.mfa.preferred {
            Some(p) => Some(MfaKind::parse(p).ok_or_else(|| format!("unknown MFA type {p:?}"))?),
            None => None,
        };
        let sub = seed.sub.clone().unwrap_or_else(crate::util::random_uuid);
        let mut attributes = seed.attributes.clone();
        attributes.remove("sub");
        let verifier = PasswordVerifier::new(&pool.name, &seed.username, &seed.password);
        let temp_days = i64::from(
            pool.settings
                .password_policy
                .temporary_password_validity_days,
        );
        let user = User {
            username: seed.username.clone(),
            sub: sub.clone(),
            status: seed.status,
            enabled: seed.enabled,
            attributes,
            verifier,
            temp_expires: (seed.status == UserStatus::ForceChangePassword)
                .then(|| now.saturating_add(temp_days * 86_400)),
            mfa_sms: seed.mfa.sms,
            mfa_email: seed.mfa.email,
            mfa_totp: totp_secret.is_some(),
            preferred,
            totp_secret,
            totp_pending: None,
            codes: BTreeMap::new(),
            failed_sign_ins: 0,
            locked_until: 0,
            lockouts: 0,
            origins: VecDeque::new(),
            created: now,
            modified: now,
        };
        pool.users.insert(seed.username, user);
        Ok(sub)
    }

    pub fn delete_user(&self, pool_id: &str, username: &str) -> bool {
        let mut inner = lock(&self.inner);
        let removed = inner
            .pools
            .get_mut(pool_id)
            .and_then(|p| p.users.remove(username))
            .is_some();
        if removed {
            inner
                .refresh
                .retain(|_, r| !(r.pool == pool_id && r.username == username));
            inner
                .sessions
                .retain(|_, s| !(s.pool == pool_id && s.username == username));
        }
        removed
    }

    fn with_user<R>(
        &self,
        pool_id: &str,
        username: &str,
        f: impl FnOnce(&Pool, &mut User) -> Result<R, String>,
    ) -> Result<R, String> {
        let mut inner = lock(&self.inner);
        let pool = inner
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| format!("no user pool {pool_id}"))?;
        let mut user = pool
            .users
            .remove(username)
            .ok_or_else(|| format!("no user {username} in {pool_id}"))?;
        let result = f(pool, &mut user);
        pool.users.insert(user.username.clone(), user);
        result
    }

    /// AdminSetUserPassword: permanent → CONFIRMED, else FORCE_CHANGE_PASSWORD.
    pub fn set_password(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        permanent: bool,
        now: i64,
    ) -> Result<(), String> {
        self.with_user(pool_id, username, |pool, user| {
            check_password(&pool.settings.password_policy, password).map_err(|e| e.message)?;
            user.verifier = PasswordVerifier::new(&pool.name, &user.username, password);
            if permanent {
                user.status = UserStatus::Confirmed;
                user.temp_expires = None;
            } else {
                user.status = UserStatus::ForceChangePassword;
                let days = i64::from(
                    pool.settings
                        .password_policy
                        .temporary_password_validity_days,
                );
                user.temp_expires = Some(now.saturating_add(days * 86_400));
            }
            user.failed_sign_ins = 0;
            user.locked_until = 0;
            user.modified = now;
            Ok(())
        })
    }

    pub fn set_status(
        &self,
        pool_id: &str,
        username: &str,
        status: Option<UserStatus>,
        enabled: Option<bool>,
        now: i64,
    ) -> Result<(), String> {
        self.with_user(pool_id, username, |pool, user| {
            if let Some(s) = status {
                if s == UserStatus::ForceChangePassword {
                    let days = i64::from(
                        pool.settings
                            .password_policy
                            .temporary_password_validity_days,
                    );
                    user.temp_expires = Some(now.saturating_add(days * 86_400));
                }
                user.status = s;
            }
            if let Some(e) = enabled {
                user.enabled = e;
            }
            user.modified = now;
            Ok(())
        })
    }

    pub fn set_user_mfa(&self, pool_id: &str, username: &str, mfa: &UserMfa) -> Result<(), String> {
        let secret = match &mfa.software_token_secret {
            Some(s) => Some(parse_totp_secret(s)?),
            None => None,
        };
        let preferred = match &mfa.preferred {
            Some(p) => Some(MfaKind::parse(p).ok_or_else(|| format!("unknown MFA type {p:?}"))?),
            None => None,
        };
        self.with_user(pool_id, username, |_, user| {
            user.mfa_sms = mfa.sms;
            user.mfa_email = mfa.email;
            if let Some(s) = secret {
                user.totp_secret = Some(s);
            }
            user.mfa_totp = mfa.software_token_secret.is_some();
            if !user.mfa_totp {
                user.totp_secret = None;
            }
            user.preferred = preferred;
            Ok(())
        })
    }

    pub fn user_status(&self, pool_id: &str, username: &str) -> Option<(UserStatus, bool)> {
        let inner = lock(&self.inner);
        let u = inner.pools.get(pool_id)?.users.get(username)?;
        Some((u.status, u.enabled))
    }

    /// The user as an admin sees it (no secrets but the TOTP secret and codes, which
    /// the admin API exists to read).
    pub fn user_json(&self, pool_id: &str, username: &str) -> Option<Value> {
        let inner = lock(&self.inner);
        let u = inner.pools.get(pool_id)?.users.get(username)?;
        let codes: serde_json::Map<String, Value> = u
            .codes
            .iter()
            .map(|(k, c)| {
                (
                    k.name().to_string(),
                    json!({"code": c.value, "medium": c.medium, "destination": c.destination, "expires": c.expires}),
                )
            })
            .collect();
        Some(json!({
            "username": u.username,
            "sub": u.sub,
            "status": u.status.name(),
            "enabled": u.enabled,
            "attributes": u.attributes,
            "mfa": {
                "sms": u.mfa_sms,
                "email": u.mfa_email,
                "software_token": u.mfa_totp,
                "preferred": u.preferred.map(MfaKind::challenge),
            },
            "software_token_secret": u.totp_secret.as_deref().map(totp::base32),
            "codes": codes,
            "sessions": u.origins.len(),
            "created": u.created,
            "modified": u.modified,
        }))
    }

    pub fn last_code(&self, pool_id: &str, username: &str, kind: CodeKind) -> Option<SentCode> {
        let inner = lock(&self.inner);
        let c = inner
            .pools
            .get(pool_id)?
            .users
            .get(username)?
            .codes
            .get(&kind)?;
        Some(SentCode {
            code: c.value.clone(),
            medium: c.medium.to_string(),
            destination: c.destination.clone(),
            expires: c.expires,
        })
    }

    /// The user's authenticator secret (base32): the verified one, else one that
    /// AssociateSoftwareToken handed out and that is still being set up.
    pub fn totp_secret(&self, pool_id: &str, username: &str) -> Option<String> {
        let inner = lock(&self.inner);
        let u = inner.pools.get(pool_id)?.users.get(username)?;
        if let Some(s) = u.totp_secret.as_deref().or(u.totp_pending.as_deref()) {
            return Some(totp::base32(s));
        }
        // A secret handed out in an MFA_SETUP session.
        inner.sessions.map.values().find_map(|s| match &s.step {
            Step::MfaSetup {
                secret: Some(secret),
                ..
            } if s.pool == pool_id && s.username == username => Some(totp::base32(secret)),
            _ => None,
        })
    }

    pub fn counts(&self) -> Value {
        let inner = lock(&self.inner);
        json!({
            "user_pools": inner.pools.len(),
            "users": inner.pools.values().map(|p| p.users.len()).sum::<usize>(),
            "challenge_sessions": inner.sessions.len() + inner.srp.len(),
            "refresh_tokens": inner.refresh.len(),
        })
    }

    // ---- tokens ----

    pub fn sign(&self, payload: &Value) -> String {
        self.signer.mint(payload)
    }

    /// The JWKS of a pool, if it is one of ours.
    pub fn jwks(&self, pool_id: &str) -> Option<Value> {
        if !lock(&self.inner).pools.contains_key(pool_id) {
            return None;
        }
        Some(self.signer.jwks())
    }

    pub fn openid_configuration(&self, pool_id: &str) -> Option<Value> {
        let inner = lock(&self.inner);
        let pool = inner.pools.get(pool_id)?;
        let iss = pool.issuer();
        Some(json!({
            "issuer": iss,
            "jwks_uri": format!("{iss}/.well-known/jwks.json"),
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["public"],
            "response_types_supported": ["code", "token"],
        }))
    }

    /// Id and access tokens (and a refresh token when `refresh` is set) for a sign-in.
    /// `origin`: the sign-in session (a refresh keeps it); `None` starts a new one.
    #[allow(clippy::too_many_arguments)] // who, for which client, which sign-in, when
    fn issue(
        &self,
        inner: &mut Inner,
        pool_id: &str,
        client_id: &str,
        username: &str,
        auth_time: i64,
        origin: Option<String>,
        refresh: bool,
        now: i64,
    ) -> Result<Value, ApiError> {
        let pool = inner.pools.get_mut(pool_id).ok_or_else(user_not_found)?;
        let iss = pool.issuer();
        let client = pool
            .settings
            .clients
            .iter()
            .find(|c| c.client_id == client_id)
            .cloned()
            .ok_or_else(|| client_not_found(client_id))?;
        let user = pool.users.get_mut(username).ok_or_else(user_not_found)?;
        let origin = match origin {
            Some(o) => o,
            None => {
                let o = crate::util::random_uuid();
                user.add_origin(o.clone());
                o
            }
        };
        let event_id = crate::util::random_uuid();
        let id_exp = now.saturating_add(client.id_token_validity.as_secs() as i64);
        let access_exp = now.saturating_add(client.access_token_validity.as_secs() as i64);
        let mut id = serde_json::Map::new();
        id.insert("sub".into(), json!(user.sub));
        for (k, v) in &user.attributes {
            let value = if k.ends_with("_verified") {
                json!(v == "true")
            } else {
                json!(v)
            };
            id.insert(k.clone(), value);
        }
        id.insert("iss".into(), json!(iss));
        id.insert("cognito:username".into(), json!(user.username));
        id.insert("origin_jti".into(), json!(origin));
        id.insert("aud".into(), json!(client.client_id));
        id.insert("event_id".into(), json!(event_id));
        id.insert("token_use".into(), json!("id"));
        id.insert("auth_time".into(), json!(auth_time));
        id.insert("exp".into(), json!(id_exp));
        id.insert("iat".into(), json!(now));
        id.insert("jti".into(), json!(crate::util::random_uuid()));
        let access = json!({
            "sub": user.sub,
            "iss": iss,
            "client_id": client.client_id,
            "origin_jti": origin,
            "event_id": event_id,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": auth_time,
            "exp": access_exp,
            "iat": now,
            "jti": crate::util::random_uuid(),
            "username": user.username,
        });
        let mut result = json!({
            "AccessToken": self.signer.mint(&access),
            "ExpiresIn": client.access_token_validity.as_secs(),
            "IdToken": self.signer.mint(&Value::Object(id)),
            "TokenType": "Bearer",
        });
        if refresh {
            // Opaque, shaped like Cognito's (a JWE: five base64url segments).
            let token = format!(
                "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
                random_token(192),
                random_token(12),
                random_token(384),
                random_token(16)
            );
            inner.refresh.insert(
                token.clone(),
                RefreshRecord {
                    pool: pool_id.to_string(),
                    client: client_id.to_string(),
                    username: username.to_string(),
                    origin,
                    expires: now.saturating_add(client.refresh_token_validity.as_secs() as i64),
                    auth_time,
                },
            );
            result["RefreshToken"] = json!(token);
        }
        Ok(result)
    }

    /// A login of the identity pools: `Some` when the provider or the token's issuer
    /// is one of our pools (then the token must be our valid id token), `None` to let
    /// the usual rules apply.
    pub fn check_id_token_login(
        &self,
        provider: &str,
        token: &str,
        now: i64,
    ) -> Option<Result<String, ApiError>> {
        let hosted = |iss: &str| -> Option<String> {
            let rest = iss.strip_prefix("https://")?;
            let (host, pool) = rest.split_once('/')?;
            host.strip_prefix("cognito-idp.")?;
            lock(&self.inner)
                .pools
                .get(pool)
                .filter(|p| p.issuer() == iss)
                .map(|p| p.settings.id.clone())
        };
        let by_provider = hosted(&format!("https://{provider}"));
        let by_issuer = jwt::peek_payload(token)
            .and_then(|p| p.get("iss").and_then(Value::as_str).map(str::to_string))
            .and_then(|iss| hosted(&iss));
        let pool_id = by_provider.clone().or(by_issuer)?;
        let invalid = |detail: &str| not_authorized(format!("Invalid login token. {detail}"));
        let check = || -> Result<String, ApiError> {
            let payload = self.signer.verify(token).map_err(|e| match e {
                jwt::Invalid::Malformed => invalid("Not a valid OpenId Connect identity token."),
                jwt::Invalid::Signature => invalid("Couldn't verify signed token."),
            })?;
            let inner = lock(&self.inner);
            let pool = inner
                .pools
                .get(&pool_id)
                .ok_or_else(|| invalid("Issuer doesn't match providerName"))?;
            if payload.get("iss").and_then(Value::as_str) != Some(&format!("https://{provider}"))
                || by_provider.is_none()
            {
                return Err(invalid("Issuer doesn't match providerName"));
            }
            if payload.get("token_use").and_then(Value::as_str) != Some("id") {
                return Err(invalid("Not a valid OpenId Connect identity token."));
            }
            let aud = payload.get("aud").and_then(Value::as_str).unwrap_or("");
            if pool.client(aud).is_none() {
                return Err(invalid("Incorrect token audience."));
            }
            match crate::tokens::numeric_claim(&payload, "exp") {
                Some(exp) if now >= exp => {
                    return Err(invalid(&format!("Token expired: {now} >= {exp}")))
                }
                Some(_) => {}
                None => return Err(invalid("Not a valid OpenId Connect identity token.")),
            }
            payload
                .get("sub")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or_else(|| invalid("Not a valid OpenId Connect identity token."))
        };
        Some(check())
    }

    /// An id token for `sub` from a pool we host (the admin `tokens` route and
    /// [`crate::Emulator::mint_user_pool_token`] for a hosted pool's provider name).
    pub fn mint_for_provider(
        &self,
        provider: &str,
        sub: &str,
        lifetime: i64,
        now: i64,
    ) -> Option<String> {
        let (iss, client_id, sub, username) = {
            let inner = lock(&self.inner);
            let pool = inner
                .pools
                .values()
                .find(|p| format!("https://{provider}") == p.issuer())?;
            let client = pool.settings.clients.first()?;
            let user = pool
                .users
                .values()
                .find(|u| u.sub == sub || u.username == sub);
            let (sub, username) = match user {
                Some(u) => (u.sub.clone(), u.username.clone()),
                None => (sub.to_string(), sub.to_string()),
            };
            (pool.issuer(), client.client_id.clone(), sub, username)
        };
        // Signing (and, the first time, generating the key) runs without the lock.
        Some(self.signer.mint(&json!({
            "sub": sub,
            "iss": iss,
            "cognito:username": username,
            "origin_jti": crate::util::random_uuid(),
            "aud": client_id,
            "event_id": crate::util::random_uuid(),
            "token_use": "id",
            "auth_time": now,
            "exp": now.saturating_add(lifetime),
            "iat": now,
            "jti": crate::util::random_uuid(),
        })))
    }
}

fn client_not_found(client_id: &str) -> ApiError {
    let shown: String = client_id.chars().take(128).collect();
    api(
        "ResourceNotFoundException",
        format!("User pool client {shown} does not exist."),
    )
}

pub(crate) fn prewarm_key() {
    jwt::prewarm();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_messages() {
        let p = PasswordPolicy::default();
        let msg = |pw: &str| check_password(&p, pw).err().map(|e| e.message);
        assert_eq!(
            msg("Ab1!"),
            Some("Password did not conform with policy: Password not long enough".into())
        );
        assert_eq!(
            msg("ABCDEFG1!"),
            Some(
                "Password did not conform with policy: Password must have lowercase characters"
                    .into()
            )
        );
        assert_eq!(
            msg("abcdefg1!"),
            Some(
                "Password did not conform with policy: Password must have uppercase characters"
                    .into()
            )
        );
        assert_eq!(
            msg("Abcdefgh!"),
            Some(
                "Password did not conform with policy: Password must have numeric characters"
                    .into()
            )
        );
        assert_eq!(
            msg("Abcdefgh1"),
            Some(
                "Password did not conform with policy: Password must have symbol characters".into()
            )
        );
        assert_eq!(msg("Abcdefg1!"), None);
    }

    #[test]
    fn masks() {
        assert_eq!(mask("EMAIL", "alice@example.com"), "a***@e***");
        assert_eq!(mask("SMS", "+15555550123"), "+*******0123");
    }

    #[test]
    fn pool_ids_and_bounded_maps() {
        assert!(split_pool_id("us-east-1_EmuPool1").is_ok());
        assert!(split_pool_id("us-east-1").is_err());
        assert!(split_pool_id("us-east-1_bad name").is_err());
        let mut b = Bounded::new(3);
        for i in 0..10 {
            b.insert(i.to_string(), i);
        }
        assert_eq!(b.len(), 3);
        assert!(b.get("9").is_some() && b.get("6").is_none());
        for i in 10..100 {
            b.insert(i.to_string(), i);
            b.remove(&i.to_string());
        }
        assert!(b.order.len() <= 7);
    }
}
