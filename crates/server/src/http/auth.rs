//! `/api/auth`: register, login, me, password, logout. Thin: parse, call the service.

use crate::api::{
    AuthResponse, ChangePasswordRequest, LoginRequest, MessageResponse, RegisterRequest,
    UpdateMeRequest, UserResponse,
};
use crate::app::{AppState, accounts as svc};
use crate::auth::AuthUser;
use crate::error::{ErrorEnvelope, Result};
use crate::http::extract::AppJson;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use std::net::SocketAddr;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(logout))
        .routes(routes!(set_password))
        .routes(routes!(forgot_password))
}

/// "Forgot password": a link to choose a new password is mailed (valid 1 h; without
/// `SMTP_URL` it is written to the server log). The answer is the same whether or not
/// the e-mail has an account.
#[utoipa::path(post, path = "/forgot-password", tag = "auth",
    request_body = crate::api::ForgotPasswordRequest,
    responses((status = 200, body = MessageResponse),
        (status = 400, body = ErrorEnvelope),
        (status = 429, description = "Too many requests for this e-mail or address; see `Retry-After`", body = ErrorEnvelope)))]
async fn forgot_password(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    AppJson(req): AppJson<crate::api::ForgotPasswordRequest>,
) -> Result<Json<MessageResponse>> {
    let client = crate::limits::client_key(addr.ip());
    crate::app::password_links::forgot_password(&state, req, &client).await?;
    Ok(Json(MessageResponse {
        success: true,
        message: "If an account uses this e-mail, a link to reset its password is on its way."
            .into(),
    }))
}

/// Set a password with a one-time link's token (a new staff member's first password, or
/// a reset link from "forgot password").
/// Every session of the account ends; sign in afterwards.
#[utoipa::path(post, path = "/set-password", tag = "auth", request_body = crate::api::SetPasswordRequest,
    responses((status = 200, body = MessageResponse),
        (status = 400, description = "`invalid_link` (unknown, used or expired), or a weak password", body = ErrorEnvelope)))]
async fn set_password(
    State(state): State<AppState>,
    AppJson(req): AppJson<crate::api::SetPasswordRequest>,
) -> Result<Json<MessageResponse>> {
    crate::app::password_links::set_password(&state, req).await?;
    Ok(Json(MessageResponse {
        success: true,
        message: "Password set. Sign in with it now.".into(),
    }))
}

/// Create a customer or delivery-partner account (admins cannot self-register).
#[utoipa::path(post, path = "/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in", body = AuthResponse),
        (status = 400, description = "Invalid fields or unknown fields", body = ErrorEnvelope),
        (status = 403, description = "`admin_registration_forbidden`", body = ErrorEnvelope),
        (status = 409, description = "`email_taken`", body = ErrorEnvelope),
        (status = 429, description = "Too many registrations from this address; see `Retry-After`", body = ErrorEnvelope),
        (status = 503, description = "`overloaded`: the instance is behind and sheds this for now; retry after `Retry-After`", body = ErrorEnvelope)))]
async fn register(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    AppJson(req): AppJson<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthResponse>)> {
    let client = addr.ip().to_string();
    Ok((
        StatusCode::CREATED,
        Json(svc::register(&state, req, &client).await?),
    ))
}

/// Sign in with e-mail and password: `{success, token, user}`.
#[utoipa::path(post, path = "/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 401, description = "`invalid_credentials` (same for unknown e-mail and wrong password)", body = ErrorEnvelope),
        (status = 429, description = "Too many failed attempts; see `Retry-After`", body = ErrorEnvelope)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    AppJson(req): AppJson<LoginRequest>,
) -> Result<Json<AuthResponse>> {
    Ok(Json(svc::login(&state, req, &addr.ip().to_string()).await?))
}

/// The signed-in user.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer_auth" = [])),
    responses((status = 200, body = UserResponse), (status = 401, body = ErrorEnvelope)))]
async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<UserResponse>> {
    let user = svc::me(&state, &user).await?;
    Ok(Json(UserResponse {
        success: true,
        user,
    }))
}

/// Update one's name or phone.
#[utoipa::path(put, path = "/me", tag = "auth", security(("bearer_auth" = [])),
    request_body = UpdateMeRequest,
    responses((status = 200, body = UserResponse), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope)))]
async fn update_me(
    State(state): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<UpdateMeRequest>,
) -> Result<Json<UserResponse>> {
    let user = svc::update_me(&state, &user, req).await?;
    Ok(Json(UserResponse {
        success: true,
        user,
    }))
}

/// Change password; all old tokens are revoked and a new one is returned.
#[utoipa::path(put, path = "/password", tag = "auth", security(("bearer_auth" = [])),
    request_body = ChangePasswordRequest,
    responses((status = 200, description = "Changed: every other session (tokens and sockets) is ended", body = AuthResponse),
        (status = 400, body = ErrorEnvelope),
        (status = 401, description = "Wrong current password", body = ErrorEnvelope),
        (status = 429, description = "Too many wrong current passwords; see `Retry-After`", body = ErrorEnvelope)))]
async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    user: AuthUser,
    AppJson(req): AppJson<ChangePasswordRequest>,
) -> Result<Json<AuthResponse>> {
    let client = addr.ip().to_string();
    Ok(Json(
        svc::change_password(&state, &user, req, &client).await?,
    ))
}

/// Sign out: every token of this user stops working.
#[utoipa::path(post, path = "/logout", tag = "auth", security(("bearer_auth" = [])),
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorEnvelope)))]
async fn logout(State(state): State<AppState>, user: AuthUser) -> Result<Json<MessageResponse>> {
    svc::logout(&state, &user).await?;
    Ok(Json(MessageResponse {
        success: true,
        message: "Signed out on every device.".into(),
    }))
}
