//! Cognito user pools: sign-in (USER_SRP_AUTH — the password never leaves the device — and
//! USER_PASSWORD_AUTH), the challenges a pool may ask for, tokens and their refresh, sign-up and
//! the password flows; and the signed-in session as the logins of an identity pool's credentials
//! provider ([`UserPoolSession`]).
//!
//! ```no_run
//! # async fn demo() -> cognito_native::Result<()> {
//! use cognito_native::user_pool::{SignIn, UserPool, UserPoolConfig};
//! let pool = UserPool::new(UserPoolConfig::new("us-east-1_AbCdEf", "26pnk5kolmsekgqh4fvoc2o0ub"))?;
//! let session = match pool.sign_in_srp("player-1", "correct horse").await? {
//!     SignIn::SignedIn(session) => session,
//!     SignIn::Challenge(c) => pool.respond_mfa(&c, "123456").await?.signed_in()?,
//! };
//! # Ok(()) }
//! ```

mod api;
mod session;
pub(crate) mod srp;
mod tokens;

pub use api::CodeDelivery;
pub use session::{
    FileSessionStore, MemorySessionStore, SavedSession, SessionEnded, SessionStore, UserPoolSession,
};
/// The client's SRP math for the sign-in benchmark (feature `fuzzing`); not an API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use srp::bench as srp_bench;
pub use tokens::Tokens;

use crate::config::{runtime, Transport};
use crate::endpoints::{self, EndpointConfig};
use crate::error::{Error, ErrorKind, Result};
use crate::quotas::RateLimits;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::wire::http::HttpClient;
use crate::wire::Wire;
use api::Params;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What a [`UserPool`] client is built from.
#[derive(Clone)]
#[non_exhaustive]
pub struct UserPoolConfig {
    /// `<region>_<id>`, e.g. `us-east-1_AbCdEf123`.
    pub user_pool_id: String,
    /// The app client's id.
    pub client_id: String,
    /// The app client's secret, for clients that have one (SECRET_HASH is then sent).
    pub client_secret: Option<Secret>,
    /// Defaults to the region in the pool id.
    pub region: Option<String>,
    pub endpoints: EndpointConfig,
    /// The app client rotates refresh tokens: refresh with GetTokensFromRefreshToken.
    pub refresh_token_rotation: bool,
    /// Tokens are refreshed this long before they expire (capped at half their lifetime).
    pub refresh_window: Duration,
    pub attempt_timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Extra trust roots (PEM).
    pub ca_bundle_pem: Option<Vec<u8>>,
    pub http_client: Option<HttpClient>,
    /// Where sessions are kept between runs; none by default.
    pub session_store: Option<Arc<dyn SessionStore>>,
    /// Cognito's request quotas, kept on this side (shared by every client of the process).
    pub rate_limits: RateLimits,
    /// Where background refreshes run; default: the runtime the client is created in.
    pub runtime: Option<tokio::runtime::Handle>,
}

impl UserPoolConfig {
    pub fn new(user_pool_id: impl Into<String>, client_id: impl Into<String>) -> UserPoolConfig {
        UserPoolConfig {
            user_pool_id: user_pool_id.into(),
            client_id: client_id.into(),
            client_secret: None,
            region: None,
            endpoints: EndpointConfig {
                use_environment: true,
                ..Default::default()
            },
            refresh_token_rotation: false,
            refresh_window: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            ca_bundle_pem: None,
            http_client: None,
            session_store: None,
            rate_limits: RateLimits::default(),
            runtime: None,
        }
    }

    /// Every service at one endpoint, e.g. the local emulator.
    pub fn with_local_endpoint(mut self, url: &str) -> UserPoolConfig {
        self.endpoints = self.endpoints.with_local_endpoint(url);
        self
    }

    pub fn with_client_secret(mut self, secret: impl Into<Secret>) -> UserPoolConfig {
        self.client_secret = Some(secret.into());
        self
    }

    pub fn with_session_store(mut self, store: Arc<dyn SessionStore>) -> UserPoolConfig {
        self.session_store = Some(store);
        self
    }
}

impl fmt::Debug for UserPoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPoolConfig")
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// A user pool's app client: signs users in and up. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct UserPool {
    inner: Arc<PoolInner>,
}

