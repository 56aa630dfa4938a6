//! `/api/customer`: catalog, cart check, addresses, orders. Every route is behind the
//! customer role guard; handlers parse, call one service, and shape the answer.

use crate::api::*;
use crate::app::{AppState, addresses, catalog, orders, stores};
use crate::auth::AuthUser;
use crate::error::{AppError, ErrorEnvelope, Result};
use crate::http::extract::{AppJson, AppPath, AppQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products))
        .routes(routes!(get_product))
        .routes(routes!(list_categories))
        .routes(routes!(validate_cart))
        .routes(routes!(serviceability))
        .routes(routes!(list_addresses, create_address))
        .routes(routes!(update_address, delete_address))
        .routes(routes!(set_default_address))
        .routes(routes!(place_order, list_orders))
        .routes(routes!(get_order))
        .routes(routes!(cancel_order))
        .routes(routes!(answer_substitution))
        .routes(routes!(rate_order))
        .routes(routes!(order_events))
        .routes(routes!(order_tracking))
}

/// Browse the catalog (search, category, price range, stock, sort, pages).
#[utoipa::path(get, path = "/products", tag = "customer", params(ProductListQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = ProductsResponse), (status = 400, body = ErrorEnvelope),
        (status = 429, description = "`catalog_busy`: too many uncached catalog queries at once; retry shortly", body = ErrorEnvelope),
        (status = 503, description = "`overloaded`: the instance is behind and sheds this for now; retry after `Retry-After`", body = ErrorEnvelope)))]
async fn list_products(
    State(state): State<AppState>,
    who: AuthUser,
    AppQuery(q): AppQuery<ProductListQuery>,
) -> Result<axum::response::Response> {
    let page = catalog::list_products(&state, &who, q).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        page.json(),
    )
        .into_response())
}

/// One product, with the stock of the store the query names (as for the list).
#[utoipa::path(get, path = "/products/{id}", tag = "customer",
    params(("id" = String, Path), StoreHint), security(("bearer_auth" = [])),
    responses((status = 200, body = ProductResponse), (status = 404, body = ErrorEnvelope),
        (status = 503, description = "`overloaded`: the instance is behind and sheds this for now; retry after `Retry-After`", body = ErrorEnvelope)))]
async fn get_product(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
    AppQuery(hint): AppQuery<StoreHint>,
) -> Result<Json<ProductResponse>> {
    let (product, store) = catalog::product(&state, &who, &id, &hint).await?;
    Ok(Json(ProductResponse {
        success: true,
        product,
        store,
    }))
}

/// Categories with their product counts.
#[utoipa::path(get, path = "/categories", tag = "customer", security(("bearer_auth" = [])),
    responses((status = 200, body = CategoriesResponse),
        (status = 503, description = "`overloaded`: the instance is behind and sheds this for now; retry after `Retry-After`", body = ErrorEnvelope)))]
async fn list_categories(State(state): State<AppState>) -> Result<Json<CategoriesResponse>> {
    let categories = catalog::categories(&state).await?;
    Ok(Json(CategoriesResponse {
        success: true,
        categories,
    }))
}

/// Live inventory check of a cart: availability, stock left and current price per line.
#[utoipa::path(post, path = "/cart/validate", tag = "customer", security(("bearer_auth" = [])),
    request_body = CartValidateRequest,
    responses((status = 200, body = CartValidateResponse), (status = 400, body = ErrorEnvelope)))]
async fn validate_cart(
    State(state): State<AppState>,
    who: AuthUser,
    AppJson(req): AppJson<CartValidateRequest>,
) -> Result<Json<CartValidateResponse>> {
    Ok(Json(catalog::validate_cart(&state, &who, req).await?))
}

/// Does any store deliver here now, from which store, and by when? Give `lat` and
/// `lng`, a `zipCode`, or a saved `addressId`.
#[utoipa::path(get, path = "/serviceability", tag = "customer", params(ServiceabilityQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = ServiceabilityResponse), (status = 400, body = ErrorEnvelope),
        (status = 404, description = "`address_not_found`", body = ErrorEnvelope)))]
async fn serviceability(
    State(state): State<AppState>,
    who: AuthUser,
    AppQuery(q): AppQuery<ServiceabilityQuery>,
) -> Result<Json<ServiceabilityResponse>> {
    Ok(Json(stores::serviceability(&state, Some(&who), q).await?))
}

/// The caller's saved addresses (default first).
#[utoipa::path(get, path = "/addresses", tag = "customer", security(("bearer_auth" = [])),
    responses((status = 200, body = AddressesResponse)))]
