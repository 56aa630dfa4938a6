//! Customer order services: idempotent, race-free placement; history; details;
//! cancellation; the order timeline.

use super::addresses::parse_address;
use super::{AppState, page_params};
use crate::api::{
    CancelRequest, OrderEventView, OrderListQuery, OrderResponse, OrderView, OrdersResponse,
    Pagination, PartnerRef, PlaceOrderRequest,
};
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use chrono::Utc;
use qc_domain::commerce::{confirmation_code, normalise_cart};
use qc_domain::{Money, OrderStatus, PaymentMethod, ValidationErrors};
use qc_store::{
    Canceller, IdempotencyClaim, IdempotencyRecord, Order, OrderEvent, OrderItem, StoreError,
};
use sha2::{Digest, Sha256};

/// How long an idempotency key is remembered.
pub const IDEMPOTENCY_TTL_HOURS: i64 = 48;
/// A claim still "in progress" after this long is taken to be abandoned.
const IDEMPOTENCY_STALE_SECS: i64 = 60;

/// What `place_order` answered.
pub enum Placed {
    /// A new order; `body` is the exact answer stored for replays.
    Created { order: Box<Order>, body: String },
    /// The same request came with the same `Idempotency-Key`: the first answer again.
    Replayed { status: u16, body: String },
}

fn order_not_found() -> AppError {
    AppError::not_found("order_not_found", "No such order.")
}

/// Validate an `Idempotency-Key` header value.
pub fn parse_idempotency_key(raw: &str) -> Result<String> {
    let k = raw.trim();
    if k.is_empty() || k.len() > 255 || !k.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        ));
    }
    Ok(k.to_owned())
}

