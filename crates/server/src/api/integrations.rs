//! Integrations: API keys (admins), the bulk stock call and the order feed.

use super::OrderView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `POST /api/admin/api-keys`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyRequest {
    pub name: String,
    /// Any of `orders:read`, `catalog:write`, `stock:write`, `webhooks:manage`.
    pub scopes: Vec<String>,
    /// Bind the key to one store: it reads and writes only that store's orders and stock.
    pub store_id: Option<String>,
}

/// An API key (never its secret).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    /// The key's public part: keys look like `qck_{prefix}_{secret}`.
    pub prefix: String,
    pub scopes: Vec<String>,
    pub store_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// To the minute.
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The new key and its secret, shown this once (only a hash is kept).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyCreatedResponse {
    pub success: bool,
    pub api_key: ApiKeyView,
    /// `qck_…`: send as `Authorization: Bearer qck_…`.
    pub secret: String,
}

/// `{success, apiKeys}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeysResponse {
    pub success: bool,
    pub api_keys: Vec<ApiKeyView>,
}

/// `{success, apiKey}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyResponse {
    pub success: bool,
    pub api_key: ApiKeyView,
}

/// One stock line: a product by `productId` or `sku`, and `set` (absolute) or `adjust`
/// (relative).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StockLineRequest {
    pub store_id: String,
    pub product_id: Option<String>,
    pub sku: Option<String>,
    pub set: Option<i64>,
    pub adjust: Option<i64>,
}

/// `PUT /api/integrations/stock`: up to 1,000 lines, applied together or not at all.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StockBulkRequest {
    pub lines: Vec<StockLineRequest>,
}

/// The stock each product was left with at each store.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockBulkResponse {
    pub success: bool,
    pub applied: usize,
    pub stock: Vec<FeedStockLevel>,
}

/// A product's stock at a store.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedStockLevel {
    pub store_id: String,
    pub product_id: String,
    pub stock: i64,
    pub in_stock: bool,
}

/// Query of `GET /api/integrations/orders`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrdersFeedQuery {
    /// RFC 3339: orders changed after this moment (the first page).
    pub updated_since: Option<String>,
    /// `nextCursor` of the previous page (takes the place of `updatedSince`).
    pub cursor: Option<String>,
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
}

/// `{success, orders, nextCursor}`: orders in the order they changed; keep `nextCursor`
/// and ask again from it (it is present even on the last page, to poll for changes).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrdersFeedResponse {
    pub success: bool,
    pub orders: Vec<OrderView>,
    pub next_cursor: String,
}

/// `POST /api/admin/webhooks`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookRequest {
    /// `https://…` (or `http://`); loopback and private addresses are refused unless
    /// `QC_WEBHOOK_ALLOW_PRIVATE=true`.
    pub url: String,
    /// Event types: `order.created`, `order.accepted`, `order.status_updated`,
    /// `order.delivered`, `order.cancelled`, the dispatch and fulfilment events, …
    pub events: Vec<String>,
}

/// A webhook endpoint (its secret only when created).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    /// Every delivery has failed since then (3 days of it switch the endpoint off).
    pub failing_since: Option<chrono::DateTime<chrono::Utc>>,
    pub disabled_reason: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The new endpoint and its signing secret (`whsec_…`), shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookCreatedResponse {
    pub success: bool,
    pub webhook: WebhookView,
    pub secret: String,
}

/// `{success, webhook}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookResponse {
    pub success: bool,
    pub webhook: WebhookView,
}

/// `{success, webhooks}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhooksResponse {
    pub success: bool,
    pub webhooks: Vec<WebhookView>,
}

/// `{enabled}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookPatch {
    pub enabled: bool,
}

/// One try of a delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAttemptView {
    pub attempt: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    /// The start of the receiver's answer.
    pub excerpt: Option<String>,
}

/// A delivery and its tries.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDeliveryView {
    /// The `webhook-id`: the same on every try.
    pub id: String,
    pub event_type: String,
    /// `pending`, `delivered` or `failed` (retried for 24 hours).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    pub last_status: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub tries: Vec<WebhookAttemptView>,
}

/// `{success, deliveries}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveriesResponse {
    pub success: bool,
    pub deliveries: Vec<WebhookDeliveryView>,
}

/// `webhook:disabled` to admins.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDisabledEvent {
    pub webhook_id: String,
    pub url: String,
    pub reason: String,
}