async fn list_addresses(
    State(state): State<AppState>,
    who: AuthUser,
) -> Result<Json<AddressesResponse>> {
    let addresses = addresses::list(&state, &who).await?;
    Ok(Json(AddressesResponse {
        success: true,
        addresses,
    }))
}

/// Save an address (the first one becomes the default).
#[utoipa::path(post, path = "/addresses", tag = "customer", security(("bearer_auth" = [])),
    request_body = AddressRequest,
    responses((status = 201, body = AddressResponse), (status = 400, body = ErrorEnvelope),
        (status = 409, description = "`address_limit_reached`", body = ErrorEnvelope)))]
async fn create_address(
    State(state): State<AppState>,
    who: AuthUser,
    AppJson(req): AppJson<AddressRequest>,
) -> Result<(StatusCode, Json<AddressResponse>)> {
    let address = addresses::create(&state, &who, req).await?;
    Ok((
        StatusCode::CREATED,
        Json(AddressResponse {
            success: true,
            address,
        }),
    ))
}

/// Replace a saved address.
#[utoipa::path(put, path = "/addresses/{id}", tag = "customer", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = AddressRequest,
    responses((status = 200, body = AddressResponse), (status = 404, body = ErrorEnvelope)))]
async fn update_address(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<AddressRequest>,
) -> Result<Json<AddressResponse>> {
    let address = addresses::update(&state, &who, &id, req).await?;
    Ok(Json(AddressResponse {
        success: true,
        address,
    }))
}

/// Delete a saved address.
#[utoipa::path(delete, path = "/addresses/{id}", tag = "customer", params(("id" = String, Path)),
    security(("bearer_auth" = [])),
    responses((status = 200, body = MessageResponse), (status = 404, body = ErrorEnvelope)))]
async fn delete_address(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
) -> Result<Json<MessageResponse>> {
    addresses::delete(&state, &who, &id).await?;
    Ok(Json(MessageResponse {
        success: true,
        message: "Address deleted.".into(),
    }))
}

/// Make a saved address the default.
#[utoipa::path(put, path = "/addresses/{id}/default", tag = "customer", params(("id" = String, Path)),
    security(("bearer_auth" = [])),
    responses((status = 200, body = AddressResponse), (status = 404, body = ErrorEnvelope)))]
async fn set_default_address(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
) -> Result<Json<AddressResponse>> {
    let address = addresses::set_default(&state, &who, &id).await?;
    Ok(Json(AddressResponse {
        success: true,
        address,
    }))
}

/// Place an order. Prices, fees and totals are computed here (client prices are ignored).
/// Send an `Idempotency-Key` header to make retries safe: the same key and body replay
/// the first answer (with `Idempotent-Replayed: true`); the same key with another body
/// → 422; while the first is running → 409.
#[utoipa::path(post, path = "/orders", tag = "customer", security(("bearer_auth" = [])),
    request_body(content = PlaceOrderRequest, example = json!({
        "items": [{"productId": "<product id>", "quantity": 2}],
        "deliveryAddress": {"street": "123 Main St", "city": "Mumbai", "state": "Maharashtra", "zipCode": "400001"},
        "paymentMethod": "cash"})),
    params(("Idempotency-Key" = Option<String>, Header, description = "Unique per intended order, e.g. a UUID")),
    responses(
        (status = 201, description = "Placed; the customer's confirmation code is in the order", body = OrderResponse),
        (status = 400, description = "Invalid cart, address or `product_unavailable`", body = ErrorEnvelope),
        (status = 409, description = "`insufficient_stock` (details name every short item and what is left), `idempotency_in_progress`", body = ErrorEnvelope),
        (status = 422, description = "`idempotency_key_reused`", body = ErrorEnvelope),
        (status = 503, description = "`overloaded`: the instance is behind and sheds this for now; retry after `Retry-After`", body = ErrorEnvelope)))]
async fn place_order(
    State(state): State<AppState>,
    who: AuthUser,
    headers: HeaderMap,
    AppJson(body): AppJson<serde_json::Value>,
) -> Result<Response> {
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(orders::parse_idempotency_key(v.to_str().unwrap_or(""))?),
        None => None,
    };
    let fingerprint = orders::request_fingerprint(&body);
    let req: PlaceOrderRequest = serde_json::from_value(body)
        .map_err(|e| AppError::bad_request("invalid_body", format!("Invalid request body: {e}")))?;
    let (status, body, replayed) =
        match orders::place_order(&state, &who, req, &fingerprint, key).await? {
            orders::Placed::Created { body, .. } => (StatusCode::CREATED, body, false),
            orders::Placed::Replayed { status, body } => (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                body,
                true,
            ),
        };
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(res)
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/orders", tag = "customer", params(OrderListQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = OrdersResponse), (status = 400, body = ErrorEnvelope)))]
async fn list_orders(
    State(state): State<AppState>,
    who: AuthUser,
    AppQuery(q): AppQuery<OrderListQuery>,
) -> Result<Json<OrdersResponse>> {
    Ok(Json(orders::list_orders(&state, &who, q).await?))
}

