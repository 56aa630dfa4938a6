//! Delivery-partner services: availability, offers, the single-winner accept, the
//! status flow with the customer's code, live location and earnings. REST and
//! Socket.io handlers call these same functions, so both produce the same events.

use super::accept_gate::Settled;
use super::{AppState, page_params};
use crate::api::{
    ContactView, EarningLine, EarningsView, LocationPoint, LocationUpdate, LocationView, OrderView,
    Pagination, PartnerOrderView, PartnerOrdersResponse, PartnerRef, PartnerView, order_number,
};
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use chrono::{Datelike, Duration, TimeZone, Utc};
use qc_domain::commerce::MAX_CODE_ATTEMPTS;
use qc_domain::{GeoPoint, OrderStatus, ValidationErrors};
use qc_store::{Confirmation, Order, PartnerOrders, PartnerProfile, StoreError};

fn order_not_found() -> AppError {
    AppError::not_found(
        "order_not_found",
        "No such order, or it is not assigned to you.",
    )
}

/// Store → customer distance of an order, when the address has coordinates.
pub fn delivery_distance(state: &AppState, order: &Order) -> Option<i64> {
    order
        .address
        .point()
        .map(|p| state.config.store_location.distance_m(p).round() as i64)
}

/// The partner's view of an order; `contact` adds the customer's name and phone.
pub fn partner_view(
    state: &AppState,
    order: &Order,
    contact: Option<ContactView>,
    partner: Option<PartnerRef>,
) -> PartnerOrderView {
    let distance = order.distance_m.or_else(|| delivery_distance(state, order));
    let store = state.config.store_location;
    PartnerOrderView {
        order: OrderView::new(order, partner, false),
        distance_meters: distance,
        estimated_payout: order
            .payout
            .unwrap_or_else(|| state.config.payout.payout(distance))
            .minor(),
        pickup: LocationPoint {
            lat: store.lat,
            lng: store.lng,
        },
        customer: contact,
    }
}

fn me_ref(who: &AuthUser) -> PartnerRef {
    PartnerRef {
        id: who.id.clone(),
        name: who.name.clone(),
    }
}

async fn profile(state: &AppState, who: &AuthUser) -> Result<PartnerProfile> {
    state
        .store
        .partner_profile(&who.id)
        .await?
        .ok_or_else(|| AppError::forbidden("not_a_partner", "This account has no partner profile."))
}

pub async fn me(state: &AppState, who: &AuthUser) -> Result<PartnerView> {
    Ok(PartnerView::from(&profile(state, who).await?))
}

/// Go online for new orders, or stop receiving them. Live sockets follow at once.
pub async fn set_availability(
    state: &AppState,
    who: &AuthUser,
    available: bool,
) -> Result<PartnerView> {
    let current = profile(state, who).await?;
    if available && current.status == "suspended" {
        return Err(AppError::forbidden(
            "partner_suspended",
            "This partner account is suspended.",
        ));
    }
    let p = state.store.set_availability(&who.id, available).await?;
    state
        .realtime
        .set_partner_available(&who.id, available)
        .await;
    Ok(PartnerView::from(&p))
}

/// Pending orders that nobody has taken yet.
pub async fn available_orders(state: &AppState) -> Result<Vec<PartnerOrderView>> {
    let orders = state.store.available_orders(100).await?;
    Ok(orders
        .iter()
        .map(|o| partner_view(state, o, None, None))
        .collect())
}

async fn contact(state: &AppState, order: &Order) -> Result<Option<ContactView>> {
    Ok(state
        .store
        .user_by_id(&order.customer_id)
        .await?
        .map(|u| ContactView {
            name: u.name,
            phone: u.phone,
        }))
}

/// The partner's orders in progress, with the customer's contact.
pub async fn active_orders(state: &AppState, who: &AuthUser) -> Result<Vec<PartnerOrderView>> {
    let (orders, _) = state
        .store
        .partner_orders(&who.id, PartnerOrders::Active, 0, 50)
        .await?;
    let mut out = Vec::with_capacity(orders.len());
    for o in &orders {
        out.push(partner_view(
            state,
            o,
            contact(state, o).await?,
            Some(me_ref(who)),
        ));
    }
    Ok(out)
}

pub async fn history(
    state: &AppState,
    who: &AuthUser,
    page: Option<i64>,
    limit: Option<i64>,
) -> Result<PartnerOrdersResponse> {
    let (page, limit, offset) = page_params(page, limit)?;
    let (orders, total) = state
        .store
        .partner_orders(&who.id, PartnerOrders::History, offset, limit)
        .await?;
    Ok(PartnerOrdersResponse {
        success: true,
        orders: orders
            .iter()
            .map(|o| partner_view(state, o, None, Some(me_ref(who))))
            .collect(),
        pagination: Some(Pagination::new(page, limit, total)),
    })
}