pub(crate) struct PoolInner {
    pub pool_id: String,
    /// The part of the pool id after `_` (SRP hashes it).
    pub pool_name: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub refresh_token_rotation: bool,
    pub refresh_window: Duration,
    pub wire: Wire,
    pub store: Option<Arc<dyn SessionStore>>,
    pub runtime: tokio::runtime::Handle,
}

/// Where a sign-in stands.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the session keeps the tokens fresh.
    SignedIn(UserPoolSession),
    /// The pool asks for more (a code, a new password...): answer with the `respond_*` methods.
    Challenge(Challenge),
}

impl SignIn {
    /// The session, or an error naming the challenge still open.
    pub fn signed_in(self) -> Result<UserPoolSession> {
        match self {
            SignIn::SignedIn(s) => Ok(s),
            SignIn::Challenge(c) => Err(Error::new(
                ErrorKind::UnsupportedChallenge,
                format!("the sign-in still asks for {}", c.name.as_str()),
            )),
        }
    }
}

/// A challenge the pool asks the user to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChallengeName {
    /// A new password (first sign-in of a user an admin created): `respond_new_password`.
    NewPasswordRequired,
    /// A code sent by SMS: `respond_mfa`.
    SmsMfa,
    /// A code from an authenticator app: `respond_mfa`.
    SoftwareTokenMfa,
    /// A code sent by email: `respond_mfa`.
    EmailOtp,
    /// Choose SMS_MFA or SOFTWARE_TOKEN_MFA (`MFAS_CAN_CHOOSE`): `select_mfa`.
    SelectMfaType,
    /// Set up an authenticator app: `associate_software_token`, `verify_software_token`.
    MfaSetup,
    /// The pool's own Lambda-defined challenge: `respond` with its answers.
    CustomChallenge,
}

impl ChallengeName {
    fn parse(name: &str) -> Option<ChallengeName> {
        Some(match name {
            "NEW_PASSWORD_REQUIRED" => ChallengeName::NewPasswordRequired,
            "SMS_MFA" => ChallengeName::SmsMfa,
            "SOFTWARE_TOKEN_MFA" => ChallengeName::SoftwareTokenMfa,
            "EMAIL_OTP" => ChallengeName::EmailOtp,
            "SELECT_MFA_TYPE" => ChallengeName::SelectMfaType,
            "MFA_SETUP" => ChallengeName::MfaSetup,
            "CUSTOM_CHALLENGE" => ChallengeName::CustomChallenge,
            _ => return None,
        })
    }

    /// AWS's name: `SMS_MFA`...
    pub fn as_str(&self) -> &'static str {
        match self {
            ChallengeName::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            ChallengeName::SmsMfa => "SMS_MFA",
            ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            ChallengeName::EmailOtp => "EMAIL_OTP",
            ChallengeName::SelectMfaType => "SELECT_MFA_TYPE",
            ChallengeName::MfaSetup => "MFA_SETUP",
            ChallengeName::CustomChallenge => "CUSTOM_CHALLENGE",
        }
    }

    /// The response key that carries a code for this challenge.
    fn code_key(&self) -> Option<&'static str> {
        match self {
            ChallengeName::SmsMfa => Some("SMS_MFA_CODE"),
            ChallengeName::SoftwareTokenMfa => Some("SOFTWARE_TOKEN_MFA_CODE"),
            ChallengeName::EmailOtp => Some("EMAIL_OTP_CODE"),
            _ => None,
        }
    }
}

/// An open challenge: its name, what the pool says with it (e.g. `CODE_DELIVERY_DESTINATION`,
/// `requiredAttributes`, `MFAS_CAN_CHOOSE`), and the session that answers it (it lives 3 minutes).
#[derive(Clone)]
pub struct Challenge {
    pub name: ChallengeName,
    pub parameters: BTreeMap<String, String>,
    session: Option<Secret>,
    /// The user as the pool knows them (answers and SECRET_HASH use this name).
    username: String,
}

