//! JWT issue and verification: HS256 pinned, `exp` required, token version inside.

use crate::error::AppError;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// What a token says. The role is informative only: the verifier reads it from the
/// database.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    /// The user's token version when issued; a bump revokes the token.
    pub ver: i64,
    pub iat: i64,
    pub exp: i64,
}

/// Seconds a token still works after its `exp` (clock skew between instances). A
/// socket's session ends at the same moment (`exp` + this).
pub const LEEWAY_SECS: u64 = 5;

/// Tokens verified already, by their whole text: a client sends the same token with
/// every request, and checking its signature and parsing it again cost more than the
/// rest of a cached catalog answer. Only tokens whose signature was verified go in;
/// their expiry is still checked on every use. Emptied when full.
const VERIFIED_MAX: usize = 8192;

/// Issues and verifies tokens with one secret.
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    verified: Mutex<HashMap<Box<str>, Claims>>,
}

impl TokenService {
    pub fn new(secret: &[u8], ttl: Duration) -> TokenService {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = LEEWAY_SECS;
        TokenService {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
            verified: Mutex::default(),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user_id: &str, role: &str, version: i64) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let claims = Claims {
            sub: user_id.to_owned(),
            role: role.to_owned(),
            ver: version,
            iat: now,
            exp: now.saturating_add(ttl),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("signing a token failed: {e}")))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    fn verify_at(&self, token: &str, now: i64) -> Result<Claims, AppError> {
        let known = self.verified().get(token).cloned();
        if let Some(claims) = known {
            // As the decoder: expired once `exp` is more than the leeway behind.
            if claims.exp < now.saturating_sub(LEEWAY_SECS as i64) {
                self.verified().remove(token);
                return Err(expired());
            }
            return Ok(claims);
        }
        match decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => {
                let mut verified = self.verified();
                if verified.len() >= VERIFIED_MAX {
                    verified.clear();
                }
                verified.insert(token.into(), data.claims.clone());
                Ok(data.claims)
            }
            Err(e) if matches!(e.kind(), ErrorKind::ExpiredSignature) => Err(expired()),
            Err(_) => Err(super::invalid_token()),
        }
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Claims>> {
        self.verified.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The `token_expired` error.
pub fn expired() -> AppError {
    AppError::unauthorized(
        "token_expired",
        "The access token has expired. Please sign in again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc() -> TokenService {
        TokenService::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60))
    }

    #[test]
    fn round_trip() {
        let t = svc().issue("u1", "customer", 3).unwrap();
        let c = svc().verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.ver), ("u1", 3));
    }

    #[test]
    fn wrong_key_and_tampering_are_refused() {
        let t = svc().issue("u1", "customer", 0).unwrap();
        let other = TokenService::new(b"another-secret-another-secret-xx", Duration::from_secs(60));
        assert_eq!(other.verify(&t).unwrap_err().code(), "invalid_token");
        let mut tampered = t.clone();
        tampered.insert(t.len() - 3, 'x');
        assert!(svc().verify(&tampered).is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let s = svc();
        let claims = Claims {
            sub: "u1".into(),
            role: "customer".into(),
            ver: 0,
            iat: 0,
            exp: chrono::Utc::now().timestamp() - 120,
        };
        let t = encode(&Header::new(Algorithm::HS256), &claims, &s.encoding).unwrap();
        assert_eq!(s.verify(&t).unwrap_err().code(), "token_expired");
    }

    #[test]
    fn a_token_verified_before_still_expires() {
        let s = svc();
        let now = chrono::Utc::now().timestamp();
        let t = s.issue("u1", "customer", 2).unwrap();
        assert_eq!(s.verify_at(&t, now).unwrap().ver, 2);
        // Served from the verified tokens now, but not past its expiry and leeway.
        let exp = s.verify_at(&t, now).unwrap().exp;
        assert!(s.verify_at(&t, exp + LEEWAY_SECS as i64).is_ok());
        let late = s.verify_at(&t, exp + LEEWAY_SECS as i64 + 1).unwrap_err();
        assert_eq!(late.code(), "token_expired");
        // And a token with one character changed is not the verified one.
        let mut tampered = t.clone();
        tampered.insert(t.len() - 3, 'x');
        assert_eq!(
            s.verify_at(&tampered, now).unwrap_err().code(),
            "invalid_token"
        );
    }
}