fn settled_error(s: Settled) -> AppError {
    match s {
        Settled::NotFound => AppError::not_found("order_not_found", "No such order."),
        Settled::Cancelled => {
            AppError::conflict("order_not_available", "This order was cancelled.")
        }
        Settled::Taken => AppError::conflict(
            "order_already_taken",
            "Another partner already accepted this order.",
        ),
    }
}

/// Accept an order: exactly one partner wins. Losers get `order_already_taken`.
pub async fn accept(state: &AppState, who: &AuthUser, order_id: &str) -> Result<PartnerOrderView> {
    // Attempts on one order take turns here; the database still decides (see
    // `accept_gate`), but losers queued behind a settled attempt are answered at once,
    // without a query: the order is gone whoever they are.
    let mut turn = state.accepting.turn(order_id).await;
    if let Some(settled) = turn.settled() {
        return Err(settled_error(settled));
    }
    let me = profile(state, who).await?;
    if me.status == "suspended" {
        return Err(AppError::forbidden(
            "partner_suspended",
            "This partner account is suspended.",
        ));
    }
    let distance = match state.store.order_by_id(order_id).await? {
        Some(o) if o.status != OrderStatus::Pending => {
            let settled = if o.status == OrderStatus::Cancelled {
                Settled::Cancelled
            } else {
                Settled::Taken
            };
            turn.settle(settled);
            return Err(settled_error(settled));
        }
        Some(o) => delivery_distance(state, &o),
        None => {
            turn.settle(Settled::NotFound);
            return Err(settled_error(Settled::NotFound));
        }
    };
    let accepted = state
        .store
        .accept_order(
            order_id,
            &who.id,
            state.config.max_active_orders,
            distance,
            Utc::now(),
        )
        .await;
    let (order, event) = match accepted {
        Ok(won) => {
            turn.settle(Settled::Taken);
            won
        }
        Err(e) => {
            let settled = match e {
                StoreError::NotFound => Settled::NotFound,
                StoreError::InvalidState(status) if status == "cancelled" => Settled::Cancelled,
                StoreError::InvalidState(_) => Settled::Taken,
                StoreError::LimitReached(m) => {
                    return Err(AppError::conflict("too_many_active_orders", m));
                }
                other => return Err(other.into()),
            };
            turn.settle(settled);
            return Err(settled_error(settled));
        }
    };
    drop(turn);
    tracing::info!(order_id, partner_id = %who.id, "order accepted");
    let view = partner_view(
        state,
        &order,
        contact(state, &order).await?,
        Some(me_ref(who)),
    );
    let partner = PartnerRef {
        id: who.id.clone(),
        name: me.name.clone(),
    };
    state
        .realtime
        .order_accepted(&order, &event, &partner, &view)
        .await;
    Ok(view)
}

/// Move an assigned order to its next status. `delivered` needs the customer's code.
pub async fn update_status(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    status: &str,
    code: Option<&str>,
) -> Result<PartnerOrderView> {
    let to = OrderStatus::parse(status.trim())
        .filter(|s| {
            matches!(
                s,
                OrderStatus::PickedUp | OrderStatus::OnTheWay | OrderStatus::Delivered
            )
        })
        .ok_or_else(|| {
            ValidationErrors::one("status", "must be picked_up, on_the_way or delivered")
        })?;
    if to == OrderStatus::Delivered {
        let code = code.ok_or_else(|| {
            ValidationErrors::one(
                "confirmationCode",
                "is required to mark the order delivered",
            )
        })?;
        return confirm_delivery(state, who, order_id, code).await;
    }
    let order = assigned(state, who, order_id).await?;
    order
        .status
        .transition(to, qc_domain::Role::Delivery)
        .map_err(|_| {
            AppError::conflict(
                "invalid_status_transition",
                format!(
                    "The order is {}; the next step is {}.",
                    order.status,
                    next_label(order.status)
                ),
            )
        })?;
    let (order, event) = state
        .store
        .advance_order(order_id, &who.id, order.status, to, Utc::now())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => order_not_found(),
            StoreError::InvalidState(s) => AppError::conflict(
                "invalid_status_transition",
                format!("The order is already {s}."),
            ),
            other => other.into(),
        })?;
    state.realtime.status_updated(&order, &event).await;
    Ok(partner_view(
        state,
        &order,
        contact(state, &order).await?,
        Some(me_ref(who)),
    ))
}

fn next_label(s: OrderStatus) -> &'static str {
    s.next_for_partner().map_or("none", OrderStatus::as_str)
}