impl Challenge {
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("name", &self.name)
            .field("parameters", &self.parameters)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The answer of SignUp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUpResult {
    /// Already confirmed (auto-confirm), or waiting for `confirm_sign_up`.
    pub user_confirmed: bool,
    pub user_sub: Option<String>,
    pub code_delivery: Option<CodeDelivery>,
}

impl UserPool {
    /// Fails on an invalid configuration (pool id, region, endpoints...), or without a runtime.
    pub fn new(config: UserPoolConfig) -> Result<UserPool> {
        let (region_in_id, pool_name) = config
            .user_pool_id
            .split_once('_')
            .filter(|(r, n)| !r.is_empty() && !n.is_empty() && n.len() <= 55)
            .ok_or_else(|| {
                Error::invalid_config(format!(
                    "user pool id {:?} is not <region>_<id>",
                    config.user_pool_id
                ))
            })?;
        if !pool_name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid_config(
                "a user pool id's name is alphanumeric",
            ));
        }
        if config.client_id.is_empty()
            || config.client_id.len() > 128
            || !config
                .client_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'_')
        {
            return Err(Error::invalid_config("the app client id is not valid"));
        }
        let region = config
            .region
            .clone()
            .unwrap_or_else(|| region_in_id.to_owned());
        endpoints::check_region(&region)?;
        let wire = Transport {
            region,
            endpoints: &config.endpoints,
            attempt_timeout: config.attempt_timeout,
            connect_timeout: config.connect_timeout,
            retry: &config.retry,
            ca_bundle_pem: &config.ca_bundle_pem,
            http_client: &config.http_client,
            rate_limits: &config.rate_limits,
        }
        .wire()?;
        Ok(UserPool {
            inner: Arc::new(PoolInner {
                pool_name: pool_name.to_owned(),
                pool_id: config.user_pool_id,
                client_id: config.client_id,
                client_secret: config.client_secret,
                refresh_token_rotation: config.refresh_token_rotation,
                refresh_window: config.refresh_window,
                wire,
                store: config.session_store,
                runtime: runtime(&config.runtime, "the user pool client")?,
            }),
        })
    }

    pub fn user_pool_id(&self) -> &str {
        &self.inner.pool_id
    }

    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The identity pools' provider name of this pool: `cognito-idp.<region>.amazonaws.com/<id>`.
    pub fn provider_name(&self) -> String {
        endpoints::user_pool_provider_name(&self.inner.wire.region, &self.inner.pool_id)
    }

    /// Signs in with USER_SRP_AUTH: the password never leaves the device.
    pub async fn sign_in_srp(&self, username: &str, password: &str) -> Result<SignIn> {
        check_username(username)?;
        check_password(password)?;
        let srp = srp::SrpSession::new()?;
        let mut params = self.inner.user_params(username);
        params.insert("SRP_A".into(), srp.srp_a());
        let answer = self.inner.initiate("USER_SRP_AUTH", params).await?;
        if answer.challenge_name.as_deref() != Some("PASSWORD_VERIFIER") {
            return self.inner.outcome(answer, username).await;
        }
        let p = &answer.challenge_parameters;
        let get = |k: &str| {
            p.get(k).map(String::as_str).ok_or_else(|| {
                Error::invalid_response(format!("PASSWORD_VERIFIER without {k}"), None)
            })
        };
        let user_id_for_srp = get("USER_ID_FOR_SRP")?;
        let verifier = srp::Verifier {
            pool_name: &self.inner.pool_name,
            user_id_for_srp,
            salt_hex: get("SALT")?,
            srp_b_hex: get("SRP_B")?,
            secret_block: get("SECRET_BLOCK")?,
        };
        // The pool's clock, as learned from its answers: a device off by minutes is refused.
        let timestamp = srp::timestamp(self.inner.wire.clock.now());
        let signature = srp.password_claim(&verifier, password, &timestamp)?;
        // Answers name the user as the pool does (an alias sign-in has another name).
        let internal = p
            .get("USERNAME")
            .map(String::as_str)
            .unwrap_or(user_id_for_srp);
        let mut responses = self.inner.user_params(internal);
        responses.insert(
            "PASSWORD_CLAIM_SECRET_BLOCK".into(),
            verifier.secret_block.into(),
        );
        responses.insert("PASSWORD_CLAIM_SIGNATURE".into(), signature);
        responses.insert("TIMESTAMP".into(), timestamp);
        let answer = self
            .inner
            .respond("PASSWORD_VERIFIER", responses, answer.session.as_deref())
            .await?;
        self.inner.outcome(answer, internal).await
    }

    /// Signs in with USER_PASSWORD_AUTH (the app client must allow it; the password is sent,
    /// over TLS).
    pub async fn sign_in_password(&self, username: &str, password: &str) -> Result<SignIn> {
        check_username(username)?;
        check_password(password)?;
        let mut params = self.inner.user_params(username);
        params.insert("PASSWORD".into(), password.into());
        let answer = self.inner.initiate("USER_PASSWORD_AUTH", params).await?;
        self.inner.outcome(answer, username).await
    }

    /// Answers `challenge` with `answers` (USERNAME and SECRET_HASH are added): the generic
    /// form, e.g. for CUSTOM_CHALLENGE (`ANSWER`).
    pub async fn respond(&self, challenge: &Challenge, answers: &[(&str, &str)]) -> Result<SignIn> {
        let mut responses = self.inner.user_params(&challenge.username);
        for (k, v) in answers {
            responses.insert((*k).to_owned(), (*v).to_owned());
        }
        let answer = self
            .inner
            .respond(
                challenge.name.as_str(),
                responses,
                challenge.session.as_ref().map(Secret::expose),
            )
            .await?;
        self.inner.outcome(answer, &challenge.username).await
    }

    /// NEW_PASSWORD_REQUIRED: the new password, and the attributes the pool requires
    /// (`requiredAttributes` in the challenge's parameters), e.g. `("email", "a@b.c")`.
    pub async fn respond_new_password(
        &self,
        challenge: &Challenge,
        new_password: &str,
        attributes: &[(&str, &str)],
    ) -> Result<SignIn> {
        expect(challenge, &[ChallengeName::NewPasswordRequired])?;
        check_password(new_password)?;
        let keys: Vec<String> = attributes
            .iter()
            .map(|(k, _)| format!("userAttributes.{k}"))
            .collect();
        let mut answers = vec![("NEW_PASSWORD", new_password)];
        answers.extend(
            keys.iter()
                .map(String::as_str)
                .zip(attributes.iter().map(|(_, v)| *v)),
        );
        self.respond(challenge, &answers).await
    }

    /// SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP: the code the user got.
    pub async fn respond_mfa(&self, challenge: &Challenge, code: &str) -> Result<SignIn> {
        let key = challenge.name.code_key().ok_or_else(|| {
            Error::invalid_input(format!("{} does not take a code", challenge.name.as_str()))
        })?;
        check_code(code)?;
        self.respond(challenge, &[(key, code)]).await
    }

    /// SELECT_MFA_TYPE: `SMS_MFA` or `SOFTWARE_TOKEN_MFA` (one of `MFAS_CAN_CHOOSE`).
    pub async fn select_mfa(&self, challenge: &Challenge, mfa: &str) -> Result<SignIn> {
        expect(challenge, &[ChallengeName::SelectMfaType])?;
        if !matches!(mfa, "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP") {
            return Err(Error::invalid_input(format!("{mfa:?} is not an MFA type")));
        }
        self.respond(challenge, &[("ANSWER", mfa)]).await
    }

    /// MFA_SETUP, step 1: the secret to show the user (as a QR code, `otpauth://totp/...`).
    /// The challenge given back carries the next session.
    pub async fn associate_software_token(
        &self,
        challenge: &Challenge,
    ) -> Result<(Secret, Challenge)> {
        expect(challenge, &[ChallengeName::MfaSetup])?;
        let r = self
            .inner
            .wire
            .user_pool_call(
                "AssociateSoftwareToken",
                &api::AssociateSoftwareToken {
                    session: challenge.session.as_ref().map(Secret::expose),
                    access_token: None,
                },
            )
            .await?;
        let a: api::AssociateSoftwareTokenAnswer = api::parse("AssociateSoftwareToken", &r)?;
        let secret = a.secret_code.ok_or_else(|| {
            Error::invalid_response("AssociateSoftwareToken without SecretCode", None)
        })?;
        let mut next = challenge.clone();
        next.session = a.session.map(Secret::new).or(next.session);
        Ok((Secret::new(secret), next))
    }

    /// MFA_SETUP, step 2: the first code of the authenticator app; signed in when it is right.
    pub async fn verify_software_token(
        &self,
        challenge: &Challenge,
        code: &str,
        friendly_device_name: Option<&str>,
    ) -> Result<SignIn> {
        expect(challenge, &[ChallengeName::MfaSetup])?;
        check_code(code)?;
        let r = self
            .inner
            .wire
            .user_pool_call(
                "VerifySoftwareToken",
                &api::VerifySoftwareToken {
                    session: challenge.session.as_ref().map(Secret::expose),
                    access_token: None,
                    user_code: code,
                    friendly_device_name,
                },
            )
            .await?;
        let v: api::VerifySoftwareTokenAnswer = api::parse("VerifySoftwareToken", &r)?;
        if v.status.as_deref() != Some("SUCCESS") {
            return Err(Error::new(
                ErrorKind::CodeMismatch,
                "the authenticator app's code was not accepted",
            ));
        }
        let mut next = challenge.clone();
        next.session = v.session.map(Secret::new).or(next.session);
        let answer = self
            .inner
            .respond(
                "MFA_SETUP",
                self.inner.user_params(&challenge.username),
                next.session.as_ref().map(Secret::expose),
            )
            .await?;
        self.inner.outcome(answer, &challenge.username).await
    }

    /// A session from a refresh token the app kept (e.g. from [`SavedSession`]): refreshed once
    /// now, so that a refused token shows at once.
    pub async fn resume(
        &self,
        username: &str,
        refresh_token: Secret,
        device_key: Option<String>,
    ) -> Result<UserPoolSession> {
        check_username(username)?;
        let tokens = self
            .inner
            .refresh(username, &refresh_token, device_key.as_deref())
            .await?;
        let tokens = Tokens {
            refresh_token: tokens.refresh_token.or(Some(refresh_token)),
            device_key,
            ..tokens
        };
        UserPoolSession::start(self.inner.clone(), tokens).await
    }

    /// The session kept in the configured [`SessionStore`], refreshed; `None` when there is none
    /// (or no store). A refused refresh token clears it and is an error.
    pub async fn resume_saved(&self) -> Result<Option<UserPoolSession>> {
        if self.inner.store.is_none() {
            return Ok(None);
        }
        let Some(saved) = self.inner.in_store(|store, key| store.load(key)).await? else {
            return Ok(None);
        };
        match self
            .resume(&saved.username, saved.refresh_token, saved.device_key)
            .await
        {
            Err(e) if e.kind() == ErrorKind::NotAuthorized => {
                self.inner.in_store(|store, key| store.clear(key)).await?;
                Err(e)
            }
            other => other.map(Some),
        }
    }

    /// SignUp: a new user with `password` and attributes (e.g. `("email", "a@b.c")`).
    pub async fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: &[(&str, &str)],
    ) -> Result<SignUpResult> {
        check_username(username)?;
        check_password(password)?;
        let r = self
            .inner
            .wire
            .user_pool_call(
                "SignUp",
                &api::SignUp {
                    client_id: &self.inner.client_id,
                    username,
                    password,
                    user_attributes: attributes
                        .iter()
                        .map(|(name, value)| api::Attribute { name, value })
                        .collect(),
                    secret_hash: self.inner.secret_hash(username),
                },
            )
            .await?;
        let a: api::SignUpAnswer = api::parse("SignUp", &r)?;
        Ok(SignUpResult {
            user_confirmed: a.user_confirmed,
            user_sub: a.user_sub,
            code_delivery: a.code_delivery_details,
        })
    }

    /// ConfirmSignUp with the code the user got.
    pub async fn confirm_sign_up(&self, username: &str, code: &str) -> Result<()> {
        check_code(code)?;
        self.user_call("ConfirmSignUp", username, Some(code), None)
            .await
            .map(drop)
    }

    /// ResendConfirmationCode: where the new code went.
    pub async fn resend_confirmation_code(&self, username: &str) -> Result<Option<CodeDelivery>> {
        self.user_call("ResendConfirmationCode", username, None, None)
            .await
    }

    /// ForgotPassword: sends a code to reset the password; where it went.
    pub async fn forgot_password(&self, username: &str) -> Result<Option<CodeDelivery>> {
        self.user_call("ForgotPassword", username, None, None).await
    }

    /// ConfirmForgotPassword: the code and the new password.
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<()> {
        check_code(code)?;
        check_password(new_password)?;
        self.user_call(
            "ConfirmForgotPassword",
            username,
            Some(code),
            Some(new_password),
        )
        .await
        .map(drop)
    }

    async fn user_call(
        &self,
        operation: &'static str,
        username: &str,
        code: Option<&str>,
        password: Option<&str>,
    ) -> Result<Option<CodeDelivery>> {
        check_username(username)?;
        let r = self
            .inner
            .wire
            .user_pool_call(
                operation,
                &api::UserWithCode {
                    client_id: &self.inner.client_id,
                    username,
                    confirmation_code: code,
                    password,
                    secret_hash: self.inner.secret_hash(username),
                },
            )
            .await?;
        let a: api::CodeDeliveryAnswer = api::parse(operation, &r)?;
        Ok(a.code_delivery_details)
    }
}

