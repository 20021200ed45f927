//! Values the server signs so it can tell its own from planted ones: `nonce.mac`, where
//! mac is HMAC-SHA256 under a key every server of the deployment shares
//! ([`crate::services::server_secrets`]). Used for the CSRF cookie given before
//! sign-in: a cookie planted with a value of the attacker's choosing (from a sibling
//! subdomain, or over plain HTTP) does not verify and is replaced.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::token;

type HmacSha256 = Hmac<Sha256>;

/// A 256-bit key. Its `Debug` never shows it.
#[derive(Clone)]
pub struct SigningKey {
    key: [u8; 32],
    /// Says what the value is for, so a value signed for one purpose is not good for
    /// another.
    purpose: &'static str,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    pub fn new(key: [u8; 32], purpose: &'static str) -> Self {
        SigningKey { key, purpose }
    }

    fn mac(&self, nonce: &str) -> HmacSha256 {
        // HMAC takes a key of any length; 32 bytes never fails.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(self.purpose.as_bytes());
        mac.update(b":");
        mac.update(nonce.as_bytes());
        mac
    }

    /// A fresh random value, signed.
    pub fn issue(&self) -> String {
        let (nonce, _) = token::new_token();
        let tag = URL_SAFE_NO_PAD.encode(self.mac(&nonce).finalize().into_bytes());
        format!("{nonce}.{tag}")
    }

    /// Whether `value` is one this key issued (compared in constant time).
    pub fn verify(&self, value: &str) -> bool {
        let Some((nonce, tag)) = value.split_once('.') else {
            return false;
        };
        let Ok(tag) = URL_SAFE_NO_PAD.decode(tag) else {
            return false;
        };
        !nonce.is_empty() && self.mac(nonce).verify_slice(&tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_this_key_issued_verify() {
        let key = SigningKey::new([7; 32], "csrf");
        let v = key.issue();
        assert!(key.verify(&v));
        let (nonce, tag) = v.split_once('.').unwrap();
        for planted in [
            "x".repeat(43),
            nonce.to_string(),
            format!("{nonce}."),
            format!("{nonce}.{}", "A".repeat(tag.len())),
            format!("other{nonce}.{tag}"),
            format!("{nonce}.{tag}!"),
        ] {
            assert!(!key.verify(&planted), "{planted}");
        }
        assert!(!SigningKey::new([8; 32], "csrf").verify(&v), "another key");
        assert!(
            !SigningKey::new([7; 32], "other").verify(&v),
            "another purpose"
        );
        assert!(!format!("{key:?}").contains('7'), "Debug hides the key");
    }
}