async fn assigned(state: &AppState, who: &AuthUser, order_id: &str) -> Result<Order> {
    match state.store.order_by_id(order_id).await? {
        Some(o) if o.partner_id.as_deref() == Some(who.id.as_str()) => Ok(o),
        _ => Err(order_not_found()),
    }
}

/// Deliver with the customer's code. Five wrong codes lock confirmation for the order.
pub async fn confirm_delivery(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    code: &str,
) -> Result<PartnerOrderView> {
    let code = code.trim();
    if code.len() != 4 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(ValidationErrors::one(
            "confirmationCode",
            "must be the customer's 4-digit code",
        )
        .into());
    }
    let order = assigned(state, who, order_id).await?;
    if order.status != OrderStatus::OnTheWay {
        return Err(AppError::conflict(
            "invalid_status_transition",
            format!(
                "The order is {}; the next step is {}.",
                order.status,
                next_label(order.status)
            ),
        ));
    }
    let payout = state.config.payout.payout(
        order
            .distance_m
            .or_else(|| delivery_distance(state, &order)),
    );
    let outcome = state
        .store
        .confirm_delivery(
            order_id,
            &who.id,
            code,
            MAX_CODE_ATTEMPTS,
            payout,
            Utc::now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => order_not_found(),
            StoreError::InvalidState(s) => AppError::conflict(
                "invalid_status_transition",
                format!("The order is already {s}."),
            ),
            other => other.into(),
        })?;
    match outcome {
        Confirmation::Delivered(order, event) => {
            tracing::info!(order_id, partner_id = %who.id, "order delivered");
            state.locations.finish(order_id);
            state.realtime.order_delivered(&order, &event).await;
            Ok(partner_view(state, &order, None, Some(me_ref(who))))
        }
        Confirmation::WrongCode { attempts_left } => Err(AppError::bad_request(
            "invalid_confirmation_code",
            format!("That code is wrong. {attempts_left} attempts left."),
        )),
        Confirmation::Locked => Err(AppError::Locked {
            code: "confirmation_locked",
            message:
                "Too many wrong codes: confirmation is locked for this order. Contact support."
                    .into(),
        }),
    }
}

/// Accept a GPS fix from the assigned partner of an active order and relay it to the
/// order's customer and the admins.
pub async fn record_location(
    state: &AppState,
    who: &AuthUser,
    update: LocationUpdate,
) -> Result<LocationView> {
    let point = GeoPoint::parse(update.lat, update.lng)?;
    let order_id = update.order_id.as_str();
    // The route (this partner, this order, still in delivery) is read from the database
    // at most every few seconds; changes made here forget it at once.
    let customer_id = match state.locations.route(order_id, &who.id) {
        Ok(customer_id) => customer_id,
        Err(ticket) => {
            let order = assigned(state, who, order_id).await?;
            if !order.status.is_active_delivery() {
                return Err(AppError::conflict(
                    "order_not_active",
                    format!(
                        "The order is {}; locations are only shared during delivery.",
                        order.status
                    ),
                ));
            }
            state
                .locations
                .confirm_route(ticket, order_id, &who.id, &order.customer_id);
            order.customer_id
        }
    };
    let at = Utc::now();
    let view = LocationView {
        lat: point.lat,
        lng: point.lng,
        at,
    };
    // Relay first: the trail sample below must not delay the live position.
    state
        .realtime
        .location(order_id, &who.id, &customer_id, &view)
        .await;
    if state.locations.update(order_id, &who.id, point, at) {
        state
            .store
            .record_location(&who.id, order_id, point.lat, point.lng, at, true)
            .await?;
    }
    Ok(view)
}

/// Start of today and of this ISO week (Monday), UTC.
fn periods() -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    let now = Utc::now();
    let day = Utc
        .with_ymd_and_hms(now.year(), now.month(), now.day(), 0, 0, 0)
        .single()
        .unwrap_or(now);
    let week = day - Duration::days(i64::from(now.weekday().num_days_from_monday()));
    (day, week)
}

pub async fn earnings(state: &AppState, who: &AuthUser) -> Result<EarningsView> {
    profile(state, who).await?;
    let (day, week) = periods();
    let e = state.store.earnings(&who.id, day, week, 50).await?;
    Ok(EarningsView {
        today: e.today.minor(),
        this_week: e.week.minor(),
        total: e.total.minor(),
        deliveries_today: e.deliveries_today,
        deliveries_this_week: e.deliveries_week,
        deliveries_total: e.deliveries_total,
        currency: "INR".into(),
        orders: e
            .recent
            .into_iter()
            .map(|(id, payout, distance, at)| EarningLine {
                order_number: order_number(&id),
                order_id: id,
                payout: payout.minor(),
                distance_meters: distance,
                delivered_at: at,
            })
            .collect(),
    })
}
