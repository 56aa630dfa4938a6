//! `/api/picker`: a store's pick queue, pick lists, claim, line actions and packing.
//! Behind the picker role guard; the store is the picker's own (from the database).

use crate::api::*;
use crate::app::{AppState, fulfilment};
use crate::auth::AuthUser;
use crate::error::{ErrorEnvelope, Result};
use crate::http::extract::{AppJson, AppPath, AppQuery};
use axum::Json;
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(order))
        .routes(routes!(claim))
        .routes(routes!(pick_line))
        .routes(routes!(substitutes))
        .routes(routes!(packed))
}

/// The store's orders to pick (queued or being picked), most urgent promise first; the
/// first `limit` (1-100, default 100). Changes arrive as `fulfilment:updated` on the
/// picker's socket.
#[utoipa::path(get, path = "/orders", tag = "picker", params(PickerQueueQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = PickerQueueResponse),
        (status = 400, description = "`validation_error` (limit)", body = ErrorEnvelope),
        (status = 403, description = "`no_store`", body = ErrorEnvelope)))]
async fn queue(
    State(state): State<AppState>,
    who: AuthUser,
    AppQuery(q): AppQuery<PickerQueueQuery>,
) -> Result<Json<PickerQueueResponse>> {
    Ok(Json(PickerQueueResponse {
        success: true,
        orders: fulfilment::queue(&state, &who, q.limit).await?,
    }))
}

/// One order's pick list, in bin order. Another store's order is 404.
#[utoipa::path(get, path = "/orders/{orderId}", tag = "picker",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = PickerOrderResponse), (status = 404, body = ErrorEnvelope)))]
async fn order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
) -> Result<Json<PickerOrderResponse>> {
    Ok(Json(PickerOrderResponse {
        success: true,
        order: fulfilment::order(&state, &who, &order_id).await?,
    }))
}

/// Claim a queued order: of two pickers racing, exactly one wins.
#[utoipa::path(post, path = "/orders/{orderId}/claim", tag = "picker",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = PickerOrderResponse), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`already_claimed`, `invalid_fulfilment_state`", body = ErrorEnvelope)))]
async fn claim(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
) -> Result<Json<PickerOrderResponse>> {
    Ok(Json(PickerOrderResponse {
        success: true,
        order: fulfilment::claim(&state, &who, &order_id).await?,
    }))
}

/// Record a line: `{picked: {quantity, barcode?}}`, `{short: {found}}` (the rest is
/// refunded, the store's stock corrected) or `{substitute: {productId | barcode,
/// quantity, found?}}` (same category; a dearer one asks the customer, who has
/// `QC_SUBSTITUTION_APPROVAL_SECS` to answer, else it is refunded).
#[utoipa::path(post, path = "/orders/{orderId}/lines/{lineId}", tag = "picker",
    params(("orderId" = String, Path), ("lineId" = i64, Path)), security(("bearer_auth" = [])),
    request_body = PickLineRequest,
    responses((status = 200, body = PickerOrderResponse), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`line_done`, `wrong_quantity`, `substitution_not_allowed`, `substitute_not_similar`, `substitute_out_of_stock`, `not_claimed`, `already_claimed`", body = ErrorEnvelope),
        (status = 422, description = "`wrong_barcode`", body = ErrorEnvelope)))]
async fn pick_line(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath((order_id, line_id)): AppPath<(String, i64)>,
    AppJson(req): AppJson<PickLineRequest>,
) -> Result<Json<PickerOrderResponse>> {
    Ok(Json(PickerOrderResponse {
        success: true,
        order: fulfilment::pick_line(&state, &who, &order_id, line_id, req).await?,
    }))
}

/// Packed with `bags` bags (every line picked, short or substituted, no answer
/// pending): the rider may pick it up, and a held order goes out to riders now.
#[utoipa::path(post, path = "/orders/{orderId}/packed", tag = "picker",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    request_body = PackRequest,
    responses((status = 200, body = PickerOrderResponse), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`lines_pending`", body = ErrorEnvelope)))]
async fn packed(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
    AppJson(req): AppJson<PackRequest>,
) -> Result<Json<PickerOrderResponse>> {
    Ok(Json(PickerOrderResponse {
        success: true,
        order: fulfilment::pack(&state, &who, &order_id, req.bags).await?,
    }))
}

/// Products that could stand in for a line's product in this store: same category, in
/// stock, closest in price first (a dearer one will need the customer's yes).
#[utoipa::path(get, path = "/orders/{orderId}/lines/{lineId}/substitutes", tag = "picker",
    params(("orderId" = String, Path), ("lineId" = i64, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = ProductsListResponse), (status = 404, body = ErrorEnvelope)))]
async fn substitutes(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath((order_id, line_id)): AppPath<(String, i64)>,
) -> Result<Json<ProductsListResponse>> {
    Ok(Json(ProductsListResponse {
        success: true,
        products: fulfilment::substitutes(&state, &who, &order_id, line_id).await?,
    }))
}
