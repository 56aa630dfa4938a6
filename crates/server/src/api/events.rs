//! Socket.io event payloads (server → client). Documented in docs/WEBSOCKET.md; every
//! order event carries the order's `seq` so clients can detect gaps and catch up via
//! `GET /api/customer/orders/{orderId}/events?after=<seq>`.

use super::{OfferView, PartnerOrderView};
use serde::Serialize;
use utoipa::ToSchema;

/// `order:created` → available partners and admins: the offer, without anything that
/// identifies the customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCreatedEvent {
    pub order: OfferView,
}

/// `order:accepted` → the order's customer and admins.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderAcceptedEvent {
    pub order_id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `order:accepted-success` → the winning partner.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptedSuccessEvent {
    pub order_id: String,
    pub order: PartnerOrderView,
    pub seq: i64,
}

/// `order:code-locked` → the order's customer, partner and admins: too many wrong
/// delivery codes; support resets it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeLockedEvent {
    pub order_id: String,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `order:code-reset` → the customer with the new code; the partner and admins without.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeResetEvent {
    pub order_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_code: Option<String>,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `order:taken` → the other available partners: drop it from the list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderTakenEvent {
    pub order_id: String,
}

/// `order:status-updated` → the order's customer, its partner and admins.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusUpdatedEvent {
    pub order_id: String,
    pub status: String,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `order:completed` → the order's customer, its partner and admins.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderCompletedEvent {
    pub order_id: String,
    pub actual_delivery_time: chrono::DateTime<chrono::Utc>,
    pub seq: i64,
}

/// `order:cancelled` → customer, partner, admins (and available partners if it was
/// still on offer).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderCancelledEvent {
    pub order_id: String,
    pub reason: Option<String>,
    /// `customer` or `admin`.
    pub by: String,
    pub seq: i64,
}

/// `delivery:location` → the order's customer only (admins hear `fleet:positions`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocationEvent {
    pub lat: f64,
    pub lng: f64,
    pub order_id: String,
    pub partner_id: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A rider's latest position, in `fleet:positions`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FleetPosition {
    pub partner_id: String,
    /// The order the rider is delivering; absent while the rider waits for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    pub lat: f64,
    pub lng: f64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `fleet:positions` → admins: riders' positions, at most once per `QC_FLEET_WINDOW_MS`
/// (the first at once, later ones together at the window's end), each rider's latest:
/// delivering (with `orderId`) at every fix, waiting for orders at most every 3 s.
#[derive(Debug, Serialize, ToSchema)]
pub struct FleetPositionsEvent {
    pub positions: Vec<FleetPosition>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    pub store_id: String,
    pub product_id: String,
    pub stock: i64,
    pub in_stock: bool,
}

/// `inventory:updated` → admins after every stock change, customers after a change their
/// screen shows (addable, or how many up to a line's limit); a store's watchers and
/// admins at most once per `QC_INVENTORY_WINDOW_MS`.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryUpdatedEvent {
    pub products: Vec<StockLevel>,
}
