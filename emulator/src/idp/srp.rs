//! The server side of Cognito's SRP-6a (USER_SRP_AUTH), written from the facts in
//! DESIGN.md §7 and checked against an independent client (pycognito) in the tests.
//!
//! N is RFC 3526's 3072-bit prime, g = 2, k = H(pad(N) ‖ pad(g)). Every number is
//! hashed as its minimal big-endian bytes with a 0x00 in front when the top bit is set.
//! The server keeps a verifier v = g^x per user, x = H(pad(salt) ‖ H(poolName ‖ user ‖
//! ":" ‖ password)); it sends B = k·v + g^b and checks the client's
//! PASSWORD_CLAIM_SIGNATURE = HMAC(K, poolName ‖ user ‖ secret block ‖ TIMESTAMP) with
//! K = HKDF(salt = pad(u), ikm = pad(S), "Caldera Derived Key")[..16] and
//! S = (A · v^u)^b mod N.

use std::sync::OnceLock;

use num_bigint::BigUint;
use ring::{digest, hkdf, hmac};

const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The most hex digits SRP_A may have (leading zeros included): N has 768, so
/// anything longer is refused before it is parsed, let alone exponentiated.
pub(crate) const MAX_SRP_A_HEX: usize = 1024;

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N parses");
        let g = BigUint::from(2u32);
        let k = hash_numbers(&[&n, &g]);
        Group { n, g, k }
    })
}

/// Java's `BigInteger.toByteArray()` of a non-negative number.
pub(crate) fn pad(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        let mut out = Vec::with_capacity(bytes.len() + 1);
        out.push(0);
        out.extend_from_slice(&bytes);
        out
    } else {
        bytes
    }
}

fn sha256(parts: &[&[u8]]) -> Vec<u8> {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    ctx.finish().as_ref().to_vec()
}

fn hash_numbers(numbers: &[&BigUint]) -> BigUint {
    let padded: Vec<Vec<u8>> = numbers.iter().map(|n| pad(n)).collect();
    let parts: Vec<&[u8]> = padded.iter().map(Vec::as_slice).collect();
    BigUint::from_bytes_be(&sha256(&parts))
}

/// A user's stored secret: the salt and v = g^x. The password itself is never kept.
#[derive(Clone)]
pub(crate) struct PasswordVerifier {
    pub salt: BigUint,
    pub v: BigUint,
}

impl std::fmt::Debug for PasswordVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordVerifier { .. }")
    }
}

fn x_of(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let identity = sha256(&[
        pool_name.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    BigUint::from_bytes_be(&sha256(&[&pad(salt), &identity]))
}

impl PasswordVerifier {
    /// A verifier with a fresh 16-byte salt (never zero).
    pub fn new(pool_name: &str, user_id: &str, password: &str) -> PasswordVerifier {
        let mut salt_bytes = super::secure_bytes(16);
        salt_bytes[0] |= 1;
        let salt = BigUint::from_bytes_be(&salt_bytes);
        PasswordVerifier::with_salt(pool_name, user_id, password, salt)
    }

    pub fn with_salt(
        pool_name: &str,
        user_id: &str,
        password: &str,
        salt: BigUint,
    ) -> PasswordVerifier {
        let g = group();
        let x = x_of(pool_name, user_id, password, &salt);
        let v = g.g.modpow(&x, &g.n);
        PasswordVerifier { salt, v }
    }

    /// Whether `password` is the one this verifier was made from (USER_PASSWORD_AUTH,
    /// ChangePassword): recomputes v, compares in constant time.
    pub fn matches(&self, pool_name: &str, user_id: &str, password: &str) -> bool {
        let other = PasswordVerifier::with_salt(pool_name, user_id, password, self.salt.clone());
        let (a, b) = (self.v.to_bytes_be(), other.v.to_bytes_be());
        a.len() == b.len() && ring_eq(&a, &b)
    }

    pub fn salt_hex(&self) -> String {
        self.salt.to_str_radix(16)
    }
}

/// Equality of two equally long byte strings in time independent of where they differ.
fn ring_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a client's SRP_A is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BadA {
    /// Empty, not hex, or longer than [`MAX_SRP_A_HEX`] digits.
    Malformed,
    /// A ≡ 0 (mod N), or A ≥ N: a value a real client never sends.
    Degenerate,
}

/// Parses and checks SRP_A: hex with or without leading zeros, at most
/// [`MAX_SRP_A_HEX`] digits, 0 < A < N.
pub(crate) fn parse_a(hex: &str) -> Result<BigUint, BadA> {
    if hex.is_empty() || hex.len() > MAX_SRP_A_HEX || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(BadA::Malformed);
    }
    let a = BigUint::parse_bytes(hex.as_bytes(), 16).ok_or(BadA::Malformed)?;
    let g = group();
    if a >= g.n || (&a % &g.n) == BigUint::ZERO {
        return Err(BadA::Degenerate);
    }
    Ok(a)
}

