//! Orders: idempotent, race-free placement; a customer's history, details, timeline and
//! live tracking; cancellation by the customer or an admin; the admin's order table,
//! order detail, unassign and reassign. Every change is announced through the one
//! after-commit path ([`super::changes`]).

use super::addresses::parse_address;
use super::changes::order_changed;
use super::directory::Quote;
use super::views::{full_view, order_view, partner_ref, person, pickup_of};
use super::{AppState, page_params, reason};
use crate::api::*;
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use qc_domain::commerce::{confirmation_code, normalise_cart};
use qc_domain::fulfilment::SubstitutionPref;
use qc_domain::{Money, OrderStatus, PaymentMethod, ValidationErrors};
use qc_store::{
    AdminOrderFilter, Canceller, IdempotencyClaim, IdempotencyRecord, Order, OrderEvent, OrderItem,
    StoreError,
};

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

/// An amount that does not fit: refused, never wrapped or saturated.
fn too_large() -> AppError {
    ValidationErrors::one("items", "the order total is too large").into()
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
    crate::auth::sha256_hex(&body.to_string())
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
        state
            .limits
            .orders
            .hit(&who.id)
            .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
        let plan = validate(state, who, &req).await?;
        let quote = choose_store(state, &plan, req.store_id.as_deref())?;
        create(state, who, plan, &quote, key.as_deref()).await
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
    /// Each product's substitution choice (default best match).
    prefs: std::collections::HashMap<String, SubstitutionPref>,
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
    let mut prefs = std::collections::HashMap::new();
    for (n, l) in req.items.iter().enumerate() {
        match l.substitution.as_deref().map(SubstitutionPref::parse) {
            None => {}
            Some(Some(p)) => {
                prefs.entry(l.product_id.clone()).or_insert(p);
            }
            Some(None) => errors.push(
                &format!("items[{n}].substitution"),
                "must be best_match or refund",
            ),
        }
    }
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
            prefs,
            address,
            payment,
            notes: notes.map(str::to_owned),
        }),
        _ => Err(AppError::Internal(anyhow::anyhow!(
            "validation passed without values"
        ))),
    }
}

/// The store that delivers to the order's address (coordinates, else zip code) and what
/// it promises; refused when nobody serves it (422 `not_serviceable`), when its store is
/// closed or busy (409), or when the cart was built for another store (409
/// `store_mismatch`).
fn choose_store(state: &AppState, plan: &Plan, cart_store: Option<&str>) -> Result<Quote> {
    let place = super::stores::Place::of(&plan.address);
    let items: u32 = plan.lines.iter().map(|l| l.quantity).sum();
    let quote = state
        .stores
        .quote(place.point, place.zip.as_deref(), items, Utc::now())
        .map_err(|(why, q)| super::stores::refusal_error(why, q.as_ref()))?;
    if let Some(cart) = cart_store.filter(|s| !s.is_empty())
        && cart != quote.store.id()
    {
        return Err(AppError::Conflict {
            code: "store_mismatch",
            message: format!(
                "This address is served by {}: check your cart against its stock first.",
                quote.store.record.name
            ),
            details: Some(serde_json::json!({ "store": super::stores::store_ref(&quote.store) })),
        });
    }
    Ok(quote)
}