/// One of the caller's orders (someone else's → 404).
#[utoipa::path(get, path = "/orders/{orderId}", tag = "customer", params(("orderId" = String, Path)),
    security(("bearer_auth" = [])),
    responses((status = 200, body = OrderResponse), (status = 404, body = ErrorEnvelope)))]
async fn get_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
) -> Result<Json<OrderResponse>> {
    let order = orders::get_order(&state, &who, &order_id).await?;
    Ok(Json(OrderResponse {
        success: true,
        order,
    }))
}

/// Cancel before pickup; the stock goes back at once.
#[utoipa::path(post, path = "/orders/{orderId}/cancel", tag = "customer",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    request_body(content = Option<CancelRequest>),
    responses((status = 200, body = OrderResponse), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`order_not_cancellable` (already picked up or finished)", body = ErrorEnvelope)))]
async fn cancel_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<OrderResponse>> {
    // The body is optional: an empty one means "no reason given".
    let req: CancelRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CancelRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            AppError::bad_request("invalid_body", format!("Invalid request body: {e}"))
        })?
    };
    let (order, _event) = orders::cancel(&state, &who, &order_id, req).await?;
    Ok(Json(OrderResponse {
        success: true,
        order,
    }))
}

/// The order's timeline after `after` (use the last `seq` seen to catch up).
#[utoipa::path(get, path = "/orders/{orderId}/events", tag = "customer",
    params(("orderId" = String, Path), EventsQuery), security(("bearer_auth" = [])),
    responses((status = 200, body = EventsResponse), (status = 404, body = ErrorEnvelope)))]
async fn order_events(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
    AppQuery(q): AppQuery<EventsQuery>,
) -> Result<Json<EventsResponse>> {
    let (events, last_seq) = orders::events(&state, &who, &order_id, q.after.unwrap_or(0)).await?;
    Ok(Json(EventsResponse {
        success: true,
        events,
        last_seq,
    }))
}

/// Live tracking: the rider's last position, status and ETA (distance over the
/// configured rider speed). Updates arrive as `delivery:location` events.
#[utoipa::path(get, path = "/orders/{orderId}/tracking", tag = "customer",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = TrackingResponse), (status = 404, body = ErrorEnvelope)))]
async fn order_tracking(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
) -> Result<Json<TrackingResponse>> {
    let tracking = orders::tracking(&state, &who, &order_id).await?;
    Ok(Json(TrackingResponse {
        success: true,
        tracking,
    }))
}

/// Answer a dearer substitute the picker proposed (`order:substitution-proposed`):
/// `{approve: true}` applies it at its price, `false` refunds the missing items. After
/// `expiresAt` the answer is refused (`proposal_expired`): the items are refunded.
#[utoipa::path(post, path = "/orders/{orderId}/substitutions/{lineId}", tag = "customer",
    params(("orderId" = String, Path), ("lineId" = i64, Path)), security(("bearer_auth" = [])),
    request_body = SubstitutionAnswer,
    responses((status = 200, body = OrderResponse), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`no_proposal`, `proposal_expired`", body = ErrorEnvelope)))]
async fn answer_substitution(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath((order_id, line_id)): AppPath<(String, i64)>,
    AppJson(req): AppJson<SubstitutionAnswer>,
) -> Result<Json<OrderResponse>> {
    let order =
        crate::app::fulfilment::answer(&state, &who, &order_id, line_id, req.approve).await?;
    Ok(Json(OrderResponse {
        success: true,
        order,
    }))
}

/// Rate a delivered order once (1-5 stars), with an optional comment and a tip for the
/// rider (minor units, up to 50000; added to their earnings). The rider is told
/// (`order:rated`); admins see ratings, and dispatch uses them to break ties.
#[utoipa::path(post, path = "/orders/{orderId}/rating", tag = "customer",
    params(("orderId" = String, Path)), security(("bearer_auth" = [])),
    request_body = RatingRequest,
    responses((status = 200, body = OrderResponse), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`order_not_delivered`, `already_rated`", body = ErrorEnvelope)))]
async fn rate_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(order_id): AppPath<String>,
    AppJson(req): AppJson<RatingRequest>,
) -> Result<Json<OrderResponse>> {
    let order = orders::rate(&state, &who, &order_id, req).await?;
    Ok(Json(OrderResponse {
        success: true,
        order,
    }))
}
