//! User pool configuration: pools, app clients, MFA, password policy, seed users, and
//! the seed file (JSON) that fills them.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

/// The user pool of the default config.
pub const DEFAULT_USER_POOL_ID: &str = "us-east-1_EmuPool1";
/// An app client of [`DEFAULT_USER_POOL_ID`] without a secret (what a game uses).
pub const DEFAULT_USER_POOL_CLIENT_ID: &str = "emulatorpublicclient00001";
/// An app client of [`DEFAULT_USER_POOL_ID`] with the secret
/// [`DEFAULT_USER_POOL_CLIENT_SECRET`] (requests need `SECRET_HASH`).
pub const DEFAULT_USER_POOL_SECRET_CLIENT_ID: &str = "emulatorsecretclient00001";
/// The secret of [`DEFAULT_USER_POOL_SECRET_CLIENT_ID`].
pub const DEFAULT_USER_POOL_CLIENT_SECRET: &str =
    "emulatorclientsecret0000000000000000000000000000001";

/// The sign-in flows an app client allows (`ExplicitAuthFlows`).
pub const ALLOW_USER_SRP_AUTH: &str = "ALLOW_USER_SRP_AUTH";
pub const ALLOW_USER_PASSWORD_AUTH: &str = "ALLOW_USER_PASSWORD_AUTH";
pub const ALLOW_REFRESH_TOKEN_AUTH: &str = "ALLOW_REFRESH_TOKEN_AUTH";

/// A user's state, as `UserStatus` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    #[default]
    Confirmed,
    /// Signed up, not confirmed yet: sign-in answers `UserNotConfirmedException`.
    Unconfirmed,
    /// Created with a temporary password: sign-in asks `NEW_PASSWORD_REQUIRED`.
    ForceChangePassword,
    /// Sign-in answers `PasswordResetRequiredException` until a forgot-password flow.
    ResetRequired,
}

impl UserStatus {
    pub fn name(self) -> &'static str {
        match self {
            UserStatus::Confirmed => "CONFIRMED",
            UserStatus::Unconfirmed => "UNCONFIRMED",
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::ResetRequired => "RESET_REQUIRED",
        }
    }

    pub fn parse(s: &str) -> Option<UserStatus> {
        [
            UserStatus::Confirmed,
            UserStatus::Unconfirmed,
            UserStatus::ForceChangePassword,
            UserStatus::ResetRequired,
        ]
        .into_iter()
        .find(|x| x.name().eq_ignore_ascii_case(s))
    }
}

/// A pool's `MfaConfiguration`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MfaMode {
    #[default]
    Off,
    /// Users who turned a factor on are asked for it.
    Optional,
    /// Every user is asked; users without a factor set one up (`MFA_SETUP`) or get
    /// codes by SMS/email if they have a phone number/email.
    On,
}

/// A pool's MFA configuration: the mode and the factors it offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MfaConfig {
    pub mode: MfaMode,
    pub sms: bool,
    pub software_token: bool,
    pub email: bool,
}

impl Default for MfaConfig {
    fn default() -> Self {
        MfaConfig {
            mode: MfaMode::Off,
            sms: true,
            software_token: true,
            email: true,
        }
    }
}

/// A pool's password policy (AWS's default: 8 characters with upper and lower case
/// letters, digits and symbols). Passwords over 256 characters are always refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    /// How long a temporary password (FORCE_CHANGE_PASSWORD) may be used.
    pub temporary_password_validity_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

/// One app client of a user pool.
#[derive(Clone, Debug)]
pub struct AppClientConfig {
    pub client_id: String,
    /// With a secret, every request needs `SECRET_HASH` (and GetTokensFromRefreshToken /
    /// RevokeToken the secret itself).
    pub client_secret: Option<String>,
    /// `ALLOW_USER_SRP_AUTH`, `ALLOW_USER_PASSWORD_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`
    /// (default: all three).
    pub explicit_auth_flows: Vec<String>,
    /// Refresh-token rotation: `REFRESH_TOKEN_AUTH` is refused and
    /// `GetTokensFromRefreshToken` returns a new refresh token (the old one dies).
    pub refresh_token_rotation: bool,
    /// `PreventUserExistenceErrors = ENABLED`: unknown users get the answers a wrong
    /// password gets. Default false (`LEGACY`, the API's default): `UserNotFoundException`.
    pub prevent_user_existence_errors: bool,
    pub id_token_validity: Duration,
    pub access_token_validity: Duration,
    pub refresh_token_validity: Duration,
    /// How long a challenge's `Session` (and an SRP secret block) lives (AWS: 3 minutes).
    pub auth_session_validity: Duration,
}

impl AppClientConfig {
    /// A client without a secret, all three flows, tokens for 1 h, refresh tokens for
    /// 30 days, sessions for 3 minutes.
    pub fn new(client_id: impl Into<String>) -> AppClientConfig {
        AppClientConfig {
            client_id: client_id.into(),
            client_secret: None,
            explicit_auth_flows: vec![
                ALLOW_USER_SRP_AUTH.into(),
                ALLOW_USER_PASSWORD_AUTH.into(),
                ALLOW_REFRESH_TOKEN_AUTH.into(),
            ],
            refresh_token_rotation: false,
            prevent_user_existence_errors: false,
            id_token_validity: Duration::from_secs(3600),
            access_token_validity: Duration::from_secs(3600),
            refresh_token_validity: Duration::from_secs(30 * 86_400),
            auth_session_validity: Duration::from_secs(180),
        }
    }

