//! Properties of what reads untrusted or host-given text: identity pool ids, Cognito Identity's
//! JSON answers, STS's XML answers and the C ABI's options JSON. 256 cases per property.

use cognito_native::endpoints::parse_id;
use cognito_native::ffi::{cognito_last_error_message, cognito_provider_new, cognito_status};
use cognito_native::fuzzing::{self, char_p};
use cognito_native::{Error, ErrorKind};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::ffi::CString;
use std::time::{Duration, UNIX_EPOCH};

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

fn region() -> impl Strategy<Value = String> {
    "(us|eu|ap|sa|ca|me|af|cn|il)-(gov-)?(east|west|north|south|central|northeast|southeast)-[1-9]"
}

fn uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
}

fn pool_id() -> impl Strategy<Value = String> {
    (region(), uuid()).prop_map(|(r, u)| format!("{r}:{u}"))
}

/// Ids that break one rule each: no separator, an empty or malformed region, an id part that is
/// not hexadecimal digits and dashes, too long.
fn malformed_pool_id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{0,54}",
        uuid().prop_map(|u| format!(":{u}")),
        region().prop_map(|r| format!("{r}:")),
        (region(), uuid(), "[ ./é]", any::<prop::sample::Index>()).prop_map(|(r, u, bad, i)| {
            let at = i.index(r.len() + 1);
            format!("{}{bad}{}:{u}", &r[..at], &r[at..])
        }),
        (
            region(),
            uuid(),
            "[g-zG-Z_ :.é]",
            any::<prop::sample::Index>()
        )
            .prop_map(|(r, u, bad, i)| {
                let at = i.index(u.len() + 1);
                format!("{r}:{}{bad}{}", &u[..at], &u[at..])
            }),
        (pool_id(), "[0-9a-f]{20,40}").prop_map(|(p, more)| format!("{p}{more}")),
    ]
}

/// A runtime for `validate`, which hands one to the provider.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
}

fn validate(options: &str, pool: &str, rt: &tokio::runtime::Runtime) -> Result<String, Error> {
    let mut config = fuzzing::provider_config(Some(options), pool)?;
    config.runtime = Some(rt.handle().clone());
    fuzzing::validate(&config)
}

/// The environment must not move endpoints during these tests.
const NO_ENV: &str = r#"{"use_environment":false}"#;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn valid_pool_ids_give_their_region(pool in pool_id()) {
        let region = pool.split_once(':').unwrap().0.to_owned();
        prop_assert_eq!(parse_id("identity pool id", &pool).unwrap(), region.clone());
        prop_assert_eq!(validate(NO_ENV, &pool, &runtime()).unwrap(), region);
    }

    #[test]
    fn malformed_pool_ids_are_rejected_with_the_reason(pool in malformed_pool_id()) {
        let e = parse_id("identity pool id", &pool).unwrap_err();
        prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
        prop_assert!(e.message().starts_with("identity pool id"), "{}", e.message());
        prop_assert!(e.message().contains("is not valid: "), "{}", e.message());
        let e = validate(NO_ENV, &pool, &runtime()).unwrap_err();
        prop_assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        prop_assert!(e.message().contains("is not valid"), "{}", e.message());
    }

    #[test]
    fn any_accepted_id_is_region_colon_id(id in "\\PC{0,60}") {
        if let Ok(region) = parse_id("identity id", &id) {
            prop_assert!(id.len() <= 55);
            let prefix = format!("{region}:");
            prop_assert!(id.starts_with(&prefix), "{} {}", id, region);
        }
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    const KEYS: &[&str] = &[
        "IdentityId",
        "Credentials",
        "AccessKeyId",
        "SecretKey",
        "SessionToken",
        "Expiration",
        "Token",
        "__type",
        "message",
        "Message",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
        pool_id().prop_map(Value::from),
    ];
    let key = prop_oneof![
        prop::sample::select(KEYS).prop_map(str::to_owned),
        "\\PC{0,8}"
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Parse failures are typed and keep the request id.
fn check_parse<T>(result: Result<T, Error>, rid: &Option<String>) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        prop_assert_eq!(e.kind(), ErrorKind::InvalidResponse);
        prop_assert_eq!(e.request_id(), rid.as_deref());
    }
    Ok(())
}

fn check_all_parsers(body: &[u8], status: u16) -> Result<(), TestCaseError> {
    let rid = Some("req-1".to_owned());
    check_parse(fuzzing::cognito_get_id(body, &rid), &rid)?;
    check_parse(fuzzing::cognito_get_credentials(body, &rid), &rid)?;
    check_parse(fuzzing::cognito_get_open_id_token(body, &rid), &rid)?;
    check_parse(fuzzing::sts_credentials(body, "us-east-1:1", &rid), &rid)?;
    for e in [
        fuzzing::cognito_error(status, None, body, rid.clone()),
        fuzzing::sts_error(status, body, rid.clone()),
    ] {
        prop_assert_eq!(e.http_status(), Some(status));
        prop_assert_eq!(e.request_id(), rid.as_deref());
        prop_assert!(!e.code().is_empty());
    }
    Ok(())
}

