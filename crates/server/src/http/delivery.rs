//! `/api/delivery`: the partner's profile, availability, offers, accept, status flow and
//! earnings. Behind the delivery role guard; the socket events call the same services.

use crate::api::*;
use crate::app::{AppState, delivery, dispatch};
use crate::auth::AuthUser;
use crate::error::{ErrorEnvelope, Result};
use crate::http::extract::{AppJson, AppPath, AppQuery};
use axum::Json;
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(profile))
        .routes(routes!(set_availability))
        .routes(routes!(available_orders))
        .routes(routes!(active_orders))
        .routes(routes!(order_history))
        .routes(routes!(accept_order))
        .routes(routes!(decline_order))
        .routes(routes!(my_offers))
        .routes(routes!(set_position))
        .routes(routes!(update_status))
        .routes(routes!(earnings))
}

/// The partner's profile and totals.
#[utoipa::path(get, path = "/profile", tag = "delivery", security(("bearer_auth" = [])),
    responses((status = 200, body = PartnerResponse)))]
async fn profile(State(state): State<AppState>, who: AuthUser) -> Result<Json<PartnerResponse>> {
    let partner = delivery::me(&state, &who).await?;
    Ok(Json(PartnerResponse {
        success: true,
        partner,
    }))
}

/// Go online for new orders (`order:created` events) or stop.
#[utoipa::path(put, path = "/availability", tag = "delivery", security(("bearer_auth" = [])),
    request_body = AvailabilityRequest,
    responses((status = 200, body = PartnerResponse), (status = 403, description = "`partner_suspended`", body = ErrorEnvelope)))]
async fn set_availability(
    State(state): State<AppState>,
    who: AuthUser,
    AppJson(req): AppJson<AvailabilityRequest>,
) -> Result<Json<PartnerResponse>> {
    let partner = delivery::set_availability(&state, &who, req.available).await?;
    Ok(Json(PartnerResponse {
        success: true,
        partner,
    }))
}

/// Orders waiting for a partner, oldest first, as offers: what a rider needs to decide
/// (pickup, drop-off area to about 500 m, distance, items, payout, time) and nothing
/// that identifies the customer. For a verified partner whose availability is on.
#[utoipa::path(get, path = "/orders/available", tag = "delivery", security(("bearer_auth" = [])),
    responses((status = 200, body = OffersResponse),
        (status = 403, description = "`partner_not_verified`, `partner_suspended`", body = ErrorEnvelope),
        (status = 409, description = "`partner_unavailable` (availability is off)", body = ErrorEnvelope)))]
async fn available_orders(
    State(state): State<AppState>,
    who: AuthUser,
) -> Result<Json<OffersResponse>> {
    let orders = delivery::available_orders(&state, &who).await?;
    Ok(Json(OffersResponse {
        success: true,
        orders,
    }))
}

/// The partner's orders in progress, with the customer's contact.
#[utoipa::path(get, path = "/orders/active", tag = "delivery", security(("bearer_auth" = [])),
    responses((status = 200, body = PartnerOrdersResponse)))]
async fn active_orders(
    State(state): State<AppState>,
    who: AuthUser,
) -> Result<Json<PartnerOrdersResponse>> {
    let orders = delivery::active_orders(&state, &who).await?;
    Ok(Json(PartnerOrdersResponse {
        success: true,
        orders,
        pagination: None,
    }))
}

/// Delivered and cancelled orders of the partner, newest first.
#[utoipa::path(get, path = "/orders/history", tag = "delivery", params(OrderListQuery),
    security(("bearer_auth" = [])), responses((status = 200, body = PartnerOrdersResponse)))]
async fn order_history(
    State(state): State<AppState>,
    who: AuthUser,
    AppQuery(q): AppQuery<OrderListQuery>,
) -> Result<Json<PartnerOrdersResponse>> {
    Ok(Json(
        delivery::history(&state, &who, q.page, q.limit).await?,
    ))
}

/// Accept an order. Exactly one partner wins; the others get 409 `order_already_taken`.
/// Same service as the `order:accept` socket event.
#[utoipa::path(post, path = "/orders/{orderId}/accept", tag = "delivery",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = PartnerOrderResponse),
        (status = 403, description = "`partner_not_verified`, `partner_suspended`", body = ErrorEnvelope),
        (status = 409, description = "`order_already_taken`, `order_not_available`, `too_many_active_orders`, `partner_unavailable`, `not_offered` (offered to another partner right now)", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
async fn accept_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
) -> Result<Json<PartnerOrderResponse>> {
    let order = delivery::accept(&state, &who, &order_id).await?;
    Ok(Json(PartnerOrderResponse {
        success: true,
        order,
    }))
}