async fn create(
    state: &AppState,
    who: &AuthUser,
    plan: Plan,
    quote: &Quote,
    key: Option<&str>,
) -> Result<Placed> {
    let ids: Vec<String> = plan.lines.iter().map(|l| l.product_id.clone()).collect();
    let products = state.store.products_by_ids(&ids, quote.store.id()).await?;
    let mut unavailable = Vec::new();
    let mut items = Vec::with_capacity(plan.lines.len());
    let mut subtotal = Money::ZERO;
    for line in &plan.lines {
        match products
            .iter()
            .find(|p| p.id == line.product_id && p.orderable())
        {
            None => unavailable.push(line.product_id.clone()),
            Some(p) => {
                let line_total = p
                    .price
                    .checked_times(line.quantity)
                    .and_then(|t| {
                        subtotal = subtotal.checked_add(t)?;
                        Some(t)
                    })
                    .ok_or_else(too_large)?;
                items.push(OrderItem {
                    product_id: p.id.clone(),
                    sku: p.sku.clone(),
                    name: p.name.clone(),
                    unit: p.unit.clone(),
                    unit_price: p.price,
                    quantity: line.quantity,
                    line_total,
                    pick: qc_store::LinePick {
                        line: i64::try_from(items.len()).unwrap_or(0),
                        substitution: plan.prefs.get(&p.id).copied().unwrap_or_default(),
                        ..Default::default()
                    },
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
    let totals = state.config.fees.totals(subtotal).ok_or_else(too_large)?;
    // Milliseconds, as stored: the answer to the placement and every later read agree.
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 3);
    let promised = i64::from(quote.promise.minutes);
    // A store that picks holds the order back from riders until packing nearly ends.
    let picking = quote.store.settings.fulfilment_on();
    let release_at = if picking {
        Some(super::fulfilment::hold_until(state, &quote.store, quote.promise.pick, now).await)
    } else {
        None
    };
    let order = Order {
        id: uuid::Uuid::now_v7().simple().to_string(),
        store_id: quote.store.id().to_owned(),
        customer_id: who.id.clone(),
        partner_id: None,
        status: OrderStatus::Pending,
        items,
        subtotal: totals.subtotal,
        delivery_fee: totals.delivery_fee,
        total: totals.total,
        payment_method: plan.payment,
        address: plan.address,
        confirmation_code: confirmation_code(rand::random::<u32>()),
        code_attempts: 0,
        notes: plan.notes,
        cancel_reason: None,
        cancelled_by: None,
        payout: None,
        distance_m: None,
        last_seq: 1,
        promised_minutes: Some(promised),
        promised_at: Some(now + chrono::Duration::minutes(promised)),
        dispatch: match release_at {
            Some(at) if at > now => qc_store::DispatchState::Held,
            _ => super::fulfilment::release_target(&quote.store),
        },
        rating: None,
        pick: qc_store::OrderPick {
            fulfilment: picking.then_some(qc_domain::fulfilment::Fulfilment::Queued),
            release_at: release_at.filter(|at| *at > now),
            ..Default::default()
        },
        created_at: now,
        accepted_at: None,
        picked_up_at: None,
        on_the_way_at: None,
        delivered_at: None,
        cancelled_at: None,
        updated_at: now,
    };
    let body = serde_json::to_string(&OrderResponse {
        success: true,
        order: full_view(state, &order, None),
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
        let change = state
            .store
            .place_order(&order, idem, state.config.max_open_orders)
            .await?;
        tracing::info!(order_id = %order.id, total = order.total.minor(), "order placed");
        order_changed(&state, &change, None).await;
        Ok::<_, AppError>(Placed::Created {
            order: Box::new(change.order),
            body,
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

/// The customer rates a delivered order (1-5), with an optional comment and tip.
pub async fn rate(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    req: RatingRequest,
) -> Result<OrderView> {
    let mut errors = ValidationErrors::new();
    if !(1..=5).contains(&req.rating) {
        errors.push("rating", "must be 1 to 5 stars");
    }
    let tip = req.tip.unwrap_or(0);
    if !(0..=MAX_TIP).contains(&tip) {
        errors.push(
            "tip",
            format!("must be 0 to {} (₹{})", MAX_TIP, MAX_TIP / 100),
        );
    }
    let comment = req
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 500) {
        errors.push("comment", "must be at most 500 characters");
    }
    errors.into_result()?;
    let rating = qc_store::Rating {
        stars: req.rating,
        comment: comment.map(str::to_owned),
        tip: Money(tip),
        at: chrono::SubsecRound::trunc_subsecs(Utc::now(), 3),
    };
    let change = state
        .store
        .rate_order(order_id, &who.id, &rating)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => order_not_found(),
            StoreError::InvalidState(status) => AppError::conflict(
                "order_not_delivered",
                format!("Only a delivered order can be rated; this one is {status}."),
            ),
            other => other.into(),
        })?;
    order_changed(state, &change, None).await;
    order_view(state, &change.order).await
}

/// The largest tip, in minor units (₹500).
pub const MAX_TIP: i64 = 50_000;

/// The customer's own order, or 404 (someone else's order looks the same as none).
pub async fn own_order(state: &AppState, who: &AuthUser, order_id: &str) -> Result<Order> {
    match state.store.order_by_id(order_id).await? {
        Some(o) if o.customer_id == who.id => Ok(o),
        _ => Err(order_not_found()),
    }
}

pub async fn get_order(state: &AppState, who: &AuthUser, order_id: &str) -> Result<OrderView> {
    order_view(state, &own_order(state, who, order_id).await?).await
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
        views.push(order_view(state, o).await?);
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
    let change = state
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
    order_changed(state, &change, None).await;
    Ok((order_view(state, &change.order).await?, change.event))
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

/// Where the customer's order is: the rider's last position, and an ETA.
pub async fn tracking(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
) -> Result<crate::api::TrackingView> {
    use crate::api::{LocationPoint, LocationView, TrackingView};
    let order = own_order(state, who, order_id).await?;
    let store = pickup_of(state, &order);
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
        promised_minutes: order.promised_minutes,
        promised_at: order.promised_at,
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
    let mut redis = state.broadcast.redis()?;
    let raw: Option<String> = redis::cmd("GET")
        .arg(state.broadcast.redis_key(&format!("pos:{order_id}")))
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

/// `2026-11-27` or an RFC 3339 time; a bare date as an upper bound means its end.
fn parse_time(field: &str, s: &str, end_of_day: bool) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ValidationErrors::one(field, "must be a date (YYYY-MM-DD) or an RFC 3339 time")
    })?;
    let d = if end_of_day {
        d.succ_opt().unwrap_or(d)
    } else {
        d
    };
    Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()))
}

fn parse_status(s: Option<&str>) -> Result<Option<OrderStatus>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => OrderStatus::parse(s).map(Some).ok_or_else(|| {
            ValidationErrors::one(
                "status",
                "must be pending, accepted, picked_up, on_the_way, delivered or cancelled",
            )
            .into()
        }),
    }
}

pub async fn admin_orders(
    state: &AppState,
    q: AdminOrderQuery,
) -> Result<(Vec<OrderView>, Pagination)> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let filter = AdminOrderFilter {
        store_id: q.store_id.filter(|s| !s.is_empty()),
        status: parse_status(q.status.as_deref())?,
        search: q.search.filter(|s| !s.trim().is_empty()),
        from: q
            .from
            .as_deref()
            .map(|s| parse_time("from", s, false))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|s| parse_time("to", s, true))
            .transpose()?,
        partner_id: q.partner_id.filter(|s| !s.is_empty()),
        offset,
        limit,
    };
    let (orders, total) = state.store.admin_orders(&filter).await?;
    let mut views = Vec::with_capacity(orders.len());
    for o in &orders {
        views.push(order_view(state, o).await?);
    }
    Ok((views, Pagination::new(page, limit, total)))
}

