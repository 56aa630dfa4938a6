//! `GET /metrics`: Prometheus text, readable with an admin token or the configured
//! scrape token (`QC_METRICS_TOKEN`), never anonymously.

use crate::app::AppState;
use crate::app::sessions::verify_bearer;
use crate::error::{AppError, Result};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use qc_domain::Role;

/// Compare without leaking where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            AppError::unauthorized("missing_token", "Send an admin token or the scrape token.")
        })?;
    let scrape_ok = state
        .config
        .metrics_token
        .as_ref()
        .is_some_and(|t| same(t.expose().as_bytes(), token.as_bytes()));
    if !scrape_ok {
        let user = verify_bearer(&state, token).await?;
        if user.role != Role::Admin {
            return Err(AppError::forbidden(
                "forbidden_role",
                "Metrics are for admins.",
            ));
        }
    }
    let (open, idle) = state.store.pool_stats();
    let counts = state.broadcast.online_counts().await;
    let mut extra = vec![
        (
            "qc_socket_connections",
            "Open Socket.io connections.",
            state.broadcast.presence.sockets() as f64,
        ),
        (
            "qc_online_users",
            "Distinct connected users.",
            counts.total as f64,
        ),
        (
            "qc_db_pool_connections",
            "Open database connections.",
            f64::from(open),
        ),
        (
            "qc_db_pool_idle",
            "Idle database connections.",
            f64::from(idle),
        ),
    ];
    extra.push((
        "qc_scheduling_lag_seconds",
        "Queueing delay on this instance (smoothed; the larger of how late a task is woken \
         and the least wait in front of the database): the admission signal.",
        state.pressure.lag().as_secs_f64(),
    ));
    extra.push((
        "qc_overload_refused_browse_total",
        "Catalog reads and idle positions refused while the instance was behind.",
        state.pressure.refused(crate::pressure::Work::Browse) as f64,
    ));
    extra.push((
        "qc_overload_refused_start_total",
        "New orders and registrations refused while the instance was behind.",
        state.pressure.refused(crate::pressure::Work::Start) as f64,
    ));
    if let Some((transactions, commits)) = state.store.group_commit_stats() {
        extra.push((
            "qc_db_write_transactions_total",
            "Write transactions committed (SQLite).",
            transactions as f64,
        ));
        extra.push((
            "qc_db_commits_total",
            "COMMITs run, one fsync each: queued writers share one (SQLite).",
            commits as f64,
        ));
    }
    let body = state.metrics.prometheus(&extra);
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    Ok(res)
}
