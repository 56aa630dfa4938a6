//! Plain data crossing the [`crate::Store`] trait. Times are UTC, money is minor units.

use chrono::{DateTime, Utc};
use qc_domain::{Money, OrderEventKind, PartnerStatus, PaymentMethod, Role, UserStatus};

/// An account as stored.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub status: UserStatus,
    pub password_hash: String,
    /// Bumped by logout, password change and blocking; tokens carry the version they
    /// were issued under.
    pub token_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub password_hash: String,
}

/// Fields a user may change on their own profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub name: Option<String>,
    /// `Some(None)` clears the phone number.
    pub phone: Option<Option<String>>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub color: String,
    pub icon: String,
    pub is_active: bool,
    pub sort_order: i64,
}

#[derive(Debug, Clone)]
pub struct NewCategory {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub color: String,
    pub icon: String,
    pub sort_order: i64,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category_id: String,
    pub category_slug: String,
    pub category_name: String,
    pub category_color: String,
    pub unit: String,
    pub price: Money,
    pub mrp: Money,
    pub stock: i64,
    pub brand: Option<String>,
    pub tags: Vec<String>,
    pub image_url: String,
    pub is_active: bool,
    /// Whether the product's category is active: a product can be seen and ordered only
    /// when both are.
    pub category_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    /// Customers may see and order it.
    pub fn orderable(&self) -> bool {
        self.is_active && self.category_active
    }
}

#[derive(Debug, Clone)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub description: String,
    /// The category's slug.
    pub category: String,
    pub unit: String,
    pub price: Money,
    pub mrp: Money,
    pub stock: i64,
    pub brand: Option<String>,
    pub tags: Vec<String>,
}

/// What a customer asks of the catalog.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    /// Category slug or id.
    pub category: Option<String>,
    pub search: Option<String>,
    pub in_stock: bool,
    pub min_price: Option<Money>,
    pub max_price: Option<Money>,
    pub sort: ProductSort,
    /// Include deactivated products (admins).
    pub include_inactive: bool,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProductSort {
    #[default]
    Popular,
    PriceAsc,
    PriceDesc,
    Name,
    Newest,
}

#[derive(Debug, Clone)]
pub struct CategoryWithCount {
    pub category: Category,
    pub product_count: i64,
}

/// A saved address of a user.
#[derive(Debug, Clone)]
pub struct SavedAddress {
    pub id: String,
    pub user_id: String,
    pub address: qc_domain::Address,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
}

/// An order line as sold: a snapshot of the product at order time.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct OrderItem {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
}

/// An order with its lines.
#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub customer_id: String,
    pub partner_id: Option<String>,
    pub status: qc_domain::OrderStatus,
    pub items: Vec<OrderItem>,
    pub subtotal: Money,
    pub delivery_fee: Money,
    pub total: Money,
    pub payment_method: PaymentMethod,
    pub address: qc_domain::Address,
    pub confirmation_code: String,
    pub code_attempts: i64,
    pub notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancelled_by: Option<String>,
    pub payout: Option<Money>,
    pub distance_m: Option<i64>,
    pub last_seq: i64,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub picked_up_at: Option<DateTime<Utc>>,
    pub on_the_way_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// One entry of an order's timeline; `seq` counts from 1 per order.
#[derive(Debug, Clone)]
pub struct OrderEvent {
    pub order_id: String,
    pub seq: i64,
    pub kind: OrderEventKind,
    pub payload: serde_json::Value,
    pub actor_id: Option<String>,
    pub actor_role: Option<Role>,
    pub at: DateTime<Utc>,
}

/// What one order operation committed: the order as it now is, the event it appended
/// to the order's timeline (built by the store in the operation's transaction), and
/// what else changed that the caller must announce.
#[derive(Debug, Clone)]
pub struct OrderChange {
    pub order: Order,
    pub event: OrderEvent,
    /// The partner who had the order before (unassign, reassign).
    pub previous_partner: Option<String>,
    /// Stock of the products the change took or put back, as its transaction left it.
    pub stock: Vec<StockLevel>,
}

