//! Dispatch: how a new order reaches a partner. In a store's `broadcast` mode every
//! available partner of the store gets it and the first accept wins. In `auto` mode it
//! is offered to one ranked partner at a time (`order:offer`), for `offerTimeoutSecs`;
//! a decline or an expiry offers it to the next, and after `maxOfferRounds` offers (or
//! when nobody may take it) it is broadcast after all (`dispatch:escalated`).
//!
//! Ranking and the stacking rule are in [`qc_domain::dispatch`]. Positions come from the
//! partners themselves: idle positions (no order) and delivery fixes, kept here in
//! memory; with Redis also in `{prefix}:rider:{id}` so any instance can rank, and in the
//! partner's row at most every [`SAVE_EVERY`] (what survives a restart).
//!
//! Every step is one store transaction that closes the live offer conditionally and
//! opens the next ([`qc_store::Store::advance_dispatch`]), so a decline, an expiry
//! processed by two instances' sweepers, and an accept never advance one offer twice.
//! Expiry: a timer on the instance that made the offer, and every instance's sweeper
//! (every [`SWEEP_EVERY`]) for offers whose instance is gone.

use super::AppState;
use super::directory::StoreInfo;
use super::views::offer_view;
use crate::api::*;
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use qc_domain::dispatch::{Candidate, POSITION_FRESH_SECS, Stop, Trip};
use qc_domain::geo::{MAX_PLAUSIBLE_KMH, plausible_move};
use qc_domain::{GeoPoint, OrderStatus, ValidationErrors};
use qc_store::{
    DispatchOutcome, DispatchState, DispatchStep, Offer, OfferClose, OfferState, Order, StoreError,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often every instance looks for offers whose time has passed.
pub const SWEEP_EVERY: Duration = Duration::from_millis(250);
/// A partner's position is written to their row at most this often.
pub const SAVE_EVERY: Duration = Duration::from_secs(30);
/// … to Redis at most this often (with many instances).
pub const SHARE_EVERY: Duration = Duration::from_secs(5);
/// … and shown to admins at most this often.
pub const TELL_EVERY: Duration = Duration::from_secs(3);
/// Declines older than this no longer count against a partner.
const DECLINE_WINDOW: chrono::Duration =
    chrono::Duration::seconds(qc_domain::dispatch::DECLINE_WINDOW_SECS);

#[derive(Debug, Clone, Copy)]
struct Fix {
    point: GeoPoint,
    at: DateTime<Utc>,
    saved: Option<Instant>,
    shared: Option<Instant>,
    told: Option<Instant>,
}

/// What to do with a position besides keeping it in memory.
#[derive(Debug, Default, Clone, Copy)]
pub struct Due {
    pub save: bool,
    pub share: bool,
    pub tell: bool,
}

/// The last position of every partner who sent one to this instance.
#[derive(Default)]
pub struct Riders {
    fixes: Mutex<HashMap<String, Fix>>,
}

impl Riders {
    /// Keep a position; what else is due for it.
    pub fn update(&self, partner_id: &str, point: GeoPoint, at: DateTime<Utc>) -> Due {
        let now = Instant::now();
        let mut map = self.fixes.lock().unwrap_or_else(|p| p.into_inner());
        let f = map.entry(partner_id.to_owned()).or_insert(Fix {
            point,
            at,
            saved: None,
            shared: None,
            told: None,
        });
        f.point = point;
        f.at = at;
        let due = |last: &mut Option<Instant>, every: Duration| {
            let yes = last.is_none_or(|t| now.duration_since(t) >= every);
            if yes {
                *last = Some(now);
            }
            yes
        };
        Due {
            save: due(&mut f.saved, SAVE_EVERY),
            share: due(&mut f.shared, SHARE_EVERY),
            tell: due(&mut f.told, TELL_EVERY),
        }
    }

    pub fn get(&self, partner_id: &str) -> Option<(GeoPoint, DateTime<Utc>)> {
        self.fixes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(partner_id)
            .map(|f| (f.point, f.at))
    }
}

fn rider_key(state: &AppState, partner_id: &str) -> String {
    state.broadcast.redis_key(&format!("rider:{partner_id}"))
}

/// An available partner's position without an order (`PUT /api/delivery/location`, or
/// `delivery:location-update` without `orderId`): kept for dispatch, shown to admins.
pub async fn record_position(
    state: &AppState,
    who: &AuthUser,
    lat: f64,
    lng: f64,
) -> Result<LocationView> {
    let point = GeoPoint::parse(lat, lng)?;
    let at = Utc::now();
    // The first work to give way when the instance is behind, while the rider's last
    // position is fresh enough for dispatch: one older than half the freshness window
    // (or none) is always taken, so a long overload never drops riders from dispatch.
    let last = state.riders.get(&who.id);
    if last.is_some_and(|(_, prev_at)| (at - prev_at).num_seconds() < POSITION_FRESH_SECS / 2) {
        state
            .pressure
            .admit(crate::pressure::Work::Browse)
            .map_err(|retry_after_secs| AppError::Overloaded { retry_after_secs })?;
    }
    if let Some((prev, prev_at)) = last
        && !plausible_move(
            prev,
            prev_at.timestamp_millis(),
            point,
            at.timestamp_millis(),
            MAX_PLAUSIBLE_KMH,
        )
    {
        return Err(AppError::unprocessable(
            "implausible_location",
            format!(
                "This position is too far from the last one for the time between them \
                 (over {MAX_PLAUSIBLE_KMH:.0} km/h); it was not used."
            ),
        ));
    }
    position_seen(state, &who.id, point, at, true).await?;
    Ok(LocationView {
        lat: point.lat,
        lng: point.lng,
        at,
    })
}

/// A partner's position: memory always; Redis now and then (other instances rank with
/// it). For an idle position (`idle`) also the row and the admins' map now and then; a
/// delivery fix has its own trail write, and reaches admins in `fleet:positions`.
pub async fn position_seen(
    state: &AppState,
    partner_id: &str,
    point: GeoPoint,
    at: DateTime<Utc>,
    idle: bool,
) -> Result<()> {
    let due = state.riders.update(partner_id, point, at);
    if due.share
        && let Some(mut redis) = state.broadcast.redis()
        && let Ok(value) = serde_json::to_string(&LocationView {
            lat: point.lat,
            lng: point.lng,
            at,
        })
    {
        let set: std::result::Result<(), redis::RedisError> = redis::cmd("SET")
            .arg(rider_key(state, partner_id))
            .arg(value)
            .arg("EX")
            .arg(POSITION_FRESH_SECS * 2)
            .query_async(&mut redis)
            .await;
        if let Err(e) = set {
            tracing::debug!(error = %e, "could not share a rider position");
        }
    }
    if idle && due.tell {
        state
            .broadcast
            .fleet_position(FleetPosition {
                partner_id: partner_id.to_owned(),
                order_id: None,
                lat: point.lat,
                lng: point.lng,
                at,
            })
            .await;
    }
    if idle && due.save {
        state
            .store
            .save_partner_position(partner_id, point.lat, point.lng, at)
            .await?;
    }
    Ok(())
}

/// The freshest known position of each partner: this instance's memory, Redis (other
/// instances), the partner's row (before a restart).
async fn positions(
    state: &AppState,
    candidates: &[qc_store::DispatchCandidate],
) -> HashMap<String, (GeoPoint, DateTime<Utc>)> {
    let mut out: HashMap<String, (GeoPoint, DateTime<Utc>)> = HashMap::new();
    let mut keep = |id: &str, p: GeoPoint, at: DateTime<Utc>| {
        let e = out.entry(id.to_owned()).or_insert((p, at));
        if at > e.1 {
            *e = (p, at);
        }
    };
    for c in candidates {
        if let Some((lat, lng, at)) = c.last_location {
            keep(&c.partner_id, GeoPoint { lat, lng }, at);
        }
        if let Some((p, at)) = state.riders.get(&c.partner_id) {
            keep(&c.partner_id, p, at);
        }
    }
    if let Some(mut redis) = state.broadcast.redis()
        && !candidates.is_empty()
    {
        let keys: Vec<String> = candidates
            .iter()
            .map(|c| rider_key(state, &c.partner_id))
            .collect();
        let got: std::result::Result<Vec<Option<String>>, redis::RedisError> =
            redis::cmd("MGET").arg(keys).query_async(&mut redis).await;
        match got {
            Ok(values) => {
                for (c, v) in candidates.iter().zip(values) {
                    if let Some(fix) = v.and_then(|v| serde_json::from_str::<LocationView>(&v).ok())
                    {
                        keep(
                            &c.partner_id,
                            GeoPoint {
                                lat: fix.lat,
                                lng: fix.lng,
                            },
                            fix.at,
                        );
                    }
                }
            }
            Err(e) => tracing::debug!(error = %e, "could not read rider positions"),
        }
    }
    out
}

/// The store's partners who may be offered `order`, best first.
async fn rank(state: &AppState, store: &StoreInfo, order: &Order) -> Result<Vec<String>> {
    let now = Utc::now();
    let candidates = state
        .store
        .dispatch_candidates(store.id(), now - DECLINE_WINDOW)
        .await?;
    let known = positions(state, &candidates).await;
    let fresh = |at: DateTime<Utc>| (now - at).num_seconds() <= POSITION_FRESH_SECS;
    let max_active = usize::try_from(state.config.max_active_orders).unwrap_or(0);
    let ready: Vec<Candidate> = candidates
        .iter()
        .filter_map(|c| {
            let (position, at) = known.get(&c.partner_id).copied()?;
            if !fresh(at) || c.carrying.len() >= max_active {
                return None;
            }
            // Stacking: only orders of this store the partner has not picked up yet.
            if c.carrying
                .iter()
                .any(|o| o.status != OrderStatus::Accepted || o.store_id != store.id())
            {
                return None;
            }
            let idle_secs = if c.carrying.is_empty() {
                c.idle_since.map_or(0, |t| (now - t).num_seconds())
            } else {
                0
            };
            Some(Candidate {
                id: c.partner_id.clone(),
                position,
                declines_recent: c.declines_recent,
                ignored_in_row: c.ignored_in_row,
                idle_secs,
                carrying: c
                    .carrying
                    .iter()
                    .map(|o| Stop {
                        id: o.id.clone(),
                        dest: o.dest.map(|(lat, lng)| GeoPoint { lat, lng }),
                        promised_at_ms: o.promised_at.map(|t| t.timestamp_millis()),
                    })
                    .collect(),
                rating: qc_domain::dispatch::rating_score(c.rating_sum, c.rating_count),
            })
        })
        .collect();
    let trip = trip_of(state, store);
    Ok(qc_domain::dispatch::rank(
        &ready,
        &trip,
        &stop_of(order),
        now.timestamp_millis(),
    ))
}

/// How the store's trips are timed (stacking, stop order).
fn trip_of(state: &AppState, store: &StoreInfo) -> Trip {
    Trip {
        store: store.location,
        speed_kmh: state.config.rider_speed_kmh,
        stop_secs: store.settings.promise.travel_buffer_minutes * 60.0,
    }
}

/// An order as a drop-off: where, and by when it was promised.
fn stop_of(order: &Order) -> Stop {
    Stop {
        id: order.id.clone(),
        dest: order.address.point(),
        promised_at_ms: order.promised_at.map(|t| t.timestamp_millis()),
    }
}

/// The order in which a partner should drop off `orders` (their active ones): indexes
/// into `orders`, from where the partner was last seen (else the store), by the
/// stacking rule's plan ([`qc_domain::dispatch::drop_order`]).
pub fn stop_order(state: &AppState, partner_id: &str, orders: &[Order]) -> Vec<usize> {
    let Some(store) = orders.first().and_then(|o| state.stores.get(&o.store_id)) else {
        return (0..orders.len()).collect();
    };
    let trip = trip_of(state, &store);
    let from = state
        .riders
        .get(partner_id)
        .map_or(store.location, |(p, _)| p);
    let stops: Vec<Stop> = orders.iter().map(stop_of).collect();
    qc_domain::dispatch::drop_order(from, &trip, &stops, Utc::now().timestamp_millis())
}

/// A new (or unassigned) order goes out: to every available partner of its store, or
/// to the first ranked one.
pub async fn start(state: &AppState, order: &Order) {
    match order.dispatch {
        DispatchState::Broadcast => {
            state
                .broadcast
                .order_created(&order.store_id, &offer_view(state, order))
                .await;
        }
        DispatchState::Offering => {
            if let Err(e) = advance(state, order, OfferClose::Start).await {
                tracing::warn!(order_id = %order.id, error = %e, "could not start dispatch");
            }
        }
        // Released by the fulfilment sweeper (or packing): see `fulfilment`.
        DispatchState::Held => {}
    }
}

/// One dispatch step for `order`, then what it means for partners and admins.
async fn advance(
    state: &AppState,
    order: &Order,
    close: OfferClose<'_>,
) -> std::result::Result<DispatchOutcome, StoreError> {
    let started = Instant::now();
    // An expiry of an offer already answered (its timer, or a second sweeper) costs one
    // indexed read, not a ranking.
    if let OfferClose::Expire { offer_id } = close
        && !state.store.offer_is_live(offer_id).await?
    {
        return Ok(DispatchOutcome {
            step: DispatchStep::Stale,
            closed: None,
            paused: None,
        });
    }
    let Some(store) = state.stores.get(&order.store_id) else {
        return Err(StoreError::NotFound);
    };
    let ranked = rank(state, &store, order).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e.public_message(), "ranking failed: escalating");
        Vec::new()
    });
    let settings = store.settings.dispatch;
    let outcome = state
        .store
        .advance_dispatch(
            &order.id,
            close,
            &ranked,
            i64::from(settings.max_offer_rounds),
            chrono::Duration::seconds(i64::from(settings.offer_timeout_secs)),
            state.config.max_active_orders,
            Utc::now(),
        )
        .await?;
    announce(state, order, &outcome).await;
    if matches!(
        outcome.step,
        DispatchStep::Offered(_) | DispatchStep::Escalated(_)
    ) {
        state.metrics.record_dispatch(started.elapsed());
    }
    Ok(outcome)
}

