//! cognito-native: identity ids and temporary AWS credentials from an Amazon Cognito identity pool.
//!
//! ```no_run
//! # async fn demo() -> cognito_native::Result<()> {
//! use cognito_native::{Config, CredentialsProvider};
//! let provider = CredentialsProvider::new(Config::new("us-east-1:00000000-0000-4000-8000-000000000001"))?;
//! let identity_id = provider.identity_id().await?;
//! let credentials = provider.credentials().await?;
//! println!("{identity_id}: {}", credentials.access_key_id);
//! # Ok(()) }
//! ```

mod clock;
pub mod config;
pub mod credentials;
pub mod developer_client;
pub mod developer_source;
pub mod endpoints;
pub mod error;
pub mod events;
pub mod ffi;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod login_limits;
pub mod logins;
mod persisted;
pub mod provider;
pub mod quotas;
pub mod retry;
pub mod secret;
pub mod signing;
pub mod stats;
pub mod store;
pub mod user_pool;
mod wire;

pub use config::Config;
pub use credentials::{AwsCredentials, Credentials};
pub use developer_client::{
    DeveloperIdentityClient, DeveloperIdentityLookup, DeveloperTokenRequest,
};
pub use developer_source::{DeveloperIdentity, DeveloperIdentitySource};
pub use endpoints::{user_pool_provider_name, EndpointConfig, DEVELOPER_PROVIDER_NAME};
pub use error::{Error, ErrorKind, Result};
pub use events::{IdentityChange, SubscriptionId};
pub use logins::LoginsProvider;
pub use provider::CredentialsProvider;
pub use quotas::{Limiting, RateLimits};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use signing::{Payload, PresignedUrl, SignRequest, SignedHeaders};
pub use stats::Statistics;
pub use store::{FileIdentityStore, IdentityStore, MemoryIdentityStore};
pub use wire::http::{HttpClient, TlsOptions};