/// The server's half of one handshake.
pub(crate) struct ServerHandshake {
    b: BigUint,
    pub big_b: BigUint,
}

impl std::fmt::Debug for ServerHandshake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerHandshake { .. }")
    }
}

impl ServerHandshake {
    /// b random (128 bytes), B = (k·v + g^b) mod N, never 0.
    pub fn new(verifier: &PasswordVerifier) -> ServerHandshake {
        let g = group();
        loop {
            let b = BigUint::from_bytes_be(&super::secure_bytes(128));
            let big_b = ((&g.k * &verifier.v) + g.g.modpow(&b, &g.n)) % &g.n;
            if big_b != BigUint::ZERO {
                return ServerHandshake { b, big_b };
            }
        }
    }

    pub fn srp_b_hex(&self) -> String {
        self.big_b.to_str_radix(16)
    }

    /// The 16-byte key both sides derive; `None` if u = 0 (the handshake must fail).
    pub fn key(&self, a: &BigUint, verifier: &PasswordVerifier) -> Option<[u8; 16]> {
        let g = group();
        let u = hash_numbers(&[a, &self.big_b]);
        if u == BigUint::ZERO {
            return None;
        }
        // S = (A · v^u)^b mod N
        let s = ((a % &g.n) * verifier.v.modpow(&u, &g.n) % &g.n).modpow(&self.b, &g.n);
        Some(hkdf16(&pad(&u), &pad(&s)))
    }
}

struct Len16;

impl hkdf::KeyType for Len16 {
    fn len(&self) -> usize {
        16
    }
}

fn hkdf16(salt: &[u8], ikm: &[u8]) -> [u8; 16] {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    let mut out = [0u8; 16];
    let okm = prk
        .expand(&[b"Caldera Derived Key"], Len16)
        .expect("16 bytes is a valid HKDF-SHA256 length");
    okm.fill(&mut out)
        .expect("16 bytes is a valid HKDF-SHA256 length");
    out
}

/// Whether `signature` (the client's PASSWORD_CLAIM_SIGNATURE, base64-decoded) is
/// HMAC(key, poolName ‖ userIdForSrp ‖ secretBlock ‖ timestamp). Constant time.
pub(crate) fn claim_matches(
    key: &[u8; 16],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
    signature: &[u8],
) -> bool {
    let mut msg =
        Vec::with_capacity(pool_name.len() + user_id_for_srp.len() + secret_block.len() + 32);
    msg.extend_from_slice(pool_name.as_bytes());
    msg.extend_from_slice(user_id_for_srp.as_bytes());
    msg.extend_from_slice(secret_block);
    msg.extend_from_slice(timestamp.as_bytes());
    hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, key), &msg, signature).is_ok()
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Cognito's TIMESTAMP (`EEE MMM d HH:mm:ss z yyyy`, English, UTC) of a Unix time.
pub(crate) fn format_timestamp(unix: i64) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{} {} {} {:02}:{:02}:{:02} UTC {}",
        DAYS[t.weekday().number_days_from_monday() as usize],
        MONTHS[u8::from(t.month()) as usize - 1],
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.year()
    )
}

/// Parses a TIMESTAMP the way a `EEE MMM d HH:mm:ss z yyyy` parser does (a day with a
/// leading zero parses too; the zone must be UTC/GMT): the Unix time, or `None`.
pub(crate) fn parse_timestamp(s: &str) -> Option<i64> {
    if s.len() > 64 {
        return None;
    }
    let parts: Vec<&str> = s.split(' ').collect();
    let [dow, mon, day, hms, zone, year] = parts.as_slice() else {
        return None;
    };
    if !matches!(*zone, "UTC" | "GMT") {
        return None;
    }
    let month = MONTHS.iter().position(|m| m == mon)? as u8 + 1;
    let day: u8 = digits(day, 1, 2)?;
    let year: i32 = digits(year, 4, 4)?;
    let hms: Vec<&str> = hms.split(':').collect();
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    let (h, m, sec): (u8, u8, u8) = (digits(h, 2, 2)?, digits(m, 2, 2)?, digits(sec, 2, 2)?);
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    if DAYS[date.weekday().number_days_from_monday() as usize] != *dow {
        return None;
    }
    let t = date.with_hms(h, m, sec).ok()?.assume_utc();
    Some(t.unix_timestamp())
}