    pub fn with_secret(mut self, secret: impl Into<String>) -> AppClientConfig {
        self.client_secret = Some(secret.into());
        self
    }

    pub fn with_auth_flows(mut self, flows: &[&str]) -> AppClientConfig {
        self.explicit_auth_flows = flows.iter().map(|f| f.to_string()).collect();
        self
    }

    pub fn with_refresh_token_rotation(mut self, on: bool) -> AppClientConfig {
        self.refresh_token_rotation = on;
        self
    }

    /// Id and access token lifetime.
    pub fn with_token_validity(mut self, d: Duration) -> AppClientConfig {
        self.id_token_validity = d;
        self.access_token_validity = d;
        self
    }
}

/// The MFA settings of a user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UserMfa {
    /// SMS codes to `phone_number`.
    pub sms: bool,
    /// Codes by email to `email`.
    pub email: bool,
    /// A verified authenticator-app secret (base32, as AssociateSoftwareToken hands
    /// out); software-token MFA is on when it is set.
    pub software_token_secret: Option<String>,
    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    pub preferred: Option<String>,
}

/// A user to create (config, seed file, admin API).
#[derive(Clone, Debug, Deserialize)]
pub struct SeedUser {
    pub username: String,
    /// The password (temporary one for FORCE_CHANGE_PASSWORD); must meet the policy.
    pub password: String,
    #[serde(default)]
    pub status: UserStatus,
    /// `email`, `phone_number`, `email_verified` ("true"), `custom:*`, ...
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub mfa: UserMfa,
    /// Default: a random UUID.
    #[serde(default)]
    pub sub: Option<String>,
}

fn yes() -> bool {
    true
}

impl SeedUser {
    /// A CONFIRMED user without attributes.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> SeedUser {
        SeedUser {
            username: username.into(),
            password: password.into(),
            status: UserStatus::Confirmed,
            attributes: BTreeMap::new(),
            enabled: true,
            mfa: UserMfa::default(),
            sub: None,
        }
    }

    pub fn with_status(mut self, status: UserStatus) -> SeedUser {
        self.status = status;
        self
    }

    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> SeedUser {
        self.attributes.insert(name.into(), value.into());
        self
    }

    pub fn with_mfa(mut self, mfa: UserMfa) -> SeedUser {
        self.mfa = mfa;
        self
    }
}

/// One user pool served by the emulator.
#[derive(Clone, Debug)]
pub struct UserPoolConfig {
    /// `<region>_<name>`; the name (after `_`) enters the SRP math.
    pub id: String,
    pub clients: Vec<AppClientConfig>,
    pub mfa: MfaConfig,
    pub password_policy: PasswordPolicy,
    /// Attributes SignUp must bring and NEW_PASSWORD_REQUIRED asks for if missing.
    pub required_attributes: Vec<String>,
    /// Where SignUp sends the confirmation code (`email`, `phone_number`); default
    /// `["email"]`. Empty: no code, an administrator confirms.
    pub auto_verified_attributes: Vec<String>,
    /// Verified attributes users may also sign in with (`email`, `phone_number`,
    /// `preferred_username`); USER_ID_FOR_SRP stays the username.
    pub alias_attributes: Vec<String>,
    /// Confirm users at SignUp (as a pre-sign-up trigger that auto-confirms would).
    pub auto_confirm_sign_up: bool,
    /// Sign-up confirmation codes (AWS: 24 h).
    pub confirmation_code_validity: Duration,
    /// Forgot-password codes (AWS: 1 h).
    pub reset_code_validity: Duration,
    /// Wrong codes (sign-up, forgot password, MFA) accepted before
    /// `TooManyFailedAttemptsException` kills the code.
    pub max_code_attempts: u32,
    /// Wrong passwords in a row before sign-in answers "Password attempts exceeded"
    /// for a while (2 s, doubling, at most 15 min).
    pub max_failed_sign_ins: u32,
    pub users: Vec<SeedUser>,
}

impl UserPoolConfig {
    /// A pool without clients or users, with AWS's defaults (MFA off, the default
    /// password policy, codes to `email`).
    pub fn new(id: impl Into<String>) -> UserPoolConfig {
        UserPoolConfig {
            id: id.into(),
            clients: Vec::new(),
            mfa: MfaConfig::default(),
            password_policy: PasswordPolicy::default(),
            required_attributes: Vec::new(),
            auto_verified_attributes: vec!["email".into()],
            alias_attributes: Vec::new(),
            auto_confirm_sign_up: false,
            confirmation_code_validity: Duration::from_secs(86_400),
            reset_code_validity: Duration::from_secs(3600),
            max_code_attempts: 5,
            max_failed_sign_ins: 5,
            users: Vec::new(),
        }
    }

