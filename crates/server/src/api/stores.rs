//! Dark-store wire types: the public list, serviceability and the promise, and the
//! admin's store editor and live load.

use super::LocationPoint;
use qc_domain::store::Interval;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// A store, named.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoreRef {
    pub id: String,
    pub name: String,
    pub code: String,
}

/// A store as anyone may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorePublicView {
    pub id: String,
    pub name: String,
    pub code: String,
    pub location: LocationPoint,
    /// `open`, `busy` (its promise is over its maximum) or `closed` (outside its hours or
    /// paused).
    #[schema(example = "open")]
    pub state: String,
}

/// `{success, stores}`
#[derive(Debug, Serialize, ToSchema)]
pub struct StoresResponse {
    pub success: bool,
    pub stores: Vec<StorePublicView>,
}

/// Where to check: a point, a zip code, or one of the customer's saved addresses.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceabilityQuery {
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub zip_code: Option<String>,
    pub address_id: Option<String>,
}

/// A delivery time promised before paying.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromiseView {
    /// Minutes from now.
    pub minutes: u32,
    /// When the order would arrive at the latest.
    pub deliver_by: chrono::DateTime<chrono::Utc>,
}

/// Whether, from where, and how fast an address is served now.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceabilityResponse {
    pub success: bool,
    pub serviceable: bool,
    /// The store that serves (or would serve) the address.
    pub store: Option<StoreRef>,
    /// That store's state: `open`, `busy` or `closed`; null when no store serves it.
    pub state: Option<String>,
    /// Present when a store could deliver (also when it is `busy`: the promise it would
    /// make).
    pub promise: Option<PromiseView>,
    /// Why not: `outside_service_area`, `store_closed` or `store_busy`.
    pub reason: Option<String>,
}

/// A store as admins create and change it. On update every field is optional.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoreRequest {
    /// Short code, e.g. `BDW` (letters, digits, dashes).
    pub code: Option<String>,
    pub name: Option<String>,
    /// Street address.
    pub address: Option<String>,
    pub location: Option<LocationPoint>,
    /// GeoJSON Polygon or MultiPolygon (holes allowed), longitude first; `null` removes
    /// it (zip codes must then exist).
    #[serde(default, deserialize_with = "crate::api::double_option")]
    #[schema(value_type = Option<Object>)]
    pub zone: Option<Option<serde_json::Value>>,
    pub zip_codes: Option<Vec<String>>,
    /// IANA time zone, default `Asia/Kolkata`.
    pub timezone: Option<String>,
    /// `{"mon": [{"open": "07:00", "close": "23:00"}], …}`; a day left out is closed;
    /// `close` before `open` runs past midnight.
    #[schema(value_type = Option<Object>)]
    pub hours: Option<BTreeMap<String, Vec<Interval>>>,
    pub paused: Option<bool>,
    /// `maxPromiseMinutes`, `pickBaseMinutes`, `pickPerItemSeconds`, `pickCapacity`,
    /// `riderCycleMinutes`, `travelBufferMinutes`.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

/// A store with everything admins edit.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminStoreView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub address: String,
    pub location: Option<LocationPoint>,
    #[schema(value_type = Option<Object>)]
    pub zone: Option<serde_json::Value>,
    pub zip_codes: Vec<String>,
    pub timezone: String,
    #[schema(value_type = Object)]
    pub hours: BTreeMap<String, Vec<Interval>>,
    pub paused: bool,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    /// `open`, `busy` or `closed` right now.
    pub state: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// `{success, store}`
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminStoreResponse {
    pub success: bool,
    pub store: AdminStoreView,
}

/// `{success, stores}`
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminStoresResponse {
    pub success: bool,
    pub stores: Vec<AdminStoreView>,
}

/// A store's live load.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoreLoadView {
    pub store_id: String,
    pub state: String,
    /// Placed and not yet picked up.
    pub open_orders: i64,
    /// Waiting for a rider to accept.
    pub waiting_for_rider: i64,
    pub partners_available: i64,
    pub partners_busy: i64,
    /// What the store promises a typical order 2.5 km away now, in minutes.
    pub current_promise_minutes: u32,
    /// Delivered today, and the share of those on time (null before the first).
    pub delivered_today: i64,
    pub on_time_rate_today: Option<f64>,
}

/// `{success, load}`
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreLoadResponse {
    pub success: bool,
    pub load: StoreLoadView,
}

/// `PUT /api/admin/partners/{id}/store`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerStoreRequest {
    pub store_id: String,
}

/// Which store's catalog or cart: a store, a saved address, or a point.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StoreHint {
    pub store_id: Option<String>,
    pub address_id: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}
