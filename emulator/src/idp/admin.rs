//! The user-pool part of the admin API (`/__emulator/user-pools...`).

use std::time::Duration;

use hyper::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::config::{apply_seed, SeedClient};
use super::*;

type Answer = Result<Value, (u16, String)>;

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, (u16, String)> {
    serde_json::from_slice(body).map_err(|e| (400, format!("bad request body: {e}")))
}

fn bad(e: String) -> (u16, String) {
    (400, e)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRef {
    pool_id: Option<String>,
    username: String,
    kind: Option<String>,
}

#[derive(Deserialize)]
struct NewUser {
    pool_id: Option<String>,
    #[serde(flatten)]
    user: SeedUser,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Password {
    pool_id: Option<String>,
    username: String,
    password: String,
    #[serde(default = "yes")]
    permanent: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Status {
    pool_id: Option<String>,
    username: String,
    status: Option<String>,
    enabled: Option<bool>,
}

#[derive(Deserialize)]
struct MfaSettings {
    pool_id: Option<String>,
    username: String,
    #[serde(flatten)]
    mfa: UserMfa,
}

#[derive(Deserialize)]
struct PoolMfa {
    pool_id: Option<String>,
    #[serde(flatten)]
    mfa: MfaConfig,
}

#[derive(Deserialize)]
struct NewClient {
    pool_id: Option<String>,
    #[serde(flatten)]
    client: SeedClient,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Lifetimes {
    pool_id: Option<String>,
    client_id: Option<String>,
    id_token_secs: Option<u64>,
    access_token_secs: Option<u64>,
    refresh_token_secs: Option<u64>,
    session_secs: Option<u64>,
}

impl UserPools {
    fn pool_or_first(&self, id: Option<String>) -> Result<String, (u16, String)> {
        match id {
            Some(id) => Ok(id),
            // The default pool if served, else the first by id.
            None => {
                let ids = self.pool_ids();
                ids.iter()
                    .find(|id| *id == DEFAULT_USER_POOL_ID)
                    .or(ids.first())
                    .cloned()
                    .ok_or((404, "no user pool".to_string()))
            }
        }
    }

    /// Adds what a seed file describes to the running emulator: new pools, and clients
    /// and users of existing ones (their other settings stay as they are).
    pub fn apply_seed_now(&self, json: &str, now: i64) -> Result<Value, String> {
        let existing = self.pool_ids();
        let mut pools: Vec<UserPoolConfig> = existing.iter().map(UserPoolConfig::new).collect();
        apply_seed(&mut pools, json)?;
        let (mut users, mut clients, mut new_pools) = (0, 0, 0);
        for p in pools {
            if existing.contains(&p.id) {
                for c in p.clients {
                    self.add_client(&p.id, c)?;
                    clients += 1;
                }
                for u in p.users {
                    self.create_user(&p.id, u, now)?;
                    users += 1;
                }
            } else {
                users += p.users.len();
                clients += p.clients.len();
                new_pools += 1;
                self.add_pool(p, now)?;
            }
        }
        Ok(json!({"ok": true, "user_pools": new_pools, "clients": clients, "users": users}))
    }

    /// `route` is the path after `/__emulator`; `None` if it is not a user-pool route.
    pub(crate) fn admin(
        &self,
        method: &Method,
        route: &str,
        body: &[u8],
        now: i64,
    ) -> Option<Answer> {
        let rest = route.strip_prefix("/user-pools")?;
        let answer = match (method, rest) {
            (&Method::GET, "") => Ok(self.describe()),
            (&Method::POST, "") => {
                let json = String::from_utf8_lossy(body);
                // A pool is a seed file with one pool.
                let seed = format!("{{\"user_pools\": [{json}]}}");
                match serde_json::from_slice::<Value>(body) {
                    Ok(Value::Object(m)) if m.contains_key("id") => {
                        let id = m["id"].as_str().unwrap_or_default().to_string();
                        if self.pool_ids().contains(&id) {
                            Err((409, format!("user pool {id} exists already")))
                        } else {
                            self.apply_seed_now(&seed, now).map_err(bad)
                        }
                    }
                    _ => Err((400, "a user pool needs an \"id\"".to_string())),
                }
            }
            (&Method::POST, "/seed") => self
                .apply_seed_now(&String::from_utf8_lossy(body), now)
                .map_err(bad),
            (&Method::POST, "/clients") => parse::<NewClient>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                self.add_client(&pool, r.client.into_config())
                    .map_err(bad)?;
                Ok(json!({"ok": true}))
            }),
            (&Method::POST, "/mfa") => parse::<PoolMfa>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                self.set_mfa_config(&pool, r.mfa).map_err(bad)?;
                Ok(json!({"ok": true}))
            }),
            (&Method::POST, "/lifetimes") => parse::<Lifetimes>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                self.set_lifetimes(&pool, r.client_id.as_deref(), |c| {
                    let secs = Duration::from_secs;
                    if let Some(s) = r.id_token_secs {
                        c.id_token_validity = secs(s);
                    }
                    if let Some(s) = r.access_token_secs {
                        c.access_token_validity = secs(s);
                    }
                    if let Some(s) = r.refresh_token_secs {
                        c.refresh_token_validity = secs(s);
                    }
                    if let Some(s) = r.session_secs {
                        c.auth_session_validity = secs(s);
                    }
                })
                .map_err(bad)?;
                Ok(json!({"ok": true}))
            }),
            (&Method::POST, "/users") => parse::<NewUser>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                let sub = self.create_user(&pool, r.user, now).map_err(bad)?;
                Ok(json!({"ok": true, "sub": sub}))
            }),
            (&Method::POST, "/users/get") => parse::<UserRef>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                self.user_json(&pool, &r.username)
                    .ok_or((404, format!("no user {} in {pool}", r.username)))
            }),
            (&Method::POST, "/users/delete") => parse::<UserRef>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                Ok(json!({"ok": self.delete_user(&pool, &r.username)}))
            }),
            (&Method::POST, "/users/password") => parse::<Password>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                self.set_password(&pool, &r.username, &r.password, r.permanent, now)
                    .map_err(bad)?;
                Ok(json!({"ok": true}))
            }),
            (&Method::POST, "/users/status") => parse::<Status>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                let status = match r.status.as_deref() {
                    Some(s) => Some(
                        UserStatus::parse(s).ok_or((400, format!("unknown user status {s:?}")))?,
                    ),
                    None => None,
                };
                self.set_status(&pool, &r.username, status, r.enabled, now)
                    .map_err(bad)?;
                Ok(json!({"ok": true}))
            }),
            (&Method::POST, "/users/mfa") => parse::<MfaSettings>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                self.set_user_mfa(&pool, &r.username, &r.mfa).map_err(bad)?;
                Ok(json!({"ok": true}))
            }),
            (&Method::POST, "/codes") => parse::<UserRef>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                match r.kind.as_deref() {
                    Some(k) => {
                        let kind =
                            CodeKind::parse(k).ok_or((400, format!("unknown code kind {k:?}")))?;
                        let code = self
                            .last_code(&pool, &r.username, kind)
                            .ok_or((404, format!("no {k} code for {}", r.username)))?;
                        Ok(json!(code))
                    }
                    None => {
                        let all: serde_json::Map<String, Value> = CodeKind::ALL
                            .into_iter()
                            .filter_map(|k| {
                                self.last_code(&pool, &r.username, k)
                                    .map(|c| (k.name().to_string(), json!(c)))
                            })
                            .collect();
                        Ok(json!({ "codes": all }))
                    }
                }
            }),
            (&Method::POST, "/totp") => parse::<UserRef>(body).and_then(|r| {
                let pool = self.pool_or_first(r.pool_id)?;
                Ok(json!({"secret": self.totp_secret(&pool, &r.username)}))
            }),
            _ => return None,
        };
        Some(answer)
    }
}
