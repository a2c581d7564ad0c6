//! Small helpers: ids, random strings, time formatting, character classes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An AWS error before it is rendered in the protocol of the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(400, code, message)
    }

    pub fn not_authorized(message: impl Into<String>) -> ApiError {
        ApiError::bad_request("NotAuthorizedException", message)
    }

    pub fn identity_not_found(identity_id: &str) -> ApiError {
        ApiError::bad_request(
            "ResourceNotFoundException",
            format!("Identity '{identity_id}' not found."),
        )
    }
}

/// Formats 16 bytes as a lowercase RFC 4122 version-4 UUID string.
pub(crate) fn uuid_from_bytes(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    for x in b.iter_mut() {
        *x = fastrand::u8(..);
    }
    b
}

pub(crate) fn random_uuid() -> String {
    uuid_from_bytes(random_bytes::<16>())
}

pub(crate) fn random_from(alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| alphabet[fastrand::usize(..alphabet.len())] as char)
        .collect()
}

pub(crate) const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub(crate) const BASE64_CHARS: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `now` shifted by a signed number of seconds.
pub(crate) fn shift(now: SystemTime, secs: i64) -> SystemTime {
    let d = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        now.checked_add(d).unwrap_or(now)
    } else {
        now.checked_sub(d).unwrap_or(UNIX_EPOCH)
    }
}

/// `now + d`, saturating instead of panicking on absurd lifetimes.
pub(crate) fn later(now: SystemTime, d: Duration) -> SystemTime {
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

/// Seconds since the epoch with millisecond precision.
pub(crate) fn epoch_secs_f64(t: SystemTime) -> f64 {
    let millis = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    millis as f64 / 1000.0
}

pub(crate) fn epoch_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs().min(i64::MAX as u64) as i64,
        Err(e) => -(e.duration().as_secs().min(i64::MAX as u64) as i64),
    }
}

/// ISO-8601 UTC with milliseconds, as STS writes `Expiration`.
pub(crate) fn iso8601_millis(t: SystemTime) -> String {
    let nanos = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0);
    match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
        Ok(dt) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
            dt.millisecond()
        ),
        Err(_) => "1970-01-01T00:00:00.000Z".to_string(),
    }
}

/// Java's `\w` (ASCII word character), as in the AWS models' patterns.
pub(crate) fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[\w-]+:[0-9a-f-]+`, the pattern of pool and identity ids.
pub(crate) fn is_pool_or_identity_id(s: &str) -> bool {
    match s.split_once(':') {
        Some((left, right)) => {
            !left.is_empty()
                && !right.is_empty()
                && left.chars().all(|c| is_word(c) || c == '-')
                && right
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == '-')
        }
        None => false,
    }
}

/// `arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+`
pub(crate) fn is_role_arn(s: &str) -> bool {
    parse_role_arn(s).is_some()
}

/// Partition, account and role path+name of a role ARN.
pub(crate) fn parse_role_arn(s: &str) -> Option<(&str, &str, &str)> {
    let rest = s.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let suffix = partition.strip_prefix("aws")?;
    if !suffix.chars().all(|c| is_word(c) || c == '-') {
        return None;
    }
    let rest = rest.strip_prefix("iam::")?;
    let (account, rest) = rest.split_once(':')?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let role = rest.strip_prefix("role/")?;
    if role.is_empty() || !role.chars().all(|c| is_word(c) || "+=,.@/-".contains(c)) {
        return None;
    }
    Some((partition, account, role))
}

/// Region prefix of a pool id (`us-east-1:...` -> `us-east-1`).
pub(crate) fn region_of(pool_id: &str) -> &str {
    pool_id
        .split_once(':')
        .map(|(r, _)| r)
        .unwrap_or("us-east-1")
}

/// Quotes a value for an AWS validation message without letting it grow unbounded.
pub(crate) fn quote_value(s: &str) -> String {
    const MAX: usize = 256;
    if s.chars().count() > MAX {
        let cut: String = s.chars().take(MAX).collect();
        format!("'{cut}...'")
    } else {
        format!("'{s}'")
    }
}

/// Joins constraint failures the way AWS's validation layer reports them.
pub(crate) fn validation_message(errors: &[String]) -> String {
    let n = errors.len();
    let noun = if n == 1 { "error" } else { "errors" };
    format!("{n} validation {noun} detected: {}", errors.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let u = random_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        assert!(is_pool_or_identity_id(&format!("us-east-1:{u}")));
    }

    #[test]
    fn id_pattern() {
        assert!(is_pool_or_identity_id("eu-west-1:abc-123"));
        assert!(!is_pool_or_identity_id("eu-west-1:ABC"));
        assert!(!is_pool_or_identity_id(":abc"));
        assert!(!is_pool_or_identity_id("us-east-1"));
        assert!(!is_pool_or_identity_id("us east:abc"));
        assert!(!is_pool_or_identity_id("a:b:c"));
    }

    #[test]
    fn role_arn_pattern() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/Cognito_Unauth"),
            Some(("aws", "123456789012", "Cognito_Unauth"))
        );
        assert!(is_role_arn("arn:aws-cn:iam::123456789012:role/path/x.y@z"));
        assert!(!is_role_arn("arn:aws:iam::12345678901:role/x"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/x"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:role/"));
        assert!(!is_role_arn("arn:gcp:iam::123456789012:role/x"));
        assert!(!is_role_arn("role"));
    }

    #[test]
    fn time_formats() {
        let t = UNIX_EPOCH + Duration::from_millis(1_795_000_000_123);
        assert_eq!(iso8601_millis(t), "2026-11-18T11:06:40.123Z");
        assert_eq!(epoch_secs_f64(t), 1_795_000_000.123);
        assert_eq!(epoch_secs(shift(t, -100)), 1_794_999_900);
    }
}
