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
    /// The store a picker works in.
    pub store_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub password_hash: String,
    /// A delivery partner's home store, or the store a picker works in.
    pub home_store_id: Option<String>,
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

#[derive(Debug, Clone, Default)]
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
    /// Stock at the store the product was read for (all stores together when read for
    /// none); 0 where the store does not stock it.
    pub stock: i64,
    /// Where it is shelved in that store (e.g. `A-03-2`), if known.
    pub bin: Option<String>,
    /// Its EAN, which pickers scan or type.
    pub barcode: Option<String>,
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
    /// The initial stock at each of `stores`.
    pub stock: i64,
    /// Stores that stock it from the start (with `stock` each).
    pub stores: Vec<String>,
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
    /// Whose stock to show (and filter `in_stock` on); `None`: all stores together.
    pub store_id: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProductSort {
    /// With a search: best match first (name before brand, tags, description); without
    /// one, as `Popular`.
    #[default]
    Relevance,
    Popular,
    PriceAsc,
    PriceDesc,
    Name,
    Newest,
}

/// A store's stock line of one product.
#[derive(Debug, Clone)]
pub struct ShelfLine {
    pub product_id: String,
    pub stock: i64,
    pub sold: i64,
    pub bin: Option<String>,
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
    /// What the line costs: `unit_price × quantity` until picking changes it.
    pub line_total: Money,
    /// The customer's choice for a shortage and what the picker did.
    pub pick: LinePick,
}

/// A line in the store: the customer's choice, the picker's action.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinePick {
    /// The line's number in the order, from 0 (`lineId` to clients).
    pub line: i64,
    pub substitution: qc_domain::fulfilment::SubstitutionPref,
    pub state: LinePickState,
    /// Units of the ordered product found (short, proposed, substituted lines).
    pub found: Option<u32>,
    pub substitute: Option<Substitute>,
}

/// [`qc_domain::fulfilment::PickState`] with a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinePickState(pub qc_domain::fulfilment::PickState);

impl Default for LinePickState {
    fn default() -> Self {
        LinePickState(qc_domain::fulfilment::PickState::Pending)
    }
}

/// Another product in place of the units not found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Substitute {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub unit_price: Money,
    pub quantity: u32,
    /// While proposed: when no answer means no.
    pub expires_at: Option<DateTime<Utc>>,
}

impl OrderItem {
    /// Units of the ordered product and of its substitute that left the shelf for this
    /// line (what a cancellation puts back).
    pub fn taken(&self) -> (u32, u32) {
        use qc_domain::fulfilment::PickState as P;
        match self.pick.state.0 {
            P::Pending | P::Picked => (self.quantity, 0),
            P::Short => (self.pick.found.unwrap_or(0), 0),
            P::Proposed | P::Substituted => (
                self.pick.found.unwrap_or(0),
                self.pick.substitute.as_ref().map_or(0, |s| s.quantity),
            ),
        }
    }
}

/// How a customer rated a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub stars: i64,
    pub comment: Option<String>,
    pub tip: Money,
    pub at: DateTime<Utc>,
}

/// An order in the store (fulfilment on): none for stores without picking.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderPick {
    pub fulfilment: Option<qc_domain::fulfilment::Fulfilment>,
    pub picker_id: Option<String>,
    pub picking_at: Option<DateTime<Utc>>,
    pub packed_at: Option<DateTime<Utc>>,
    pub bags: Option<i64>,
    /// A held order's dispatch starts then (or when packed, if sooner).
    pub release_at: Option<DateTime<Utc>>,
}

/// An order with its lines.
#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    /// The dark store the order is picked from.
    pub store_id: String,
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
    /// The delivery time promised at placement, and the moment it runs out.
    pub promised_minutes: Option<i64>,
    pub promised_at: Option<DateTime<Utc>>,
    /// How the order reaches a partner: offers one at a time, or every partner at once.
    pub dispatch: DispatchState,
    /// Picking and packing, for stores that do it.
    pub pick: OrderPick,
    /// The customer's rating after delivery (1-5), comment and tip to the rider.
    pub rating: Option<Rating>,
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

/// How a pending order reaches partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchState {
    /// Offered to one ranked partner at a time (the store's `auto` mode).
    Offering,
    /// Every available partner of the store may take it (`broadcast` mode, or escalated).
    Broadcast,
    /// Not offered yet: the store is picking it, and riders hear of it as packing ends.
    Held,
}

impl DispatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            DispatchState::Offering => "offering",
            DispatchState::Broadcast => "broadcast",
            DispatchState::Held => "held",
        }
    }
}

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferState {
    Live,
    Accepted,
    Declined,
    Expired,
    /// The order was cancelled or assigned by an admin while the offer was live.
    Withdrawn,
}

