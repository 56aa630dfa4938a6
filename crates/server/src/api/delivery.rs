//! Delivery-partner and live-tracking wire types.

use super::{OrderView, Pagination};
use qc_store::PartnerProfile;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `PUT /api/delivery/availability` (and the `delivery:availability` event).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AvailabilityRequest {
    /// `true`: receive new orders. `isAvailable` is accepted too.
    #[serde(alias = "isAvailable")]
    pub available: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocationView {
    pub lat: f64,
    pub lng: f64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A partner's profile and totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerView {
    pub id: String,
    pub name: String,
    pub is_available: bool,
    pub is_verified: bool,
    /// `active` or `suspended`.
    pub status: String,
    pub vehicle_type: String,
    pub total_deliveries: i64,
    /// Minor units.
    pub total_earnings: i64,
    pub active_orders: i64,
    pub last_location: Option<LocationView>,
    /// The store whose orders this partner is offered.
    pub home_store: Option<super::StoreRef>,
    /// Customers' mean rating (1-5) and how many rated; `None` before the first.
    pub rating: Option<f64>,
    pub rating_count: i64,
}

impl From<&PartnerProfile> for PartnerView {
    fn from(p: &PartnerProfile) -> Self {
        PartnerView {
            id: p.user_id.clone(),
            name: p.name.clone(),
            is_available: p.is_available,
            is_verified: p.is_verified,
            status: p.status.as_str().to_owned(),
            vehicle_type: p.vehicle_type.clone(),
            total_deliveries: p.total_deliveries,
            total_earnings: p.total_earnings.minor(),
            active_orders: p.active_orders,
            rating: p.mean_rating(),
            rating_count: p.rating_count,
            last_location: p
                .last_location
                .map(|(lat, lng, at)| LocationView { lat, lng, at }),
            home_store: None,
        }
    }
}

/// `{success, partner}`
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerResponse {
    pub success: bool,
    pub partner: PartnerView,
}

/// How to reach the customer: shown to the assigned partner of an active order only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub name: String,
    pub phone: Option<String>,
}

/// An order as a partner sees it: never the confirmation code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerOrderView {
    #[serde(flatten)]
    pub order: OrderView,
    /// Store to customer, when the address has coordinates.
    pub distance_meters: Option<i64>,
    /// What this delivery pays, in minor units.
    pub estimated_payout: i64,
    /// Where to pick the order up.
    pub pickup: LocationPoint,
    /// Only for the assigned partner while the order is active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<ContactView>,
    /// In the partner's active orders: which drop-off this is (1 first), in the order
    /// that keeps every promise with the shortest trip (docs/ARCHITECTURE.md, stacking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<i64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct LocationPoint {
    pub lat: f64,
    pub lng: f64,
}

/// An order on offer, as every eligible partner sees it before one accepts: what a
/// rider needs to decide, nothing that identifies the customer. The exact address,
/// coordinates, the customer's name, phone and notes go only to the partner who wins
/// (`order:accepted-success`, their order views) and to admins.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    pub id: String,
    pub order_number: String,
    /// `pending` while on offer.
    pub status: String,
    /// Where to pick the order up.
    pub pickup: LocationPoint,
    /// Store to drop-off area, metres.
    pub distance_meters: Option<i64>,
    pub dropoff: DropoffArea,
    /// Items to carry (units, all lines).
    pub item_count: u32,
    /// What this delivery pays, in minor units.
    pub estimated_payout: i64,
    /// Minutes from the store to the drop-off at the average rider speed.
    pub estimated_minutes: Option<i64>,
    pub currency: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Where an offered order goes, to about 500 m.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DropoffArea {
    /// The city (locality) of the address.
    pub locality: String,
    pub zip_code: String,
    /// The drop-off rounded to a 0.005° grid (about 500 m), when the address has one.
    pub point: Option<LocationPoint>,
}

/// `{success, orders}`: orders on offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OffersResponse {
    pub success: bool,
    pub orders: Vec<OfferView>,
}

/// `{success, orders}`
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOrdersResponse {
    pub success: bool,
    pub orders: Vec<PartnerOrderView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

/// `{success, order}`
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOrderResponse {
    pub success: bool,
    pub order: PartnerOrderView,
}

/// `PUT /api/delivery/orders/{orderId}/status`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusUpdateRequest {
    /// `picked_up`, `on_the_way` or `delivered` (the next one only).
    #[schema(example = "picked_up")]
    pub status: String,
    /// Required for `delivered`: the customer's 4-digit code.
    pub confirmation_code: Option<String>,
}

/// `{lat, lng, orderId}` from the assigned partner; without `orderId`, an available
/// partner's idle position (for dispatch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationUpdate {
    pub lat: f64,
    pub lng: f64,
    pub order_id: Option<String>,
}

/// One delivered order's payout.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EarningLine {
    pub order_id: String,
    pub order_number: String,
    pub payout: i64,
    pub distance_meters: Option<i64>,
    pub delivered_at: chrono::DateTime<chrono::Utc>,
}

/// Payouts in minor units; today and this week in UTC.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EarningsView {
    pub today: i64,
    pub this_week: i64,
    pub total: i64,
    pub deliveries_today: i64,
    pub deliveries_this_week: i64,
    pub deliveries_total: i64,
    pub currency: String,
    pub orders: Vec<EarningLine>,
}

/// `{success, earnings}`
#[derive(Debug, Serialize, ToSchema)]
pub struct EarningsResponse {
    pub success: bool,
    pub earnings: EarningsView,
}

/// Live tracking of an order for its customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrackingView {
    pub order_id: String,
    pub status: String,
    pub partner: Option<super::PartnerRef>,
    /// The rider's last known position (none before acceptance).
    pub location: Option<LocationView>,
    pub store: LocationPoint,
    pub destination: Option<LocationPoint>,
    /// From the rider (or the store, before pickup) to the customer.
    pub distance_meters: Option<i64>,
    pub eta_seconds: Option<u64>,
    pub last_seq: i64,
    /// The delivery time promised at placement: shown beside the live ETA.
    pub promised_minutes: Option<i64>,
    pub promised_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `{success, tracking}`
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingResponse {
    pub success: bool,
    pub tracking: TrackingView,
}
