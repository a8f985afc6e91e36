//! Idempotency keys: a retried POST with the same key and body gets the first
//! response again; the same key with another body is refused.

use sha2::{Digest, Sha256};

use crate::Invalid;

/// The client's `Idempotency-Key`: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let ok = !input.is_empty() && input.len() <= 255 && input.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(input.to_owned()))
        } else {
            Err(Invalid::field("Idempotency-Key", "invalid_idempotency_key"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What makes two requests "the same": method, path and body.
pub fn request_fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [method.as_bytes(), path.as_bytes(), body] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii() {
        assert!(IdempotencyKey::parse("3f1c-7a").is_ok());
        for bad in ["", "with space", "中文", &"k".repeat(256)] {
            assert!(IdempotencyKey::parse(bad).is_err());
        }
    }

    #[test]
    fn fingerprints_tell_bodies_and_paths_apart() {
        let a = request_fingerprint("POST", "/api/v1/orgs", br#"{"name":"a"}"#);
        assert_eq!(a, request_fingerprint("POST", "/api/v1/orgs", br#"{"name":"a"}"#));
        assert_ne!(a, request_fingerprint("POST", "/api/v1/orgs", br#"{"name":"b"}"#));
        assert_ne!(a, request_fingerprint("POST", "/api/v1/org", br#"s{"name":"a"}"#));
    }
}
