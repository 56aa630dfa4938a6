//! Persistence for QuickCommerce: the [`Store`] trait, its models and errors.
//!
//! The traits speak in business operations, not SQL: each method that must be atomic
//! is one transaction inside the implementation. They are shaped for both SQLite (here)
//! and PostgreSQL, so no backend-specific types cross them.

mod error;
pub mod models;
pub mod postgres;
pub mod sqlite;
pub mod testing;

pub use error::{StoreError, StoreResult};
pub use models::*;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The database behind the platform: every capability, plus lifecycle.
#[async_trait]
pub trait Store:
    Accounts + Catalog + Addresses + Orders + Delivery + Operations + Send + Sync + 'static
{
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;
    /// Apply pending migrations.
    async fn migrate(&self) -> StoreResult<()>;
    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;
    /// Connections held by the pools: (open, idle).
    fn pool_stats(&self) -> (u32, u32);
}

/// Accounts and sessions.
#[async_trait]
pub trait Accounts: Send + Sync {
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
    /// Block or unblock; blocking also bumps the token version (old tokens die).
    async fn set_user_status(&self, id: &str, status: qc_domain::UserStatus) -> StoreResult<User>;
}

/// Categories and products.
#[async_trait]
pub trait Catalog: Send + Sync {
    /// Insert or update a category by slug.
    async fn upsert_category(&self, c: NewCategory) -> StoreResult<Category>;
    async fn create_product(&self, p: NewProduct) -> StoreResult<Product>;
    async fn product_by_id(&self, id: &str) -> StoreResult<Option<Product>>;
    async fn products_by_ids(&self, ids: &[String]) -> StoreResult<Vec<Product>>;
    /// A page of products and the total number matching.
    async fn list_products(&self, q: &ProductQuery) -> StoreResult<(Vec<Product>, i64)>;
    /// Active categories with their active product counts.
    async fn list_categories(&self) -> StoreResult<Vec<CategoryWithCount>>;
    async fn count_products(&self) -> StoreResult<i64>;
    async fn set_product_active(&self, id: &str, active: bool) -> StoreResult<Product>;
    /// Set the stock to an absolute value (never negative).
    async fn set_stock(&self, id: &str, stock: i64) -> StoreResult<Product>;
}

/// Saved delivery addresses, always scoped to their owner.
#[async_trait]
pub trait Addresses: Send + Sync {
    async fn list_addresses(&self, user_id: &str) -> StoreResult<Vec<SavedAddress>>;
    async fn address(&self, user_id: &str, id: &str) -> StoreResult<Option<SavedAddress>>;
    /// Refuses with [`StoreError::LimitReached`] past `max_per_user`. The first address,
    /// or one saved as default, becomes the only default.
    async fn create_address(
        &self,
        user_id: &str,
        address: qc_domain::Address,
        make_default: bool,
        max_per_user: i64,
    ) -> StoreResult<SavedAddress>;
    async fn update_address(
        &self,
        user_id: &str,
        id: &str,
        address: qc_domain::Address,
    ) -> StoreResult<SavedAddress>;
    /// Deleting the default makes the newest remaining address the default.
    async fn delete_address(&self, user_id: &str, id: &str) -> StoreResult<()>;
    async fn set_default_address(&self, user_id: &str, id: &str) -> StoreResult<SavedAddress>;
}

