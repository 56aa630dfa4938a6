//! Dispatch wire types: offers to one partner at a time, declines, idle positions, and
//! the admins' view of offers.

use super::OfferView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `order:offer` → the one partner an order is offered to (also `GET /api/delivery/offers`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderOfferEvent {
    pub offer_id: String,
    /// The order as offered (no customer details).
    pub order: OfferView,
    /// Accept before this, or it goes to the next partner.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// 1 for the first partner offered, 2 for the next, …
    pub round: i64,
}

/// `{success, offers}`: the caller's live offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderOffersResponse {
    pub success: bool,
    pub offers: Vec<OrderOfferEvent>,
}

/// `order:offer-expired` → the partner whose offer ended without their accept.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferExpiredEvent {
    pub offer_id: String,
    pub order_id: String,
    /// `expired` (not answered in time) or `withdrawn` (cancelled, or an admin assigned
    /// it).
    pub reason: String,
}

/// `partner:auto-paused` → a partner whose availability was turned off after offers
/// left to expire in a row.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutoPausedEvent {
    pub code: String,
    pub message: String,
}

/// `POST /api/delivery/orders/{orderId}/decline` (and `order:decline` with `orderId`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeclineRequest {
    /// Why, in a few words (`too_far`, `vehicle_issue`, …); shown to admins.
    pub reason: Option<String>,
}

/// `PUT /api/delivery/location`: where an available partner is, without an order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PositionRequest {
    pub lat: f64,
    pub lng: f64,
}

/// One offer of an order, for admins.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferHistoryView {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub round: i64,
    /// `live`, `accepted`, `declined`, `expired` or `withdrawn`.
    pub state: String,
    pub reason: Option<String>,
    pub offered_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<&qc_store::Offer> for OfferHistoryView {
    fn from(o: &qc_store::Offer) -> Self {
        OfferHistoryView {
            id: o.id.clone(),
            partner_id: o.partner_id.clone(),
            partner_name: o.partner_name.clone(),
            round: o.round,
            state: o.state.as_str().to_owned(),
            reason: o.reason.clone(),
            offered_at: o.offered_at,
            expires_at: o.expires_at,
            answered_at: o.answered_at,
        }
    }
}

/// `dispatch:updated` → admins, at every step of an order's dispatch.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DispatchUpdatedEvent {
    pub order_id: String,
    pub store_id: String,
    /// `offered`, `declined`, `expired`, `accepted`, `withdrawn` or `escalated`.
    pub state: String,
    pub partner_id: Option<String>,
    pub partner_name: Option<String>,
    pub round: Option<i64>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A decline's reason, or why it was escalated (`rounds_exhausted`,
    /// `no_eligible_partner`).
    pub reason: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Query of `GET /api/admin/dispatch`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DispatchBoardQuery {
    pub store_id: Option<String>,
}

/// An order waiting for a partner, as the dispatch board shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DispatchBoardItem {
    pub order_id: String,
    pub order_number: String,
    pub store_id: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub promised_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `offered` (one partner has it now), `waiting` (between offers) or `broadcast`
    /// (every partner of the store may take it: broadcast mode or escalated).
    pub state: String,
    /// The live offer, when `offered`.
    pub offer: Option<OfferHistoryView>,
    /// Offers made so far.
    pub rounds: i64,
}

/// `{success, orders}`
#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchBoardResponse {
    pub success: bool,
    pub orders: Vec<DispatchBoardItem>,
}

/// `{success, location}`
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionResponse {
    pub success: bool,
    pub location: super::LocationView,
}
