//! Cognito's SRP-6a (USER_SRP_AUTH): the client's side. The password never leaves the device;
//! the client proves it knows it by signing the server's challenge with a key both sides derive.
//!
//! Cognito's variant, as its own SDKs compute it (not RFC 5054, and not what RustCrypto's `srp`
//! crate does): N is RFC 3526's 3072-bit prime, g = 2; every number is hashed as its minimal
//! big-endian bytes with one 0x00 in front when the top bit is set (Java's
//! `BigInteger.toByteArray()`), never padded to N's length; the key is HKDF-SHA256 of S salted
//! with u, info "Caldera Derived Key", 16 bytes.

use crate::error::{Error, ErrorKind, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use num_bigint::BigUint;
use once_cell::sync::Lazy;
use sha2::{Digest, Sha256};
use std::time::SystemTime;

/// RFC 3526's 3072-bit MODP group prime (group 15).
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

struct Group {
    n: BigUint,
    g: BigUint,
    /// k = H(pad(N) || pad(g)).
    k: BigUint,
}

static GROUP: Lazy<Group> = Lazy::new(|| {
    let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("the prime parses");
    let g = BigUint::from(2u32);
    let k = hash_numbers(&[&n, &g]);
    Group { n, g, k }
});

/// The value's minimal big-endian bytes, with a leading 0x00 when its top bit is set.
pub(crate) fn pad(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        let mut padded = Vec::with_capacity(bytes.len() + 1);
        padded.push(0);
        padded.extend_from_slice(&bytes);
        padded
    } else {
        bytes
    }
}

/// H(pad(a) || pad(b) || ...) as a number.
fn hash_numbers(numbers: &[&BigUint]) -> BigUint {
    let mut h = Sha256::new();
    for n in numbers {
        h.update(pad(n));
    }
    BigUint::from_bytes_be(&h.finalize())
}

/// A number from Cognito's hex (with or without a leading zero, of odd length or not).
pub(crate) fn from_hex(what: &str, hex: &str) -> Result<BigUint> {
    if hex.is_empty() || hex.len() > 2048 {
        return Err(bad_challenge(format!(
            "{what} has {} hex digits",
            hex.len()
        )));
    }
    BigUint::parse_bytes(hex.as_bytes(), 16)
        .ok_or_else(|| bad_challenge(format!("{what} is not hex")))
}

fn bad_challenge(message: String) -> Error {
    Error::new(
        ErrorKind::InvalidResponse,
        format!("PASSWORD_VERIFIER: {message}"),
    )
}

/// One SRP handshake's secret: a random `a`, and `A = g^a mod N` sent as `SRP_A`.
pub(crate) struct SrpSession {
    a: BigUint,
    big_a: BigUint,
}

impl std::fmt::Debug for SrpSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SrpSession { .. }")
    }
}

/// What the PASSWORD_VERIFIER challenge brings.
pub(crate) struct Verifier<'a> {
    /// The part of the user pool id after `_`.
    pub pool_name: &'a str,
    /// `USER_ID_FOR_SRP`: the user's id as Cognito knows it (not what was typed: an alias).
    pub user_id_for_srp: &'a str,
    pub salt_hex: &'a str,
    pub srp_b_hex: &'a str,
    /// `SECRET_BLOCK`, base64, opaque: signed and sent back.
    pub secret_block: &'a str,
}