/// Orders, their timeline and idempotent placement.
#[async_trait]
pub trait Orders: Send + Sync {
    /// Claim `key` for `user_id` with a request fingerprint. Keys older than `ttl` are
    /// forgotten; an in-progress claim older than `stale_after` may be taken over.
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        request_hash: &str,
        stale_after: chrono::Duration,
        ttl: chrono::Duration,
    ) -> StoreResult<IdempotencyClaim>;
    /// Forget a claim whose request failed, so a retry runs again.
    async fn release_idempotency_key(&self, user_id: &str, key: &str) -> StoreResult<()>;

    /// One transaction: a conditional stock decrement per line in product-id order
    /// (price and active state must still be as quoted), the order with its snapshots,
    /// its first event, and the idempotency answer. Any short line →
    /// [`StoreError::OutOfStock`] naming every short line; a changed product →
    /// [`StoreError::StaleProducts`]; nothing is written in either case. Returns the
    /// stock of each line's product as the committing transaction left it.
    async fn place_order(
        &self,
        order: &Order,
        first_event: &OrderEvent,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Vec<(String, i64)>>;
    async fn order_by_id(&self, id: &str) -> StoreResult<Option<Order>>;
    /// A customer's orders, newest first, optionally by status.
    async fn list_customer_orders(
        &self,
        customer_id: &str,
        status: Option<qc_domain::OrderStatus>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Order>, i64)>;
    /// Cancel and restock in one transaction; the status is re-checked in the update.
    /// Not the customer's order → NotFound; too late → [`StoreError::InvalidState`].
    async fn cancel_order(
        &self,
        order_id: &str,
        by: &Canceller,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent)>;
    /// Events with `seq > after`, oldest first.
    async fn order_events(
        &self,
        order_id: &str,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<OrderEvent>>;
}

/// Delivery partners: availability, single-winner acceptance, the status flow,
/// locations and earnings.
#[async_trait]
pub trait Delivery: Send + Sync {
    async fn partner_profile(&self, user_id: &str) -> StoreResult<Option<PartnerProfile>>;
    async fn set_availability(&self, user_id: &str, available: bool)
    -> StoreResult<PartnerProfile>;
    /// Pending orders nobody has taken, oldest first.
    async fn available_orders(&self, limit: i64) -> StoreResult<Vec<Order>>;
    async fn partner_orders(
        &self,
        partner_id: &str,
        which: PartnerOrders,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Order>, i64)>;
    /// One conditional update: the order must still be pending and unassigned, and the
    /// partner under `max_active` active orders. Exactly one concurrent caller wins; the
    /// others get [`StoreError::InvalidState`] (taken) or [`StoreError::LimitReached`].
    async fn accept_order(
        &self,
        order_id: &str,
        partner_id: &str,
        max_active: i64,
        distance_m: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent)>;
    /// Move an assigned order from `from` to `to` (not to delivered: see
    /// [`Delivery::confirm_delivery`]); re-checked in the update.
    async fn advance_order(
        &self,
        order_id: &str,
        partner_id: &str,
        from: qc_domain::OrderStatus,
        to: qc_domain::OrderStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent)>;
    /// Check the customer's code; on success deliver, pay out and bump the partner's
    /// totals, all in one transaction. Wrong codes are counted (and committed).
    async fn confirm_delivery(
        &self,
        order_id: &str,
        partner_id: &str,
        code: &str,
        max_attempts: i64,
        payout: qc_domain::Money,
        at: DateTime<Utc>,
    ) -> StoreResult<Confirmation>;
    /// Keep the partner's last position, and a trail sample when `sample` is set.
    async fn record_location(
        &self,
        partner_id: &str,
        order_id: &str,
        lat: f64,
        lng: f64,
        at: DateTime<Utc>,
        sample: bool,
    ) -> StoreResult<()>;
    async fn location_trail(&self, order_id: &str, limit: i64) -> StoreResult<Vec<TrailPoint>>;
    /// Payouts since the start of today and of this week (UTC bounds given by the caller).
    async fn earnings(
        &self,
        partner_id: &str,
        day_start: DateTime<Utc>,
        week_start: DateTime<Utc>,
        recent: i64,
    ) -> StoreResult<Earnings>;
}

/// What admins see and change.
#[async_trait]
pub trait Operations: Send + Sync {
    async fn stats_snapshot(
        &self,
        since: DateTime<Utc>,
        low_stock_below: i64,
    ) -> StoreResult<StatsSnapshot>;
    async fn admin_orders(&self, filter: &AdminOrderFilter) -> StoreResult<(Vec<Order>, i64)>;
    async fn list_users(&self, filter: &UserFilter) -> StoreResult<(Vec<User>, i64)>;
    async fn list_partners(
        &self,
        search: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<PartnerRow>, i64)>;
    /// Verify or suspend a partner; suspension also turns availability off.
    async fn set_partner_flags(
        &self,
        user_id: &str,
        verified: Option<bool>,
        suspended: Option<bool>,
    ) -> StoreResult<PartnerProfile>;
    /// Take an accepted (not yet picked up) order back from its partner and offer it
    /// again. Returns the previous partner's id.
    async fn unassign_order(
        &self,
        order_id: &str,
        admin_id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent, String)>;
    /// Give an active order to another partner. Returns the previous partner's id.
    async fn reassign_order(
        &self,
        order_id: &str,
        partner_id: &str,
        admin_id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent, String)>;
    async fn update_product(&self, id: &str, patch: ProductPatch) -> StoreResult<Product>;
    /// Change stock with a reason (kept in the stock movements); never below zero.
    async fn change_stock(
        &self,
        id: &str,
        change: StockChange,
        reason: &str,
        actor_id: &str,
    ) -> StoreResult<Product>;
    async fn update_category(&self, id: &str, patch: CategoryPatch) -> StoreResult<Category>;
}

/// A shared handle to whichever backend was configured.
pub type DynStore = Arc<dyn Store>;

/// Open the backend named by the URL scheme.
pub async fn connect(url: &str, opts: ConnectOptions) -> StoreResult<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url, opts).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PgStore::connect(url, opts).await?))
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
