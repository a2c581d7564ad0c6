//! The user-pool operations on the wire (JSON 1.1,
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`), with AWS's errors.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ring::hmac;
use serde_json::{json, Map, Value};

use super::*;
use crate::cognito::{serialization, string_field, Validator};

pub(crate) const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// The operations the emulator implements.
pub(crate) const OPERATIONS: &[&str] = &[
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "GlobalSignOut",
    "RevokeToken",
    "GetUser",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
];

/// How long a PASSWORD_VERIFIER TIMESTAMP may be off the emulator clock.
const TIMESTAMP_WINDOW_SECS: i64 = 300;

type Req = Map<String, Value>;
/// What the sign-up and code operations share: (typed username, pool id, code, pool
/// name, client id, client).
type UserCall = (
    String,
    String,
    Option<String>,
    String,
    String,
    AppClientConfig,
);

fn parse_body(body: &[u8]) -> Result<Req, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(serialization("Start of structure or map expected")),
        Err(e) => Err(serialization(format!("Invalid JSON: {e}"))),
    }
}

fn string_map(req: &Req, name: &str) -> Result<BTreeMap<String, String>, ApiError> {
    match req.get(name) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(m)) => {
            if m.len() > 200 {
                return Err(invalid_parameter(format!("Too many entries in {name}")));
            }
            m.iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(serialization(format!(
                        "Value in '{name}' is not a STRING_VALUE"
                    ))),
                })
                .collect()
        }
        Some(_) => Err(serialization(format!("Value at '{name}' is not a map"))),
    }
}

fn attribute_list(req: &Req, name: &str) -> Result<BTreeMap<String, String>, ApiError> {
    let list = match req.get(name) {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(serialization(format!("Value at '{name}' is not a list"))),
    };
    if list.len() > 100 {
        return Err(invalid_parameter(format!("Too many entries in {name}")));
    }
    let mut out = BTreeMap::new();
    for item in list {
        let Value::Object(m) = item else {
            return Err(serialization(format!(
                "Value in '{name}' is not a structure"
            )));
        };
        let n = string_field(m, "Name")?;
        let v = string_field(m, "Value")?.unwrap_or_default();
        let Some(n) = n else {
            return Err(invalid_parameter(format!(
                "1 validation error detected: Value null at '{}.member.name' failed to satisfy constraint: Member must not be null",
                lower_first(name)
            )));
        };
        out.insert(n, v);
    }
    Ok(out)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn is_client_id(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
}

/// Validates the members most operations share; `member` is the wire name.
struct Fields<'a> {
    req: &'a Req,
    v: Validator,
}

impl<'a> Fields<'a> {
    fn new(req: &'a Req) -> Fields<'a> {
        Fields {
            req,
            v: Validator::default(),
        }
    }

    fn get(&mut self, member: &str) -> Result<Option<String>, ApiError> {
        string_field(self.req, member)
    }

    fn required(&mut self, member: &str, min: usize, max: usize) -> Result<String, ApiError> {
        let value = self.get(member)?;
        let camel = lower_first(member);
        if let Some(s) = self.v.required(&value, &camel) {
            self.v.length(s, &camel, min, max);
        }
        Ok(value.unwrap_or_default())
    }

    fn client_id(&mut self) -> Result<String, ApiError> {
        let id = self.required("ClientId", 1, 128)?;
        if !id.is_empty() {
            self.v
                .pattern(&id, "clientId", is_client_id(&id), r"[\w+]+");
        }
        Ok(id)
    }

    fn secret(&mut self, member: &str) -> Result<Option<String>, ApiError> {
        let value = self.get(member)?;
        if let Some(s) = &value {
            // Secrets are never quoted back.
            if s.is_empty() || s.chars().count() > 2048 {
                self.v.push(format!(
                    "Value at '{}' failed to satisfy constraint: Member must have length less than or equal to 2048",
                    lower_first(member)
                ));
            }
        }
        Ok(value)
    }

    fn required_secret(&mut self, member: &str) -> Result<String, ApiError> {
        let value = self.secret(member)?;
        if value.is_none() {
            self.v.push(format!(
                "Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(member)
            ));
        }
        Ok(value.unwrap_or_default())
    }

    fn finish(self) -> Result<(), ApiError> {
        self.v.finish()
    }
}

fn missing(name: &str) -> ApiError {
    invalid_parameter(format!("Missing required parameter {name}"))
}

fn need<'m>(m: &'m BTreeMap<String, String>, name: &str) -> Result<&'m str, ApiError> {
    m.get(name).map(String::as_str).ok_or_else(|| missing(name))
}

/// Equality of two strings in time independent of where they differ.
fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// SECRET_HASH = base64(HMAC-SHA256(client secret, username ‖ client id)), checked for
/// clients with a secret, with the username given in that same request.
fn check_secret_hash(
    client: &AppClientConfig,
    username: &str,
    given: Option<&str>,
) -> Result<(), ApiError> {
    let Some(secret) = &client.client_secret else {
        return Ok(());
    };
    let Some(given) = given else {
        return Err(not_authorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.client_id
        )));
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let msg = format!("{username}{}", client.client_id);
    let ok = BASE64
        .decode(given)
        .is_ok_and(|tag| hmac::verify(&key, msg.as_bytes(), &tag).is_ok());
    if ok {
        Ok(())
    } else {
        Err(not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.client_id
        )))
    }
}

fn check_client_secret(client: &AppClientConfig, given: Option<&str>) -> Result<(), ApiError> {
    let Some(secret) = &client.client_secret else {
        return Ok(());
    };
    match given {
        None => Err(not_authorized(format!(
            "Client {} is configured with secret but ClientSecret was not received",
            client.client_id
        ))),
        Some(g) if ct_eq(g, secret) => Ok(()),
        Some(_) => Err(not_authorized(format!(
            "Unable to verify client secret for client {}",
            client.client_id
        ))),
    }
}

fn too_many_attempts() -> ApiError {
    api(
        "TooManyFailedAttemptsException",
        "Too many failed attempts.",
    )
}

fn invalid_session() -> ApiError {
    not_authorized("Invalid session for the user.")
}

fn expired_session() -> ApiError {
    not_authorized("Invalid session for the user, session is expired.")
}

impl UserPools {
    /// Runs one operation; `now` is the emulator clock (Unix seconds).
    pub(crate) fn handle(&self, op: &str, body: &[u8], now: i64) -> Result<Value, ApiError> {
        let req = parse_body(body)?;
        match op {
            "InitiateAuth" => self.initiate_auth(&req, now),
            "RespondToAuthChallenge" => self.respond_to_auth_challenge(&req, now),
            "GetTokensFromRefreshToken" => self.get_tokens_from_refresh_token(&req, now),
            "SignUp" => self.sign_up(&req, now),
            "ConfirmSignUp" => self.confirm_sign_up(&req, now),
            "ResendConfirmationCode" => self.resend_confirmation_code(&req, now),
            "ForgotPassword" => self.forgot_password(&req, now),
            "ConfirmForgotPassword" => self.confirm_forgot_password(&req, now),
            "ChangePassword" => self.change_password(&req, now),
            "GlobalSignOut" => self.global_sign_out(&req, now),
            "RevokeToken" => self.revoke_token(&req, now),
            "GetUser" => self.get_user(&req, now),
            "AssociateSoftwareToken" => self.associate_software_token(&req, now),
            "VerifySoftwareToken" => self.verify_software_token(&req, now),
            "SetUserMFAPreference" => self.set_user_mfa_preference(&req, now),
            other => {
                let shown: String = other.chars().take(128).collect();
                Err(api(
                    "UnknownOperationException",
                    format!("The emulator does not implement {shown}"),
                ))
            }
        }
    }

    /// The pool of an app client, and the client.
    fn client(&self, client_id: &str) -> Result<(String, String, AppClientConfig), ApiError> {
        let inner = lock(&self.inner);
        inner
            .pools
            .values()
            .find_map(|p| {
                p.client(client_id)
                    .map(|c| (p.settings.id.clone(), p.name.clone(), c.clone()))
            })
            .ok_or_else(|| client_not_found(client_id))
    }

    // ---- InitiateAuth ----

    fn initiate_auth(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let mut f = Fields::new(req);
        let flow = f.required("AuthFlow", 1, 64)?;
        let client_id = f.client_id()?;
        const FLOWS: &[&str] = &[
            "USER_SRP_AUTH",
            "REFRESH_TOKEN_AUTH",
            "REFRESH_TOKEN",
            "CUSTOM_AUTH",
            "ADMIN_NO_SRP_AUTH",
            "USER_PASSWORD_AUTH",
            "ADMIN_USER_PASSWORD_AUTH",
            "USER_AUTH",
        ];
        if !flow.is_empty() && !FLOWS.contains(&flow.as_str()) {
            f.v.push(format!(
                "Value {} at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                crate::util::quote_value(&flow),
                FLOWS.join(", ")
            ));
        }
        let params = string_map(req, "AuthParameters")?;
        f.finish()?;
        let (pool_id, pool_name, client) = self.client(&client_id)?;
        let allowed = |name: &str| client.explicit_auth_flows.iter().any(|f| f == name);
        let not_enabled = || invalid_parameter(format!("{flow} flow not enabled for this client"));
        match flow.as_str() {
            "USER_SRP_AUTH" if allowed(ALLOW_USER_SRP_AUTH) => {
                self.srp_start(&pool_id, &pool_name, &client, &params, now)
            }
            "USER_PASSWORD_AUTH" if allowed(ALLOW_USER_PASSWORD_AUTH) => {
                self.password_auth(&pool_id, &pool_name, &client, &params, now)
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" if allowed(ALLOW_REFRESH_TOKEN_AUTH) => {
                self.refresh_auth(&client, &params, now)
            }
            "ADMIN_NO_SRP_AUTH" | "ADMIN_USER_PASSWORD_AUTH" => {
                Err(invalid_parameter("Initiate Auth method not supported."))
            }
            _ => Err(not_enabled()),
        }
    }

    /// Locked out after too many wrong passwords?
    fn check_lockout(user: &User, now: i64) -> Result<(), ApiError> {
        if user.locked_until > now {
            Err(not_authorized("Password attempts exceeded"))
        } else {
            Ok(())
        }
    }

    fn register_failure(&self, pool_id: &str, username: &str, now: i64) {
        let mut inner = lock(&self.inner);
        let Some(pool) = inner.pools.get_mut(pool_id) else {
            return;
        };
        let max = pool.settings.max_failed_sign_ins.max(1);
        if let Some(u) = pool.users.get_mut(username) {
            u.failed_sign_ins += 1;
            if u.failed_sign_ins >= max {
                u.failed_sign_ins = 0;
                u.lockouts = u.lockouts.saturating_add(1);
                let secs = 1i64 << u.lockouts.min(10);
                u.locked_until = now.saturating_add(secs.min(900));
            }
        }
    }

    /// The verifier of an unknown user, stable across tries (the pool hides who exists).
    fn decoy(&self, pool_name: &str, username: &str) -> PasswordVerifier {
        let tag = hmac::sign(
            &self.decoy_key,
            format!("{pool_name}\0{username}").as_bytes(),
        );
        let bytes = tag.as_ref();
        let mut salt = bytes[..16].to_vec();
        salt[0] |= 1;
        let password: String = bytes[16..].iter().map(|b| format!("{b:02x}")).collect();
        PasswordVerifier::with_salt(
            pool_name,
            username,
            &password,
            num_bigint::BigUint::from_bytes_be(&salt),
        )
    }

    fn srp_start(
        &self,
        pool_id: &str,
        pool_name: &str,
        client: &AppClientConfig,
        params: &BTreeMap<String, String>,
        now: i64,
    ) -> Result<Value, ApiError> {
        let typed = need(params, "USERNAME")?;
        let a_hex = need(params, "SRP_A")?;
        check_secret_hash(client, typed, params.get("SECRET_HASH").map(String::as_str))?;
        let a = srp::parse_a(a_hex).map_err(|e| match e {
            srp::BadA::Malformed => invalid_parameter(format!(
                "SRP_A must be a hexadecimal number of at most {} digits",
                srp::MAX_SRP_A_HEX
            )),
            srp::BadA::Degenerate => {
                invalid_parameter("SRP_A is not a valid value (0 mod N, or not below N)")
            }
        })?;
        super::prewarm_key();
        let found = {
            let inner = lock(&self.inner);
            let pool = inner
                .pools
                .get(pool_id)
                .ok_or_else(|| client_not_found(&client.client_id))?;
            match pool.find_username(typed) {
                Some(name) => {
                    let u = &pool.users[&name];
                    Self::check_lockout(u, now)?;
                    Some((name, u.verifier.clone()))
                }
                None => None,
            }
        };
        let (username, verifier, known) = match found {
            Some((name, v)) => (name, v, true),
            None if client.prevent_user_existence_errors => {
                (typed.to_string(), self.decoy(pool_name, typed), false)
            }
            None => return Err(user_not_found()),
        };
        // The exponentiation runs without the lock.
        let handshake = srp::ServerHandshake::new(&verifier);
        let salt_hex = verifier.salt_hex();
        let srp_b = handshake.srp_b_hex();
        let secret_block = BASE64.encode(secure_bytes(256));
        lock(&self.inner).srp.insert(
            secret_block.clone(),
            SrpPending {
                pool: pool_id.to_string(),
                client: client.client_id.clone(),
                username: username.clone(),
                a,
                handshake,
                verifier,
                expires: now.saturating_add(client.auth_session_validity.as_secs() as i64),
                known,
            },
        );
        Ok(json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {
                "SALT": salt_hex,
                "SECRET_BLOCK": secret_block,
                "SRP_B": srp_b,
                "USERNAME": username,
                "USER_ID_FOR_SRP": username,
            }
        }))
    }

    fn password_auth(
        &self,
        pool_id: &str,
        pool_name: &str,
        client: &AppClientConfig,
        params: &BTreeMap<String, String>,
        now: i64,
    ) -> Result<Value, ApiError> {
        let typed = need(params, "USERNAME")?;
        let password = need(params, "PASSWORD")?;
        check_secret_hash(client, typed, params.get("SECRET_HASH").map(String::as_str))?;
        let (username, verifier) = {
            let inner = lock(&self.inner);
            let pool = inner
                .pools
                .get(pool_id)
                .ok_or_else(|| client_not_found(&client.client_id))?;
            match pool.find_username(typed) {
                Some(name) => {
                    let u = &pool.users[&name];
                    Self::check_lockout(u, now)?;
                    (name, u.verifier.clone())
                }
                None if client.prevent_user_existence_errors => return Err(incorrect()),
                None => return Err(user_not_found()),
            }
        };
        super::prewarm_key();
        if !verifier.matches(pool_name, &username, password) {
            self.register_failure(pool_id, &username, now);
            return Err(incorrect());
        }
        let mut inner = lock(&self.inner);
        self.after_password(&mut inner, pool_id, client, &username, now)
    }

    /// What follows a correct password: the user's state, then MFA, then tokens.
    fn after_password(
        &self,
        inner: &mut Inner,
        pool_id: &str,
        client: &AppClientConfig,
        username: &str,
        now: i64,
    ) -> Result<Value, ApiError> {
        let pool = inner.pools.get_mut(pool_id).ok_or_else(user_not_found)?;
        let required: Vec<String> = pool.settings.required_attributes.clone();
        let user = pool.users.get_mut(username).ok_or_else(user_not_found)?;
        user.failed_sign_ins = 0;
        if !user.enabled {
            return Err(not_authorized("User is disabled."));
        }
        match user.status {
            UserStatus::Unconfirmed => {
                Err(api("UserNotConfirmedException", "User is not confirmed."))
            }
            UserStatus::ResetRequired => Err(api(
                "PasswordResetRequiredException",
                "Password reset required for the user",
            )),
            UserStatus::ForceChangePassword => {
                if user.temp_expires.is_some_and(|t| t <= now) {
                    return Err(not_authorized(
                        "Temporary password has expired and must be reset by an administrator.",
                    ));
                }
                let missing: Vec<String> = required
                    .iter()
                    .filter(|r| !user.attributes.contains_key(*r))
                    .map(|r| format!("userAttributes.{r}"))
                    .collect();
                let attrs: BTreeMap<&str, &str> = user
                    .attributes
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let params = json!({
                    "USER_ID_FOR_SRP": user.username,
                    "requiredAttributes": serde_json::to_string(&missing).unwrap_or_default(),
                    "userAttributes": serde_json::to_string(&attrs).unwrap_or_default(),
                });
                Ok(self.new_session(
                    inner,
                    pool_id,
                    client,
                    username,
                    Step::NewPassword,
                    params,
                    now,
                ))
            }
            UserStatus::Confirmed => self.mfa_or_tokens(inner, pool_id, client, username, now),
        }
    }

    #[allow(clippy::too_many_arguments)] // the session's parts, all needed
    fn new_session(
        &self,
        inner: &mut Inner,
        pool_id: &str,
        client: &AppClientConfig,
        username: &str,
        step: Step,
        params: Value,
        now: i64,
    ) -> Value {
        let id = format!("AYABe{}", random_token(96));
        let challenge = step.challenge();
        inner.sessions.insert(
            id.clone(),
            ChallengeSession {
                pool: pool_id.to_string(),
                client: client.client_id.clone(),
                username: username.to_string(),
                step,
                expires: now.saturating_add(client.auth_session_validity.as_secs() as i64),
                attempts: 0,
            },
        );
        json!({"ChallengeName": challenge, "ChallengeParameters": params, "Session": id})
    }

    fn mfa_or_tokens(
        &self,
        inner: &mut Inner,
        pool_id: &str,
        client: &AppClientConfig,
        username: &str,
        now: i64,
    ) -> Result<Value, ApiError> {
        let pool = inner.pools.get(pool_id).ok_or_else(user_not_found)?;
        let mfa = pool.settings.mfa;
        let user = pool.users.get(username).ok_or_else(user_not_found)?;
        let mut available = Vec::new();
        if mfa.software_token && user.mfa_totp && user.totp_secret.is_some() {
            available.push(MfaKind::SoftwareToken);
        }
        if mfa.sms && user.mfa_sms && user.attr("phone_number").is_some() {
            available.push(MfaKind::Sms);
        }
        if mfa.email && user.mfa_email && user.attr("email").is_some() {
            available.push(MfaKind::Email);
        }
        let preferred = user.preferred;
        let has_phone = user.attr("phone_number").is_some();
        let has_email = user.attr("email").is_some();
        let step = match mfa.mode {
            MfaMode::Off => None,
            _ if !available.is_empty() => {
                let choice = if available.len() == 1 {
                    Some(available[0])
                } else {
                    preferred.filter(|p| available.contains(p))
                };
                match choice {
                    Some(k) => Some(Err(k)),
                    None => Some(Ok(Step::SelectMfa(available))),
                }
            }
            MfaMode::Optional => None,
            MfaMode::On if mfa.sms && has_phone => Some(Err(MfaKind::Sms)),
            MfaMode::On if mfa.email && has_email => Some(Err(MfaKind::Email)),
            MfaMode::On if mfa.software_token => Some(Ok(Step::MfaSetup {
                secret: None,
                verified: false,
            })),
            MfaMode::On => None,
        };
        match step {
            None => {
                let result = self.issue(
                    inner,
                    pool_id,
                    &client.client_id,
                    username,
                    now,
                    None,
                    true,
                    now,
                )?;
                Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
            }
            Some(Err(kind)) => Ok(self.code_challenge(inner, pool_id, client, username, kind, now)),
            Some(Ok(Step::SelectMfa(kinds))) => {
                let names: Vec<&str> = kinds.iter().map(|k| k.challenge()).collect();
                let params = json!({
                    "MFAS_CAN_CHOOSE": serde_json::to_string(&names).unwrap_or_default(),
                    "USER_ID_FOR_SRP": username,
                });
                Ok(self.new_session(
                    inner,
                    pool_id,
                    client,
                    username,
                    Step::SelectMfa(kinds),
                    params,
                    now,
                ))
            }
            Some(Ok(step)) => {
                let params = json!({
                    "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]",
                    "USER_ID_FOR_SRP": username,
                });
                Ok(self.new_session(inner, pool_id, client, username, step, params, now))
            }
        }
    }

    /// An SMS_MFA / EMAIL_OTP challenge (a code is "sent") or SOFTWARE_TOKEN_MFA.
    fn code_challenge(
        &self,
        inner: &mut Inner,
        pool_id: &str,
        client: &AppClientConfig,
        username: &str,
        kind: MfaKind,
        now: i64,
    ) -> Value {
        let expires = now.saturating_add(client.auth_session_validity.as_secs() as i64);
        let mut params = json!({"USER_ID_FOR_SRP": username});
        let mut code_value = None;
        if let Some(user) = inner
            .pools
            .get_mut(pool_id)
            .and_then(|p| p.users.get_mut(username))
        {
            let target = match kind {
                MfaKind::Sms => Some(("SMS", "phone_number", CodeKind::SmsMfa)),
                MfaKind::Email => Some(("EMAIL", "email", CodeKind::EmailOtp)),
                MfaKind::SoftwareToken => None,
            };
            if let Some((medium, attribute, code_kind)) = target {
                let code = Code {
                    value: random_code(),
                    expires,
                    attempts: 0,
                    medium,
                    destination: user.attr(attribute).unwrap_or_default().to_string(),
                    attribute: attribute.to_string(),
                };
                params["CODE_DELIVERY_DELIVERY_MEDIUM"] = json!(medium);
                params["CODE_DELIVERY_DESTINATION"] = json!(mask(medium, &code.destination));
                code_value = Some(code.value.clone());
                user.codes.insert(code_kind, code);
            }
        }
        self.new_session(
            inner,
            pool_id,
            client,
            username,
            Step::Code {
                kind,
                code: code_value,
            },
            params,
            now,
        )
    }

    fn refresh_record(
        &self,
        inner: &Inner,
        token: &str,
        client_id: &str,
        now: i64,
    ) -> Result<RefreshRecord, ApiError> {
        let rec = inner
            .refresh
            .get(token)
            .filter(|r| r.client == client_id)
            .cloned()
            .ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
        if rec.expires <= now {
            return Err(not_authorized("Refresh Token has expired"));
        }
        let user = inner
            .pools
            .get(&rec.pool)
            .and_then(|p| p.users.get(&rec.username))
            .ok_or_else(user_not_found)?;
        if !user.origin_live(&rec.origin) {
            return Err(not_authorized("Refresh Token has been revoked"));
        }
        if !user.enabled {
            return Err(not_authorized("User is disabled."));
        }
        Ok(rec)
    }

    fn refresh_auth(
        &self,
        client: &AppClientConfig,
        params: &BTreeMap<String, String>,
        now: i64,
    ) -> Result<Value, ApiError> {
        let token = need(params, "REFRESH_TOKEN")?;
        if client.refresh_token_rotation {
            return Err(invalid_parameter(
                "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken",
            ));
        }
        let mut inner = lock(&self.inner);
        let rec = self.refresh_record(&inner, token, &client.client_id, now)?;
        check_secret_hash(
            client,
            &rec.username,
            params.get("SECRET_HASH").map(String::as_str),
        )?;
        let result = self.issue(
            &mut inner,
            &rec.pool,
            &client.client_id,
            &rec.username,
            rec.auth_time,
            Some(rec.origin.clone()),
            false,
            now,
        )?;
        Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
    }

    fn get_tokens_from_refresh_token(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let mut f = Fields::new(req);
        let token = f.required_secret("RefreshToken")?;
        let client_id = f.client_id()?;
        let secret = f.secret("ClientSecret")?;
        f.finish()?;
        let (_, _, client) = self.client(&client_id)?;
        check_client_secret(&client, secret.as_deref())?;
        let mut inner = lock(&self.inner);
        let rec = self.refresh_record(&inner, &token, &client_id, now)?;
        if client.refresh_token_rotation {
            inner.refresh.remove(&token);
        }
        let result = self.issue(
            &mut inner,
            &rec.pool,
            &client_id,
            &rec.username,
            rec.auth_time,
            Some(rec.origin.clone()),
            client.refresh_token_rotation,
            now,
        )?;
        Ok(json!({ "AuthenticationResult": result }))
    }

    // ---- RespondToAuthChallenge ----

    fn respond_to_auth_challenge(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let mut f = Fields::new(req);
        let challenge = f.required("ChallengeName", 1, 64)?;
        let client_id = f.client_id()?;
        let session = f.get("Session")?;
        if let Some(s) = &session {
            if s.len() < 20 || s.len() > 2048 {
                f.v.push("Value at 'session' failed to satisfy constraint: Member must have length between 20 and 2048".into());
            }
        }
        let responses = string_map(req, "ChallengeResponses")?;
        f.finish()?;
        let (pool_id, pool_name, client) = self.client(&client_id)?;
        let typed = need(&responses, "USERNAME")?;
        check_secret_hash(
            &client,
            typed,
            responses.get("SECRET_HASH").map(String::as_str),
        )?;
        if challenge == "PASSWORD_VERIFIER" {
            return self.password_verifier(&pool_id, &pool_name, &client, typed, &responses, now);
        }
        let Some(session_id) = session else {
            return Err(invalid_session());
        };
        let mut inner = lock(&self.inner);
        let sess = inner
            .sessions
            .get(&session_id)
            .cloned()
            .ok_or_else(invalid_session)?;
        if sess.expires <= now {
            inner.sessions.remove(&session_id);
            return Err(expired_session());
        }
        if sess.client != client_id || sess.step.challenge() != challenge {
            return Err(invalid_session());
        }
        let pool = inner.pools.get(&pool_id).ok_or_else(invalid_session)?;
        if pool.find_username(typed).as_deref() != Some(sess.username.as_str()) {
            return Err(invalid_session());
        }
        let username = sess.username.clone();
        match sess.step.clone() {
            Step::NewPassword => {
                let new_password = need(&responses, "NEW_PASSWORD")?;
                let policy = pool.settings.password_policy;
                let required = pool.settings.required_attributes.clone();
                check_password(&policy, new_password)?;
                let user = pool.users.get(&username).ok_or_else(user_not_found)?;
                let mut attrs = user.attributes.clone();
                for (k, v) in &responses {
                    if let Some(name) = k.strip_prefix("userAttributes.") {
                        attrs.insert(name.to_string(), v.clone());
                    }
                }
                check_attributes(&attrs)?;
                if let Some(r) = required.iter().find(|r| !attrs.contains_key(*r)) {
                    return Err(invalid_parameter(format!(
                        "Invalid attributes given, {r} is missing"
                    )));
                }
                let verifier = PasswordVerifier::new(&pool_name, &username, new_password);
                let pool = inner.pools.get_mut(&pool_id).ok_or_else(user_not_found)?;
                let user = pool.users.get_mut(&username).ok_or_else(user_not_found)?;
                user.attributes = attrs;
                user.verifier = verifier;
                user.status = UserStatus::Confirmed;
                user.temp_expires = None;
                user.modified = now;
                inner.sessions.remove(&session_id);
                self.mfa_or_tokens(&mut inner, &pool_id, &client, &username, now)
            }
            Step::Code { kind, code } => {
                let key = format!("{}_CODE", kind.challenge());
                let given = need(&responses, &key)?;
                let max = pool.settings.max_code_attempts.max(1);
                let ok = match &code {
                    Some(c) => ct_eq(c, given),
                    None => pool
                        .users
                        .get(&username)
                        .and_then(|u| u.totp_secret.as_deref())
                        .is_some_and(|s| totp::verify(s, given, now)),
                };
                if !ok {
                    return Err(self.wrong_session_code(&mut inner, &session_id, max, || {
                        api("CodeMismatchException", "Invalid code received for user")
                    }));
                }
                inner.sessions.remove(&session_id);
                if let Some(user) = inner
                    .pools
                    .get_mut(&pool_id)
                    .and_then(|p| p.users.get_mut(&username))
                {
                    match kind {
                        MfaKind::Sms => user.codes.remove(&CodeKind::SmsMfa),
                        MfaKind::Email => user.codes.remove(&CodeKind::EmailOtp),
                        MfaKind::SoftwareToken => None,
                    };
                }
                let result = self.issue(
                    &mut inner, &pool_id, &client_id, &username, now, None, true, now,
                )?;
                Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
            }
            Step::SelectMfa(options) => {
                let answer = need(&responses, "ANSWER")?;
                let kind = MfaKind::parse(answer)
                    .filter(|k| options.contains(k))
                    .ok_or_else(|| {
                        invalid_parameter(
                            "ANSWER must be one of the MFAS_CAN_CHOOSE of the challenge",
                        )
                    })?;
                inner.sessions.remove(&session_id);
                Ok(self.code_challenge(&mut inner, &pool_id, &client, &username, kind, now))
            }
            Step::MfaSetup { verified, .. } => {
                if !verified {
                    return Err(invalid_parameter(
                        "Software token MFA has not been set up: call AssociateSoftwareToken and VerifySoftwareToken with this session first",
                    ));
                }
                inner.sessions.remove(&session_id);
                let result = self.issue(
                    &mut inner, &pool_id, &client_id, &username, now, None, true, now,
                )?;
                Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
            }
        }
    }

    /// A wrong code in a challenge session: counts it, and kills the session at the limit.
    fn wrong_session_code(
        &self,
        inner: &mut Inner,
        session_id: &str,
        max: u32,
        mismatch: impl FnOnce() -> ApiError,
    ) -> ApiError {
        let attempts = match inner.sessions.get_mut(session_id) {
            Some(s) => {
                s.attempts += 1;
                s.attempts
            }
            None => max,
        };
        if attempts >= max {
            inner.sessions.remove(session_id);
            too_many_attempts()
        } else {
            mismatch()
        }
    }

    fn password_verifier(
        &self,
        pool_id: &str,
        pool_name: &str,
        client: &AppClientConfig,
        typed: &str,
        responses: &BTreeMap<String, String>,
        now: i64,
    ) -> Result<Value, ApiError> {
        let signature = need(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let block = need(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let timestamp = need(responses, "TIMESTAMP")?;
        let ts = srp::parse_timestamp(timestamp).ok_or_else(|| {
            invalid_parameter("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
        })?;
        // One use per secret block: taken out whatever comes next.
        let pending = lock(&self.inner)
            .srp
            .remove(block)
            .ok_or_else(invalid_session)?;
        if pending.expires <= now {
            return Err(expired_session());
        }
        if pending.client != client.client_id || pending.pool != pool_id {
            return Err(invalid_session());
        }
        let same_user = if pending.known {
            let inner = lock(&self.inner);
            inner
                .pools
                .get(pool_id)
                .and_then(|p| p.find_username(typed))
                .as_deref()
                == Some(pending.username.as_str())
        } else {
            typed == pending.username
        };
        if !same_user {
            return Err(incorrect());
        }
        // The two exponentiations run without the lock.
        let key = pending.handshake.key(&pending.a, &pending.verifier);
        let block_bytes = BASE64.decode(block).unwrap_or_default();
        let claimed = BASE64.decode(signature).ok();
        let fresh = (ts - now).abs() <= TIMESTAMP_WINDOW_SECS;
        let proof_ok = match (key, claimed) {
            (Some(k), Some(sig)) => srp::claim_matches(
                &k,
                pool_name,
                &pending.username,
                &block_bytes,
                // The signature is over the canonical form of the time given.
                &srp::format_timestamp(ts),
                &sig,
            ),
            _ => false,
        };
        if !(pending.known && fresh && proof_ok) {
            if pending.known {
                self.register_failure(pool_id, &pending.username, now);
            }
            return Err(incorrect());
        }
        let mut inner = lock(&self.inner);
        self.after_password(&mut inner, pool_id, client, &pending.username, now)
    }

    // ---- sign-up and codes ----

    fn user_call_fields(&self, req: &Req, code: bool) -> Result<UserCall, ApiError> {
        let mut f = Fields::new(req);
        let client_id = f.client_id()?;
        let username = f.required("Username", 1, 128)?;
        let code_value = if code {
            Some(f.required("ConfirmationCode", 1, 2048)?)
        } else {
            None
        };
        let hash = f.secret("SecretHash")?;
        f.finish()?;
        let (pool_id, pool_name, client) = self.client(&client_id)?;
        check_secret_hash(&client, &username, hash.as_deref())?;
        Ok((username, pool_id, code_value, pool_name, client_id, client))
    }

    /// Sends a code to a user's `attribute` (`email` or `phone_number`).
    fn send_code(user: &mut User, kind: CodeKind, attribute: &str, expires: i64) -> Value {
        let medium = if attribute == "phone_number" {
            "SMS"
        } else {
            "EMAIL"
        };
        let code = Code {
            value: random_code(),
            expires,
            attempts: 0,
            medium,
            destination: user.attr(attribute).unwrap_or_default().to_string(),
            attribute: attribute.to_string(),
        };
        let details = code_delivery(&code);
        user.codes.insert(kind, code);
        details
    }

    fn decoy_delivery(username: &str) -> Value {
        let _ = username;
        json!({"AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": "u***@e***"})
    }

    /// Checks a sign-up or forgot-password code; consumes it when right.
    fn check_code(
        user: &mut User,
        kind: CodeKind,
        given: &str,
        max_attempts: u32,
        now: i64,
    ) -> Result<Code, ApiError> {
        let mismatch = || {
            api(
                "CodeMismatchException",
                "Invalid verification code provided, please try again.",
            )
        };
        let Some(code) = user.codes.get_mut(&kind) else {
            return Err(mismatch());
        };
        if code.expires <= now {
            return Err(api(
                "ExpiredCodeException",
                "Invalid code provided, please request a code again.",
            ));
        }
        if !ct_eq(&code.value, given) {
            code.attempts += 1;
            if code.attempts >= max_attempts.max(1) {
                user.codes.remove(&kind);
                return Err(too_many_attempts());
            }
            return Err(mismatch());
        }
        Ok(user.codes.remove(&kind).expect("the code is there"))
    }

    fn sign_up(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let mut f = Fields::new(req);
        let client_id = f.client_id()?;
        let username = f.required("Username", 1, 128)?;
        let password = f.required_secret("Password")?;
        let hash = f.secret("SecretHash")?;
        f.finish()?;
        if username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid_parameter(
                "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
            ));
        }
        let mut attributes = attribute_list(req, "UserAttributes")?;
        let (pool_id, _, client) = self.client(&client_id)?;
        check_secret_hash(&client, &username, hash.as_deref())?;
        attributes.retain(|k, _| !k.ends_with("_verified"));
        check_attributes(&attributes)?;
        let mut inner = lock(&self.inner);
        let pool = inner
            .pools
            .get_mut(&pool_id)
            .ok_or_else(|| client_not_found(&client_id))?;
        if pool.users.contains_key(&username) {
            return Err(api("UsernameExistsException", "User already exists"));
        }
        check_password(&pool.settings.password_policy, &password)?;
        if let Some(r) = pool
            .settings
            .required_attributes
            .iter()
            .find(|r| !attributes.contains_key(*r))
        {
            return Err(invalid_parameter(format!(
                "Attributes did not conform to the schema: {r}: The attribute {r} is required"
            )));
        }
        if pool.users.len() >= MAX_USERS_PER_POOL {
            return Err(api(
                "LimitExceededException",
                format!("The emulator holds at most {MAX_USERS_PER_POOL} users per user pool"),
            ));
        }
        let auto_confirm = pool.settings.auto_confirm_sign_up;
        let target = pool
            .settings
            .auto_verified_attributes
            .iter()
            .find(|a| attributes.contains_key(*a))
            .cloned();
        let validity = pool.settings.confirmation_code_validity.as_secs() as i64;
        drop(inner);
        let seed = SeedUser {
            username: username.clone(),
            password,
            status: if auto_confirm {
                UserStatus::Confirmed
            } else {
                UserStatus::Unconfirmed
            },
            attributes,
            enabled: true,
            mfa: UserMfa::default(),
            sub: None,
        };
        let sub = self
            .create_user(&pool_id, seed, now)
            .map_err(|e| api("InvalidParameterException", e))?;
        let mut out = json!({"UserConfirmed": auto_confirm, "UserSub": sub});
        if !auto_confirm {
            if let Some(attribute) = target {
                let mut inner = lock(&self.inner);
                if let Some(user) = inner
                    .pools
                    .get_mut(&pool_id)
                    .and_then(|p| p.users.get_mut(&username))
                {
                    out["CodeDeliveryDetails"] = Self::send_code(
                        user,
                        CodeKind::SignUp,
                        &attribute,
                        now.saturating_add(validity),
                    );
                }
            }
        }
        Ok(out)
    }

    fn confirm_sign_up(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let (typed, pool_id, code, _, _, client) = self.user_call_fields(req, true)?;
        let code = code.unwrap_or_default();
        let mut inner = lock(&self.inner);
        let pool = inner.pools.get_mut(&pool_id).ok_or_else(user_not_found)?;
        let max = pool.settings.max_code_attempts;
        let Some(name) = pool.find_username(&typed) else {
            return Err(if client.prevent_user_existence_errors {
                api(
                    "CodeMismatchException",
                    "Invalid verification code provided, please try again.",
                )
            } else {
                user_not_found()
            });
        };
        let user = pool.users.get_mut(&name).ok_or_else(user_not_found)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.name()
            )));
        }
        let used = Self::check_code(user, CodeKind::SignUp, &code, max, now)?;
        user.status = UserStatus::Confirmed;
        user.attributes
            .insert(format!("{}_verified", used.attribute), "true".into());
        user.modified = now;
        Ok(json!({}))
    }

    fn resend_confirmation_code(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let (typed, pool_id, _, _, _, client) = self.user_call_fields(req, false)?;
        let mut inner = lock(&self.inner);
        let pool = inner.pools.get_mut(&pool_id).ok_or_else(user_not_found)?;
        let validity = pool.settings.confirmation_code_validity.as_secs() as i64;
        let targets = pool.settings.auto_verified_attributes.clone();
        let Some(name) = pool.find_username(&typed) else {
            return if client.prevent_user_existence_errors {
                Ok(json!({"CodeDeliveryDetails": Self::decoy_delivery(&typed)}))
            } else {
                Err(user_not_found())
            };
        };
        let user = pool.users.get_mut(&name).ok_or_else(user_not_found)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(invalid_parameter("User is already confirmed."));
        }
        let attribute = targets
            .iter()
            .find(|a| user.attributes.contains_key(*a))
            .cloned()
            .ok_or_else(|| {
                invalid_parameter("The user has no attribute the user pool sends codes to")
            })?;
        let details = Self::send_code(
            user,
            CodeKind::SignUp,
            &attribute,
            now.saturating_add(validity),
        );
        Ok(json!({ "CodeDeliveryDetails": details }))
    }

    fn forgot_password(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let (typed, pool_id, _, _, _, client) = self.user_call_fields(req, false)?;
        let mut inner = lock(&self.inner);
        let pool = inner.pools.get_mut(&pool_id).ok_or_else(user_not_found)?;
        let validity = pool.settings.reset_code_validity.as_secs() as i64;
        let Some(name) = pool.find_username(&typed) else {
            return if client.prevent_user_existence_errors {
                Ok(json!({"CodeDeliveryDetails": Self::decoy_delivery(&typed)}))
            } else {
                Err(user_not_found())
            };
        };
        let user = pool.users.get_mut(&name).ok_or_else(user_not_found)?;
        if !user.enabled {
            return Err(not_authorized("User is disabled."));
        }
        let attribute = ["email", "phone_number"]
            .into_iter()
            .find(|a| user.attributes.contains_key(*a) && user.verified(a))
            .ok_or_else(|| {
                invalid_parameter(
                    "Cannot reset password for the user as there is no registered/verified email or phone_number",
                )
            })?;
        let details = Self::send_code(
            user,
            CodeKind::ForgotPassword,
            attribute,
            now.saturating_add(validity),
        );
        Ok(json!({ "CodeDeliveryDetails": details }))
    }

    fn confirm_forgot_password(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let password = string_field(req, "Password")?;
        let (typed, pool_id, code, pool_name, _, client) = self.user_call_fields(req, true)?;
        let Some(password) = password else {
            return Err(invalid_parameter(
                "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
            ));
        };
        let code = code.unwrap_or_default();
        let mut inner = lock(&self.inner);
        let pool = inner.pools.get_mut(&pool_id).ok_or_else(user_not_found)?;
        let max = pool.settings.max_code_attempts;
        let policy = pool.settings.password_policy;
        let Some(name) = pool.find_username(&typed) else {
            return Err(if client.prevent_user_existence_errors {
                api(
                    "CodeMismatchException",
                    "Invalid verification code provided, please try again.",
                )
            } else {
                user_not_found()
            });
        };
        let user = pool.users.get_mut(&name).ok_or_else(user_not_found)?;
        // The password is checked first, so that a weak one does not use up the code.
        if user.codes.contains_key(&CodeKind::ForgotPassword) {
            check_password(&policy, &password)?;
        }
        Self::check_code(user, CodeKind::ForgotPassword, &code, max, now)?;
        user.verifier = PasswordVerifier::new(&pool_name, &name, &password);
        if matches!(
            user.status,
            UserStatus::ResetRequired | UserStatus::ForceChangePassword
        ) {
            user.status = UserStatus::Confirmed;
            user.temp_expires = None;
        }
        user.failed_sign_ins = 0;
        user.locked_until = 0;
        user.modified = now;
        Ok(json!({}))
    }

    // ---- operations with an access token ----

    /// The user an access token belongs to: (pool, username).
    fn access_user(&self, token: &str, now: i64) -> Result<(String, String), ApiError> {
        let bad = || not_authorized("Invalid Access Token");
        let payload = self.signer.verify(token).map_err(|_| bad())?;
        if payload.get("token_use").and_then(Value::as_str) != Some("access") {
            return Err(bad());
        }
        let iss = payload.get("iss").and_then(Value::as_str).ok_or_else(bad)?;
        let inner = lock(&self.inner);
        let pool = inner
            .pools
            .values()
            .find(|p| p.issuer() == iss)
            .ok_or_else(bad)?;
        match crate::tokens::numeric_claim(&payload, "exp") {
            Some(exp) if exp > now => {}
            Some(_) => return Err(not_authorized("Access Token has expired")),
            None => return Err(bad()),
        }
        let username = payload
            .get("username")
            .and_then(Value::as_str)
            .ok_or_else(bad)?;
        let user = pool.users.get(username).ok_or_else(user_not_found)?;
        let origin = payload
            .get("origin_jti")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !user.origin_live(origin) {
            return Err(not_authorized("Access Token has been revoked"));
        }
        if !user.enabled {
            return Err(not_authorized("User is disabled."));
        }
        Ok((pool.settings.id.clone(), username.to_string()))
    }

    fn access_token_field(req: &Req) -> Result<String, ApiError> {
        let mut f = Fields::new(req);
        let t = f.required_secret("AccessToken")?;
        f.finish()?;
        Ok(t)
    }

    fn change_password(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let mut f = Fields::new(req);
        let token = f.required_secret("AccessToken")?;
        let previous = f.required_secret("PreviousPassword")?;
        let proposed = f.required_secret("ProposedPassword")?;
        f.finish()?;
        let (pool_id, username) = self.access_user(&token, now)?;
        let (pool_name, verifier, policy) = {
            let inner = lock(&self.inner);
            let pool = inner.pools.get(&pool_id).ok_or_else(user_not_found)?;
            let user = pool.users.get(&username).ok_or_else(user_not_found)?;
            Self::check_lockout(user, now)?;
            (
                pool.name.clone(),
                user.verifier.clone(),
                pool.settings.password_policy,
            )
        };
        if !verifier.matches(&pool_name, &username, &previous) {
            self.register_failure(&pool_id, &username, now);
            return Err(incorrect());
        }
        check_password(&policy, &proposed)?;
        let new = PasswordVerifier::new(&pool_name, &username, &proposed);
        self.with_user(&pool_id, &username, |_, u| {
            u.verifier = new;
            u.modified = now;
            Ok(())
        })
        .map_err(|_| user_not_found())?;
        Ok(json!({}))
    }

    fn global_sign_out(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let token = Self::access_token_field(req)?;
        let (pool_id, username) = self.access_user(&token, now)?;
        let mut inner = lock(&self.inner);
        if let Some(u) = inner
            .pools
            .get_mut(&pool_id)
            .and_then(|p| p.users.get_mut(&username))
        {
            // Its refresh tokens now answer "Refresh Token has been revoked".
            u.origins.clear();
        }
        Ok(json!({}))
    }

    fn revoke_token(&self, req: &Req, _now: i64) -> Result<Value, ApiError> {
        let mut f = Fields::new(req);
        let token = f.required_secret("Token")?;
        let client_id = f.client_id()?;
        let secret = f.secret("ClientSecret")?;
        f.finish()?;
        let (_, _, client) = self.client(&client_id)?;
        check_client_secret(&client, secret.as_deref())?;
        if self.signer.verify(&token).is_ok() {
            return Err(api(
                "UnsupportedTokenTypeException",
                "Only refresh tokens can be revoked",
            ));
        }
        let mut inner = lock(&self.inner);
        let Some(rec) = inner.refresh.get(&token).cloned() else {
            // As OAuth revocation: an unknown token is no error.
            return Ok(json!({}));
        };
        if rec.client != client_id {
            return Err(api(
                "UnauthorizedException",
                "The refresh token was not issued to this app client",
            ));
        }
        if let Some(u) = inner
            .pools
            .get_mut(&rec.pool)
            .and_then(|p| p.users.get_mut(&rec.username))
        {
            u.origins.retain(|o| *o != rec.origin);
        }
        Ok(json!({}))
    }

    fn get_user(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let token = Self::access_token_field(req)?;
        let (pool_id, username) = self.access_user(&token, now)?;
        let inner = lock(&self.inner);
        let user = inner
            .pools
            .get(&pool_id)
            .and_then(|p| p.users.get(&username))
            .ok_or_else(user_not_found)?;
        let mut attrs = vec![json!({"Name": "sub", "Value": user.sub})];
        attrs.extend(
            user.attributes
                .iter()
                .map(|(k, v)| json!({"Name": k, "Value": v})),
        );
        let mut settings = Vec::new();
        if user.mfa_sms {
            settings.push("SMS_MFA");
        }
        if user.mfa_totp {
            settings.push("SOFTWARE_TOKEN_MFA");
        }
        if user.mfa_email {
            settings.push("EMAIL_OTP");
        }
        let mut out = json!({"Username": user.username, "UserAttributes": attrs});
        if !settings.is_empty() {
            out["UserMFASettingList"] = json!(settings);
        }
        if let Some(p) = user.preferred {
            out["PreferredMfaSetting"] = json!(p.challenge());
        }
        Ok(out)
    }

    /// The challenge session of an MFA_SETUP (AssociateSoftwareToken / VerifySoftwareToken).
    fn setup_session(
        inner: &Inner,
        session_id: &str,
        now: i64,
    ) -> Result<ChallengeSession, ApiError> {
        let sess = inner
            .sessions
            .get(session_id)
            .cloned()
            .ok_or_else(invalid_session)?;
        if sess.expires <= now {
            return Err(expired_session());
        }
        if !matches!(sess.step, Step::MfaSetup { .. }) {
            return Err(invalid_session());
        }
        Ok(sess)
    }

    fn token_or_session(req: &Req) -> Result<(Option<String>, Option<String>), ApiError> {
        let mut f = Fields::new(req);
        let token = f.secret("AccessToken")?;
        let session = f.secret("Session")?;
        f.finish()?;
        if token.is_some() == session.is_some() {
            return Err(invalid_parameter(
                "Exactly one of AccessToken and Session must be given",
            ));
        }
        Ok((token, session))
    }

    fn associate_software_token(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let (token, session) = Self::token_or_session(req)?;
        let secret = secure_bytes(20);
        let code = totp::base32(&secret);
        if let Some(token) = token {
            let (pool_id, username) = self.access_user(&token, now)?;
            self.with_user(&pool_id, &username, |_, u| {
                u.totp_pending = Some(secret);
                Ok(())
            })
            .map_err(|_| user_not_found())?;
            return Ok(json!({ "SecretCode": code }));
        }
        let session_id = session.unwrap_or_default();
        let mut inner = lock(&self.inner);
        let mut sess = Self::setup_session(&inner, &session_id, now)?;
        sess.step = Step::MfaSetup {
            secret: Some(secret),
            verified: false,
        };
        inner.sessions.remove(&session_id);
        let new_id = format!("AYABe{}", random_token(96));
        inner.sessions.insert(new_id.clone(), sess);
        Ok(json!({"SecretCode": code, "Session": new_id}))
    }

    fn verify_software_token(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let (token, session) = Self::token_or_session(req)?;
        let mut f = Fields::new(req);
        let code = f.required("UserCode", 6, 6)?;
        f.finish()?;
        let mismatch = || {
            api(
                "EnableSoftwareTokenMFAException",
                "Code mismatch and fail enable Software Token MFA",
            )
        };
        if let Some(token) = token {
            let (pool_id, username) = self.access_user(&token, now)?;
            let result = self.with_user(&pool_id, &username, |_, u| {
                let Some(pending) = u.totp_pending.clone() else {
                    return Err("none".to_string());
                };
                if !totp::verify(&pending, &code, now) {
                    return Err("mismatch".to_string());
                }
                u.totp_secret = Some(pending);
                u.totp_pending = None;
                Ok(())
            });
            return match result {
                Ok(()) => Ok(json!({"Status": "SUCCESS"})),
                Err(e) if e == "none" => Err(invalid_parameter(
                    "User has not associated a software token: call AssociateSoftwareToken first",
                )),
                Err(_) => Err(mismatch()),
            };
        }
        let session_id = session.unwrap_or_default();
        let mut inner = lock(&self.inner);
        let sess = Self::setup_session(&inner, &session_id, now)?;
        let Step::MfaSetup {
            secret: Some(secret),
            ..
        } = &sess.step
        else {
            return Err(invalid_parameter(
                "Call AssociateSoftwareToken with this session first",
            ));
        };
        let max = inner
            .pools
            .get(&sess.pool)
            .map_or(5, |p| p.settings.max_code_attempts);
        if !totp::verify(secret, &code, now) {
            return Err(self.wrong_session_code(&mut inner, &session_id, max, mismatch));
        }
        if let Some(u) = inner
            .pools
            .get_mut(&sess.pool)
            .and_then(|p| p.users.get_mut(&sess.username))
        {
            u.totp_secret = Some(secret.clone());
            u.mfa_totp = true;
            u.preferred.get_or_insert(MfaKind::SoftwareToken);
        }
        let mut next = sess.clone();
        next.step = Step::MfaSetup {
            secret: Some(secret.clone()),
            verified: true,
        };
        inner.sessions.remove(&session_id);
        let new_id = format!("AYABe{}", random_token(96));
        inner.sessions.insert(new_id.clone(), next);
        Ok(json!({"Status": "SUCCESS", "Session": new_id}))
    }

    fn set_user_mfa_preference(&self, req: &Req, now: i64) -> Result<Value, ApiError> {
        let token = {
            let mut f = Fields::new(req);
            let t = f.required_secret("AccessToken")?;
            f.finish()?;
            t
        };
        let setting = |name: &str| -> Result<Option<(bool, bool)>, ApiError> {
            match req.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Object(m)) => {
                    let b = |k: &str| match m.get(k) {
                        None | Some(Value::Null) => Ok(false),
                        Some(Value::Bool(b)) => Ok(*b),
                        Some(_) => Err(serialization(format!(
                            "Value at '{name}.{k}' is not a BOOLEAN_VALUE"
                        ))),
                    };
                    Ok(Some((b("Enabled")?, b("PreferredMfa")?)))
                }
                Some(_) => Err(serialization(format!(
                    "Value at '{name}' is not a structure"
                ))),
            }
        };
        let sms = setting("SMSMfaSettings")?;
        let totp_setting = setting("SoftwareTokenMfaSettings")?;
        let email = setting("EmailMfaSettings")?;
        let (pool_id, username) = self.access_user(&token, now)?;
        let result = self.with_user(&pool_id, &username, |_, u| {
            if let Some((enabled, _)) = totp_setting {
                if enabled && u.totp_secret.is_none() {
                    return Err("User has not verified software token mfa".to_string());
                }
            }
            let mut apply = |s: Option<(bool, bool)>, flag: &mut bool, kind: MfaKind| {
                if let Some((enabled, preferred)) = s {
                    *flag = enabled;
                    if preferred && enabled {
                        u.preferred = Some(kind);
                    } else if u.preferred == Some(kind) {
                        u.preferred = None;
                    }
                }
            };
            let (mut s, mut t, mut e) = (u.mfa_sms, u.mfa_totp, u.mfa_email);
            apply(sms, &mut s, MfaKind::Sms);
            apply(totp_setting, &mut t, MfaKind::SoftwareToken);
            apply(email, &mut e, MfaKind::Email);
            u.mfa_sms = s;
            u.mfa_totp = t;
            u.mfa_email = e;
            Ok(())
        });
        result.map_err(invalid_parameter)?;
        Ok(json!({}))
    }
}
