//! Dark-store fulfilment: the picker's queue and pick list, line actions, packing,
//! the customer's answer to a substitute, staff management and the admin's figures.

use super::{OrderItemView, PartnerRef};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An order as a picker sees it: what to pick and by when, nothing about the customer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PickerOrderView {
    pub id: String,
    pub order_number: String,
    /// The delivery status (`pending`, `accepted`, …).
    pub status: String,
    /// `queued`, `picking`, `packed` or `cancelled`.
    pub fulfilment: String,
    pub store_id: String,
    pub picker: Option<PartnerRef>,
    pub promised_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub picking_at: Option<chrono::DateTime<chrono::Utc>>,
    pub packed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub bags: Option<i64>,
    /// Units to pick (all lines).
    pub item_count: u32,
    /// In bin order (lines without a bin last).
    pub lines: Vec<PickLineView>,
    pub last_seq: i64,
}

/// One line of a pick list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PickLineView {
    #[serde(flatten)]
    pub item: OrderItemView,
    /// Where it is shelved in this store, e.g. `A-03-2`.
    pub bin: Option<String>,
    /// The EAN to scan or type.
    pub barcode: Option<String>,
    pub category_id: Option<String>,
}

/// `GET /api/picker/orders?limit=`
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PickerQueueQuery {
    /// The first this many orders of the queue (1-100, default 100).
    pub limit: Option<i64>,
}

/// `{success, orders}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PickerQueueResponse {
    pub success: bool,
    pub orders: Vec<PickerOrderView>,
}

/// `{success, order}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PickerOrderResponse {
    pub success: bool,
    pub order: PickerOrderView,
}

/// Exactly one of `picked`, `short` or `substitute`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PickLineRequest {
    pub picked: Option<PickedAction>,
    pub short: Option<ShortAction>,
    pub substitute: Option<SubstituteAction>,
}

/// All of the line found.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PickedAction {
    pub quantity: i64,
    /// Scanned or typed; refused with `wrong_barcode` when it is not this product's.
    pub barcode: Option<String>,
}

/// Fewer found than ordered.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShortAction {
    /// Units found (0 to one less than ordered).
    pub found: i64,
}

/// Fewer found, and another product of the same category for the rest.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubstituteAction {
    /// The substitute, by id or by its barcode.
    pub product_id: Option<String>,
    pub barcode: Option<String>,
    pub quantity: i64,
    /// Units of the ordered product found (default 0).
    pub found: Option<i64>,
}

/// `{bags}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PackRequest {
    pub bags: i64,
}

/// `{approve}`: the customer's answer to a proposed substitute.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubstitutionAnswer {
    pub approve: bool,
}

/// `POST /api/admin/staff`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffRequest {
    pub email: String,
    pub name: String,
    /// `picker`.
    pub role: String,
    pub store_id: String,
}

/// A staff member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub status: String,
    pub store_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A staff member and their one-time link to set a first password (shown once).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffCreatedResponse {
    pub success: bool,
    pub staff: StaffView,
    /// Path of the one-time link (`/set-password?token=…`), valid for `linkExpiresAt`.
    pub setup_link: String,
    pub link_expires_at: chrono::DateTime<chrono::Utc>,
}

/// `{success, staff}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StaffListResponse {
    pub success: bool,
    pub staff: Vec<StaffView>,
}

/// A store's fulfilment now and over the last 7 days.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FulfilmentFiguresView {
    pub store_id: String,
    pub store_name: String,
    /// Whether the store picks and packs.
    pub enabled: bool,
    pub queued: i64,
    pub picking: i64,
    pub packed_7d: i64,
    pub avg_pick_minutes: Option<f64>,
    /// Share of picked lines that ran short (refunded or substituted), 0–1.
    pub short_rate: Option<f64>,
    /// The pick time the promise uses now: measured once there is enough history, else
    /// the store's settings.
    pub pick_base_minutes: f64,
    pub pick_per_item_seconds: f64,
    pub measured: bool,
}

/// `{success, stores, queue}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FulfilmentResponse {
    pub success: bool,
    pub stores: Vec<FulfilmentFiguresView>,
    /// Orders waiting to be picked or being picked, most urgent first.
    pub queue: Vec<PickerOrderView>,
}

/// `fulfilment:updated` to the store's pickers and admins: an order joined the queue,
/// was claimed, packed or cancelled.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FulfilmentUpdatedEvent {
    pub order_id: String,
    pub order_number: String,
    pub store_id: String,
    pub fulfilment: String,
    pub picker_id: Option<String>,
    pub promised_at: Option<chrono::DateTime<chrono::Utc>>,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `order:fulfilment-updated` to the customer and admins: what picking did to the order
/// (`type` is the order event: `order.line_short`, `order.substituted`, `order.packed`…),
/// with the lines and totals as they now stand.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderFulfilmentEvent {
    pub order_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub fulfilment: Option<String>,
    pub items: Vec<OrderItemView>,
    pub subtotal: i64,
    pub total: i64,
    pub bags: Option<i64>,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `order:substitution-proposed` to the customer: a dearer substitute waits for a yes
/// (`POST /api/customer/orders/{id}/substitutions/{lineId}`) until `expiresAt`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubstitutionProposedEvent {
    pub order_id: String,
    pub line_id: i64,
    pub name: String,
    pub ordered: u32,
    pub found: u32,
    pub substitute: super::SubstituteView,
    pub line_total_before: i64,
    pub line_total_after: i64,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub seq: i64,
}

/// `POST /api/auth/set-password`: a one-time link's token and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetPasswordRequest {
    pub token: String,
    pub password: String,
}

/// `POST /api/auth/forgot-password`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    pub email: String,
}

/// `GET /api/config`: what the web app reads at start.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicConfig {
    /// Map tiles (`{z}`, `{x}`, `{y}`); absent: the app's default.
    pub map_tile_url: Option<String>,
    pub map_attribution: Option<String>,
    pub substitution_approval_secs: u64,
}

/// `{success, config}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicConfigResponse {
    pub success: bool,
    pub config: PublicConfig,
}

/// `{success, products}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductsListResponse {
    pub success: bool,
    pub products: Vec<super::ProductView>,
}