pub async fn order_detail(state: &AppState, order_id: &str) -> Result<AdminOrderDetail> {
    let order = state
        .store
        .order_by_id(order_id)
        .await?
        .ok_or_else(order_not_found)?;
    let timeline = state.store.order_events(order_id, 0, 1_000).await?;
    let trail = state.store.location_trail(order_id, 2_000).await?;
    let offers = state.store.order_offers(order_id).await?;
    Ok(AdminOrderDetail {
        success: true,
        order: order_view(state, &order).await?,
        timeline: timeline
            .into_iter()
            .map(|e| TimelineEntry {
                seq: e.seq,
                kind: e.kind.as_str().to_owned(),
                data: e.payload,
                actor_role: e.actor_role.map(|r| r.as_str().to_owned()),
                at: e.at,
            })
            .collect(),
        trail: trail
            .into_iter()
            .map(|p| LocationView {
                lat: p.lat,
                lng: p.lng,
                at: p.at,
            })
            .collect(),
        customer: person(state, Some(&order.customer_id)).await?,
        partner: person(state, order.partner_id.as_deref()).await?,
        offers: offers.iter().map(OfferHistoryView::from).collect(),
    })
}

fn state_conflict(action: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound => order_not_found(),
        StoreError::InvalidState(s) => AppError::conflict(
            "invalid_order_state",
            format!("Cannot {action} an order that is {s}."),
        ),
        StoreError::Conflict(m) => AppError::conflict("invalid_partner", m),
        other => other.into(),
    }
}