fn update(
    order: &Order,
    state: &str,
    offer: Option<&Offer>,
    reason: Option<&str>,
) -> DispatchUpdatedEvent {
    DispatchUpdatedEvent {
        order_id: order.id.clone(),
        store_id: order.store_id.clone(),
        state: state.to_owned(),
        partner_id: offer.map(|o| o.partner_id.clone()),
        partner_name: offer.map(|o| o.partner_name.clone()),
        round: offer.map(|o| o.round),
        expires_at: offer
            .filter(|o| o.state == OfferState::Live)
            .map(|o| o.expires_at),
        reason: reason.map(str::to_owned),
        at: Utc::now(),
    }
}

/// Tell the partners and admins concerned what a step did.
async fn announce(state: &AppState, order: &Order, outcome: &DispatchOutcome) {
    let rt = &state.broadcast;
    if let Some(closed) = &outcome.closed {
        match closed.state {
            OfferState::Expired => {
                rt.offer_ended(
                    &closed.partner_id,
                    &OfferExpiredEvent {
                        offer_id: closed.id.clone(),
                        order_id: order.id.clone(),
                        reason: "expired".into(),
                    },
                )
                .await;
                rt.dispatch_updated(&update(order, "expired", Some(closed), None))
                    .await;
            }
            OfferState::Declined => {
                rt.dispatch_updated(&update(
                    order,
                    "declined",
                    Some(closed),
                    closed.reason.as_deref(),
                ))
                .await;
            }
            _ => {}
        }
    }
    if let Some(partner) = &outcome.paused {
        let profile = state.store.partner_profile(partner).await.ok().flatten();
        let home = profile.as_ref().and_then(|p| p.home_store_id.clone());
        rt.set_partner_available(partner, home.as_deref(), None, false)
            .await;
        rt.auto_paused(
            partner,
            &AutoPausedEvent {
                code: "offers_ignored".into(),
                message: "You missed 3 offers in a row, so we switched your availability off. \
                          Switch it on when you are ready for orders."
                    .into(),
            },
        )
        .await;
        state.stores.load_changed();
    }
    match &outcome.step {
        DispatchStep::Offered(offer) => {
            let event = OrderOfferEvent {
                offer_id: offer.id.clone(),
                order: offer_view(state, order),
                expires_at: offer.expires_at,
                round: offer.round,
            };
            rt.offer(&offer.partner_id, &event).await;
            rt.dispatch_updated(&update(order, "offered", Some(offer), None))
                .await;
            expire_on_time(state, order.clone(), offer.clone());
        }
        DispatchStep::Escalated(why) => {
            rt.order_created(&order.store_id, &offer_view(state, order))
                .await;
            rt.dispatch_updated(&update(order, "escalated", None, Some(why)))
                .await;
        }
        DispatchStep::Settled | DispatchStep::Stale => {}
    }
}

