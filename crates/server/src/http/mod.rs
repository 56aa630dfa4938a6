//! The HTTP surface: routers per area, the middleware stack, docs and the web app.

pub mod admin;
pub mod auth;
pub mod customer;
pub mod delivery;
pub mod extract;
mod front;
pub mod guard;
pub mod health;
pub mod images;
pub mod integrations;
pub mod picker;
pub mod prometheus;
pub mod stores;
pub mod web;

use crate::app::AppState;
use crate::error::AppError;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use front::{FrontLayer, Verdict};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(title = "QuickCommerce API", description = "REST API of the QuickCommerce real-time \
        delivery platform. Every error answers `{\"success\": false, \"error\": {\"code\", \"message\"}}`. \
        Realtime events are documented in docs/WEBSOCKET.md."),
    modifiers(&BearerAuth),
    components(schemas(
        crate::api::OrderCreatedEvent, crate::api::OrderAcceptedEvent,
        crate::api::AcceptedSuccessEvent, crate::api::OrderTakenEvent,
        crate::api::StatusUpdatedEvent, crate::api::OrderCompletedEvent,
        crate::api::OrderCancelledEvent, crate::api::LocationEvent,
        crate::api::InventoryUpdatedEvent, crate::api::StockLevel,
        crate::api::FleetPositionsEvent, crate::api::FleetPosition,
        crate::api::LocationUpdate, crate::api::AvailabilityRequest,
        crate::api::FulfilmentUpdatedEvent, crate::api::OrderFulfilmentEvent,
        crate::api::SubstitutionProposedEvent,
        crate::error::ErrorEnvelope,
    )),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "health", description = "Liveness and readiness"),
        (name = "stores", description = "Dark stores and serviceability (no sign-in needed)"),
        (name = "customer", description = "Catalog, cart check, addresses and orders (customer role)"),
        (name = "admin", description = "Operations: stats, orders, users, partners, catalog and stock, metrics (admin role)"),
        (name = "delivery", description = "Availability, offers, accept, status flow and earnings (delivery role)"),
        (name = "integrations", description = "Calls from other systems with an API key (`Authorization: Bearer qck_…`): bulk stock, order feed"),
        (name = "picker", description = "Dark-store fulfilment: the pick queue, pick lists, short picks, substitutions and packing (picker role)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The routes and their OpenAPI document, before middleware.
pub fn api(state: &AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let customer = customer::router().route_layer(middleware::from_fn_with_state(
        state.clone(),
        guard::customer,
    ));
    let delivery = delivery::router().route_layer(middleware::from_fn_with_state(
        state.clone(),
        guard::delivery,
    ));
    let admin =
        admin::router().route_layer(middleware::from_fn_with_state(state.clone(), guard::admin));
    let picker =
        picker::router().route_layer(middleware::from_fn_with_state(state.clone(), guard::picker));
    let keyed = integrations::router().route_layer(middleware::from_fn_with_state(
        state.clone(),
        integrations::api_key,
    ));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/auth", auth::router())
        .nest("/api/admin", admin)
        .nest("/api/customer", customer)
        .nest("/api/delivery", delivery)
        .nest("/api/picker", picker)
        .nest("/api/integrations", keyed)
        .nest("/api/stores", stores::router())
        .merge(health::router())
        .split_for_parts()
}

/// The OpenAPI document alone (for `quickcommerce openapi` and the web app's types).
pub fn openapi_document(state: &AppState) -> utoipa::openapi::OpenApi {
    api(state).1
}

/// The whole application with its middleware stack, as one service.
///
/// The middleware wraps the router once, outside it, rather than through `Router::layer`:
/// that wraps every route in a boxed service per layer, and axum clones a route's service
/// for each request, so each request cloned thirteen nested boxes (one allocation each,
/// and a copy of the CORS configuration) before any work — 5-7 % of the core in the city
/// day's profile (docs/BENCHMARKS.md, seventh round). The order is the same as before,
/// outermost first.
pub fn app(
    state: AppState,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Send + 'static,
> + Clone
+ Send
+ Sync
+ 'static {
    let (api, openapi) = api(&state);
    let body_limit = state.config.body_limit_bytes;
    let cors = cors(&state.config.cors_origins);
    let web_dir = state.config.web_dir.clone();
    let socket_io = match state.broadcast.layer() {
        crate::broadcast::Layer::Local(l) => tower::util::Either::Left(l),
        crate::broadcast::Layer::Redis(l) => tower::util::Either::Right(l),
    };
    let gate_state = state.clone();
    let admission_state = state.clone();
    let metrics = state.metrics.clone();
    // API answers above 1 KiB are gzipped for clients that ask (not Socket.io, which is
    // outside this router; not images).
    let compress =
        CompressionLayer::new().compress_when(SizeAbove::new(1024).and(NotForContentType::IMAGES));
    let router = Router::new()
        .merge(api.layer(compress))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .merge(images::router())
        .route("/metrics", axum::routing::get(prometheus::metrics))
        .route("/api", axum::routing::any(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found));
    let router = web::attach(router, &web_dir).with_state(state);
    ServiceBuilder::new()
        // Socket.io sits outside the API's envelope, limits, timeout, request ids and
        // tracing (long-polling and upgrades are its own); only the handshake gate is in
        // front of it.
        .layer(FrontLayer(move |req| handshake_gate(&gate_state, req)))
        .map_response(IntoResponse::into_response)
        .layer(socket_io)
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .on_failure(log_failure),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(cors)
        .map_response(security_headers)
        // The panic catcher's body fails with a `BoxError`, which the layers above cannot
        // carry (they want a `std::error::Error`): axum's body can.
        .map_response(IntoResponse::into_response)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(metrics, record_metrics))
        .layer(FrontLayer(move |req| admission(&admission_state, req)))
        .map_response(envelope_errors)
        .service(router)
}