/// Epoch seconds and milliseconds, 1970 to 2100.
fn instant() -> impl Strategy<Value = (u64, u32)> {
    (0u64..4_102_444_800, 0u32..1000)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Field text as STS sends it: no surrounding whitespace (XML readers trim it), with the
/// characters that need escaping.
fn sts_field() -> impl Strategy<Value = String> {
    "[!-~é€😀]([!-~ é€😀]{0,62}[!-~é€😀])?"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cognito_parsers_type_every_json_value(v in json_value(), status in 100u16..600) {
        check_all_parsers(v.to_string().as_bytes(), status)?;
    }

    #[test]
    fn parsers_type_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..512), status in any::<u16>()) {
        check_all_parsers(&body, status)?;
    }

    #[test]
    fn parsers_type_xml_like_text(
        body in "(<[A-Za-z:]{1,8}( [a-z]{1,4}=\"[^\"]{0,6}\")?/?>|</[A-Za-z]{1,8}>|[^<&]{0,8}|&[a-z#0-9]{0,5};?|<!\\[CDATA\\[|\\]\\]>|<\\?xml|<!--|-->){0,24}",
        status in 100u16..600,
    ) {
        check_all_parsers(body.as_bytes(), status)?;
    }

    #[test]
    fn get_credentials_answers_give_back_their_fields(
        access_key in "\\PC{1,32}",
        secret in "\\PC{1,64}",
        token in "\\PC{1,300}",
        identity in pool_id(),
        (secs, millis) in instant(),
        extra in prop::collection::btree_map("[a-z]{1,8}", "\\PC{0,8}", 0..3),
    ) {
        let expiration = secs as f64 + f64::from(millis) / 1000.0;
        let mut credentials = json!({
            "AccessKeyId": access_key, "SecretKey": secret, "SessionToken": token,
            "Expiration": expiration,
        });
        // Fields AWS may add later are ignored.
        for (k, v) in &extra {
            credentials[k] = json!(v);
        }
        let body = json!({ "Credentials": credentials, "IdentityId": identity }).to_string();
        let c = fuzzing::cognito_get_credentials(body.as_bytes(), &None).unwrap();
        prop_assert_eq!(&c.access_key_id, &access_key);
        prop_assert_eq!(c.secret_access_key.expose(), secret.as_str());
        prop_assert_eq!(c.session_token.expose(), token.as_str());
        prop_assert_eq!(&c.identity_id, &identity);
        let got = c.expiration.duration_since(UNIX_EPOCH).unwrap();
        let want = Duration::from_secs(secs) + Duration::from_millis(millis.into());
        prop_assert!(got.abs_diff(want) < Duration::from_millis(1), "{:?} != {:?}", got, want);
    }

    #[test]
    fn sts_answers_give_back_their_fields(
        access_key in sts_field(),
        secret in sts_field(),
        token in sts_field(),
        (secs, millis) in instant(),
        order in Just([0usize, 1, 2, 3]).prop_shuffle(),
    ) {
        let when = time::OffsetDateTime::from_unix_timestamp(secs as i64).unwrap()
            + time::Duration::milliseconds(millis.into());
        let expiration = when.format(&time::format_description::well_known::Rfc3339).unwrap();
        let elements = [
            format!("<AccessKeyId>{}</AccessKeyId>", xml_escape(&access_key)),
            format!("<SecretAccessKey>{}</SecretAccessKey>", xml_escape(&secret)),
            format!("<SessionToken>{}</SessionToken>", xml_escape(&token)),
            format!("<Expiration>{expiration}</Expiration>"),
        ];
        let credentials: String = order.iter().map(|i| elements[*i].as_str()).collect();
        let body = format!(
            r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>us-east-1:1</SubjectFromWebIdentityToken>
    <Credentials>{credentials}</Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>"#
        );
        let c = fuzzing::sts_credentials(body.as_bytes(), "us-east-1:1", &None).unwrap();
        prop_assert_eq!(&c.access_key_id, &access_key);
        prop_assert_eq!(c.secret_access_key.expose(), secret.as_str());
        prop_assert_eq!(c.session_token.expose(), token.as_str());
        prop_assert_eq!(c.identity_id.as_str(), "us-east-1:1");
        let want = Duration::from_secs(secs) + Duration::from_millis(millis.into());
        prop_assert_eq!(c.expiration.duration_since(UNIX_EPOCH).unwrap(), want);
    }
}

