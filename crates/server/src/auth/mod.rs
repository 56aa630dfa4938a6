//! Authentication building blocks: tokens ([`tokens`]), password hashing ([`password`]),
//! the failed-login throttle ([`throttle`]) and the caller's identity. The verifier that
//! ties them to the database is the sessions service (`crate::app::sessions`).

pub mod password;
pub mod throttle;
pub mod tokens;

use crate::error::AppError;
use qc_domain::{Role, UserStatus};
use sha2::{Digest, Sha256};

/// SHA-256 of `s`, in lower-case hex (request fingerprints, stored hashes of high-entropy
/// secrets: one-time links, API keys).
pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `bytes` random bytes in lower-case hex (secrets and their public prefixes).
pub fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// The caller, as the database knows them right now.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub role: Role,
    pub name: String,
    pub email: String,
}

/// A verified token and who it belongs to: what a socket keeps for its life, so every
/// event it sends can be checked against the account again.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: AuthUser,
    /// The token version it was issued under.
    pub version: i64,
    /// The first Unix second in which it no longer works (after its `exp` plus the
    /// leeway).
    pub ends_at: i64,
}

/// What the database says about an account, as far as authentication needs it.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: AuthUser,
    pub token_version: i64,
    pub status: UserStatus,
}

pub(crate) fn invalid_token() -> AppError {
    AppError::unauthorized(
        "invalid_token",
        "The access token is invalid. Please sign in again.",
    )
}