/// A fingerprint of the request body, independent of key order and whitespace.
pub fn request_fingerprint(body: &serde_json::Value) -> String {
    // serde_json's map is ordered by key, so the serialisation is canonical.
    let digest = Sha256::digest(body.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Place an order. With an idempotency key the whole answer is stored in the order's
/// own transaction, so a retry after a crash or a lost response gets the same order.
pub async fn place_order(
    state: &AppState,
    who: &AuthUser,
    req: PlaceOrderRequest,
    fingerprint: &str,
    key: Option<String>,
) -> Result<Placed> {
    if let Some(k) = &key {
        let claim = state
            .store
            .claim_idempotency_key(
                &who.id,
                k,
                fingerprint,
                chrono::Duration::seconds(IDEMPOTENCY_STALE_SECS),
                chrono::Duration::hours(IDEMPOTENCY_TTL_HOURS),
            )
            .await?;
        match claim {
            IdempotencyClaim::Fresh => {}
            IdempotencyClaim::Replay { status, body } => {
                return Ok(Placed::Replayed { status, body });
            }
            IdempotencyClaim::Mismatch => {
                return Err(AppError::unprocessable(
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used with a different request.",
                ));
            }
            IdempotencyClaim::InProgress => {
                return Err(AppError::conflict(
                    "idempotency_in_progress",
                    "A request with this Idempotency-Key is still being processed. Retry shortly.",
                ));
            }
        }
    }
    let result = async {
        let plan = validate(state, who, &req).await?;
        create(state, who, plan, key.as_deref()).await
    }
    .await;
    if result.is_err()
        && let Some(k) = &key
    {
        // The request failed without an order: let a retry with this key run again.
        if let Err(e) = state.store.release_idempotency_key(&who.id, k).await {
            tracing::warn!(error = %e, "could not release an idempotency key");
        }
    }
    result
}

/// Everything checked before any write.
struct Plan {
    lines: Vec<qc_domain::CartLine>,
    address: qc_domain::Address,
    payment: PaymentMethod,
    notes: Option<String>,
}

async fn validate(state: &AppState, who: &AuthUser, req: &PlaceOrderRequest) -> Result<Plan> {
    let mut errors = ValidationErrors::new();
    let raw: Vec<(String, i64)> = req
        .items
        .iter()
        .map(|l| (l.product_id.clone(), l.quantity))
        .collect();
    let lines = errors.take(normalise_cart(&raw, state.config.order_limits));
    let payment = match req.payment_method.as_deref() {
        None => Some(PaymentMethod::Cash),
        Some(m) => {
            let p = PaymentMethod::parse(m);
            if p.is_none() {
                errors.push("paymentMethod", "must be cash, upi or card");
            }
            p
        }
    };
    let notes = req
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if notes.is_some_and(|n| n.chars().count() > 500) {
        errors.push("notes", "must be at most 500 characters");
    }
    let address = match (&req.delivery_address, &req.address_id) {
        (Some(_), Some(_)) => {
            errors.push("addressId", "give deliveryAddress or addressId, not both");
            None
        }
        (Some(a), None) => errors.take(parse_address(a, "deliveryAddress")),
        (None, Some(id)) => match state.store.address(&who.id, id).await? {
            Some(saved) => Some(saved.address),
            None => {
                return Err(AppError::not_found(
                    "address_not_found",
                    "No such saved address.",
                ));
            }
        },
        (None, None) => {
            errors.push("deliveryAddress", "is required (or addressId)");
            None
        }
    };
    errors.into_result()?;
    match (lines, address, payment) {
        (Some(lines), Some(address), Some(payment)) => Ok(Plan {
            lines,
            address,
            payment,
            notes: notes.map(str::to_owned),
        }),
        _ => Err(AppError::Internal(anyhow::anyhow!(
            "validation passed without values"
        ))),
    }
}

async fn create(state: &AppState, who: &AuthUser, plan: Plan, key: Option<&str>) -> Result<Placed> {
    let ids: Vec<String> = plan.lines.iter().map(|l| l.product_id.clone()).collect();
    let products = state.store.products_by_ids(&ids).await?;
    let mut unavailable = Vec::new();
    let mut items = Vec::with_capacity(plan.lines.len());
    let mut subtotal = Money::ZERO;
    for line in &plan.lines {
        match products
            .iter()
            .find(|p| p.id == line.product_id && p.is_active)
        {
            None => unavailable.push(line.product_id.clone()),
            Some(p) => {
                let line_total = p.price.checked_times(line.quantity).ok_or_else(|| {
                    AppError::bad_request("invalid_quantity", "Quantity too large.")
                })?;
                subtotal = subtotal.checked_add(line_total).unwrap_or(Money(i64::MAX));
                items.push(OrderItem {
                    product_id: p.id.clone(),
                    sku: p.sku.clone(),
                    name: p.name.clone(),
                    unit: p.unit.clone(),
                    unit_price: p.price,
                    quantity: line.quantity,
                    line_total,
                });
            }
        }
    }
    if !unavailable.is_empty() {
        return Err(AppError::BadRequest {
            code: "product_unavailable",
            message: format!(
                "These products cannot be ordered: {}.",
                unavailable.join(", ")
            ),
        });
    }
    let totals = state.config.fees.totals(subtotal);
    let now = Utc::now();
    let order = Order {
        id: uuid::Uuid::now_v7().simple().to_string(),
        customer_id: who.id.clone(),
        partner_id: None,
        status: OrderStatus::Pending,
        items,
        subtotal: totals.subtotal,
        delivery_fee: totals.delivery_fee,
        total: totals.total,
        payment_method: plan.payment.as_str().to_owned(),
        address: plan.address,
        confirmation_code: confirmation_code(rand::random::<u32>()),
        code_attempts: 0,
        notes: plan.notes,
        cancel_reason: None,
        cancelled_by: None,
        payout: None,
        distance_m: None,
        last_seq: 1,
        created_at: now,
        accepted_at: None,
        picked_up_at: None,
        on_the_way_at: None,
        delivered_at: None,
        cancelled_at: None,
        updated_at: now,
    };
    let event = OrderEvent {
        order_id: order.id.clone(),
        seq: 1,
        kind: "order.created".into(),
        payload: serde_json::json!({ "status": "pending", "total": order.total.minor() }),
        actor_id: Some(who.id.clone()),
        actor_role: Some("customer".into()),
        at: now,
    };
    let body = serde_json::to_string(&OrderResponse {
        success: true,
        order: OrderView::new(&order, None, true),
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    let idem = key.map(|k| IdempotencyRecord {
        user_id: who.id.clone(),
        key: k.to_owned(),
        status: 201,
        body: body.clone(),
    });
    // From here on the order is committed and announced as one unit, in a task of its
    // own: a request dropped mid-way (client gone, timeout) must neither leave a placed
    // order unannounced to partners nor stale in cached catalog pages.
    let state = state.clone();
    tokio::spawn(async move {
        let left = state.store.place_order(&order, &event, idem).await?;
        state.catalog_changed();
        tracing::info!(order_id = %order.id, total = order.total.minor(), "order placed");
        let offer = super::delivery::partner_view(&state, &order, None, None);
        state.realtime.order_created(&offer).await;
        let levels = left
            .into_iter()
            .map(|(product_id, stock)| crate::api::StockLevel {
                product_id,
                stock,
                // The decrement only matches active products.
                in_stock: stock > 0,
            })
            .collect();
        state.realtime.inventory(levels).await;
        Ok::<_, AppError>(Placed::Created {
            order: Box::new(order),
            body,
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

/// The order's partner, named (for views that show who delivers).
pub(crate) async fn partner_ref(state: &AppState, order: &Order) -> Result<Option<PartnerRef>> {
    let Some(pid) = &order.partner_id else {
        return Ok(None);
    };
    Ok(state.store.user_by_id(pid).await?.map(|u| PartnerRef {
        id: u.id,
        name: u.name,
    }))
}

/// The customer's own order, or 404 (someone else's order looks the same as none).
pub async fn own_order(state: &AppState, who: &AuthUser, order_id: &str) -> Result<Order> {
    match state.store.order_by_id(order_id).await? {
        Some(o) if o.customer_id == who.id => Ok(o),
        _ => Err(order_not_found()),
    }
}

pub async fn get_order(state: &AppState, who: &AuthUser, order_id: &str) -> Result<OrderView> {
    let order = own_order(state, who, order_id).await?;
    let partner = partner_ref(state, &order).await?;
    Ok(OrderView::new(&order, partner, true))
}

pub async fn list_orders(
    state: &AppState,
    who: &AuthUser,
    q: OrderListQuery,
) -> Result<OrdersResponse> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(OrderStatus::parse(s).ok_or_else(|| {
            ValidationErrors::one(
                "status",
                "must be pending, accepted, picked_up, on_the_way, delivered or cancelled",
            )
        })?),
    };
    let (orders, total) = state
        .store
        .list_customer_orders(&who.id, status, offset, limit)
        .await?;
    let mut views = Vec::with_capacity(orders.len());
    for o in &orders {
        views.push(OrderView::new(o, partner_ref(state, o).await?, true));
    }
    Ok(OrdersResponse {
        success: true,
        orders: views,
        pagination: Pagination::new(page, limit, total),
    })
}

/// Cancel one's own order before pickup; stock goes back in the same transaction.
pub async fn cancel(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    req: CancelRequest,
) -> Result<(OrderView, OrderEvent)> {
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 300) {
        return Err(ValidationErrors::one("reason", "must be at most 300 characters").into());
    }
    let (order, event) = state
        .store
        .cancel_order(
            order_id,
            &Canceller::Customer(who.id.clone()),
            reason,
            Utc::now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => order_not_found(),
            StoreError::InvalidState(status) => AppError::conflict(
                "order_not_cancellable",
                format!("This order is {status} and can no longer be cancelled."),
            ),
            other => other.into(),
        })?;
    state.locations.finish(&order.id);
    state
        .realtime
        .order_cancelled(&order, &event, order.accepted_at.is_none())
        .await;
    publish_stock(state, &order).await;
    let partner = partner_ref(state, &order).await?;
    Ok((OrderView::new(&order, partner, true), event))
}

/// The order's timeline after `after` (for catching up after a reconnect).
pub async fn events(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    after: i64,
) -> Result<(Vec<OrderEventView>, i64)> {
    let order = own_order(state, who, order_id).await?;
    let events = state
        .store
        .order_events(order_id, after.max(0), 1_000)
        .await?;
    Ok((
        events.iter().map(OrderEventView::from).collect(),
        order.last_seq,
    ))
}

/// Tell open catalogs and carts the new stock of an order's products.
pub async fn publish_stock(state: &AppState, order: &Order) {
    state.catalog_changed();
    let ids: Vec<String> = order.items.iter().map(|i| i.product_id.clone()).collect();
    match state.store.products_by_ids(&ids).await {
        Ok(products) => {
            let levels = products
                .iter()
                .map(|p| crate::api::StockLevel {
                    product_id: p.id.clone(),
                    stock: p.stock,
                    in_stock: p.stock > 0 && p.is_active,
                })
                .collect();
            state.realtime.inventory(levels).await;
        }
        Err(e) => tracing::warn!(error = %e, "could not read stock for inventory:updated"),
    }
}

/// Where the customer's order is: the rider's last position, and an ETA.
pub async fn tracking(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
) -> Result<crate::api::TrackingView> {
    use crate::api::{LocationPoint, LocationView, TrackingView};
    let order = own_order(state, who, order_id).await?;
    let store = state.config.store_location;
    let destination = order.address.point();
    let mut location = None;
    if order.status.is_active_delivery() {
        // Freshest of: this instance's cache, the shared (Redis) position, the database.
        location = state.locations.last(&order.id).map(|fix| LocationView {
            lat: fix.point.lat,
            lng: fix.point.lng,
            at: fix.at,
        });
        if let Some(shared) = shared_position(state, &order.id).await
            && location.as_ref().is_none_or(|l| l.at < shared.at)
        {
            location = Some(shared);
        }
        if location.is_none()
            && let Some(pid) = &order.partner_id
            && let Some(p) = state.store.partner_profile(pid).await?
            && let Some((lat, lng, at)) = p.last_location
        {
            location = Some(LocationView { lat, lng, at });
        }
    }
    let from = match (&location, order.status) {
        (Some(l), OrderStatus::PickedUp | OrderStatus::OnTheWay) => qc_domain::GeoPoint {
            lat: l.lat,
            lng: l.lng,
        },
        _ => store,
    };
    let distance = match order.status {
        OrderStatus::Delivered | OrderStatus::Cancelled => None,
        _ => destination.map(|d| from.distance_m(d)),
    };
    Ok(TrackingView {
        order_id: order.id.clone(),
        status: order.status.as_str().to_owned(),
        partner: partner_ref(state, &order).await?,
        location,
        store: LocationPoint {
            lat: store.lat,
            lng: store.lng,
        },
        destination: destination.map(|d| LocationPoint {
            lat: d.lat,
            lng: d.lng,
        }),
        distance_meters: distance.map(|d| d.round() as i64),
        eta_seconds: distance.map(|d| qc_domain::geo::eta_seconds(d, state.config.rider_speed_kmh)),
        last_seq: order.last_seq,
    })
}

/// The last position another instance saw (scale-out), from Redis.
async fn shared_position(state: &AppState, order_id: &str) -> Option<crate::api::LocationView> {
    #[derive(serde::Deserialize)]
    struct Pos {
        lat: f64,
        lng: f64,
        at: chrono::DateTime<Utc>,
    }
    let mut redis = state.realtime.redis()?;
    let raw: Option<String> = redis::cmd("GET")
        .arg(state.realtime.redis_key(&format!("pos:{order_id}")))
        .query_async(&mut redis)
        .await
        .ok()?;
    let p: Pos = serde_json::from_str(&raw?).ok()?;
    Some(crate::api::LocationView {
        lat: p.lat,
        lng: p.lng,
        at: p.at,
    })
}
