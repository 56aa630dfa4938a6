//! Admin wire types.

use super::{LocationView, OrderView, Pagination, ProductView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Orders placed today (UTC), by status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct OrdersByStatus {
    pub total: i64,
    pub pending: i64,
    pub accepted: i64,
    pub picked_up: i64,
    pub on_the_way: i64,
    pub delivered: i64,
    pub cancelled: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PartnerCounts {
    pub total: i64,
    /// Connected right now (at every store, also when the figures are for one).
    pub online: i64,
    /// Availability switched on.
    pub available: i64,
    /// Carrying at least one order.
    pub busy: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LowStockItem {
    pub product_id: String,
    pub name: String,
    pub stock: i64,
    /// The store it runs low at.
    pub store_id: String,
    pub store_code: String,
}

/// The live operations picture (also pushed as `stats:updated`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatsView {
    pub orders_today: OrdersByStatus,
    /// Totals of orders delivered today, minor units.
    pub revenue_today: i64,
    pub average_delivery_seconds: Option<i64>,
    pub p90_delivery_seconds: Option<i64>,
    pub partners: PartnerCounts,
    pub customers_online: i64,
    pub low_stock: Vec<LowStockItem>,
    /// Open orders past their promised time.
    pub late_orders: i64,
    /// Open orders within 5 minutes of their promised time.
    pub at_risk_orders: i64,
    /// Of the orders delivered today, the share delivered by their promised time.
    pub on_time_rate_today: Option<f64>,
    /// The store these figures are for (all stores when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_id: Option<String>,
    #[schema(value_type = String)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Query of `GET /api/admin/stats`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Only this store's figures (all stores when absent).
    pub store_id: Option<String>,
}

/// `{success, stats}`; `stats:updated` carries `{stats}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsResponse {
    pub success: bool,
    pub stats: StatsView,
}

/// Query of `GET /api/admin/orders`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdminOrderQuery {
    pub status: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
    /// Order id, or the customer's name or e-mail.
    pub search: Option<String>,
    /// Placed at or after (RFC 3339 or YYYY-MM-DD, UTC).
    pub from: Option<String>,
    /// Placed before (RFC 3339 or YYYY-MM-DD, UTC; a date means the end of that day).
    pub to: Option<String>,
    pub partner_id: Option<String>,
    /// Only this store's orders.
    pub store_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: serde_json::Value,
    pub actor_role: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// `GET /api/admin/orders/{orderId}`
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrderDetail {
    pub success: bool,
    pub order: OrderView,
    pub timeline: Vec<TimelineEntry>,
    pub trail: Vec<LocationView>,
    pub customer: Option<PersonView>,
    pub partner: Option<PersonView>,
    /// Every offer made to a partner (dispatch in `auto` mode), in order.
    pub offers: Vec<super::OfferHistoryView>,
}

/// `{reason}` for cancel and unassign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReassignRequest {
    pub partner_id: String,
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// `customer`, `delivery` or `admin`.
    pub role: Option<String>,
    /// `active` or `blocked`.
    pub status: Option<String>,
    /// Name or e-mail.
    pub search: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminUserView {
    #[serde(flatten)]
    pub user: super::UserView,
    pub online: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsersResponse {
    pub success: bool,
    pub users: Vec<AdminUserView>,
    pub pagination: Pagination,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PartnerQuery {
    pub search: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
    /// Only partners of this home store.
    pub store_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminPartnerView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub is_available: bool,
    pub is_verified: bool,
    pub status: String,
    /// The store whose orders the partner is offered.
    pub home_store: Option<super::StoreRef>,
    pub online: bool,
    pub active_orders: i64,
    pub active_order_id: Option<String>,
    pub last_location: Option<LocationView>,
    pub total_deliveries: i64,
    pub total_earnings: i64,
    /// Customers' mean rating (1-5) and how many rated; `None` before the first.
    pub rating: Option<f64>,
    pub rating_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnersResponse {
    pub success: bool,
    pub partners: Vec<AdminPartnerView>,
    pub pagination: Pagination,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub verified: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendRequest {
    pub suspended: bool,
}

/// The brief's shape: `{success, onlineUsers: {customers, delivery, admin, total}}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OnlineUsersResponse {
    pub success: bool,
    pub online_users: OnlineCounts,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdminProductQuery {
    pub search: Option<String>,
    pub category: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
    /// Stock of this store (all stores together when absent).
    pub store_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateProductRequest {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Category slug.
    pub category: String,
    pub unit: String,
    /// Minor units.
    pub price: i64,
    /// Minor units; defaults to the price.
    pub mrp: Option<i64>,
    /// Initial stock at `storeId` (at every store when absent).
    #[serde(default)]
    pub stock: i64,
    pub store_id: Option<String>,
    pub brand: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateProductRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub price: Option<i64>,
    pub mrp: Option<i64>,
    pub is_active: Option<bool>,
    pub brand: Option<String>,
    pub tags: Option<Vec<String>>,
    pub category: Option<String>,
}

/// Set (`set`) or adjust (`adjust`, may be negative) stock, with a reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockRequest {
    /// The store whose stock changes; required when there is more than one store.
    #[serde(rename = "storeId")]
    pub store_id: Option<String>,
    pub set: Option<i64>,
    pub adjust: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub color: Option<String>,
    pub icon: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateCategoryRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub color: Option<String>,
    pub icon: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminCategoryResponse {
    pub success: bool,
    pub category: super::CategoryView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminProductResponse {
    pub success: bool,
    pub product: ProductView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrderResponse {
    pub success: bool,
    pub order: OrderView,
}

/// The brief's `onlineUsers` shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct OnlineCounts {
    pub customers: usize,
    pub delivery: usize,
    pub admin: usize,
    /// Dark-store pickers.
    pub pickers: usize,
    pub total: usize,
}

impl OnlineCounts {
    /// Counts of distinct users by role.
    pub fn of(roles: impl Iterator<Item = qc_domain::Role>) -> OnlineCounts {
        let mut c = OnlineCounts::default();
        for role in roles {
            match role {
                qc_domain::Role::Customer => c.customers += 1,
                qc_domain::Role::Delivery => c.delivery += 1,
                qc_domain::Role::Admin => c.admin += 1,
                qc_domain::Role::Picker => c.pickers += 1,
            }
        }
        c.total = c.customers + c.delivery + c.admin + c.pickers;
        c
    }
}
