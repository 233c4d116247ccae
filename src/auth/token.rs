//! The token itself: how it is made, how it is hashed for storage, and how it is read from an
//! `Authorization` header. Nothing here touches the database.
//!
//! A token is 32 bytes from the operating system's random source, so it cannot be guessed; that is
//! also why a plain SHA-256 (no salt, no slow hash) is enough to store it: there is no small space
//! of likely tokens to search. Lookup is by hash, so no secret is ever compared byte by byte.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// What every token starts with, so that a leaked one is recognisable (secret scanners, logs).
pub const PREFIX: &str = "fr_";
/// Random bytes per token.
const RANDOM_BYTES: usize = 32;
/// Length of a token: the prefix and 32 bytes in unpadded base64 (43 characters).
pub const TOKEN_LEN: usize = PREFIX.len() + (RANDOM_BYTES * 4).div_ceil(3);

/// A new token: `fr_` followed by 32 random bytes in URL-safe base64 without padding.
///
/// # Errors
/// [`AppError::Internal`] when the operating system cannot provide random bytes.
pub fn generate() -> Result<String, AppError> {
    let mut bytes = [0u8; RANDOM_BYTES];
    OsRng.try_fill_bytes(&mut bytes).map_err(|e| AppError::Internal(format!("no random bytes from the OS: {e}")))?;
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The stored form of a token: the lower-case hex SHA-256 of the whole token string.
pub fn hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape of one this server makes; anything else cannot match a stored
/// hash, so the database need not be asked.
pub fn looks_like_token(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive, as HTTP
/// says), or `None` when the value is anything else.
pub fn from_bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(char::is_whitespace))
        .then_some(token)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_token_has_the_prefix_the_length_and_no_padding() {
        let token = generate().unwrap();
        assert!(token.starts_with("fr_"), "{token}");
        assert_eq!(token.len(), TOKEN_LEN);
        assert_eq!(TOKEN_LEN, 46);
        assert!(!token.contains('='));
        assert!(looks_like_token(&token));
        let raw = URL_SAFE_NO_PAD.decode(&token[PREFIX.len()..]).unwrap();
        assert_eq!(raw.len(), 32);
    }

    #[test]
    fn two_tokens_differ() {
        assert_ne!(generate().unwrap(), generate().unwrap());
    }

    #[test]
    fn the_hash_is_lower_case_hex_sha256_of_the_whole_token() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let token = generate().unwrap();
        assert_eq!(hash(&token).len(), 64);
        assert_ne!(hash(&token), hash(&token[PREFIX.len()..]));
    }

    #[test]
    fn only_well_formed_tokens_look_like_tokens() {
        assert!(!looks_like_token(""));
        assert!(!looks_like_token("fr_"));
        assert!(!looks_like_token(&format!("xx_{}", "a".repeat(43))));
        assert!(!looks_like_token(&format!("fr_{}", "a".repeat(42))));
        assert!(!looks_like_token(&format!("fr_{}=", "a".repeat(42))));
        assert!(!looks_like_token(&format!("fr_{}é", "a".repeat(41))));
        assert!(looks_like_token(&format!("fr_{}-_", "a".repeat(41))));
    }

    #[test]
    fn bearer_values_are_parsed_strictly() {
        assert_eq!(from_bearer("Bearer fr_abc"), Some("fr_abc"));
        assert_eq!(from_bearer("bearer   fr_abc "), Some("fr_abc"));
        assert_eq!(from_bearer("Bearer"), None);
        assert_eq!(from_bearer("Bearer "), None);
        assert_eq!(from_bearer("Basic dXNlcjpwYXNz"), None);
        assert_eq!(from_bearer("Bearer a b"), None);
        assert_eq!(from_bearer("fr_abc"), None);
    }
}