/// Decline the order offered to you (`order:offer`): it goes to the next partner.
/// Same service as the `order:decline` socket event.
#[utoipa::path(post, path = "/orders/{orderId}/decline", tag = "delivery",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    request_body = DeclineRequest,
    responses((status = 200, body = MessageResponse),
        (status = 404, description = "`offer_not_found`: no live offer of this order for you", body = ErrorEnvelope)))]
async fn decline_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<MessageResponse>> {
    // The body is optional: no reason is a reason too.
    let req: DeclineRequest = if body.iter().all(u8::is_ascii_whitespace) {
        DeclineRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            crate::error::AppError::bad_request(
                "invalid_body",
                format!("Invalid request body: {e}"),
            )
        })?
    };
    dispatch::decline(&state, &who, &order_id, req.reason.as_deref()).await?;
    Ok(Json(MessageResponse {
        success: true,
        message: "Declined: the order goes to another partner.".into(),
    }))
}

/// Orders offered to you right now (each also came as `order:offer`), with when each
/// offer runs out.
#[utoipa::path(get, path = "/offers", tag = "delivery", security(("bearer_auth" = [])),
    responses((status = 200, body = OrderOffersResponse)))]
async fn my_offers(
    State(state): State<AppState>,
    who: AuthUser,
) -> Result<Json<OrderOffersResponse>> {
    Ok(Json(OrderOffersResponse {
        success: true,
        offers: dispatch::my_offers(&state, &who).await?,
    }))
}

/// Where you are while waiting for orders (also `delivery:location-update` without an
/// `orderId`): dispatch offers orders to the partners nearest the store, so send it
/// every few seconds while available. Positions older than 2 minutes do not count.
#[utoipa::path(put, path = "/location", tag = "delivery", security(("bearer_auth" = [])),
    request_body = PositionRequest,
    responses((status = 200, body = PositionResponse),
        (status = 422, description = "`implausible_location`", body = ErrorEnvelope),
        (status = 503, description = "`overloaded`: the instance is behind and sheds this for now; retry after `Retry-After`", body = ErrorEnvelope)))]
async fn set_position(
    State(state): State<AppState>,
    who: AuthUser,
    AppJson(req): AppJson<PositionRequest>,
) -> Result<Json<PositionResponse>> {
    let location = dispatch::record_position(&state, &who, req.lat, req.lng).await?;
    Ok(Json(PositionResponse {
        success: true,
        location,
    }))
}

/// Move the order one step: `picked_up` → `on_the_way` → `delivered` (with the
/// customer's `confirmationCode`). Five wrong codes lock confirmation (423).
#[utoipa::path(put, path = "/orders/{orderId}/status", tag = "delivery",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    request_body = StatusUpdateRequest,
    responses((status = 200, body = PartnerOrderResponse),
        (status = 400, description = "`invalid_confirmation_code`, validation", body = ErrorEnvelope),
        (status = 404, description = "Not your order", body = ErrorEnvelope),
        (status = 409, description = "`invalid_status_transition`", body = ErrorEnvelope),
        (status = 423, description = "`confirmation_locked`", body = ErrorEnvelope)))]
async fn update_status(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
    AppJson(req): AppJson<StatusUpdateRequest>,
) -> Result<Json<PartnerOrderResponse>> {
    let order = delivery::update_status(
        &state,
        &who,
        &order_id,
        &req.status,
        req.confirmation_code.as_deref(),
    )
    .await?;
    Ok(Json(PartnerOrderResponse {
        success: true,
        order,
    }))
}

/// Payouts: today, this week, total and the latest delivered orders.
#[utoipa::path(get, path = "/earnings", tag = "delivery", security(("bearer_auth" = [])),
    responses((status = 200, body = EarningsResponse)))]
async fn earnings(State(state): State<AppState>, who: AuthUser) -> Result<Json<EarningsResponse>> {
    let earnings = delivery::earnings(&state, &who).await?;
    Ok(Json(EarningsResponse {
        success: true,
        earnings,
    }))
}
