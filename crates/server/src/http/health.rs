//! `/health`, `/health/live`, `/health/ready` for load balancers and orchestrators.

use crate::app::AppState;
use crate::error::{AppError, ErrorEnvelope, Result};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(live))
        .routes(routes!(ready))
        .routes(routes!(public_config))
}

/// What the web app reads at start: the map tiles (`QC_MAP_TILE_URL`,
/// `QC_MAP_TILE_ATTRIBUTION`) and how long a customer has to answer a substitute.
#[utoipa::path(get, path = "/api/config", tag = "health",
    responses((status = 200, body = crate::api::PublicConfigResponse)))]
async fn public_config(State(state): State<AppState>) -> Json<crate::api::PublicConfigResponse> {
    let c = &state.config;
    Json(crate::api::PublicConfigResponse {
        success: true,
        config: crate::api::PublicConfig {
            map_tile_url: c.map_tile_url.clone(),
            map_attribution: c.map_tile_attribution.clone(),
            substitution_approval_secs: c.substitution_approval.as_secs(),
        },
    })
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    success: bool,
    status: &'static str,
    version: &'static str,
    uptime_seconds: u64,
    database: &'static str,
}

fn body(state: &AppState, status: &'static str) -> Health {
    Health {
        success: true,
        status,
        version: env!("CARGO_PKG_VERSION"),
        uptime_seconds: state.started.elapsed().as_secs(),
        database: state.store.backend().as_str(),
    }
}

/// Overall health (checks the database).
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = ErrorEnvelope)))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>> {
    state
        .store
        .ping()
        .await
        .map_err(|_| AppError::Unavailable)?;
    Ok(Json(body(&state, "ok")))
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/health/live", tag = "health", responses((status = 200, body = Health)))]
async fn live(State(state): State<AppState>) -> Json<Health> {
    Json(body(&state, "live"))
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/health/ready", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = ErrorEnvelope)))]
async fn ready(State(state): State<AppState>) -> Result<Json<Health>> {
    state
        .store
        .ping()
        .await
        .map_err(|_| AppError::Unavailable)?;
    Ok(Json(body(&state, "ready")))
}