/// The instance that made an offer ends it on time (the sweepers are the backstop).
fn expire_on_time(state: &AppState, order: Order, offer: Offer) {
    let state = state.clone();
    tokio::spawn(async move {
        let wait = (offer.expires_at - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait + Duration::from_millis(5)).await;
        if let Err(e) = advance(
            &state,
            &order,
            OfferClose::Expire {
                offer_id: &offer.id,
            },
        )
        .await
        {
            tracing::debug!(error = %e, "offer expiry");
        }
    });
}

/// The one partner holding an order's live offer declines it: it goes to the next.
pub async fn decline(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    reason: Option<&str>,
) -> Result<()> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 100) {
        return Err(ValidationErrors::one("reason", "must be at most 100 characters").into());
    }
    let no_offer = || {
        AppError::not_found(
            "offer_not_found",
            "You have no live offer for this order (it may have expired).",
        )
    };
    let order = state
        .store
        .order_by_id(order_id)
        .await?
        .ok_or_else(no_offer)?;
    match advance(
        state,
        &order,
        OfferClose::Decline {
            partner_id: &who.id,
            reason,
        },
    )
    .await
    {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(no_offer()),
        Err(e) => Err(e.into()),
    }
}

/// The caller's live offers (after a reconnect).
pub async fn my_offers(state: &AppState, who: &AuthUser) -> Result<Vec<OrderOfferEvent>> {
    let offers = state.store.partner_live_offers(&who.id).await?;
    let mut out = Vec::with_capacity(offers.len());
    for o in offers.iter().filter(|o| o.expires_at > Utc::now()) {
        if let Some(order) = state.store.order_by_id(&o.order_id).await? {
            out.push(OrderOfferEvent {
                offer_id: o.id.clone(),
                order: offer_view(state, &order),
                expires_at: o.expires_at,
                round: o.round,
            });
        }
    }
    Ok(out)
}

