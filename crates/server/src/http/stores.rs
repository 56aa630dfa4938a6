//! `/api/stores`: the dark stores and serviceability, for anyone (the web app asks
//! where the visitor is before they sign in).

use crate::api::*;
use crate::app::{AppState, stores};
use crate::error::{ErrorEnvelope, Result};
use crate::http::extract::AppQuery;
use axum::Json;
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(serviceability))
}

/// Every store: name, where it is, and whether it takes orders now (`open`, `busy`,
/// `closed`).
#[utoipa::path(get, path = "", tag = "stores", responses((status = 200, body = StoresResponse)))]
async fn list(State(state): State<AppState>) -> Json<StoresResponse> {
    Json(StoresResponse {
        success: true,
        stores: stores::public_list(&state),
    })
}

/// Does any store deliver to a point (`lat`, `lng`) or `zipCode` now, and by when?
/// (`addressId` needs the customer route, `/api/customer/serviceability`.)
#[utoipa::path(get, path = "/serviceability", tag = "stores", params(ServiceabilityQuery),
    responses((status = 200, body = ServiceabilityResponse), (status = 400, body = ErrorEnvelope)))]
async fn serviceability(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<ServiceabilityQuery>,
) -> Result<Json<ServiceabilityResponse>> {
    Ok(Json(stores::serviceability(&state, None, q).await?))
}