impl fmt::Debug for UserPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPool")
            .field("user_pool_id", &self.inner.pool_id)
            .field("client_id", &self.inner.client_id)
            .finish_non_exhaustive()
    }
}

impl PoolInner {
    /// USERNAME, and SECRET_HASH for it when the client has a secret.
    fn user_params(&self, username: &str) -> Params {
        let mut p = Params::new();
        p.insert("USERNAME".into(), username.into());
        if let Some(hash) = self.secret_hash(username) {
            p.insert("SECRET_HASH".into(), hash);
        }
        p
    }

    pub(crate) fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|s| srp::secret_hash(s.expose(), username, &self.client_id))
    }

    /// Runs `op` on the configured store on the runtime's blocking threads: a store may be the
    /// host's (a disk, the Keychain) and must not stall the I/O threads.
    pub(crate) async fn in_store<T: Send + 'static>(
        &self,
        op: impl FnOnce(&dyn SessionStore, &str) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let Some(store) = self.store.clone() else {
            return Err(Error::new(ErrorKind::Store, "no session store"));
        };
        let key = self.store_key();
        self.runtime
            .spawn_blocking(move || op(store.as_ref(), &key))
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::Store,
                    format!("the session store did not run: {e}"),
                )
            })?
    }

    pub(crate) fn store_key(&self) -> String {
        format!("{}:{}", self.pool_id, self.client_id)
    }

    async fn initiate(&self, flow: &str, params: Params) -> Result<api::AuthAnswer> {
        let r = self
            .wire
            .user_pool_call(
                "InitiateAuth",
                &api::InitiateAuth {
                    auth_flow: flow,
                    client_id: &self.client_id,
                    auth_parameters: params,
                    client_metadata: None,
                },
            )
            .await?;
        api::parse("InitiateAuth", &r)
    }

    async fn respond(
        &self,
        challenge: &str,
        responses: Params,
        session: Option<&str>,
    ) -> Result<api::AuthAnswer> {
        let r = self
            .wire
            .user_pool_call(
                "RespondToAuthChallenge",
                &api::RespondToAuthChallenge {
                    challenge_name: challenge,
                    client_id: &self.client_id,
                    challenge_responses: responses,
                    session,
                },
            )
            .await?;
        api::parse("RespondToAuthChallenge", &r)
    }

    /// Signed in, or the next challenge; an unknown challenge is an error, not a hang.
    async fn outcome(self: &Arc<Self>, answer: api::AuthAnswer, username: &str) -> Result<SignIn> {
        if let Some(result) = answer.authentication_result {
            let tokens = self.tokens(result, None)?;
            return UserPoolSession::start(self.clone(), tokens)
                .await
                .map(SignIn::SignedIn);
        }
        let Some(name) = answer.challenge_name else {
            return Err(Error::invalid_response(
                "neither tokens nor a challenge in the answer",
                None,
            ));
        };
        let Some(parsed) = ChallengeName::parse(&name) else {
            return Err(Error::new(
                ErrorKind::UnsupportedChallenge,
                format!(
                    "the user pool asks for {:?}, which this library cannot answer",
                    shorten(&name)
                ),
            ));
        };
        let username = answer
            .challenge_parameters
            .get("USER_ID_FOR_SRP")
            .or_else(|| answer.challenge_parameters.get("USERNAME"))
            .cloned()
            .unwrap_or_else(|| username.to_owned());
        Ok(SignIn::Challenge(Challenge {
            name: parsed,
            parameters: answer.challenge_parameters,
            session: answer.session.map(Secret::new),
            username,
        }))
    }

    /// Tokens from an AuthenticationResult; `previous` fills what a refresh does not repeat.
    pub(crate) fn tokens(
        &self,
        r: api::AuthenticationResult,
        previous: Option<&Tokens>,
    ) -> Result<Tokens> {
        let missing =
            |k: &str| Error::invalid_response(format!("AuthenticationResult without {k}"), None);
        let id_token = r.id_token.ok_or_else(|| missing("IdToken"))?;
        let access_token = r.access_token.ok_or_else(|| missing("AccessToken"))?;
        let claims = tokens::claims("id token", &id_token)?;
        let username = claims
            .username
            .or_else(|| previous.map(|p| p.username.clone()))
            .ok_or_else(|| Error::invalid_response("the id token names no user", None))?;
        Ok(Tokens {
            id_token: Secret::new(id_token),
            access_token: Secret::new(access_token),
            refresh_token: r
                .refresh_token
                .map(Secret::new)
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            username,
            expires_at: claims.expires_at,
            device_key: r
                .new_device_metadata
                .and_then(|d| d.device_key)
                .or_else(|| previous.and_then(|p| p.device_key.clone())),
        })
    }

    /// New id and access tokens for a refresh token (REFRESH_TOKEN_AUTH, or
    /// GetTokensFromRefreshToken when the client rotates refresh tokens).
    pub(crate) async fn refresh(
        &self,
        username: &str,
        refresh_token: &Secret,
        device_key: Option<&str>,
    ) -> Result<Tokens> {
        let result = if self.refresh_token_rotation {
            let r = self
                .wire
                .user_pool_call(
                    "GetTokensFromRefreshToken",
                    &api::GetTokensFromRefreshToken {
                        refresh_token: refresh_token.expose(),
                        client_id: &self.client_id,
                        client_secret: self.client_secret.as_ref().map(Secret::expose),
                        device_key,
                    },
                )
                .await?;
            api::parse::<api::TokensAnswer>("GetTokensFromRefreshToken", &r)?.authentication_result
        } else {
            let mut params = Params::new();
            params.insert("REFRESH_TOKEN".into(), refresh_token.expose().to_owned());
            if let Some(hash) = self.secret_hash(username) {
                params.insert("SECRET_HASH".into(), hash);
            }
            if let Some(key) = device_key {
                params.insert("DEVICE_KEY".into(), key.to_owned());
            }
            self.initiate("REFRESH_TOKEN_AUTH", params)
                .await?
                .authentication_result
        };
        let result =
            result.ok_or_else(|| Error::invalid_response("a refresh answered no tokens", None))?;
        let previous = Tokens {
            id_token: Secret::new(""),
            access_token: Secret::new(""),
            refresh_token: Some(refresh_token.clone()),
            username: username.to_owned(),
            expires_at: std::time::UNIX_EPOCH,
            device_key: device_key.map(str::to_owned),
        };
        self.tokens(result, Some(&previous))
    }
}

fn expect(challenge: &Challenge, names: &[ChallengeName]) -> Result<()> {
    if names.contains(&challenge.name) {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "this answers {}, not {}",
            names
                .iter()
                .map(ChallengeName::as_str)
                .collect::<Vec<_>>()
                .join(" or "),
            challenge.name.as_str()
        )))
    }
}

/// Cognito's limits: usernames 1 to 128 characters, no control characters.
fn check_username(username: &str) -> Result<()> {
    if username.is_empty()
        || username.chars().count() > 128
        || username.chars().any(char::is_control)
    {
        return Err(Error::invalid_input("a username has 1 to 128 characters"));
    }
    Ok(())
}

/// Passwords: 1 to 256 characters.
fn check_password(password: &str) -> Result<()> {
    if password.is_empty() || password.chars().count() > 256 {
        return Err(Error::invalid_input("a password has 1 to 256 characters"));
    }
    Ok(())
}

/// Codes: 1 to 2048 characters, no control characters.
fn check_code(code: &str) -> Result<()> {
    if code.is_empty() || code.len() > 2048 || code.chars().any(char::is_control) {
        return Err(Error::invalid_input("a code has 1 to 2048 characters"));
    }
    Ok(())
}

fn shorten(s: &str) -> &str {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