/// An offer an order change ended (accepted with the order, or withdrawn by a cancel or
/// an admin's assignment): the partner and admins are told.
pub async fn offer_ended(state: &AppState, order: &Order, offer: &Offer) {
    match offer.state {
        OfferState::Accepted => {
            state
                .broadcast
                .dispatch_updated(&update(order, "accepted", Some(offer), None))
                .await;
        }
        OfferState::Withdrawn => {
            state
                .broadcast
                .offer_ended(
                    &offer.partner_id,
                    &OfferExpiredEvent {
                        offer_id: offer.id.clone(),
                        order_id: order.id.clone(),
                        reason: "withdrawn".into(),
                    },
                )
                .await;
            state
                .broadcast
                .dispatch_updated(&update(order, "withdrawn", Some(offer), None))
                .await;
        }
        _ => {}
    }
}

/// Every instance ends offers whose time has passed (their own timers did not run:
/// the instance that made them stopped).
pub fn spawn_sweeper(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut n: u64 = 0;
        loop {
            tick.tick().await;
            if let Err(e) = sweep(&state).await {
                tracing::warn!(error = %e.public_message(), "offer sweep failed");
            }
            n += 1;
            if n.is_multiple_of(STRANDED_EVERY_TICKS)
                && let Err(e) = sweep_stranded(&state).await
            {
                tracing::warn!(error = %e.public_message(), "stranded order sweep failed");
            }
        }
    });
}