impl OfferState {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferState::Live => "live",
            OfferState::Accepted => "accepted",
            OfferState::Declined => "declined",
            OfferState::Expired => "expired",
            OfferState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<OfferState> {
        [
            OfferState::Live,
            OfferState::Accepted,
            OfferState::Declined,
            OfferState::Expired,
            OfferState::Withdrawn,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One order offered to one partner.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub id: String,
    pub order_id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub store_id: String,
    /// 1 for the first partner offered, 2 for the next, …
    pub round: i64,
    pub state: OfferState,
    pub reason: Option<String>,
    pub offered_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// What moves an order's dispatch on.
#[derive(Debug, Clone, Copy)]
pub enum OfferClose<'a> {
    /// Nothing to close: the first offer (or the first after an unassign).
    Start,
    /// The partner holding the live offer declines it.
    Decline {
        partner_id: &'a str,
        reason: Option<&'a str>,
    },
    /// The offer ran out (only once its time has passed).
    Expire { offer_id: &'a str },
}

/// What [`crate::Store::advance_dispatch`] did next.
#[derive(Debug, Clone, PartialEq)]
pub enum DispatchStep {
    /// A new live offer.
    Offered(Offer),
    /// Offers are over: every eligible partner of the store may take it now; the
    /// reason is `rounds_exhausted` or `no_eligible_partner`.
    Escalated(&'static str),
    /// The order needs no more offers (taken, cancelled, or broadcast already).
    Settled,
    /// The offer to close was already closed (another instance, an accept): nothing done.
    Stale,
}

/// A dispatch step with what it closed.
#[derive(Debug, Clone, PartialEq)]
pub struct DispatchOutcome {
    pub step: DispatchStep,
    /// The offer the step closed (declined or expired).
    pub closed: Option<Offer>,
    /// A partner whose availability this step turned off (offers ignored in a row).
    pub paused: Option<String>,
}

/// A partner who could be offered a store's order, as the database has them.
#[derive(Debug, Clone)]
pub struct DispatchCandidate {
    pub partner_id: String,
    pub name: String,
    pub ignored_in_row: i64,
    pub declines_recent: i64,
    /// The last position written to the database (`lat`, `lng`, at).
    pub last_location: Option<(f64, f64, DateTime<Utc>)>,
    /// Since when the partner has had nothing to do (last delivery, or availability on).
    pub idle_since: Option<DateTime<Utc>>,
    /// Orders the partner carries now.
    pub carrying: Vec<CarriedOrder>,
    /// Customers' ratings: sum and count.
    pub rating_sum: i64,
    pub rating_count: i64,
}

/// An order a partner carries.
#[derive(Debug, Clone)]
pub struct CarriedOrder {
    pub id: String,
    pub store_id: String,
    pub status: qc_domain::OrderStatus,
    pub dest: Option<(f64, f64)>,
    pub promised_at: Option<DateTime<Utc>>,
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
    /// A live offer the change ended (accepted, or withdrawn by a cancel or an admin).
    pub ended_offer: Option<Offer>,
}

/// A product's stock at a store after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLevel {
    pub store_id: String,
    pub product_id: String,
    pub stock: i64,
    /// The stock before this change (the change is `stock - before`).
    pub before: i64,
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
    /// The store whose orders the partner is offered.
    pub home_store_id: Option<String>,
    pub last_location: Option<(f64, f64, DateTime<Utc>)>,
    pub total_deliveries: i64,
    pub total_earnings: Money,
    pub active_orders: i64,
    /// Customers' ratings: sum and count.
    pub rating_sum: i64,
    pub rating_count: i64,
}

impl PartnerProfile {
    /// Customers' mean rating to one decimal; `None` before the first.
    pub fn mean_rating(&self) -> Option<f64> {
        (self.rating_count > 0)
            .then(|| (self.rating_sum as f64 / self.rating_count as f64 * 10.0).round() / 10.0)
    }
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
    pub low_stock: Vec<LowStock>,
    /// Open orders past their promised time, and within 5 minutes of it.
    pub late: i64,
    pub at_risk: i64,
    /// Delivered since `since`, and how many of those by their promised time.
    pub delivered_today: i64,
    pub on_time_today: i64,
}

/// A product running low at a store.
#[derive(Debug, Clone)]
pub struct LowStock {
    pub store_id: String,
    pub store_code: String,
    pub product_id: String,
    pub name: String,
    pub stock: i64,
}

/// Filters of the admin order table.
#[derive(Debug, Clone, Default)]
pub struct AdminOrderFilter {
    pub store_id: Option<String>,
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

/// A dark store as stored. `location` and `zone` are empty only for the store a
/// single-store database was migrated into, until the server fills them in.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreRecord {
    pub id: String,
    pub code: String,
    pub name: String,
    pub street: String,
    pub location: Option<qc_domain::GeoPoint>,
    /// A GeoJSON Polygon or MultiPolygon (checked by `qc_domain::store::Zone`).
    pub zone: Option<serde_json::Value>,
    pub zip_codes: Vec<String>,
    pub timezone: String,
    pub hours: std::collections::BTreeMap<String, Vec<qc_domain::store::Interval>>,
    pub paused: bool,
    /// Settings as JSON (promise figures, dispatch and fulfilment choices).
    pub settings: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new store: every field checked by the caller.
#[derive(Debug, Clone)]
pub struct NewStore {
    pub code: String,
    pub name: String,
    pub street: String,
    pub location: qc_domain::GeoPoint,
    pub zone: Option<serde_json::Value>,
    pub zip_codes: Vec<String>,
    pub timezone: String,
    pub hours: std::collections::BTreeMap<String, Vec<qc_domain::store::Interval>>,
    pub paused: bool,
    pub settings: serde_json::Value,
}

/// What an admin changes on a store; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct StorePatch {
    pub name: Option<String>,
    pub street: Option<String>,
    pub location: Option<qc_domain::GeoPoint>,
    /// `Some(None)` removes the polygon (zip codes must then exist).
    pub zone: Option<Option<serde_json::Value>>,
    pub zip_codes: Option<Vec<String>>,
    pub timezone: Option<String>,
    pub hours: Option<std::collections::BTreeMap<String, Vec<qc_domain::store::Interval>>>,
    pub paused: Option<bool>,
    pub settings: Option<serde_json::Value>,
}

/// A store's open orders and riders, as the database has them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreLoadRow {
    pub store_id: String,
    pub unpicked: i64,
    pub waiting_for_rider: i64,
    pub riders_available: i64,
    pub riders_busy: i64,
}

/// Delivered today at a store, and how many of those on time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OnTime {
    pub delivered: i64,
    pub on_time: i64,
}
