//! Dispatch: offers of an order to one partner at a time. Every step (the first offer,
//! a decline, an expiry) is one transaction that closes the live offer conditionally and
//! opens the next, so each offer is advanced exactly once whichever instance tries, and
//! an order never has two live offers (a unique index says so too).

use crate::db::{Row, Tx, sql, sql_built};
use crate::models::*;
use crate::orders::{ACTIVE, bad_value, from_ms, new_id, opt_ms};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use qc_domain::OrderStatus;
use qc_domain::dispatch::IGNORES_BEFORE_PAUSE;

const OFFER_SELECT: &str = "SELECT f.*, u.name AS partner_name FROM dispatch_offers f \
                            JOIN users u ON u.id = f.partner_id";
/// The changed offer, as [`OFFER_SELECT`] reads it, without a second statement.
const OFFER_RETURNING: &str = "RETURNING *, \
    (SELECT u.name FROM users u WHERE u.id = dispatch_offers.partner_id) AS partner_name";

pub(crate) fn offer_from_row(r: &Row) -> StoreResult<Offer> {
    let state: String = r.get("state")?;
    Ok(Offer {
        id: r.get("id")?,
        order_id: r.get("order_id")?,
        partner_id: r.get("partner_id")?,
        partner_name: r.get("partner_name")?,
        store_id: r.get("store_id")?,
        round: r.get("round")?,
        state: OfferState::parse(&state).ok_or_else(|| bad_value("state", &state))?,
        reason: r.get("reason")?,
        offered_at: from_ms(r.get("offered_at")?),
        expires_at: from_ms(r.get("expires_at")?),
        answered_at: opt_ms(r.get("answered_at")?),
    })
}

