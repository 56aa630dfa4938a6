//! `/api/admin`: live stats, orders and interventions, users, partners, online users,
//! catalog and stock, metrics. Every route is behind the admin role guard.

use crate::api::*;
use crate::app::{AppState, accounts, catalog, dispatch, orders, stats as stats_svc, stores};
use crate::auth::AuthUser;
use crate::error::{ErrorEnvelope, Result};
use crate::http::extract::{AppJson, AppPath, AppQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// A zone of 2,000 vertices written with full precision is about 80 KB: the store
/// editor takes bodies up to this (everything else keeps `QC_BODY_LIMIT_BYTES`).
pub const STORE_BODY_LIMIT: usize = 512 * 1024;

fn store_editor() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_stores, create_store))
        .routes(routes!(get_store, update_store))
        .layer(axum::extract::DefaultBodyLimit::max(STORE_BODY_LIMIT))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(orders))
        .routes(routes!(order_detail))
        .routes(routes!(cancel_order))
        .routes(routes!(unassign_order))
        .routes(routes!(reset_code))
        .routes(routes!(reassign_order))
        .routes(routes!(users))
        .routes(routes!(block_user))
        .routes(routes!(unblock_user))
        .routes(routes!(partners))
        .routes(routes!(verify_partner))
        .routes(routes!(suspend_partner))
        .routes(routes!(set_partner_store))
        .merge(store_editor())
        .routes(routes!(store_load))
        .routes(routes!(dispatch_board))
        .routes(routes!(fulfilment_overview))
        .routes(routes!(staff, create_staff))
        .routes(routes!(staff_link))
        .routes(routes!(api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
        .routes(routes!(webhooks, create_webhook))
        .routes(routes!(update_webhook, delete_webhook))
        .routes(routes!(webhook_deliveries))
        .routes(routes!(replay_webhook_delivery))
        .routes(routes!(online_users))
        .routes(routes!(products, create_product))
        .routes(routes!(update_product))
        .routes(routes!(change_stock))
        .routes(routes!(categories, create_category))
        .routes(routes!(update_category))
        .routes(routes!(metrics))
}

/// Orders today by status, revenue, delivery times, partners and customers online, low
/// stock. Also pushed to admin sockets as `stats:updated` (at most every 2 s).
#[utoipa::path(get, path = "/stats", tag = "admin", params(StatsQuery), security(("bearer_auth" = [])),
    responses((status = 200, body = StatsResponse), (status = 403, body = ErrorEnvelope),
        (status = 404, description = "`store_not_found`", body = ErrorEnvelope)))]
async fn stats(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<StatsQuery>,
) -> Result<Json<StatsResponse>> {
    Ok(Json(StatsResponse {
        success: true,
        stats: stats_svc::stats(&state, q.store_id.as_deref()).await?,
    }))
}

/// All orders, newest first, with filters.
#[utoipa::path(get, path = "/orders", tag = "admin", params(AdminOrderQuery),
    security(("bearer_auth" = [])), responses((status = 200, body = OrdersResponse)))]
async fn orders(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<AdminOrderQuery>,
) -> Result<Json<OrdersResponse>> {
    let (orders, pagination) = orders::admin_orders(&state, q).await?;
    Ok(Json(OrdersResponse {
        success: true,
        orders,
        pagination,
    }))
}

/// One order with its timeline, location trail, customer and partner.
#[utoipa::path(get, path = "/orders/{orderId}", tag = "admin", params(("orderId" = String, Path)),
    security(("bearer_auth" = [])),
    responses((status = 200, body = AdminOrderDetail), (status = 404, body = ErrorEnvelope)))]
async fn order_detail(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<AdminOrderDetail>> {
    Ok(Json(orders::order_detail(&state, &id).await?))
}

/// Cancel an order that is not delivered yet; stock is restored, customer and partner told.
#[utoipa::path(post, path = "/orders/{orderId}/cancel", tag = "admin", params(("orderId" = String, Path)),
    security(("bearer_auth" = [])), request_body = ReasonRequest,
    responses((status = 200, body = AdminOrderResponse), (status = 409, body = ErrorEnvelope)))]
async fn cancel_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<ReasonRequest>,
) -> Result<Json<AdminOrderResponse>> {
    let order = orders::cancel_by_admin(&state, &who, &id, &req.reason).await?;
    Ok(Json(AdminOrderResponse {
        success: true,
        order,
    }))
}

