//! Delivery-partner services: availability, offers, the single-winner accept, the
//! status flow with the customer's code, live location and earnings. REST and
//! Socket.io handlers call these same functions, so both produce the same events.

use super::accept_gate::Settled;
use super::changes::order_changed;
use super::views::{contact, delivery_distance, me_ref, offer_view, partner_view};
use super::{AppState, page_params};
use crate::api::{
    EarningLine, EarningsView, LocationUpdate, LocationView, OfferView, Pagination,
    PartnerOrderView, PartnerOrdersResponse, PartnerView, order_number,
};
use crate::auth::AuthUser;
use crate::error::{AppError, Result, partner_ineligible};
use chrono::{Datelike, Duration, TimeZone, Utc};
use qc_domain::commerce::MAX_CODE_ATTEMPTS;
use qc_domain::geo::{MAX_PLAUSIBLE_KMH, plausible_move};
use qc_domain::{GeoPoint, OrderStatus, PartnerStatus, ValidationErrors};
use qc_store::{Confirmation, Order, PartnerOrders, PartnerProfile, StoreError};

fn order_not_found() -> AppError {
    AppError::not_found(
        "order_not_found",
        "No such order, or it is not assigned to you.",
    )
}

async fn profile(state: &AppState, who: &AuthUser) -> Result<PartnerProfile> {
    state
        .store
        .partner_profile(&who.id)
        .await?
        .ok_or_else(|| AppError::forbidden("not_a_partner", "This account has no partner profile."))
}

pub async fn me(state: &AppState, who: &AuthUser) -> Result<PartnerView> {
    Ok(super::views::partner_profile_view(
        state,
        &profile(state, who).await?,
    ))
}

/// Why this partner may not take orders now, if anything stops them: suspended or not
/// yet verified (403), availability off (409).
fn eligibility(p: &PartnerProfile, need_available: bool) -> Result<()> {
    if p.status == PartnerStatus::Suspended {
        return Err(partner_ineligible("partner_suspended"));
    }
    if !p.is_verified {
        return Err(partner_ineligible("partner_not_verified"));
    }
    if need_available && !p.is_available {
        return Err(partner_ineligible("partner_unavailable"));
    }
    Ok(())
}

/// Go online for new orders, or stop receiving them. Live sockets follow at once. Only
/// a verified, active partner can go online (an admin verifies new partners).
pub async fn set_availability(
    state: &AppState,
    who: &AuthUser,
    available: bool,
) -> Result<PartnerView> {
    let current = profile(state, who).await?;
    if available {
        eligibility(&current, false)?;
    }
    let p = state.store.set_availability(&who.id, available).await?;
    state
        .broadcast
        .set_partner_available(&who.id, p.home_store_id.as_deref(), None, available)
        .await;
    state.stores.load_changed();
    Ok(super::views::partner_profile_view(state, &p))
}