/// A product's stock after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLevel {
    pub product_id: String,
    pub stock: i64,
    /// Whether the product can be ordered at all (active).
    pub active: bool,
}

/// A line the store could not fill, and what is left.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shortfall {
    pub product_id: String,
    pub name: String,
    pub requested: u32,
    pub available: i64,
}

/// The outcome of claiming an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use: go ahead.
    Fresh,
    /// Done before with the same request: replay this answer.
    Replay { status: u16, body: String },
    /// The key was used with a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// Saved with the order, in its transaction, so a retry replays exactly this answer.
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    pub user_id: String,
    pub key: String,
    pub status: u16,
    pub body: String,
}

/// Who cancels an order.
#[derive(Debug, Clone)]
pub enum Canceller {
    /// Only their own order, only before pickup.
    Customer(String),
    /// Any order not yet delivered.
    Admin(String),
    /// The platform itself (e.g. nobody accepted in time): only a pending order.
    System,
}

/// A delivery partner's profile and running totals.
#[derive(Debug, Clone)]
pub struct PartnerProfile {
    pub user_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub is_available: bool,
    pub is_verified: bool,
    pub status: PartnerStatus,
    pub vehicle_type: String,
    pub last_location: Option<(f64, f64, DateTime<Utc>)>,
    pub total_deliveries: i64,
    pub total_earnings: Money,
    pub active_orders: i64,
}

/// Which of a partner's orders to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerOrders {
    /// Accepted, picked up or on the way.
    Active,
    /// Delivered or cancelled after acceptance.
    History,
}

/// The result of a delivery-code check.
#[derive(Debug, Clone)]
pub enum Confirmation {
    Delivered(Box<OrderChange>),
    /// Wrong code; `attempts_left` more before the order locks.
    WrongCode {
        attempts_left: i64,
    },
    /// Too many wrong codes: confirmation is locked for this order. The change (its
    /// `order.code_locked` event) is there when this very attempt locked it.
    Locked(Option<Box<OrderChange>>),
}

/// One point of a delivery's trail.
#[derive(Debug, Clone, Copy)]
pub struct TrailPoint {
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
}

/// Payouts of a partner.
#[derive(Debug, Clone, Default)]
pub struct Earnings {
    pub today: Money,
    pub week: Money,
    pub total: Money,
    pub deliveries_today: i64,
    pub deliveries_week: i64,
    pub deliveries_total: i64,
    /// The most recent delivered orders: (order id, payout, distance m, delivered at).
    pub recent: Vec<(String, Money, Option<i64>, DateTime<Utc>)>,
}

/// Everything the admin dashboard needs from the database, for orders since `since`.
#[derive(Debug, Clone, Default)]
pub struct StatsSnapshot {
    pub orders_by_status: Vec<(qc_domain::OrderStatus, i64)>,
    /// Sum of totals of orders delivered since `since`.
    pub revenue: Money,
    /// Seconds from placement to delivery of orders delivered since `since`.
    pub delivery_seconds: Vec<i64>,
    pub partners_total: i64,
    pub partners_available: i64,
    /// Partners with at least one active order.
    pub partners_busy: i64,
    pub low_stock: Vec<Product>,
}

/// Filters of the admin order table.
#[derive(Debug, Clone, Default)]
pub struct AdminOrderFilter {
    pub status: Option<qc_domain::OrderStatus>,
    /// Matches the order id, the customer's name or e-mail.
    pub search: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub partner_id: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub search: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// A partner row for the admin table.
#[derive(Debug, Clone)]
pub struct PartnerRow {
    pub email: String,
    pub profile: PartnerProfile,
    pub active_order_id: Option<String>,
}

/// Fields an admin may change on a product; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub price: Option<Money>,
    pub mrp: Option<Money>,
    pub is_active: Option<bool>,
    pub brand: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    /// Category slug.
    pub category: Option<String>,
}

/// A stock change: an absolute value or a relative adjustment.
#[derive(Debug, Clone, Copy)]
pub enum StockChange {
    Set(i64),
    Adjust(i64),
}

#[derive(Debug, Clone, Default)]
pub struct CategoryPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub color: Option<String>,
    pub icon: Option<String>,
    pub is_active: Option<bool>,
}