/// Take an accepted order back from its partner; it is offered to partners again.
#[utoipa::path(post, path = "/orders/{orderId}/unassign", tag = "admin", params(("orderId" = String, Path)),
    security(("bearer_auth" = [])), request_body = ReasonRequest,
    responses((status = 200, body = AdminOrderResponse), (status = 409, body = ErrorEnvelope)))]
async fn unassign_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<ReasonRequest>,
) -> Result<Json<AdminOrderResponse>> {
    let order = orders::unassign(&state, &who, &id, &req.reason).await?;
    Ok(Json(AdminOrderResponse {
        success: true,
        order,
    }))
}

/// Give the order a new delivery code (after too many wrong ones): it goes to the
/// customer only (`order:code-reset`), attempts start again, the timeline records who
/// did it and why.
#[utoipa::path(post, path = "/orders/{orderId}/reset-code", tag = "admin", params(("orderId" = String, Path)),
    security(("bearer_auth" = [])), request_body = ReasonRequest,
    responses((status = 200, body = AdminOrderResponse),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`invalid_order_state`: not accepted, picked up or on the way", body = ErrorEnvelope)))]
async fn reset_code(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<ReasonRequest>,
) -> Result<Json<AdminOrderResponse>> {
    let order = orders::reset_code(&state, &who, &id, &req.reason).await?;
    Ok(Json(AdminOrderResponse {
        success: true,
        order,
    }))
}

/// Give an order to another partner.
#[utoipa::path(post, path = "/orders/{orderId}/reassign", tag = "admin", params(("orderId" = String, Path)),
    security(("bearer_auth" = [])), request_body = ReassignRequest,
    responses((status = 200, body = AdminOrderResponse), (status = 409, body = ErrorEnvelope)))]
async fn reassign_order(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<ReassignRequest>,
) -> Result<Json<AdminOrderResponse>> {
    let order = orders::reassign(&state, &who, &id, req).await?;
    Ok(Json(AdminOrderResponse {
        success: true,
        order,
    }))
}

/// Accounts, with filters and live online state.
#[utoipa::path(get, path = "/users", tag = "admin", params(UserQuery), security(("bearer_auth" = [])),
    responses((status = 200, body = UsersResponse)))]
async fn users(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<UserQuery>,
) -> Result<Json<UsersResponse>> {
    Ok(Json(accounts::users(&state, q).await?))
}

/// Block an account: its tokens stop working and its sockets close at once.
#[utoipa::path(post, path = "/users/{id}/block", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), responses((status = 200, body = UserResponse), (status = 404, body = ErrorEnvelope)))]
async fn block_user(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
) -> Result<Json<UserResponse>> {
    let user = accounts::set_blocked(&state, &who, &id, true).await?;
    Ok(Json(UserResponse {
        success: true,
        user,
    }))
}

/// Unblock an account (it signs in again).
#[utoipa::path(post, path = "/users/{id}/unblock", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), responses((status = 200, body = UserResponse), (status = 404, body = ErrorEnvelope)))]
async fn unblock_user(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
) -> Result<Json<UserResponse>> {
    let user = accounts::set_blocked(&state, &who, &id, false).await?;
    Ok(Json(UserResponse {
        success: true,
        user,
    }))
}

/// Delivery partners with online state, active order, last location and totals.
#[utoipa::path(get, path = "/partners", tag = "admin", params(PartnerQuery), security(("bearer_auth" = [])),
    responses((status = 200, body = PartnersResponse)))]
async fn partners(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<PartnerQuery>,
) -> Result<Json<PartnersResponse>> {
    Ok(Json(accounts::partners(&state, q).await?))
}

/// Mark a partner verified (or not).
#[utoipa::path(post, path = "/partners/{id}/verify", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = VerifyRequest,
    responses((status = 200, body = PartnerResponse), (status = 404, body = ErrorEnvelope)))]
async fn verify_partner(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<VerifyRequest>,
) -> Result<Json<PartnerResponse>> {
    let partner = accounts::set_partner_flags(&state, &id, Some(req.verified), None).await?;
    Ok(Json(PartnerResponse {
        success: true,
        partner,
    }))
}

/// Suspend a partner (no more offers or accepts) or lift the suspension.
#[utoipa::path(post, path = "/partners/{id}/suspend", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = SuspendRequest,
    responses((status = 200, body = PartnerResponse), (status = 404, body = ErrorEnvelope)))]
async fn suspend_partner(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<SuspendRequest>,
) -> Result<Json<PartnerResponse>> {
    let partner = accounts::set_partner_flags(&state, &id, None, Some(req.suspended)).await?;
    Ok(Json(PartnerResponse {
        success: true,
        partner,
    }))
}