impl SrpSession {
    /// A fresh session from 128 random bytes of the OS's CSPRNG.
    pub fn new() -> Result<SrpSession> {
        let mut bytes = [0u8; 128];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::new(ErrorKind::Internal, format!("no OS randomness: {e}")))?;
        Ok(SrpSession::with_secret(BigUint::from_bytes_be(&bytes)))
    }

    /// A session with a given `a` (known-answer tests).
    pub(crate) fn with_secret(a: BigUint) -> SrpSession {
        let big_a = GROUP.g.modpow(&a, &GROUP.n);
        SrpSession { a, big_a }
    }

    /// `SRP_A`: A in hex.
    pub fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// PASSWORD_CLAIM_SIGNATURE: base64(HMAC-SHA256(key, poolName || USER_ID_FOR_SRP ||
    /// secret block || TIMESTAMP)), with the key both sides derive from the password.
    pub fn password_claim(
        &self,
        verifier: &Verifier<'_>,
        password: &str,
        timestamp: &str,
    ) -> Result<String> {
        let key = self.key(verifier, password)?;
        // Cognito sends base64; a server that sends something else (moto sends a UUID) gets its
        // bytes signed as they are: they are only ever an input of the HMAC.
        let secret_block = BASE64
            .decode(verifier.secret_block)
            .unwrap_or_else(|_| verifier.secret_block.as_bytes().to_vec());
        let mut mac = Hmac::<Sha256>::new_from_slice(&key)
            .map_err(|_| Error::new(ErrorKind::Internal, "HMAC key"))?;
        mac.update(verifier.pool_name.as_bytes());
        mac.update(verifier.user_id_for_srp.as_bytes());
        mac.update(&secret_block);
        mac.update(timestamp.as_bytes());
        Ok(BASE64.encode(mac.finalize().into_bytes()))
    }

    /// The 16-byte key: HKDF-SHA256(salt = pad(u), ikm = pad(S), "Caldera Derived Key").
    fn key(&self, v: &Verifier<'_>, password: &str) -> Result<[u8; 16]> {
        let group = &*GROUP;
        let big_b = from_hex("SRP_B", v.srp_b_hex)?;
        if (&big_b % &group.n) == BigUint::ZERO {
            return Err(bad_challenge("SRP_B is 0 mod N".into()));
        }
        let salt = from_hex("SALT", v.salt_hex)?;
        let u = hash_numbers(&[&self.big_a, &big_b]);
        if u == BigUint::ZERO {
            return Err(bad_challenge("u is 0".into()));
        }
        let identity = Sha256::new()
            .chain_update(v.pool_name.as_bytes())
            .chain_update(v.user_id_for_srp.as_bytes())
            .chain_update(b":")
            .chain_update(password.as_bytes())
            .finalize();
        let x = BigUint::from_bytes_be(
            &Sha256::new()
                .chain_update(pad(&salt))
                .chain_update(identity)
                .finalize(),
        );
        // S = (B - k g^x)^(a + u x) mod N, as a positive residue.
        let kgx = (&group.k * group.g.modpow(&x, &group.n)) % &group.n;
        let base = ((&big_b % &group.n) + &group.n - kgx) % &group.n;
        let s = base.modpow(&(&self.a + &u * &x), &group.n);
        let mut key = [0u8; 16];
        hkdf::Hkdf::<Sha256>::new(Some(&pad(&u)), &pad(&s))
            .expand(b"Caldera Derived Key", &mut key)
            .map_err(|_| Error::new(ErrorKind::Internal, "HKDF"))?;
        Ok(key)
    }
}