async fn offer_by_id(tx: &mut Tx, id: &str) -> StoreResult<Offer> {
    let row = sql_built(format!("{OFFER_SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_one(tx)
        .await?;
    offer_from_row(&row)
}

/// End the live offer of an order, if any, as `state` (accepted by its holder, or
/// withdrawn because the order was cancelled or assigned): the offer it ended.
pub(crate) async fn end_live_offer(
    tx: &mut Tx,
    order_id: &str,
    state: OfferState,
    at: DateTime<Utc>,
) -> StoreResult<Option<Offer>> {
    let id: Option<String> = sql("UPDATE dispatch_offers SET state = $1, answered_at = $2 \
         WHERE order_id = $3 AND state = 'live' RETURNING id")
    .bind(state.as_str())
    .bind(at.timestamp_millis())
    .bind(order_id)
    .scalar_optional(tx)
    .await?;
    match id {
        Some(id) => Ok(Some(offer_by_id(tx, &id).await?)),
        None => Ok(None),
    }
}

impl Store {
    /// Move an order's dispatch on by one step, in one transaction: close the live offer
    /// as `close` says (conditionally: a decline only by its holder, an expiry only once
    /// its time has passed — otherwise [`DispatchStep::Stale`]); then, if the order is
    /// still waiting for offers, offer it to the first of `ranked` who has not had it
    /// and may take it now, for `timeout`. After `max_rounds` offers, or when nobody in
    /// `ranked` may take it, the order is escalated to broadcast.
    ///
    /// An expiry counts against the partner: `IGNORES_BEFORE_PAUSE` in a row turn their
    /// availability off (`paused`). A decline resets the count.
    #[allow(clippy::too_many_arguments)]
    pub async fn advance_dispatch(
        &self,
        order_id: &str,
        close: OfferClose<'_>,
        ranked: &[String],
        max_rounds: i64,
        timeout: chrono::Duration,
        max_active: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<DispatchOutcome> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let at = now.timestamp_millis();
            // Steps of one order take turns (PostgreSQL; SQLite has one writer).
            tx.lock(sql("SELECT id FROM orders WHERE id = $1 FOR UPDATE").bind(order_id))
                .await?;
            let mut outcome = DispatchOutcome {
                step: DispatchStep::Settled,
                closed: None,
                paused: None,
            };
            match close {
                OfferClose::Start => {}
                OfferClose::Decline { partner_id, reason } => {
                    let row = sql_built(format!(
                        "UPDATE dispatch_offers SET state = 'declined', reason = $1, \
                         answered_at = $2 WHERE order_id = $3 AND partner_id = $4 \
                         AND state = 'live' {OFFER_RETURNING}"
                    ))
                    .bind(reason)
                    .bind(at)
                    .bind(order_id)
                    .bind(partner_id)
                    .fetch_optional(&mut tx)
                    .await?;
                    let Some(row) = row else {
                        return Err(StoreError::NotFound);
                    };
                    sql("UPDATE delivery_partners SET ignored_offers = 0 WHERE user_id = $1")
                        .bind(partner_id)
                        .execute(&mut tx)
                        .await?;
                    outcome.closed = Some(offer_from_row(&row)?);
                }
                OfferClose::Expire { offer_id } => {
                    let row = sql_built(format!(
                        "UPDATE dispatch_offers SET state = 'expired', answered_at = $1 \
                         WHERE id = $2 AND state = 'live' AND expires_at <= $1 \
                         {OFFER_RETURNING}"
                    ))
                    .bind(at)
                    .bind(offer_id)
                    .fetch_optional(&mut tx)
                    .await?;
                    let Some(row) = row else {
                        outcome.step = DispatchStep::Stale;
                        return Ok(outcome);
                    };
                    let closed = offer_from_row(&row)?;
                    let partner = closed.partner_id.clone();
                    // Ignored: counted; enough in a row and the partner is paused.
                    let ignored: i64 = sql(
                        "UPDATE delivery_partners SET ignored_offers = ignored_offers + 1 \
                         WHERE user_id = $1 RETURNING ignored_offers",
                    )
                    .bind(&partner)
                    .scalar(&mut tx)
                    .await?;
                    if ignored >= IGNORES_BEFORE_PAUSE {
                        sql("UPDATE delivery_partners SET is_available = FALSE, \
                             ignored_offers = 0 WHERE user_id = $1")
                        .bind(&partner)
                        .execute(&mut tx)
                        .await?;
                        outcome.paused = Some(partner);
                    }
                    outcome.closed = Some(closed);
                }
            }
            let order =
                sql("SELECT status, partner_id, dispatch, store_id FROM orders WHERE id = $1")
                    .bind(order_id)
                    .fetch_optional(&mut tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            let status: String = order.get("status")?;
            let partner: Option<String> = order.get("partner_id")?;
            let dispatch: Option<String> = order.get("dispatch")?;
            let store_id: String = order
                .get::<Option<String>, _>("store_id")?
                .unwrap_or_default();
            let waiting = status == OrderStatus::Pending.as_str()
                && partner.is_none()
                && dispatch.as_deref() == Some(DispatchState::Offering.as_str());
            if !waiting {
                crate::webhooks::enqueue_dispatch(&mut tx, order_id, &store_id, &outcome, now)
                    .await?;
                tx.commit().await?;
                return Ok(outcome);
            }
            let counts = sql("SELECT COUNT(*) AS rounds, \
                   CAST(COALESCE(SUM(CASE WHEN state = 'live' THEN 1 ELSE 0 END), 0) AS BIGINT) AS live \
                 FROM dispatch_offers WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(&mut tx)
            .await?;
            let (rounds, live): (i64, i64) = (counts.get("rounds")?, counts.get("live")?);
            if live > 0 {
                // Someone else's step already made the next offer.
                crate::webhooks::enqueue_dispatch(&mut tx, order_id, &store_id, &outcome, now)
                    .await?;
                tx.commit().await?;
                outcome.step = DispatchStep::Stale;
                return Ok(outcome);
            }
            let mut offered = None;
            if rounds < max_rounds {
                for partner_id in ranked {
                    // Not offered this order before, and still free to take it.
                    let id = new_id();
                    let made = sql_built(format!(
                        "INSERT INTO dispatch_offers (id, order_id, partner_id, store_id, round, \
                         state, offered_at, expires_at, reason, answered_at) \
                         SELECT $1, $2, $3, $4, $5, 'live', $6, $7, NULL, NULL \
                         WHERE NOT EXISTS (SELECT 1 FROM dispatch_offers \
                           WHERE order_id = $2 AND partner_id = $3) \
                         AND EXISTS (SELECT 1 FROM delivery_partners d \
                           JOIN users u ON u.id = d.user_id \
                           WHERE d.user_id = $3 AND d.home_store_id = $4 \
                           AND d.is_available = TRUE AND d.is_verified = TRUE \
                           AND d.status = 'active' AND u.status = 'active') \
                         AND (SELECT COUNT(*) FROM orders \
                           WHERE partner_id = $3 AND status IN {ACTIVE}) < $8 \
                         {OFFER_RETURNING}"
                    ))
                    .bind(id.as_str())
                    .bind(order_id)
                    .bind(partner_id.as_str())
                    .bind(store_id.as_str())
                    .bind(rounds + 1)
                    .bind(at)
                    .bind(at + timeout.num_milliseconds())
                    .bind(max_active)
                    .fetch_optional(&mut tx)
                    .await?;
                    if let Some(row) = made {
                        offered = Some(offer_from_row(&row)?);
                        break;
                    }
                }
            }
            outcome.step = match offered {
                Some(offer) => DispatchStep::Offered(offer),
                None => {
                    sql("UPDATE orders SET dispatch = 'broadcast' WHERE id = $1")
                        .bind(order_id)
                        .execute(&mut tx)
                        .await?;
                    DispatchStep::Escalated(if rounds >= max_rounds {
                        "rounds_exhausted"
                    } else {
                        "no_eligible_partner"
                    })
                }
            };
            crate::webhooks::enqueue_dispatch(&mut tx, order_id, &store_id, &outcome, now).await?;
            tx.commit().await?;
            Ok(outcome)
        })
        .await
    }

    /// Whether an offer is still live.
    pub async fn offer_is_live(&self, offer_id: &str) -> StoreResult<bool> {
        let n: i64 = sql("SELECT COUNT(*) FROM dispatch_offers WHERE id = $1 AND state = 'live'")
            .bind(offer_id)
            .scalar(&mut self.read().await?)
            .await?;
        Ok(n > 0)
    }

    /// Live offers whose time has passed (for the sweepers), oldest first.
    pub async fn due_offers(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<Offer>> {
        let rows = sql_built(format!(
            "{OFFER_SELECT} WHERE f.state = 'live' AND f.expires_at <= $1 \
             ORDER BY f.expires_at LIMIT $2"
        ))
        .bind(now.timestamp_millis())
        .bind(limit)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// Orders waiting for offers that have none live, placed before `before`: their
    /// first offer was never made (the instance stopped between placement and the
    /// first step, or the step failed). Oldest first.
    pub async fn stranded_offering_orders(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        sql(
            "SELECT o.id FROM orders o WHERE o.status = 'pending' AND o.partner_id IS NULL \
             AND o.dispatch = 'offering' AND o.created_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM dispatch_offers f \
               WHERE f.order_id = o.id AND f.state = 'live') \
             ORDER BY o.created_at LIMIT $2",
        )
        .bind(before.timestamp_millis())
        .bind(limit)
        .scalars(&mut self.read().await?)
        .await
    }

    /// Every offer of an order, in the order they were made (admins' timeline).
    pub async fn order_offers(&self, order_id: &str) -> StoreResult<Vec<Offer>> {
        let rows = sql_built(format!(
            "{OFFER_SELECT} WHERE f.order_id = $1 ORDER BY f.round"
        ))
        .bind(order_id)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// A partner's live offers (to show again after a reconnect).
    pub async fn partner_live_offers(&self, partner_id: &str) -> StoreResult<Vec<Offer>> {
        let rows = sql_built(format!(
            "{OFFER_SELECT} WHERE f.partner_id = $1 AND f.state = 'live' ORDER BY f.offered_at"
        ))
        .bind(partner_id)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// The live offers of orders still waiting, of one store or all (the dispatch board).
    pub async fn live_offers(&self, store_id: Option<&str>) -> StoreResult<Vec<Offer>> {
        let rows = sql_built(format!(
            "{OFFER_SELECT} WHERE f.state = 'live' AND ($1 IS NULL OR f.store_id = $1) \
             ORDER BY f.offered_at"
        ))
        .bind(store_id)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// The partners of a store who could be offered an order now (verified, available,
    /// active), with what ranking needs: declines since `declines_since`, offers ignored
    /// in a row, the last stored position, since when they are idle, and the orders
    /// they carry.
    pub async fn dispatch_candidates(
        &self,
        store_id: &str,
        declines_since: DateTime<Utc>,
    ) -> StoreResult<Vec<DispatchCandidate>> {
        let mut conn = self.read().await?;
        let rows = sql(
            "SELECT d.user_id, u.name, d.ignored_offers, d.last_lat, d.last_lng, \
               d.last_location_at, d.available_since, d.rating_sum, d.rating_count, \
               (SELECT MAX(o.delivered_at) FROM orders o \
                 WHERE o.partner_id = d.user_id AND o.status = 'delivered') AS last_delivered, \
               (SELECT COUNT(*) FROM dispatch_offers f WHERE f.partner_id = d.user_id \
                 AND f.state = 'declined' AND f.answered_at >= $2) AS declines \
             FROM delivery_partners d JOIN users u ON u.id = d.user_id \
             WHERE d.home_store_id = $1 AND d.is_available = TRUE AND d.is_verified = TRUE \
               AND d.status = 'active' AND u.status = 'active'",
        )
        .bind(store_id)
        .bind(declines_since.timestamp_millis())
        .fetch_all(&mut conn)
        .await?;
        // From the store's partners to their orders (CROSS JOIN keeps SQLite from
        // walking every active order of every store instead).
        let carried = sql_built(format!(
            "SELECT o.id, o.partner_id, o.status, o.store_id, o.dest_lat, o.dest_lng, \
               o.promised_at FROM delivery_partners d CROSS JOIN orders o \
             WHERE d.home_store_id = $1 AND d.is_available = TRUE \
               AND o.partner_id = d.user_id AND o.status IN {ACTIVE}"
        ))
        .bind(store_id)
        .fetch_all(&mut conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.get("user_id")?;
            let location = match (
                r.get::<Option<f64>, _>("last_lat")?,
                r.get::<Option<f64>, _>("last_lng")?,
                r.get::<Option<i64>, _>("last_location_at")?,
            ) {
                (Some(lat), Some(lng), Some(at)) => Some((lat, lng, from_ms(at))),
                _ => None,
            };
            let idle = match (
                r.get::<Option<i64>, _>("last_delivered")?,
                r.get::<Option<i64>, _>("available_since")?,
            ) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let mut carrying = Vec::new();
            for c in &carried {
                if c.get::<String, _>("partner_id")? != id {
                    continue;
                }
                let status: String = c.get("status")?;
                carrying.push(CarriedOrder {
                    id: c.get("id")?,
                    store_id: c.get::<Option<String>, _>("store_id")?.unwrap_or_default(),
                    status: OrderStatus::parse(&status)
                        .ok_or_else(|| bad_value("status", &status))?,
                    dest: match (
                        c.get::<Option<f64>, _>("dest_lat")?,
                        c.get::<Option<f64>, _>("dest_lng")?,
                    ) {
                        (Some(a), Some(b)) => Some((a, b)),
                        _ => None,
                    },
                    promised_at: opt_ms(c.get("promised_at")?),
                });
            }
            out.push(DispatchCandidate {
                partner_id: id,
                name: r.get("name")?,
                ignored_in_row: r.get("ignored_offers")?,
                declines_recent: r.get("declines")?,
                last_location: location,
                idle_since: opt_ms(idle),
                carrying,
                rating_sum: r.get("rating_sum")?,
                rating_count: r.get("rating_count")?,
            });
        }
        Ok(out)
    }
}
