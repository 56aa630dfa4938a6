//! argon2id hashing at OWASP's parameters (19 MiB, t=2, p=1), on blocking threads with
//! bounded concurrency so a burst of logins cannot starve the async executor.

use crate::error::AppError;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// Hashes and verifies passwords.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    dummy: Arc<OnceLock<String>>,
}

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: argon2id, m=19456 KiB, t=2, p=1.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hash synchronously (for the CLI and the seed).
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

impl Passwords {
    pub fn new(max_concurrent: usize) -> Passwords {
        Passwords {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy: Arc::new(OnceLock::new()),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| AppError::Internal(e.into()))
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.blocking(move || hash_blocking(&password)).await?
    }

    /// Verify against a stored hash, or against a dummy hash when the account does not
    /// exist, so both cases take the same time.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, AppError> {
        let exists = phc.is_some();
        let phc = match phc {
            Some(p) => p,
            None => self.dummy_hash()?,
        };
        let ok = self
            .blocking(move || verify_blocking(&password, &phc))
            .await?;
        Ok(ok && exists)
    }

    fn dummy_hash(&self) -> Result<String, AppError> {
        if let Some(h) = self.dummy.get() {
            return Ok(h.clone());
        }
        let h = hash_blocking("not-a-real-password-0")?;
        Ok(self.dummy.get_or_init(|| h).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let p = Passwords::new(2);
        let h = p.hash("password123".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            p.verify("password123".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!p.verify("password124".into(), Some(h)).await.unwrap());
        assert!(!p.verify("password123".into(), None).await.unwrap());
    }
}