/// Move a partner to another home store: from now on they are offered that store's
/// orders (their open orders stay theirs).
#[utoipa::path(put, path = "/partners/{id}/store", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = PartnerStoreRequest,
    responses((status = 200, body = PartnerResponse),
        (status = 404, description = "`partner_not_found` or `store_not_found`", body = ErrorEnvelope)))]
async fn set_partner_store(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<PartnerStoreRequest>,
) -> Result<Json<PartnerResponse>> {
    let partner = accounts::set_partner_store(&state, &id, &req.store_id).await?;
    Ok(Json(PartnerResponse {
        success: true,
        partner,
    }))
}

/// Every store with its zone, hours, settings and state now.
#[utoipa::path(get, path = "/stores", tag = "admin", security(("bearer_auth" = [])),
    responses((status = 200, body = AdminStoresResponse)))]
async fn list_stores(State(state): State<AppState>) -> Result<Json<AdminStoresResponse>> {
    Ok(Json(AdminStoresResponse {
        success: true,
        stores: stores::admin_list(&state).await?,
    }))
}

/// Open a store: code, name, location, and a zone (GeoJSON polygon) and/or zip codes.
/// Hours default to always open.
#[utoipa::path(post, path = "/stores", tag = "admin", security(("bearer_auth" = [])),
    request_body = StoreRequest,
    responses((status = 201, body = AdminStoreResponse),
        (status = 400, description = "`validation_error`, `invalid_zone` or `invalid_hours`", body = ErrorEnvelope),
        (status = 409, description = "`store_code_taken`", body = ErrorEnvelope)))]
async fn create_store(
    State(state): State<AppState>,
    AppJson(req): AppJson<StoreRequest>,
) -> Result<(StatusCode, Json<AdminStoreResponse>)> {
    let store = stores::admin_create(&state, req).await?;
    Ok((
        StatusCode::CREATED,
        Json(AdminStoreResponse {
            success: true,
            store,
        }),
    ))
}

/// One store.
#[utoipa::path(get, path = "/stores/{id}", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])),
    responses((status = 200, body = AdminStoreResponse), (status = 404, body = ErrorEnvelope)))]
async fn get_store(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<AdminStoreResponse>> {
    Ok(Json(AdminStoreResponse {
        success: true,
        store: stores::admin_get(&state, &id).await?,
    }))
}

/// Change a store: zone, zip codes, hours, settings, or pause/resume (`paused`). Takes
/// effect for the next order at once.
#[utoipa::path(put, path = "/stores/{id}", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = StoreRequest,
    responses((status = 200, body = AdminStoreResponse),
        (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn update_store(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<StoreRequest>,
) -> Result<Json<AdminStoreResponse>> {
    Ok(Json(AdminStoreResponse {
        success: true,
        store: stores::admin_update(&state, &id, req).await?,
    }))
}

/// A store's live load: open orders, orders waiting for a rider, riders free and busy,
/// the promise it makes now, and today's on-time rate.
#[utoipa::path(get, path = "/stores/{id}/load", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])),
    responses((status = 200, body = StoreLoadResponse), (status = 404, body = ErrorEnvelope)))]
async fn store_load(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<StoreLoadResponse>> {
    Ok(Json(StoreLoadResponse {
        success: true,
        load: stores::load(&state, &id).await?,
    }))
}

/// Orders waiting for a partner, with where their dispatch stands: `offered` (to whom,
/// until when, which round), `waiting` or `broadcast`. Live as `dispatch:updated`.
#[utoipa::path(get, path = "/dispatch", tag = "admin", params(DispatchBoardQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = DispatchBoardResponse), (status = 404, body = ErrorEnvelope)))]
async fn dispatch_board(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<DispatchBoardQuery>,
) -> Result<Json<DispatchBoardResponse>> {
    Ok(Json(DispatchBoardResponse {
        success: true,
        orders: dispatch::board(&state, q.store_id.as_deref()).await?,
    }))
}

/// Users connected right now, counted once per user however many tabs they have:
/// `{success, onlineUsers: {customers, delivery, admin, total}}`.
#[utoipa::path(get, path = "/online-users", tag = "admin", security(("bearer_auth" = [])),
    responses((status = 200, body = OnlineUsersResponse)))]
async fn online_users(State(state): State<AppState>) -> Json<OnlineUsersResponse> {
    Json(OnlineUsersResponse {
        success: true,
        online_users: state.broadcast.online_counts().await,
    })
}

