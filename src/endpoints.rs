//! Regions, ids and service endpoints: standard, China and FIPS hosts, `AWS_ENDPOINT_URL*` overrides,
//! and the rule that only https (or loopback http, when allowed) is spoken.

use crate::error::{Error, Result};
use std::net::IpAddr;
use url::Url;

/// Longest identity pool / identity id AWS accepts.
const MAX_ID_LEN: usize = 55;

/// Checks an identity pool id or identity id (`<region>:<guid>`) and returns its region.
pub fn parse_id(what: &str, id: &str) -> Result<String> {
    let invalid = |why: &str| Error::invalid_input(format!("{what} {id:?} is not valid: {why}"));
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(invalid("expected 1 to 55 characters"));
    }
    let (region, guid) = id
        .split_once(':')
        .ok_or_else(|| invalid("expected <region>:<guid>"))?;
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(invalid("the region part is malformed"));
    }
    if guid.is_empty() || !guid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(invalid("the id part must be hexadecimal digits and dashes"));
    }
    Ok(region.to_owned())
}

/// Checks a region name such as `us-east-1` or `cn-north-1`.
pub fn check_region(region: &str) -> Result<()> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_config(format!(
            "region {region:?} is not valid"
        )))
    }
}

/// The provider name for a Cognito user pool, used as the key of its id token in the logins.
pub fn user_pool_provider_name(region: &str, user_pool_id: &str) -> String {
    format!("cognito-idp.{region}.{}/{user_pool_id}", dns_suffix(region))
}

/// The key developer-authenticated identities use in the logins.
pub const DEVELOPER_PROVIDER_NAME: &str = "cognito-identity.amazonaws.com";

fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// The two services this library talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    CognitoIdentity,
    Sts,
    /// Cognito user pools (`cognito-idp`).
    CognitoIdentityProvider,
}

impl Service {
    fn host_prefix(self) -> &'static str {
        match self {
            Service::CognitoIdentity => "cognito-identity",
            Service::Sts => "sts",
            Service::CognitoIdentityProvider => "cognito-idp",
        }
    }

    /// The service-specific `AWS_ENDPOINT_URL_<SERVICE>` variable.
    fn env_var(self) -> &'static str {
        match self {
            Service::CognitoIdentity => "AWS_ENDPOINT_URL_COGNITO_IDENTITY",
            Service::Sts => "AWS_ENDPOINT_URL_STS",
            Service::CognitoIdentityProvider => "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        }
    }
}

/// How endpoints are chosen; part of the provider's configuration.
#[derive(Clone, Debug, Default)]
pub struct EndpointConfig {
    /// Use the FIPS hosts (`cognito-identity-fips.<region>...`).
    pub use_fips: bool,
    /// Explicit Cognito Identity endpoint; beats the environment.
    pub cognito_identity: Option<String>,
    /// Explicit STS endpoint; beats the environment.
    pub sts: Option<String>,
    /// Explicit Cognito user pools (`cognito-idp`) endpoint; beats the environment.
    pub cognito_identity_provider: Option<String>,
    /// Read `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY`, `AWS_ENDPOINT_URL_STS` and
    /// `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` (unless
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), as the AWS SDKs do.
    pub use_environment: bool,
    /// Accept `http://` endpoints on loopback addresses (for the local emulator). Never for other hosts.
    pub allow_http_loopback: bool,
}

impl EndpointConfig {
    /// Every service at one endpoint, e.g. the local emulator (`http://127.0.0.1:PORT`, which
    /// this also allows).
    pub fn with_local_endpoint(mut self, url: &str) -> EndpointConfig {
        self.cognito_identity = Some(url.to_owned());
        self.sts = Some(url.to_owned());
        self.cognito_identity_provider = Some(url.to_owned());
        self.allow_http_loopback = true;
        self
    }
}