/// Stranded orders are looked for every this many sweeps (2 s).
const STRANDED_EVERY_TICKS: u64 = 8;
/// An order is stranded when it has had no live offer for this long after placement.
const STRANDED_AFTER: chrono::Duration = chrono::Duration::seconds(3);

/// Orders waiting for offers that never got their first one (the instance that placed
/// them stopped before, or the step failed): their dispatch starts now. How many.
pub async fn sweep_stranded(state: &AppState) -> Result<usize> {
    let ids = state
        .store
        .stranded_offering_orders(Utc::now() - STRANDED_AFTER, 100)
        .await?;
    let mut started = 0;
    for id in ids {
        tracing::info!(order_id = %id, "starting the dispatch of a stranded order");
        started += usize::from(sweep_step(state, &id, OfferClose::Start).await?);
    }
    Ok(started)
}

/// One sweep; how many offers it moved on.
pub async fn sweep(state: &AppState) -> Result<usize> {
    let due = state.store.due_offers(Utc::now(), 200).await?;
    let mut moved = 0;
    for offer in due {
        let close = OfferClose::Expire {
            offer_id: &offer.id,
        };
        moved += usize::from(sweep_step(state, &offer.order_id, close).await?);
    }
    Ok(moved)
}

/// One sweeper step for an order: whether it moved the dispatch on (a step another
/// instance already took is not an error).
async fn sweep_step(state: &AppState, order_id: &str, close: OfferClose<'_>) -> Result<bool> {
    let Some(order) = state.store.order_by_id(order_id).await? else {
        return Ok(false);
    };
    match advance(state, &order, close).await {
        Ok(o) => Ok(o.step != DispatchStep::Stale),
        Err(e) => {
            tracing::debug!(order_id, error = %e, "dispatch sweep step");
            Ok(false)
        }
    }
}