/// Every product, including deactivated ones.
#[utoipa::path(get, path = "/products", tag = "admin", params(AdminProductQuery), security(("bearer_auth" = [])),
    responses((status = 200, body = ProductsResponse)))]
async fn products(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<AdminProductQuery>,
) -> Result<Json<ProductsResponse>> {
    Ok(Json(catalog::products(&state, q).await?))
}

/// Add a product.
#[utoipa::path(post, path = "/products", tag = "admin", security(("bearer_auth" = [])),
    request_body = CreateProductRequest,
    responses((status = 201, body = AdminProductResponse), (status = 400, body = ErrorEnvelope),
        (status = 409, description = "`sku_taken`", body = ErrorEnvelope)))]
async fn create_product(
    State(state): State<AppState>,
    AppJson(req): AppJson<CreateProductRequest>,
) -> Result<(StatusCode, Json<AdminProductResponse>)> {
    let product = catalog::create_product(&state, req).await?;
    Ok((
        StatusCode::CREATED,
        Json(AdminProductResponse {
            success: true,
            product,
        }),
    ))
}

/// Edit or (de)activate a product.
#[utoipa::path(put, path = "/products/{id}", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = UpdateProductRequest,
    responses((status = 200, body = AdminProductResponse), (status = 404, body = ErrorEnvelope)))]
async fn update_product(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<UpdateProductRequest>,
) -> Result<Json<AdminProductResponse>> {
    let product = catalog::update_product(&state, &id, req).await?;
    Ok(Json(AdminProductResponse {
        success: true,
        product,
    }))
}

/// Set or adjust stock with a reason; every change pushes `inventory:updated`.
#[utoipa::path(post, path = "/products/{id}/stock", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = StockRequest,
    responses((status = 200, body = AdminProductResponse), (status = 400, body = ErrorEnvelope),
        (status = 409, description = "`invalid_stock` (would go below zero)", body = ErrorEnvelope)))]
async fn change_stock(
    State(state): State<AppState>,
    who: AuthUser,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<StockRequest>,
) -> Result<Json<AdminProductResponse>> {
    let product = catalog::change_stock(&state, &who, &id, req).await?;
    Ok(Json(AdminProductResponse {
        success: true,
        product,
    }))
}

/// Categories with product counts.
#[utoipa::path(get, path = "/categories", tag = "admin", security(("bearer_auth" = [])),
    responses((status = 200, body = CategoriesResponse)))]
async fn categories(State(state): State<AppState>) -> Result<Json<CategoriesResponse>> {
    let categories = catalog::categories(&state).await?;
    Ok(Json(CategoriesResponse {
        success: true,
        categories,
    }))
}

/// Add a category (or update the one with this slug).
#[utoipa::path(post, path = "/categories", tag = "admin", security(("bearer_auth" = [])),
    request_body = CategoryRequest, responses((status = 201, body = AdminCategoryResponse)))]
async fn create_category(
    State(state): State<AppState>,
    AppJson(req): AppJson<CategoryRequest>,
) -> Result<(StatusCode, Json<AdminCategoryResponse>)> {
    let category = catalog::create_category(&state, req).await?;
    Ok((
        StatusCode::CREATED,
        Json(AdminCategoryResponse {
            success: true,
            category,
        }),
    ))
}

/// Edit or (de)activate a category.
#[utoipa::path(put, path = "/categories/{id}", tag = "admin", params(("id" = String, Path)),
    security(("bearer_auth" = [])), request_body = UpdateCategoryRequest,
    responses((status = 200, body = AdminCategoryResponse), (status = 404, body = ErrorEnvelope)))]