/// TIMESTAMP as Cognito wants it: English names, day of month not padded, UTC
/// (`Wed Mar 6 12:34:56 UTC 2024`), whatever the device's locale.
pub(crate) fn timestamp(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
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

/// SECRET_HASH for app clients with a secret: base64(HMAC-SHA256(client secret, username ||
/// client id)), with the username Cognito knows the user by.
pub(crate) fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes any key");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// The client's SRP math, for the sign-in benchmark (`benches/client.rs`, P10): this module's own
/// code behind a few public names, so the benchmark times exactly what a sign-in runs. Feature
/// `fuzzing` only (the dev-dependencies turn it on); not an API.
#[cfg(feature = "fuzzing")]
pub mod bench {
    use super::{from_hex, SrpSession, Verifier, GROUP};
    use crate::error::Result;

    /// One handshake's client side: [`Client::new`] is what `sign_in_srp` does before InitiateAuth
    /// (128 random bytes as `a`, A = g^a mod N).
    pub struct Client(SrpSession);

    impl Client {
        #[allow(clippy::new_ret_no_self)]
        pub fn new() -> Result<Client> {
            SrpSession::new().map(Client)
        }

        /// `SRP_A`, hex.
        pub fn srp_a(&self) -> String {
            self.0.srp_a()
        }

        /// The size of the secret exponent `a`, in bits.
        pub fn a_bits(&self) -> u64 {
            self.0.a.bits()
        }

        /// PASSWORD_CLAIM_SIGNATURE for a PASSWORD_VERIFIER challenge: x, u,
        /// S = (B − k·g^x)^(a + u·x) mod N, HKDF, HMAC (`SrpSession::password_claim`).
        #[allow(clippy::too_many_arguments)]
        pub fn password_claim(
            &self,
            pool_name: &str,
            user_id_for_srp: &str,
            salt_hex: &str,
            srp_b_hex: &str,
            secret_block: &str,
            password: &str,
            timestamp: &str,
        ) -> Result<String> {
            let verifier = Verifier {
                pool_name,
                user_id_for_srp,
                salt_hex,
                srp_b_hex,
                secret_block,
            };
            self.0.password_claim(&verifier, password, timestamp)
        }
    }

    /// base^exponent mod N (the 3072-bit prime), with the call `key()` and `with_secret` make
    /// (num-bigint's `BigUint::modpow`); hex in, hex out.
    pub fn modpow(base_hex: &str, exponent_hex: &str) -> Result<String> {
        let base = from_hex("base", base_hex)?;
        let exponent = from_hex("exponent", exponent_hex)?;
        Ok(base.modpow(&exponent, &GROUP.n).to_str_radix(16))
    }

    /// TIMESTAMP for now, as `sign_in_srp` formats it.
    pub fn timestamp_now() -> String {
        super::timestamp(std::time::SystemTime::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_is_cognitos() {
        assert_eq!(
            GROUP.k.to_str_radix(16),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn numbers_with_the_top_bit_set_get_a_zero_byte() {
        assert_eq!(pad(&BigUint::from(0x7fu8)), vec![0x7f]);
        assert_eq!(pad(&BigUint::from(0x80u8)), vec![0x00, 0x80]);
        assert_eq!(pad(&BigUint::from(0x0100u16)), vec![0x01, 0x00]);
        // N's top bit is set: hashed with the zero byte, never padded further.
        assert_eq!(pad(&GROUP.n).len(), 385);
        assert_eq!(pad(&GROUP.n)[0], 0);
    }

    #[test]
    fn odd_length_hex_and_leading_zeros_parse_alike() {
        assert_eq!(
            from_hex("B", "abc").unwrap(),
            from_hex("B", "0abc").unwrap()
        );
        assert!(from_hex("B", "").is_err());
        assert!(from_hex("B", "xyz").is_err());
        assert!(from_hex("B", &"f".repeat(2049)).is_err());
    }

    #[test]
    fn timestamps_are_english_unpadded_utc() {
        use std::time::{Duration, UNIX_EPOCH};
        // 2024-03-06T12:34:56Z, a Wednesday; 2024-12-25T01:02:03Z, a Wednesday too.
        let one_digit = UNIX_EPOCH + Duration::from_secs(1_709_728_496);
        assert_eq!(timestamp(one_digit), "Wed Mar 6 12:34:56 UTC 2024");
        let two_digits = UNIX_EPOCH + Duration::from_secs(1_735_088_523);
        assert_eq!(timestamp(two_digits), "Wed Dec 25 01:02:03 UTC 2024");
    }

    #[test]
    fn a_b_of_zero_mod_n_is_refused() {
        let session = SrpSession::with_secret(BigUint::from(12345u32));
        let n = N_HEX.to_ascii_lowercase();
        for b in ["0", n.as_str()] {
            let v = Verifier {
                pool_name: "Pool",
                user_id_for_srp: "u",
                salt_hex: "1234",
                srp_b_hex: b,
                secret_block: "AAAA",
            };
            assert!(
                session.password_claim(&v, "p", "t").is_err(),
                "B = {b:.8}..."
            );
        }
    }
}
