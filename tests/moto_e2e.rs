//! End to end against moto, an independent implementation of Cognito and STS: sign in to a user
//! pool (USER_PASSWORD_AUTH), put the id token in the logins, get an identity id and credentials.
//!
//! moto is installed into target/moto-venv by scripts/moto-env.sh (run here if needed).

mod common;

use cognito_native::{Config, CredentialsProvider, RetryPolicy};
use std::path::Path;
use std::time::SystemTime;

struct Pool {
    identity_pool_id: String,
    user_pool_id: String,
    provider_name: String,
    id_token: String,
}

fn set_up_pool(venv: &Path, moto: &common::moto::Moto) -> Pool {
    let v = common::moto::set_up(venv, moto, "setup_pool.py");
    let s = |k: &str| v[k].as_str().unwrap().to_owned();
    Pool {
        identity_pool_id: s("identity_pool_id"),
        user_pool_id: s("user_pool_id"),
        provider_name: s("provider_name"),
        id_token: s("id_token"),
    }
}

fn config(moto: &common::moto::Moto, pool: &Pool) -> Config {
    let mut c = Config::new(&pool.identity_pool_id).with_local_endpoint(&moto.url);
    c.endpoints.use_environment = false;
    c.retry = RetryPolicy::no_retry();
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_pool_sign_in_to_credentials_against_moto() {
    let venv = common::python_venv();
    let moto = common::moto::start(&venv);
    let pool = set_up_pool(&venv, &moto);
    // A real RS256 JWT from moto's user pool.
    assert_eq!(pool.id_token.split('.').count(), 3);

    // Enhanced flow, signed in.
    let p = CredentialsProvider::new(config(&moto, &pool)).unwrap();
    let name = p.user_pool_provider_name(&pool.user_pool_id);
    assert_eq!(name, pool.provider_name);
    p.set_login(&name, pool.id_token.clone()).unwrap();
    let id = p.identity_id().await.unwrap();
    assert!(id.starts_with("us-east-1:"), "{id}");
    let c = p.credentials().await.unwrap();
    assert!(!c.access_key_id.is_empty());
    assert!(!c.secret_access_key.is_empty());
    assert!(!c.session_token.is_empty());
    assert!(c.expiration > SystemTime::now());
    // moto's credentials live 90 s: cached, not fetched again.
    let again = p.credentials().await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&c, &again));

    // Basic flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity.
    let mut basic = config(&moto, &pool);
    basic.auth_role_arn = Some("arn:aws:iam::123456789012:role/GamePlayers".into());
    let b = CredentialsProvider::new(basic).unwrap();
    b.set_login(&name, pool.id_token.clone()).unwrap();
    let bc = b.credentials().await.unwrap();
    assert!(!bc.access_key_id.is_empty());
    assert!(bc.expiration > SystemTime::now());
    assert_eq!(Some(bc.identity_id.clone()), b.cached_identity_id());
}
