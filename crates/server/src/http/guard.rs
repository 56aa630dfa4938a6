//! Role guards: every route under `/api/customer`, `/api/delivery` and `/api/admin`
//! passes through one of these. The role comes from the database (via the verifier).

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppError;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qc_domain::Role;

async fn guard(state: AppState, req: Request, next: Next, role: Role) -> Response {
    let (mut parts, body) = req.into_parts();
    let user = match AuthUser::from_request_parts(&mut parts, &state).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    if user.role != role {
        return AppError::forbidden(
            "forbidden_role",
            format!("This action needs a {} account.", role.as_str()),
        )
        .into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

pub async fn customer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    guard(s, req, next, Role::Customer).await
}

pub async fn delivery(State(s): State<AppState>, req: Request, next: Next) -> Response {
    guard(s, req, next, Role::Delivery).await
}

pub async fn admin(State(s): State<AppState>, req: Request, next: Next) -> Response {
    guard(s, req, next, Role::Admin).await
}

pub async fn picker(State(s): State<AppState>, req: Request, next: Next) -> Response {
    guard(s, req, next, Role::Picker).await
}
