//! `/api/integrations`: calls made by other systems with an API key
//! (`Authorization: Bearer qck_…`), checked by [`api_key`] before any handler.

use crate::api::*;
use crate::app::integrations::{self, ApiPrincipal};
use crate::app::{AppState, orders};
use crate::error::{AppError, ErrorEnvelope, Result};
use crate::http::extract::AppQuery;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A bulk stock call may carry 1,000 lines.
const STOCK_BODY_LIMIT: usize = 512 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(bulk_stock))
        .layer(DefaultBodyLimit::max(STOCK_BODY_LIMIT))
        .routes(routes!(orders_feed))
}

/// The key guard: a valid, unrevoked key within its rate limit, or 401/429.
pub async fn api_key(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match integrations::authenticate(&state, header.as_deref()).await {
        Ok(principal) => {
            req.extensions_mut().insert(principal);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

/// Set or adjust stock at stores, up to 1,000 lines, all applied in one transaction or
/// none (the error names the first bad line: `lines[n]`). With `Idempotency-Key`, a
/// repeat gets the first answer and changes nothing. Each change is pushed to clients as
/// `inventory:updated`. Scope `stock:write`.
#[utoipa::path(put, path = "/stock", tag = "integrations", request_body = StockBulkRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Unique per intended change")),
    security(("bearer_auth" = [])),
    responses((status = 200, body = StockBulkResponse),
        (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, description = "`missing_scope`, `store_not_allowed`", body = ErrorEnvelope),
        (status = 422, description = "`product_not_found`, `store_not_found`, `stock_below_zero`, `idempotency_key_reused`", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
async fn bulk_stock(
    State(state): State<AppState>,
    Extension(who): Extension<ApiPrincipal>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response> {
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request("invalid_body", format!("Invalid JSON: {e}")))?;
    let fingerprint = orders::request_fingerprint(&value);
    let req: StockBulkRequest = serde_json::from_value(value)
        .map_err(|e| AppError::bad_request("invalid_body", format!("Invalid request body: {e}")))?;
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(orders::parse_idempotency_key(v.to_str().unwrap_or(""))?),
        None => None,
    };
    match integrations::bulk_stock(&state, &who, key, fingerprint, req).await? {
        Ok(done) => Ok(Json(done).into_response()),
        Err((status, body)) => Ok((
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::HeaderName::from_static("idempotent-replayed"),
                    HeaderValue::from_static("true"),
                ),
            ],
            body,
        )
            .into_response()),
    }
}

/// Orders changed since `updatedSince` (or after `cursor`), in the order they changed;
/// poll again from `nextCursor`. A key bound to a store sees only its orders. Scope
/// `orders:read`.
#[utoipa::path(get, path = "/orders", tag = "integrations", params(OrdersFeedQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = OrdersFeedResponse), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
async fn orders_feed(
    State(state): State<AppState>,
    Extension(who): Extension<ApiPrincipal>,
    AppQuery(q): AppQuery<OrdersFeedQuery>,
) -> Result<Json<OrdersFeedResponse>> {
    Ok(Json(integrations::orders_feed(&state, &who, q).await?))
}