async fn update_category(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<UpdateCategoryRequest>,
) -> Result<Json<AdminCategoryResponse>> {
    let category = catalog::update_category(&state, &id, req).await?;
    Ok(Json(AdminCategoryResponse {
        success: true,
        category,
    }))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SocketMetrics {
    connections: usize,
    users: crate::api::OnlineCounts,
    events_received: u64,
    events_sent: u64,
    events_per_second: f64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseMetrics {
    backend: String,
    pool_connections: u32,
    pool_idle: u32,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricsView {
    uptime_seconds: u64,
    http: Vec<crate::metrics::GroupMetrics>,
    sockets: SocketMetrics,
    database: DatabaseMetrics,
}

#[derive(Serialize, ToSchema)]
pub struct MetricsResponse {
    success: bool,
    metrics: MetricsView,
}

/// Request rate and latency percentiles per route group, sockets, events per second and
/// the database pool. Prometheus text is at `/metrics`.
#[utoipa::path(get, path = "/metrics", tag = "admin", security(("bearer_auth" = [])),
    responses((status = 200, body = MetricsResponse)))]
async fn metrics(State(state): State<AppState>) -> Json<MetricsResponse> {
    let m = &state.metrics;
    let (open, idle) = state.store.pool_stats();
    Json(MetricsResponse {
        success: true,
        metrics: MetricsView {
            uptime_seconds: m.uptime().as_secs(),
            http: m.groups(),
            sockets: SocketMetrics {
                connections: state.broadcast.presence.sockets(),
                users: state.broadcast.online_counts().await,
                events_received: m.events_in.load(std::sync::atomic::Ordering::Relaxed),
                events_sent: m.events_out.load(std::sync::atomic::Ordering::Relaxed),
                events_per_second: m.events_per_second(),
            },
            database: DatabaseMetrics {
                backend: state.store.backend().as_str().to_owned(),
                pool_connections: open,
                pool_idle: idle,
            },
        },
    })
}

/// Fulfilment per store (queue, pick times the promise uses, short rate over 7 days) and
/// the orders waiting to be picked or being picked. Live as `fulfilment:updated`.
#[utoipa::path(get, path = "/fulfilment", tag = "admin", params(DispatchBoardQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = FulfilmentResponse)))]
async fn fulfilment_overview(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<DispatchBoardQuery>,
) -> Result<Json<FulfilmentResponse>> {
    Ok(Json(
        crate::app::fulfilment::admin_overview(&state, q.store_id.as_deref()).await?,
    ))
}

/// Staff (pickers), of one store or all.
#[utoipa::path(get, path = "/staff", tag = "admin", params(DispatchBoardQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = StaffListResponse)))]
async fn staff(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<DispatchBoardQuery>,
) -> Result<Json<StaffListResponse>> {
    Ok(Json(StaffListResponse {
        success: true,
        staff: crate::app::fulfilment::list_staff(&state, q.store_id.as_deref()).await?,
    }))
}

/// Create a picker for a store. Nobody self-registers as staff: the answer carries a
/// one-time link (valid 48 h) where the new picker sets their password.
#[utoipa::path(post, path = "/staff", tag = "admin", request_body = StaffRequest,
    security(("bearer_auth" = [])),
    responses((status = 201, body = StaffCreatedResponse), (status = 400, body = ErrorEnvelope),
        (status = 404, description = "`store_not_found`", body = ErrorEnvelope),
        (status = 409, description = "`email_taken`", body = ErrorEnvelope)))]
async fn create_staff(
    State(state): State<AppState>,
    AppJson(req): AppJson<StaffRequest>,
) -> Result<(StatusCode, Json<StaffCreatedResponse>)> {
    Ok((
        StatusCode::CREATED,
        Json(crate::app::fulfilment::create_staff(&state, req).await?),
    ))
}

/// A new one-time password link for a staff member (the previous one stops working).
#[utoipa::path(post, path = "/staff/{userId}/link", tag = "admin",
    params(("userId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = StaffCreatedResponse), (status = 404, body = ErrorEnvelope)))]
async fn staff_link(
    State(state): State<AppState>,
    AppPath(user_id): AppPath<String>,
) -> Result<Json<StaffCreatedResponse>> {
    Ok(Json(
        crate::app::fulfilment::staff_link(&state, &user_id).await?,
    ))
}

/// API keys (never their secrets).
#[utoipa::path(get, path = "/api-keys", tag = "admin", security(("bearer_auth" = [])),
    responses((status = 200, body = ApiKeysResponse)))]
async fn api_keys(State(state): State<AppState>) -> Result<Json<ApiKeysResponse>> {
    Ok(Json(ApiKeysResponse {
        success: true,
        api_keys: crate::app::integrations::list_keys(&state).await?,
    }))
}

/// Create an API key with scopes (`orders:read`, `catalog:write`, `stock:write`,
/// `webhooks:manage`), optionally bound to one store. The secret is in this answer only.
#[utoipa::path(post, path = "/api-keys", tag = "admin", request_body = ApiKeyRequest,
    security(("bearer_auth" = [])),
    responses((status = 201, body = ApiKeyCreatedResponse), (status = 400, body = ErrorEnvelope),
        (status = 404, description = "`store_not_found`", body = ErrorEnvelope)))]