/// Cancel any order not yet delivered; stock goes back; customer and partner are told.
pub async fn cancel_by_admin(
    state: &AppState,
    admin: &AuthUser,
    order_id: &str,
    why: &str,
) -> Result<OrderView> {
    let why = reason(why)?;
    let change = state
        .store
        .cancel_order(
            order_id,
            &Canceller::Admin(admin.id.clone()),
            Some(&why),
            Utc::now(),
        )
        .await
        .map_err(state_conflict("cancel"))?;
    order_changed(state, &change, None).await;
    order_view(state, &change.order).await
}

/// Take an accepted order back from its partner and offer it to everyone again.
pub async fn unassign(
    state: &AppState,
    admin: &AuthUser,
    order_id: &str,
    why: &str,
) -> Result<OrderView> {
    let why = reason(why)?;
    let change = state
        .store
        .unassign_order(order_id, &admin.id, &why, Utc::now())
        .await
        .map_err(state_conflict("unassign"))?;
    order_changed(state, &change, None).await;
    order_view(state, &change.order).await
}

/// A new delivery code for an order whose code was locked by wrong attempts (or that
/// the customer lost): the customer gets it, attempts start again.
pub async fn reset_code(
    state: &AppState,
    admin: &AuthUser,
    order_id: &str,
    why: &str,
) -> Result<OrderView> {
    let why = reason(why)?;
    let code = confirmation_code(rand::random::<u32>());
    let change = state
        .store
        .reset_code(order_id, &code, &admin.id, &why, Utc::now())
        .await
        .map_err(state_conflict("reset the code of"))?;
    tracing::info!(order_id, admin_id = %admin.id, "delivery code reset");
    order_changed(state, &change, None).await;
    order_view(state, &change.order).await
}

/// Cancel, as the platform, every pending order that nobody accepted within
/// `QC_PENDING_TIMEOUT_MIN`: stock goes back, the customer and admins are told live.
/// Every instance runs this sweeper; the store's conditional update lets exactly one of
/// them cancel each order, and only that one announces it.
pub fn spawn_pending_sweeper(state: &AppState) {
    let state = state.clone();
    let timeout = state.config.pending_timeout;
    let every = (timeout / 4).clamp(
        std::time::Duration::from_millis(200),
        std::time::Duration::from_secs(30),
    );
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = sweep_pending(&state).await {
                tracing::warn!(error = %e, "pending-order sweep failed");
            }
        }
    });
}

/// The reason recorded on orders cancelled because nobody accepted them in time.
pub const NO_PARTNER_AVAILABLE: &str = "no_partner_available";

/// One sweep: cancel what has waited too long. Returns how many this call cancelled.
pub async fn sweep_pending(state: &AppState) -> Result<usize> {
    let timeout = chrono::Duration::from_std(state.config.pending_timeout)
        .map_err(|e| AppError::Internal(e.into()))?;
    let stale = state
        .store
        .stale_pending_orders(Utc::now() - timeout, 200)
        .await?;
    let mut cancelled = 0;
    for id in stale {
        match state
            .store
            .cancel_order(
                &id,
                &Canceller::System,
                Some(NO_PARTNER_AVAILABLE),
                Utc::now(),
            )
            .await
        {
            Ok(change) => {
                tracing::info!(order_id = %id, "cancelled: no partner accepted in time");
                order_changed(state, &change, None).await;
                cancelled += 1;
            }
            // Accepted or cancelled meanwhile, or another instance got there first.
            Err(StoreError::InvalidState(_) | StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(cancelled)
}

/// Give an order to another partner.
pub async fn reassign(
    state: &AppState,
    admin: &AuthUser,
    order_id: &str,
    req: ReassignRequest,
) -> Result<OrderView> {
    let why = reason(&req.reason)?;
    let change = state
        .store
        .reassign_order(order_id, &req.partner_id, &admin.id, &why, Utc::now())
        .await
        .map_err(state_conflict("reassign"))?;
    order_changed(state, &change, None).await;
    order_view(state, &change.order).await
}