/// Resolves the endpoint of `service` in `region`. `env` reads an environment variable (a parameter
/// so that tests need not touch the process environment).
pub fn resolve(
    service: Service,
    region: &str,
    config: &EndpointConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Url> {
    let explicit = match service {
        Service::CognitoIdentity => config.cognito_identity.clone(),
        Service::Sts => config.sts.clone(),
        Service::CognitoIdentityProvider => config.cognito_identity_provider.clone(),
    };
    let from_env = || {
        let ignored = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if !config.use_environment || ignored {
            return None;
        }
        env(service.env_var())
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .filter(|v| !v.trim().is_empty())
    };
    let raw = match explicit.or_else(from_env) {
        Some(url) => url,
        None => {
            let fips = if config.use_fips { "-fips" } else { "" };
            format!(
                "https://{}{fips}.{region}.{}",
                service.host_prefix(),
                dns_suffix(region)
            )
        }
    };
    check_url(raw.trim(), config.allow_http_loopback)
}

/// Whether the host part of the URL `raw` can be parsed without IDNA: ASCII, and not
/// percent-encoded. The url crate is built without Unicode IDNA tables (`idna_adapter` 1.0,
/// Cargo.toml), whose stand-in takes ASCII only (and asserts it in debug builds: a fuzzed
/// endpoint "%41%C3%BC" panicked there); AWS's hostnames are ASCII, international names are
/// written in punycode (`xn--`).
pub(crate) fn host_is_plain_ascii(raw: &str) -> bool {
    let after_scheme = raw.split_once(':').map_or(raw, |(_, rest)| rest);
    let authority = after_scheme.trim_start_matches(['/', '\\']);
    let end = authority
        .find(['/', '\\', '?', '#'])
        .unwrap_or(authority.len());
    let host = &authority[..end];
    host.is_ascii() && !host.contains('%')
}

/// Parses an endpoint and enforces https (http only on loopback, and only when allowed).
pub fn check_url(raw: &str, allow_http_loopback: bool) -> Result<Url> {
    if !host_is_plain_ascii(raw) {
        return Err(Error::invalid_config(format!(
            "endpoint {raw:?}: the host must be plain ASCII (punycode, xn--, for international names)"
        )));
    }
    let url =
        Url::parse(raw).map_err(|e| Error::invalid_config(format!("endpoint {raw:?}: {e}")))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::invalid_config(format!(
            "endpoint {raw:?} has no host"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(Error::invalid_config(format!(
            "endpoint {raw:?} must not carry credentials or a query"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_http_loopback && is_loopback(&url) => Ok(url),
        "http" if is_loopback(&url) => Err(Error::invalid_config(format!(
            "endpoint {raw:?} uses http: allow loopback http explicitly to use it"
        ))),
        _ => Err(Error::invalid_config(format!(
            "endpoint {raw:?} must use https"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hosts_that_would_need_idna_are_refused_before_parsing() {
        for raw in [
            "https://bücher.example/",
            "https://%41%C3%BC.com/",
            "https://%41b.com",
            "https:\\\\Ab\u{e9}.com",
            "http:Äb.com",
            "https://user:p%C3%A4@host.com/",
        ] {
            assert!(!super::host_is_plain_ascii(raw), "{raw}");
            let e = super::check_url(raw, true).unwrap_err();
            assert_eq!(e.kind(), crate::error::ErrorKind::InvalidConfig, "{raw}");
        }
        for raw in [
            "https://cognito-identity.us-east-1.amazonaws.com",
            "https://XN--BCHER-KVA.example/über?q=ä#ö",
            "http://127.0.0.1:8080/x%41",
        ] {
            assert!(super::host_is_plain_ascii(raw), "{raw}");
        }
    }

    use super::*;
    use std::collections::HashMap;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn endpoints() -> EndpointConfig {
        EndpointConfig {
            use_environment: true,
            ..Default::default()
        }
    }

    #[test]
    fn ids_give_their_region() {
        assert_eq!(
            parse_id("pool", "eu-west-1:0f1e2d3c-0000-4000-8000-000000000001").unwrap(),
            "eu-west-1"
        );
        for bad in [
            "",
            "no-colon",
            ":abc",
            "us-east-1:",
            "us-east-1:xyz",
            "us east-1:abc",
            &format!("us-east-1:{}", "a".repeat(60)),
        ] {
            assert!(parse_id("pool", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn standard_china_and_fips_hosts() {
        let url = |s, r, fips| {
            let cfg = EndpointConfig {
                use_fips: fips,
                ..endpoints()
            };
            resolve(s, r, &cfg, &no_env).unwrap().to_string()
        };
        assert_eq!(
            url(Service::CognitoIdentity, "us-east-1", false),
            "https://cognito-identity.us-east-1.amazonaws.com/"
        );
        assert_eq!(
            url(Service::Sts, "cn-north-1", false),
            "https://sts.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            url(Service::CognitoIdentity, "us-west-2", true),
            "https://cognito-identity-fips.us-west-2.amazonaws.com/"
        );
        assert_eq!(
            user_pool_provider_name("cn-north-1", "cn-north-1_abc"),
            "cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_abc"
        );
    }

    #[test]
    fn environment_overrides_in_aws_order() {
        let vars: HashMap<&str, &str> = [
            ("AWS_ENDPOINT_URL", "https://global.example"),
            ("AWS_ENDPOINT_URL_STS", "https://sts.example"),
        ]
        .into();
        let env = |k: &str| vars.get(k).map(|v| v.to_string());
        let cfg = endpoints();
        assert_eq!(
            resolve(Service::Sts, "us-east-1", &cfg, &env)
                .unwrap()
                .as_str(),
            "https://sts.example/"
        );
        assert_eq!(
            resolve(Service::CognitoIdentity, "us-east-1", &cfg, &env)
                .unwrap()
                .as_str(),
            "https://global.example/"
        );
        // Explicit configuration beats the environment.
        let explicit = EndpointConfig {
            cognito_identity: Some("https://mine.example".into()),
            ..endpoints()
        };
        assert_eq!(
            resolve(Service::CognitoIdentity, "us-east-1", &explicit, &env)
                .unwrap()
                .as_str(),
            "https://mine.example/"
        );
        // Ignored when asked to, or when the environment is not used.
        let ignore = |k: &str| {
            if k == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" {
                Some("true".to_string())
            } else {
                env(k)
            }
        };
        assert!(resolve(Service::Sts, "us-east-1", &cfg, &ignore)
            .unwrap()
            .as_str()
            .starts_with("https://sts.us-east-1."));
        let off = EndpointConfig::default();
        assert!(resolve(Service::Sts, "us-east-1", &off, &env)
            .unwrap()
            .as_str()
            .starts_with("https://sts.us-east-1."));
    }

    #[test]
    fn http_only_on_loopback_and_only_when_allowed() {
        assert!(check_url("http://127.0.0.1:8080", true).is_ok());
        assert!(check_url("http://[::1]:8080", true).is_ok());
        assert!(check_url("http://localhost:8080", true).is_ok());
        assert!(check_url("http://127.0.0.1:8080", false).is_err());
        assert!(check_url("http://example.com", true).is_err());
        assert!(check_url("http://10.0.0.1", true).is_err());
        assert!(check_url("ftp://127.0.0.1", true).is_err());
        assert!(check_url("https://user:pw@example.com", false).is_err());
        assert!(check_url("not a url", false).is_err());
        assert!(check_url("https://example.com/base", false).is_ok());
    }
}
