//! Persistence for QuickCommerce: the [`Store`] trait, its models and errors.
//!
//! The trait speaks in business operations, not SQL: each method that must be atomic is
//! one transaction inside the implementation. It is shaped for both SQLite (here) and
//! PostgreSQL (a sibling implementation), so no backend-specific types cross it.

mod error;
pub mod models;
pub mod sqlite;

pub use error::{StoreError, StoreResult};
pub use models::*;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use std::sync::Arc;

/// The database behind the platform.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;
    /// Apply pending migrations.
    async fn migrate(&self) -> StoreResult<()>;
    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;

    // ---- accounts ----
    /// Create an account; a delivery account gets its partner profile in the same
    /// transaction. A taken e-mail → [`StoreError::Conflict`].
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    /// `email` must already be normalised.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn update_profile(&self, id: &str, patch: ProfilePatch) -> StoreResult<User>;
    /// Replace the password hash and bump the token version (old tokens stop working).
    async fn set_password(&self, id: &str, password_hash: &str) -> StoreResult<User>;
    /// Bump the token version: every token issued before stops working.
    async fn revoke_tokens(&self, id: &str) -> StoreResult<()>;
    async fn count_users(&self) -> StoreResult<i64>;

    // ---- catalog ----
    /// Insert or update a category by slug.
    async fn upsert_category(&self, c: NewCategory) -> StoreResult<Category>;
    async fn create_product(&self, p: NewProduct) -> StoreResult<Product>;
    async fn product_by_id(&self, id: &str) -> StoreResult<Option<Product>>;
    async fn count_products(&self) -> StoreResult<i64>;
}

/// A shared handle to whichever backend was configured.
pub type DynStore = Arc<dyn Store>;

/// Open the backend named by the URL scheme.
pub async fn connect(url: &str, opts: ConnectOptions) -> StoreResult<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url, opts).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Err(StoreError::Other(anyhow::anyhow!(
            "the PostgreSQL backend is not available in this build yet; use a sqlite:// DATABASE_URL"
        )))
    } else {
        Err(StoreError::Other(anyhow::anyhow!(
            "DATABASE_URL must start with sqlite:// or postgres://"
        )))
    }
}

/// Pool settings common to both backends.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub acquire_timeout: std::time::Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 8,
            acquire_timeout: std::time::Duration::from_secs(5),
        }
    }
}