fn digits<T: std::str::FromStr>(s: &str, min: usize, max: usize) -> Option<T> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The client's side, as DESIGN.md §7 describes it, to check the server's math.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn client_signature(
        a: &BigUint,
        srp_b_hex: &str,
        salt_hex: &str,
        pool_name: &str,
        user: &str,
        password: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> Vec<u8> {
        let g = group();
        let big_a = g.g.modpow(a, &g.n);
        let big_b = BigUint::parse_bytes(srp_b_hex.as_bytes(), 16).unwrap();
        let salt = BigUint::parse_bytes(salt_hex.as_bytes(), 16).unwrap();
        let u = hash_numbers(&[&big_a, &big_b]);
        let x = x_of(pool_name, user, password, &salt);
        let kgx = (&g.k * g.g.modpow(&x, &g.n)) % &g.n;
        let base = ((&big_b % &g.n) + &g.n - kgx) % &g.n;
        let s = base.modpow(&(a + &u * &x), &g.n);
        let key = hkdf16(&pad(&u), &pad(&s));
        let mut msg = Vec::new();
        msg.extend_from_slice(pool_name.as_bytes());
        msg.extend_from_slice(user.as_bytes());
        msg.extend_from_slice(secret_block);
        msg.extend_from_slice(timestamp.as_bytes());
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), &msg)
            .as_ref()
            .to_vec()
    }

    #[test]
    fn k_is_cognitos() {
        assert_eq!(
            group().k.to_str_radix(16),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn a_client_with_the_password_gets_the_same_key_and_a_wrong_one_does_not() {
        let verifier = PasswordVerifier::new("Pool1", "alice", "Passw0rd!");
        let hs = ServerHandshake::new(&verifier);
        let a = BigUint::from_bytes_be(&crate::idp::secure_bytes(128));
        let big_a = group().g.modpow(&a, &group().n);
        let key = hs.key(&big_a, &verifier).unwrap();
        let ts = "Wed Mar 6 12:34:56 UTC 2024";
        let block = b"secret block";
        let sig = client_signature(
            &a,
            &hs.srp_b_hex(),
            &verifier.salt_hex(),
            "Pool1",
            "alice",
            "Passw0rd!",
            block,
            ts,
        );
        assert!(claim_matches(&key, "Pool1", "alice", block, ts, &sig));
        let wrong = client_signature(
            &a,
            &hs.srp_b_hex(),
            &verifier.salt_hex(),
            "Pool1",
            "alice",
            "Passw0rd?",
            block,
            ts,
        );
        assert!(!claim_matches(&key, "Pool1", "alice", block, ts, &wrong));
        assert!(!claim_matches(
            &key,
            "Pool1",
            "alice",
            block,
            "Wed Mar 06 12:34:56 UTC 2024",
            &sig
        ));
        assert!(verifier.matches("Pool1", "alice", "Passw0rd!"));
        assert!(!verifier.matches("Pool1", "alice", "Passw0rd"));
        assert!(!verifier.matches("Pool2", "alice", "Passw0rd!"));
    }

    #[test]
    fn srp_a_is_bounded_and_checked() {
        assert_eq!(parse_a(""), Err(BadA::Malformed));
        assert_eq!(parse_a("xyz"), Err(BadA::Malformed));
        assert_eq!(
            parse_a(&"f".repeat(MAX_SRP_A_HEX + 1)),
            Err(BadA::Malformed)
        );
        assert_eq!(parse_a("0"), Err(BadA::Degenerate));
        assert_eq!(parse_a(&"0".repeat(100)), Err(BadA::Degenerate));
        assert_eq!(parse_a(N_HEX), Err(BadA::Degenerate));
        assert_eq!(parse_a(&format!("00{N_HEX}")), Err(BadA::Degenerate));
        assert!(parse_a("0abc").is_ok());
        assert_eq!(parse_a("abc").unwrap(), parse_a("0abc").unwrap());
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            format_timestamp(1_709_728_496),
            "Wed Mar 6 12:34:56 UTC 2024"
        );
        assert_eq!(
            format_timestamp(1_735_088_523),
            "Wed Dec 25 01:02:03 UTC 2024"
        );
        assert_eq!(
            parse_timestamp("Wed Mar 6 12:34:56 UTC 2024"),
            Some(1_709_728_496)
        );
        assert_eq!(
            parse_timestamp("Wed Mar 06 12:34:56 UTC 2024"),
            Some(1_709_728_496)
        );
        assert_eq!(parse_timestamp("Thu Mar 6 12:34:56 UTC 2024"), None);
        assert_eq!(parse_timestamp("Wed Mar 6 12:34:56 PST 2024"), None);
        assert_eq!(parse_timestamp("2024-03-06T12:34:56Z"), None);
        assert_eq!(parse_timestamp("Wed Mär 6 12:34:56 UTC 2024"), None);
    }
}
