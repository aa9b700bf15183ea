//! Random tokens for sessions and CSRF, and their hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 256 random bits, URL-safe base64 (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// True for strings `new_token` could have made: anything else in a cookie is ignored.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == 43 && URL_SAFE_NO_PAD.decode(token).is_ok_and(|b| b.len() == 32)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The CSRF token of a logged-in session: derived from the session token, so it is bound to
/// that session, changes with every login and dies with the logout.
pub fn session_csrf(session_token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"supportdesk csrf v1\0");
    hasher.update(session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Compares secrets in constant time.
pub fn secrets_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_well_formed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(is_well_formed(&a) && is_well_formed(&b));
        assert!(!is_well_formed("short"));
        assert!(!is_well_formed(&"!".repeat(43)));
    }

    #[test]
    fn session_csrf_is_bound_to_its_session() {
        let (a, b) = (new_token(), new_token());
        assert!(is_well_formed(&session_csrf(&a)));
        assert_eq!(session_csrf(&a), session_csrf(&a));
        assert_ne!(session_csrf(&a), session_csrf(&b));
        assert_ne!(session_csrf(&a), a);
    }

    #[test]
    fn hashes_are_stable_and_secrets_compare() {
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(token_hash("abc"), token_hash("abd"));
        assert!(secrets_match("same", "same"));
        assert!(!secrets_match("same", "sama"));
        assert!(!secrets_match("same", "same-but-longer"));
    }
}