#[derive(Clone, Copy, Debug)]
enum Type {
    Text,
    Flag,
    OptionalFlag,
    U64,
    U32,
}

const OPTIONS: &[(&str, Type)] = &[
    ("region", Type::Text),
    ("account_id", Type::Text),
    ("unauth_role_arn", Type::Text),
    ("auth_role_arn", Type::Text),
    ("custom_role_arn", Type::Text),
    ("endpoint", Type::Text),
    ("cognito_endpoint", Type::Text),
    ("sts_endpoint", Type::Text),
    ("ca_bundle_pem", Type::Text),
    ("ca_bundle_file", Type::Text),
    ("identity_store_dir", Type::Text),
    ("allow_http_loopback", Type::Flag),
    ("use_fips", Type::Flag),
    ("use_environment", Type::OptionalFlag),
    ("refresh_window_secs", Type::U64),
    ("attempt_timeout_ms", Type::U64),
    ("connect_timeout_ms", Type::U64),
    ("logins_timeout_ms", Type::U64),
    ("retry_base_delay_ms", Type::U64),
    ("retry_max_delay_ms", Type::U64),
    ("max_attempts", Type::U32),
];

/// JSON text of a value that `ty` does not accept.
fn wrong_value(ty: Type) -> BoxedStrategy<String> {
    let text = "[a-z0-9 ]{0,8}".prop_map(|s| format!("{s:?}"));
    let flag = any::<bool>().prop_map(|b| b.to_string());
    let integer = any::<u32>().prop_map(|n| n.to_string());
    let negative = (1i64..i64::MAX).prop_map(|n| (-n).to_string());
    let fraction = (0u32..1000, 1u32..1000).prop_map(|(a, b)| format!("{a}.{b}"));
    let composite = prop_oneof![
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("[1]".to_owned())
    ];
    match ty {
        Type::Text => prop_oneof![flag, integer, negative, fraction, composite].boxed(),
        Type::Flag => prop_oneof![Just("null".to_owned()), text, integer, composite].boxed(),
        Type::OptionalFlag => prop_oneof![text, integer, fraction, composite].boxed(),
        Type::U64 => prop_oneof![
            text,
            flag,
            negative,
            fraction,
            composite,
            Just("18446744073709551616".to_owned())
        ]
        .boxed(),
        Type::U32 => prop_oneof![
            text,
            flag,
            negative,
            fraction,
            composite,
            (4_294_967_296u64..u64::MAX).prop_map(|n| n.to_string())
        ]
        .boxed(),
    }
}

fn wrongly_typed_option() -> impl Strategy<Value = (&'static str, String)> {
    prop::sample::select(OPTIONS).prop_flat_map(|(key, ty)| (Just(key), wrong_value(ty)))
}

fn c_arg(s: &CString) -> Option<char_p::Ref<'_>> {
    Some(s.as_c_str().into())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn wrongly_typed_options_are_typed_errors(
        (key, value) in wrongly_typed_option(),
        valid_first in any::<bool>(),
    ) {
        let json = match valid_first {
            true => format!(r#"{{"use_environment":false,"{key}":{value}}}"#),
            false => format!(r#"{{"{key}":{value}}}"#),
        };
        let pool = "us-east-1:00000000-0000-4000-8000-000000000001";
        let e = fuzzing::provider_config(Some(&json), pool).err().unwrap();
        prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
        // The message names the key.
        let expected = format!("options_json: {key}: invalid ");
        prop_assert!(e.message().starts_with(&expected), "{}", e.message());

        // The C ABI refuses it before starting anything.
        let (pool, json) = (CString::new(pool).unwrap(), CString::new(json).unwrap());
        let mut out = std::ptr::null_mut();
        let status = cognito_provider_new(c_arg(&pool), c_arg(&json), &mut out);
        prop_assert_eq!(status, cognito_status::ErrInvalidArgument);
        prop_assert!(out.is_null());
        let message = cognito_last_error_message().map(|m| m.to_str().to_owned());
        prop_assert!(message.unwrap_or_default().contains(&expected));
    }

    #[test]
    fn well_typed_options_reach_the_config(
        attempt_ms in 1u64..=3_600_000,
        max_attempts in any::<u32>(),
        use_fips in any::<bool>(),
        region in region(),
    ) {
        let json = json!({
            "attempt_timeout_ms": attempt_ms, "max_attempts": max_attempts, "use_fips": use_fips,
            "region": region,
        }).to_string();
        let c = fuzzing::provider_config(Some(&json), "us-east-1:0").unwrap();
        prop_assert_eq!(c.attempt_timeout, Duration::from_millis(attempt_ms));
        prop_assert_eq!(c.retry.max_attempts, max_attempts.clamp(1, 10));
        prop_assert_eq!(c.endpoints.use_fips, use_fips);
        prop_assert_eq!(c.region, Some(region));
    }
}