    pub fn with_client(mut self, client: AppClientConfig) -> UserPoolConfig {
        self.clients.push(client);
        self
    }

    pub fn with_user(mut self, user: SeedUser) -> UserPoolConfig {
        self.users.push(user);
        self
    }

    pub fn with_mfa(mut self, mfa: MfaConfig) -> UserPoolConfig {
        self.mfa = mfa;
        self
    }

    /// [`DEFAULT_USER_POOL_ID`] with [`DEFAULT_USER_POOL_CLIENT_ID`] and
    /// [`DEFAULT_USER_POOL_SECRET_CLIENT_ID`], no users.
    pub fn default_pool() -> UserPoolConfig {
        UserPoolConfig::new(DEFAULT_USER_POOL_ID)
            .with_client(AppClientConfig::new(DEFAULT_USER_POOL_CLIENT_ID))
            .with_client(
                AppClientConfig::new(DEFAULT_USER_POOL_SECRET_CLIENT_ID)
                    .with_secret(DEFAULT_USER_POOL_CLIENT_SECRET),
            )
    }
}

// ---- the seed file ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    #[serde(default)]
    user_pools: Vec<SeedPool>,
    #[serde(default)]
    users: Vec<SeedPoolUser>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedPool {
    id: String,
    #[serde(default)]
    clients: Vec<SeedClient>,
    mfa: Option<MfaConfig>,
    password_policy: Option<PasswordPolicy>,
    required_attributes: Option<Vec<String>>,
    auto_verified_attributes: Option<Vec<String>>,
    alias_attributes: Option<Vec<String>>,
    auto_confirm_sign_up: Option<bool>,
    #[serde(default)]
    users: Vec<SeedUser>,
}

/// An app client in a seed file or an admin request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedClient {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub auth_flows: Option<Vec<String>>,
    #[serde(default)]
    pub refresh_token_rotation: bool,
    #[serde(default)]
    pub prevent_user_existence_errors: bool,
    pub id_token_validity_secs: Option<u64>,
    pub access_token_validity_secs: Option<u64>,
    pub refresh_token_validity_secs: Option<u64>,
    pub auth_session_validity_secs: Option<u64>,
}

impl SeedClient {
    pub fn into_config(self) -> AppClientConfig {
        let mut c = AppClientConfig::new(self.client_id);
        c.client_secret = self.client_secret;
        if let Some(flows) = self.auth_flows {
            c.explicit_auth_flows = flows;
        }
        c.refresh_token_rotation = self.refresh_token_rotation;
        c.prevent_user_existence_errors = self.prevent_user_existence_errors;
        let secs = Duration::from_secs;
        if let Some(s) = self.id_token_validity_secs {
            c.id_token_validity = secs(s);
        }
        if let Some(s) = self.access_token_validity_secs {
            c.access_token_validity = secs(s);
        }
        if let Some(s) = self.refresh_token_validity_secs {
            c.refresh_token_validity = secs(s);
        }
        if let Some(s) = self.auth_session_validity_secs {
            c.auth_session_validity = secs(s);
        }
        c
    }
}

#[derive(Deserialize)]
struct SeedPoolUser {
    pool_id: Option<String>,
    #[serde(flatten)]
    user: SeedUser,
}

/// Merges a seed file into `pools`: pools it names that do not exist are created (with
/// its clients), others get its clients and users added. `users` without `pool_id` go
/// to the first pool.
pub(crate) fn apply_seed(pools: &mut Vec<UserPoolConfig>, json: &str) -> Result<(), String> {
    let seed: SeedFile =
        serde_json::from_str(json).map_err(|e| format!("user pool seed file: {e}"))?;
    for p in seed.user_pools {
        let index = match pools.iter().position(|x| x.id == p.id) {
            Some(i) => i,
            None => {
                pools.push(UserPoolConfig::new(&p.id));
                pools.len() - 1
            }
        };
        let pool = &mut pools[index];
        pool.clients
            .extend(p.clients.into_iter().map(SeedClient::into_config));
        if let Some(m) = p.mfa {
            pool.mfa = m;
        }
        if let Some(x) = p.password_policy {
            pool.password_policy = x;
        }
        if let Some(x) = p.required_attributes {
            pool.required_attributes = x;
        }
        if let Some(x) = p.auto_verified_attributes {
            pool.auto_verified_attributes = x;
        }
        if let Some(x) = p.alias_attributes {
            pool.alias_attributes = x;
        }
        if let Some(x) = p.auto_confirm_sign_up {
            pool.auto_confirm_sign_up = x;
        }
        pool.users.extend(p.users);
    }
    for u in seed.users {
        let pool = match &u.pool_id {
            Some(id) => pools
                .iter_mut()
                .find(|p| &p.id == id)
                .ok_or_else(|| format!("user pool seed file: no user pool {id}"))?,
            None => pools
                .first_mut()
                .ok_or("user pool seed file: a user without pool_id, and no user pool")?,
        };
        pool.users.push(u.user);
    }
    Ok(())
}