/// What a request would start, for admission under overload (see [`crate::pressure`]):
/// catalog reads are browsing; placing an order and registering start something new;
/// the rest (signing in, whose role is not known before the password is checked; order
/// steps; admins' and pickers' work) is always admitted.
pub fn work_of(method: &Method, path: &str) -> Option<crate::pressure::Work> {
    use crate::pressure::Work;
    let path = path.strip_suffix('/').unwrap_or(path);
    match *method {
        Method::GET | Method::HEAD
            if path == "/api/customer/products"
                || path.starts_with("/api/customer/products/")
                || path == "/api/customer/categories" =>
        {
            Some(Work::Browse)
        }
        Method::POST if matches!(path, "/api/customer/orders" | "/api/auth/register") => {
            Some(Work::Start)
        }
        _ => None,
    }
}

/// Marks a response the admission refused: counted apart, not as a server error.
#[derive(Clone, Copy)]
struct Shed;

/// Refuses browsing and new work while the instance is behind, before the token is
/// checked or the body read: `503 overloaded` with `Retry-After`.
fn admission(state: &AppState, req: Request) -> Verdict {
    if let Some(work) = work_of(req.method(), req.uri().path())
        && let Err(retry_after_secs) = state.pressure.admit(work)
    {
        let mut res = AppError::Overloaded { retry_after_secs }.into_response();
        res.extensions_mut().insert(Shed);
        return Verdict::Answer(res);
    }
    Verdict::On(req)
}

/// In front of Socket.io. A new handshake (a `/socket.io/` request without a `sid`)
/// from an address over its budget — all handshakes (`QC_SOCKET_HANDSHAKES_PER_MIN`) or
/// refused ones (`QC_SOCKET_REFUSED_PER_MIN`) — is answered 429 before any session
/// exists. An admitted one, and a long-polling session's upgrade to WebSocket, goes on
/// with a request head of its own ([`detach_head`]): engine.io keeps the head for the
/// connection's life, and hyper's URI and header values are slices of the connection's
/// 8 KiB read buffer, which they would keep alive.
fn handshake_gate(state: &AppState, req: Request) -> Verdict {
    let path = req.uri().path();
    if path != "/socket.io" && !path.starts_with("/socket.io/") {
        return Verdict::On(req);
    }
    if query_has(&req, |p| p.starts_with("sid=")) {
        let upgrade = query_has(&req, |p| p == "transport=websocket");
        return Verdict::On(if upgrade { detach_head(req) } else { req });
    }
    let client = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| crate::limits::client_key(c.0.ip()));
    if let Some(key) = client {
        let limits = &state.limits;
        let verdict = limits
            .refused_handshakes
            .check(&key)
            .and_then(|()| limits.handshakes.hit(&key));
        if let Err(retry_after_secs) = verdict {
            return Verdict::Answer(AppError::TooManyRequests { retry_after_secs }.into_response());
        }
    }
    state.metrics.handshake();
    Verdict::On(detach_head(req))
}

/// Whether a `key=value` pair of the request's query string satisfies `wanted`.
fn query_has(req: &Request, wanted: fn(&str) -> bool) -> bool {
    req.uri().query().is_some_and(|q| q.split('&').any(wanted))
}

/// The request with a head of its own, holding only what a socket's life needs: its URI
/// copied, the two headers read later (`Authorization`, which the connect handler may take
/// the token from, and `Sec-WebSocket-Key`, which engine.io answers an upgrade with), and
/// two extensions: the client's address and hyper's upgrade handle. Everything else
/// would be kept for nothing: every other header (a browser sends 12-16, cookies
/// included) and any extension (axum's `OriginalUri`, another slice of the read buffer,
/// when the gate ran inside the router). Measured with heaptrack on 9,000 idle sockets
/// (docs/BENCHMARKS.md).
fn detach_head(req: Request) -> Request {
    let (mut parts, body) = req.into_parts();
    if let Ok(uri) = parts.uri.to_string().parse() {
        parts.uri = uri;
    }
    let mut extensions = axum::http::Extensions::new();
    if let Some(client) = parts
        .extensions
        .remove::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        extensions.insert(client);
    }
    if let Some(upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() {
        extensions.insert(upgrade);
    }
    parts.extensions = extensions;
    let mut headers = axum::http::HeaderMap::with_capacity(2);
    for name in [header::AUTHORIZATION, header::SEC_WEBSOCKET_KEY] {
        if let Some(value) = parts
            .headers
            .get(&name)
            .and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok())
        {
            headers.insert(name, value);
        }
    }
    parts.headers = headers;
    Request::from_parts(parts, body)
}

