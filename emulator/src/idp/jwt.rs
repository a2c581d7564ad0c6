//! RS256 tokens of the emulator's user pools: the signing key, the JWKS, minting and
//! verifying.
//!
//! The RSA key is generated with RustCrypto's `rsa` crate (ring cannot generate RSA
//! keys) and used through ring (constant-time signing with a PKCS#8 key, and
//! verification). Generating a 2048-bit key takes a fraction of a second optimised but
//! seconds in an unoptimised test build, so it is made once per process, on first use,
//! and shared by every emulator in it; each emulator signs under its own random key id
//! (`kid`), and a token is only accepted with the kid of the emulator that issued it, so
//! emulators still refuse each other's tokens.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::signature::{self, RsaKeyPair};
use serde_json::{json, Map, Value};

struct SigningKey {
    pair: RsaKeyPair,
    /// The modulus and exponent, big-endian, for the JWKS.
    n: Vec<u8>,
    e: Vec<u8>,
}

fn generate() -> SigningKey {
    use rsa::pkcs8::EncodePrivateKey;
    let private = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048)
        .expect("the OS random generator works and 2048 bits is a valid RSA size");
    let der = private
        .to_pkcs8_der()
        .expect("a generated RSA key encodes as PKCS#8");
    let pair = RsaKeyPair::from_pkcs8(der.as_bytes()).expect("ring takes a 2048-bit RSA key");
    let components: signature::RsaPublicKeyComponents<Vec<u8>> = pair.public().into();
    SigningKey {
        n: components.n,
        e: components.e,
        pair,
    }
}

static KEY: OnceLock<SigningKey> = OnceLock::new();

fn key() -> &'static SigningKey {
    KEY.get_or_init(generate)
}

/// Starts generating the key on a thread of its own (if not done yet), so that the first
/// token does not wait for all of it.
pub(crate) fn prewarm() {
    if KEY.get().is_none() {
        let _ = std::thread::Builder::new()
            .name("cognito-emulator-rsa".into())
            .spawn(|| {
                key();
            });
    }
}

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// One emulator's signer: the shared key under this emulator's kid.
pub(crate) struct Signer {
    pub kid: String,
}

impl Signer {
    pub fn new() -> Signer {
        Signer {
            kid: b64(&super::secure_bytes(24)),
        }
    }

    pub fn mint(&self, payload: &Value) -> String {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(payload.to_string().as_bytes())
        );
        let k = key();
        let mut sig = vec![0u8; k.pair.public().modulus_len()];
        k.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .expect("RSA signing with a valid key does not fail");
        format!("{input}.{}", b64(&sig))
    }

    /// `{"keys":[...]}` as Cognito publishes it at `<issuer>/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        let k = key();
        json!({"keys": [{
            "alg": "RS256",
            "e": b64(&k.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": b64(&k.n),
            "use": "sig",
        }]})
    }

    /// The payload of a token this emulator signed, or why not.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, Invalid> {
        if token.len() > 16 * 1024 {
            return Err(Invalid::Malformed);
        }
        let (input, sig) = token.rsplit_once('.').ok_or(Invalid::Malformed)?;
        let (h, p) = input.split_once('.').ok_or(Invalid::Malformed)?;
        let header = decode_object(h).ok_or(Invalid::Malformed)?;
        let payload = decode_object(p).ok_or(Invalid::Malformed)?;
        if header.get("alg").and_then(Value::as_str) != Some("RS256")
            || header.get("kid").and_then(Value::as_str) != Some(self.kid.as_str())
        {
            return Err(Invalid::Signature);
        }
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| Invalid::Malformed)?;
        let k = key();
        signature::UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            k.pair.public().as_ref(),
        )
        .verify(input.as_bytes(), &sig)
        .map_err(|_| Invalid::Signature)?;
        Ok(payload)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Invalid {
    Malformed,
    Signature,
}

fn decode_object(segment: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
    match serde_json::from_slice::<Value>(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// The payload of a JWT without checking anything (to find its issuer).
pub(crate) fn peek_payload(token: &str) -> Option<Map<String, Value>> {
    let mut parts = token.split('.');
    let (_h, p, _s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    decode_object(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mint_verify_tamper_and_foreign_kid() {
        let s = Signer::new();
        let t = s.mint(&json!({"sub": "a", "exp": 5}));
        assert_eq!(s.verify(&t).unwrap()["sub"], "a");
        let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
        parts[1] = b64(br#"{"sub":"b","exp":5}"#);
        assert_eq!(s.verify(&parts.join(".")), Err(Invalid::Signature));
        // The same key under another emulator's kid is not ours.
        let other = Signer::new();
        assert_eq!(other.verify(&t), Err(Invalid::Signature));
        assert_eq!(s.verify("a.b"), Err(Invalid::Malformed));
        assert_eq!(s.verify("!!.??.**"), Err(Invalid::Malformed));
        let jwks = s.jwks();
        assert_eq!(jwks["keys"][0]["kid"], s.kid.as_str());
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
    }
}