/// Pending orders that nobody has taken yet, as offers (no customer details), for a
/// verified partner whose availability is on.
pub async fn available_orders(state: &AppState, who: &AuthUser) -> Result<Vec<OfferView>> {
    let me = profile(state, who).await?;
    eligibility(&me, true)?;
    let Some(store) = me.home_store_id.as_deref() else {
        return Ok(Vec::new());
    };
    let orders = state.store.available_orders(store, 100).await?;
    Ok(orders.iter().map(|o| offer_view(state, o)).collect())
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
    if out.len() > 1 {
        let order = super::dispatch::stop_order(state, &who.id, &orders);
        let mut ranked: Vec<Option<PartnerOrderView>> = out.into_iter().map(Some).collect();
        out = Vec::with_capacity(ranked.len());
        for (n, i) in order.into_iter().enumerate() {
            if let Some(mut v) = ranked[i].take() {
                v.stop = Some(n as i64 + 1);
                out.push(v);
            }
        }
    } else if let Some(v) = out.first_mut() {
        v.stop = Some(1);
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
    eligibility(&profile(state, who).await?, true)?;
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
    let change = match accepted {
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
                StoreError::Ineligible(code) => return Err(partner_ineligible(code)),
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
        &change.order,
        contact(state, &change.order).await?,
        Some(me_ref(who)),
    );
    order_changed(state, &change, Some(&view)).await;
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
    let change = state
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
    order_changed(state, &change, None).await;
    Ok(partner_view(
        state,
        &change.order,
        contact(state, &change.order).await?,
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
        Confirmation::Delivered(change) => {
            tracing::info!(order_id, partner_id = %who.id, "order delivered");
            order_changed(state, &change, None).await;
            Ok(partner_view(state, &change.order, None, Some(me_ref(who))))
        }
        Confirmation::WrongCode { attempts_left } => Err(AppError::bad_request(
            "invalid_confirmation_code",
            format!("That code is wrong. {attempts_left} attempts left."),
        )),
        Confirmation::Locked(change) => {
            if let Some(change) = change {
                tracing::warn!(order_id, partner_id = %who.id, "delivery code locked");
                order_changed(state, &change, None).await;
            }
            Err(AppError::Locked {
                code: "confirmation_locked",
                message: "Too many wrong codes: confirmation is locked for this order. Support \
                          has been alerted and will send the customer a new code; wait for it."
                    .into(),
            })
        }
    }
}

/// Accept a GPS fix from the assigned partner of an active order and relay it to the
/// order's customer and the admins.
pub async fn record_location(
    state: &AppState,
    who: &AuthUser,
    update: LocationUpdate,
) -> Result<LocationView> {
    let Some(order_id) = update.order_id.as_deref() else {
        // No order: an idle position, for dispatch.
        return super::dispatch::record_position(state, who, update.lat, update.lng).await;
    };
    let point = GeoPoint::parse(update.lat, update.lng)?;
    let at = Utc::now();
    // A fix farther from the order's previous one than a rider can travel is refused:
    // it never reaches the trail, the customer's map or the ETA.
    if let Some(prev) = state.locations.last(order_id)
        && !plausible_move(
            prev.point,
            prev.at.timestamp_millis(),
            point,
            at.timestamp_millis(),
            MAX_PLAUSIBLE_KMH,
        )
    {
        return Err(AppError::unprocessable(
            "implausible_location",
            format!(
                "This position is too far from the last one for the time between them \
                 (over {MAX_PLAUSIBLE_KMH:.0} km/h); it was not shared."
            ),
        ));
    }
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
    let view = LocationView {
        lat: point.lat,
        lng: point.lng,
        at,
    };
    // Relay first: the trail sample below must not delay the live position.
    state
        .broadcast
        .location(order_id, &who.id, &customer_id, &view)
        .await;
    share_position(state, order_id, &view).await;
    // Where the partner is counts for dispatch too (stacking a second order), on every
    // instance.
    super::dispatch::position_seen(state, &who.id, point, at, false).await?;
    if state.locations.update(order_id, &who.id, point, at) {
        state
            .store
            .record_location(&who.id, order_id, point.lat, point.lng, at, true)
            .await?;
    }
    Ok(view)
}

/// With many instances, the last position goes to Redis (`{prefix}:pos:{order}`, 1 h), so
/// tracking served by any instance is as fresh as the fix (read in `orders::tracking`).
async fn share_position(state: &AppState, order_id: &str, fix: &LocationView) {
    let Some(mut redis) = state.broadcast.redis() else {
        return;
    };
    let key = state.broadcast.redis_key(&format!("pos:{order_id}"));
    let Ok(value) = serde_json::to_string(fix) else {
        return;
    };
    let set: Result<(), redis::RedisError> = redis::cmd("SET")
        .arg(key)
        .arg(value)
        .arg("EX")
        .arg(3_600)
        .query_async(&mut redis)
        .await;
    if let Err(e) = set {
        tracing::debug!(error = %e, "could not share a position");
    }
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