async fn create_api_key(
    State(state): State<AppState>,
    who: AuthUser,
    AppJson(req): AppJson<ApiKeyRequest>,
) -> Result<(StatusCode, Json<ApiKeyCreatedResponse>)> {
    Ok((
        StatusCode::CREATED,
        Json(crate::app::integrations::create_key(&state, &who.id, req).await?),
    ))
}

/// Revoke an API key: it stops working at once.
#[utoipa::path(delete, path = "/api-keys/{keyId}", tag = "admin",
    params(("keyId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = ApiKeyResponse), (status = 404, body = ErrorEnvelope)))]
async fn revoke_api_key(
    State(state): State<AppState>,
    AppPath(key_id): AppPath<String>,
) -> Result<Json<ApiKeyResponse>> {
    Ok(Json(ApiKeyResponse {
        success: true,
        api_key: crate::app::integrations::revoke_key(&state, &key_id).await?,
    }))
}

/// Webhook endpoints (never their secrets).
#[utoipa::path(get, path = "/webhooks", tag = "admin", security(("bearer_auth" = [])),
    responses((status = 200, body = WebhooksResponse)))]
async fn webhooks(State(state): State<AppState>) -> Result<Json<WebhooksResponse>> {
    Ok(Json(WebhooksResponse {
        success: true,
        webhooks: crate::app::webhooks::list(&state).await?,
    }))
}

/// Register an endpoint for event types. Deliveries are signed as Standard Webhooks says
/// with the `whsec_…` secret in this answer (shown once); see docs/INTEGRATIONS.md.
#[utoipa::path(post, path = "/webhooks", tag = "admin", request_body = WebhookRequest,
    security(("bearer_auth" = [])),
    responses((status = 201, body = WebhookCreatedResponse),
        (status = 400, description = "`url_not_allowed` (private, loopback or reserved address), bad event types", body = ErrorEnvelope)))]
async fn create_webhook(
    State(state): State<AppState>,
    AppJson(req): AppJson<WebhookRequest>,
) -> Result<(StatusCode, Json<WebhookCreatedResponse>)> {
    Ok((
        StatusCode::CREATED,
        Json(crate::app::webhooks::create(&state, req).await?),
    ))
}

/// Switch an endpoint on (its failure clock starts again) or off.
#[utoipa::path(put, path = "/webhooks/{webhookId}", tag = "admin",
    params(("webhookId" = String, Path)), request_body = WebhookPatch,
    security(("bearer_auth" = [])),
    responses((status = 200, body = WebhookResponse), (status = 404, body = ErrorEnvelope)))]
async fn update_webhook(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<WebhookPatch>,
) -> Result<Json<WebhookResponse>> {
    Ok(Json(WebhookResponse {
        success: true,
        webhook: crate::app::webhooks::set_enabled(&state, &id, req.enabled).await?,
    }))
}

/// Remove an endpoint and its delivery log.
#[utoipa::path(delete, path = "/webhooks/{webhookId}", tag = "admin",
    params(("webhookId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = MessageResponse), (status = 404, body = ErrorEnvelope)))]
async fn delete_webhook(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<MessageResponse>> {
    crate::app::webhooks::delete(&state, &id).await?;
    Ok(Json(MessageResponse {
        success: true,
        message: "Webhook removed.".into(),
    }))
}

/// An endpoint's newest deliveries, each with its tries (status codes, latency, the
/// start of the answer).
#[utoipa::path(get, path = "/webhooks/{webhookId}/deliveries", tag = "admin",
    params(("webhookId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = WebhookDeliveriesResponse), (status = 404, body = ErrorEnvelope)))]
async fn webhook_deliveries(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<WebhookDeliveriesResponse>> {
    Ok(Json(WebhookDeliveriesResponse {
        success: true,
        deliveries: crate::app::webhooks::deliveries(&state, &id).await?,
    }))
}

/// Send a delivery again now (same `webhook-id`); a new 24-hour retry window starts.
#[utoipa::path(post, path = "/webhook-deliveries/{deliveryId}/replay", tag = "admin",
    params(("deliveryId" = String, Path)), security(("bearer_auth" = [])),
    responses((status = 200, body = MessageResponse), (status = 404, body = ErrorEnvelope)))]
async fn replay_webhook_delivery(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<MessageResponse>> {
    crate::app::webhooks::replay(&state, &id).await?;
    Ok(Json(MessageResponse {
        success: true,
        message: "The delivery will be sent again now.".into(),
    }))
}