/// Orders waiting for a partner, of one store or all, with their dispatch state.
pub async fn board(state: &AppState, store_id: Option<&str>) -> Result<Vec<DispatchBoardItem>> {
    let store_id = store_id.filter(|s| !s.is_empty());
    if let Some(id) = store_id
        && state.store.store_by_id(id).await?.is_none()
    {
        return Err(AppError::not_found("store_not_found", "No such store."));
    }
    let filter = qc_store::AdminOrderFilter {
        status: Some(OrderStatus::Pending),
        store_id: store_id.map(str::to_owned),
        offset: 0,
        limit: 100,
        ..Default::default()
    };
    let (orders, _) = state.store.admin_orders(&filter).await?;
    let mut out = Vec::with_capacity(orders.len());
    for o in &orders {
        let offers = state.store.order_offers(&o.id).await?;
        let live = offers.iter().find(|f| f.state == OfferState::Live);
        let state_name = match (o.dispatch, live) {
            (_, Some(_)) => "offered",
            (DispatchState::Offering, None) => "waiting",
            (DispatchState::Broadcast, None) => "broadcast",
            (DispatchState::Held, None) => "held",
        };
        out.push(DispatchBoardItem {
            order_id: o.id.clone(),
            order_number: order_number(&o.id),
            store_id: o.store_id.clone(),
            created_at: o.created_at,
            promised_at: o.promised_at,
            state: state_name.to_owned(),
            offer: live.map(OfferHistoryView::from),
            rounds: offers.len() as i64,
        });
    }
    Ok(out)
}