async fn record_metrics(
    axum::extract::State(m): axum::extract::State<std::sync::Arc<crate::metrics::Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    // A refusal of the admission is a 503 by design, not a fault of the server: it is
    // counted in `qc_overload_refused_*_total`, not in `qc_http_server_errors_total`.
    let server_error = res.status().is_server_error() && res.extensions().get::<Shed>().is_none();
    m.record(&path, server_error, start.elapsed());
    res
}

async fn api_not_found(method: Method, uri: axum::http::Uri) -> AppError {
    AppError::not_found(
        "route_not_found",
        format!("No route for {method} {}.", uri.path()),
    )
}

/// A server error, logged once per request. Not a 503: the application logs why it was
/// unavailable (`AppError::Unavailable`), and a refusal of the admission is the design
/// working, counted in `/metrics` (`qc_overload_refused_*_total`) — an overloaded
/// instance refusing thousands a second must not also write an error line for each.
fn log_failure(class: ServerErrorsFailureClass, latency: Duration, _: &tracing::Span) {
    if matches!(
        class,
        ServerErrorsFailureClass::StatusCode(StatusCode::SERVICE_UNAVAILABLE)
    ) {
        return;
    }
    tracing::error!(classification = %class, latency_ms = latency.as_millis() as u64, "response failed");
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    AppError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
}

/// Any error answer that is not already JSON (405 from the router, 408 from the timeout,
/// 413 from a length limit, …) is rewritten into the standard envelope.
fn envelope_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let err = match status {
        StatusCode::NOT_FOUND => AppError::not_found("not_found", "Not found."),
        StatusCode::METHOD_NOT_ALLOWED => AppError::BadRequest {
            code: "method_not_allowed",
            message: "This method is not allowed on this route.".into(),
        },
        StatusCode::REQUEST_TIMEOUT => AppError::BadRequest {
            code: "request_timeout",
            message: "The request took too long.".into(),
        },
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
        StatusCode::TOO_MANY_REQUESTS => AppError::TooManyRequests {
            retry_after_secs: 1,
        },
        s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("upstream answered {s}")),
        _ => AppError::bad_request("bad_request", "The request could not be processed."),
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::to_vec(&err.envelope()).unwrap_or_default();
    Response::from_parts(parts, Body::from(body))
}

fn cors(origins: &[String]) -> CorsLayer {
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter(|o| o.as_str() != "*")
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// The headers helmet sets by default, applied where a handler has not set its own.
const SECURITY_HEADERS: [(&str, &str); 8] = [
    (
        "content-security-policy",
        "default-src 'self'; base-uri 'self'; font-src 'self' data:; form-action 'self'; \
         frame-ancestors 'self'; img-src 'self' data: blob: https:; object-src 'none'; \
         script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("referrer-policy", "no-referrer"),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-permitted-cross-domain-policies", "none"),
];

fn security_headers<B>(mut res: axum::http::Response<B>) -> axum::http::Response<B> {
    let headers = res.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers
            .entry(HeaderName::from_static(name))
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::work_of;
    use crate::pressure::Work;
    use axum::http::Method;

    #[test]
    fn catalog_reads_browse_new_orders_and_registrations_start_the_rest_always_goes() {
        let browse = [
            "/api/customer/products",
            "/api/customer/products/",
            "/api/customer/products/p1",
            "/api/customer/categories",
        ];
        for path in browse {
            assert_eq!(work_of(&Method::GET, path), Some(Work::Browse), "{path}");
        }
        assert_eq!(
            work_of(&Method::HEAD, "/api/customer/products"),
            Some(Work::Browse)
        );
        for path in ["/api/customer/orders", "/api/auth/register"] {
            assert_eq!(work_of(&Method::POST, path), Some(Work::Start), "{path}");
        }
        let always = [
            (Method::GET, "/api/customer/orders"),
            (Method::GET, "/api/customer/orders/o1"),
            (Method::POST, "/api/customer/orders/o1/cancel"),
            (Method::POST, "/api/delivery/orders/o1/accept"),
            (Method::PUT, "/api/delivery/orders/o1/status"),
            (Method::POST, "/api/picker/orders/o1/pack"),
            (Method::GET, "/api/admin/products"),
            (Method::PUT, "/api/admin/products/p1"),
            (Method::POST, "/api/customer/cart/validate"),
            (Method::GET, "/api/auth/me"),
            (Method::POST, "/api/auth/login"),
            (Method::GET, "/health"),
        ];
        for (method, path) in always {
            assert_eq!(work_of(&method, path), None, "{method} {path}");
        }
    }
}
