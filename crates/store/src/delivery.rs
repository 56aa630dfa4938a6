//! Delivery partners: availability, the single-winner accept, the status flow with code
//! confirmation, locations and earnings.

use crate::db::{Row, Tx, sql, sql_built};
use crate::models::*;
use crate::orders::{ACTIVE, bad_value, from_ms, load_orders, opt_ms, order_in, record};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use qc_domain::{Money, OrderEventKind, OrderStatus, PartnerStatus, Role};
use serde_json::json;

pub(crate) fn profile_from_row(r: &Row) -> StoreResult<PartnerProfile> {
    let lat: Option<f64> = r.get("last_lat")?;
    let lng: Option<f64> = r.get("last_lng")?;
    let at = opt_ms(r.get("last_location_at")?);
    let status: String = r.get("status")?;
    Ok(PartnerProfile {
        user_id: r.get("user_id")?,
        name: r.get("name")?,
        phone: r.get("phone")?,
        is_available: r.get("is_available")?,
        is_verified: r.get("is_verified")?,
        status: PartnerStatus::parse(&status).ok_or_else(|| bad_value("status", &status))?,
        vehicle_type: r.get("vehicle_type")?,
        home_store_id: r.get("home_store_id")?,
        last_location: match (lat, lng, at) {
            (Some(a), Some(b), Some(t)) => Some((a, b, t)),
            _ => None,
        },
        total_deliveries: r.get("total_deliveries")?,
        total_earnings: Money(r.get("total_earnings")?),
        active_orders: r.get("active_orders")?,
        rating_sum: r.get("rating_sum")?,
        rating_count: r.get("rating_count")?,
    })
}

/// A partner's profile with their name, phone and number of active orders.
pub(crate) const PROFILE_SELECT: &str = "SELECT d.*, u.name, u.phone, \
    (SELECT COUNT(*) FROM orders o WHERE o.partner_id = d.user_id \
       AND o.status IN ('accepted', 'picked_up', 'on_the_way')) AS active_orders \
    FROM delivery_partners d JOIN users u ON u.id = d.user_id WHERE d.user_id = $1";

/// Why a partner may not take orders now (the first reason that applies).
fn ineligibility(p: &PartnerProfile) -> &'static str {
    if p.status != PartnerStatus::Active {
        "partner_suspended"
    } else if !p.is_verified {
        "partner_not_verified"
    } else {
        "partner_unavailable"
    }
}

/// Why a conditional update on an assigned order touched nothing.
async fn diagnose(tx: &mut Tx, order_id: &str, partner_id: &str) -> StoreError {
    match order_in(tx, order_id).await {
        Ok(Some(o)) if o.partner_id.as_deref() == Some(partner_id) => {
            StoreError::InvalidState(o.status.as_str().to_owned())
        }
        Ok(_) => StoreError::NotFound,
        Err(e) => e,
    }
}

impl Store {
    pub async fn partner_profile(&self, user_id: &str) -> StoreResult<Option<PartnerProfile>> {
        let row = sql(PROFILE_SELECT)
            .bind(user_id)
            .fetch_optional(&mut self.read().await?)
            .await?;
        row.as_ref().map(profile_from_row).transpose()
    }

    /// Switch availability. Going available needs a verified, active partner (checked in
    /// the update, so an admin's suspension in between wins) →
    /// [`StoreError::Ineligible`] otherwise.
    pub async fn set_availability(
        &self,
        user_id: &str,
        available: bool,
    ) -> StoreResult<PartnerProfile> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            // Switching on starts the idle clock (fairness) and forgets ignored offers.
            let done = sql("UPDATE delivery_partners SET \
                   available_since = CASE WHEN $1 AND is_available = FALSE THEN $3 \
                     ELSE available_since END, \
                   ignored_offers = CASE WHEN $1 THEN 0 ELSE ignored_offers END, \
                   is_available = $1 WHERE user_id = $2 \
                 AND ($1 = FALSE OR (is_verified = TRUE AND status = 'active'))")
            .bind(available)
            .bind(user_id)
            .bind(crate::orders::now_ms())
            .execute(&mut tx)
            .await?;
            let row = sql(PROFILE_SELECT).bind(user_id).fetch_one(&mut tx).await?;
            let profile = profile_from_row(&row)?;
            if done == 0 {
                return Err(StoreError::Ineligible(ineligibility(&profile)));
            }
            tx.commit().await?;
            Ok(profile)
        })
        .await
    }

    /// Pending orders of a store nobody has taken and anyone may take (not those being
    /// offered to one partner at a time), oldest first.
    pub async fn available_orders(&self, store_id: &str, limit: i64) -> StoreResult<Vec<Order>> {
        let mut conn = self.read().await?;
        let rows = sql(
            "SELECT * FROM orders WHERE status = 'pending' AND partner_id IS NULL \
             AND store_id = $2 AND (dispatch IS NULL OR dispatch = 'broadcast') \
             ORDER BY created_at ASC LIMIT $1",
        )
        .bind(limit)
        .bind(store_id)
        .fetch_all(&mut conn)
        .await?;
        load_orders(&mut conn, rows).await
    }

    pub async fn partner_orders(
        &self,
        partner_id: &str,
        which: PartnerOrders,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Order>, i64)> {
        let filter = match which {
            PartnerOrders::Active => format!("status IN {ACTIVE}"),
            PartnerOrders::History => "status IN ('delivered', 'cancelled')".to_owned(),
        };
        let mut conn = self.read().await?;
        let total: i64 = sql_built(format!(
            "SELECT COUNT(*) FROM orders WHERE partner_id = $1 AND {filter}"
        ))
        .bind(partner_id)
        .scalar(&mut conn)
        .await?;
        let rows = sql_built(format!(
            "SELECT * FROM orders WHERE partner_id = $1 AND {filter} \
             ORDER BY COALESCE(delivered_at, cancelled_at, accepted_at) DESC LIMIT $2 OFFSET $3"
        ))
        .bind(partner_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut conn)
        .await?;
        Ok((load_orders(&mut conn, rows).await?, total))
    }

    /// One conditional update: the order must still be pending and unassigned and from
    /// the partner's home store (another store's order is [`StoreError::NotFound`]), the
    /// partner verified, active and available, and under `max_active` active orders.
    /// Exactly one concurrent caller wins; the others get [`StoreError::InvalidState`]
    /// (taken), [`StoreError::Ineligible`] or [`StoreError::LimitReached`].
    pub async fn accept_order(
        &self,
        order_id: &str,
        partner_id: &str,
        max_active: i64,
        distance_m: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            // One partner's accepts queue here, so two at once cannot both pass the cap.
            tx.lock(
                sql("SELECT user_id FROM delivery_partners WHERE user_id = $1 FOR UPDATE")
                    .bind(partner_id),
            )
            .await?;
            let active: i64 = sql_built(format!(
                "SELECT COUNT(*) FROM orders WHERE partner_id = $1 AND status IN {ACTIVE}"
            ))
            .bind(partner_id)
            .scalar(&mut tx)
            .await?;
            if active >= max_active {
                return Err(StoreError::LimitReached(format!(
                    "at most {max_active} active orders at a time"
                )));
            }
            // The single-winner update: one affected row means this partner won. The
            // partner's eligibility is part of it, so a suspension in between wins.
            // While an order is offered one partner at a time, only the holder of its
            // live offer may take it.
            let won = sql(
                "UPDATE orders SET status = 'accepted', partner_id = $1, accepted_at = $2, \
                 distance_m = $3, updated_at = $2 \
                 WHERE id = $4 AND status = 'pending' AND partner_id IS NULL \
                 AND EXISTS (SELECT 1 FROM delivery_partners WHERE user_id = $1 \
                   AND is_verified = TRUE AND is_available = TRUE AND status = 'active' \
                   AND home_store_id = orders.store_id) \
                 AND (dispatch IS NULL OR dispatch = 'broadcast' OR EXISTS ( \
                   SELECT 1 FROM dispatch_offers f WHERE f.order_id = orders.id \
                   AND f.partner_id = $1 AND f.state = 'live' AND f.expires_at > $2))",
            )
            .bind(partner_id)
            .bind(at.timestamp_millis())
            .bind(distance_m)
            .bind(order_id)
            .execute(&mut tx)
            .await?;
            if won == 0 {
                return Err(match order_in(&mut tx, order_id).await? {
                    None => StoreError::NotFound,
                    Some(o) if o.status != OrderStatus::Pending || o.partner_id.is_some() => {
                        StoreError::InvalidState(o.status.as_str().to_owned())
                    }
                    Some(o) => {
                        let row = sql(PROFILE_SELECT)
                            .bind(partner_id)
                            .fetch_one(&mut tx)
                            .await?;
                        let p = profile_from_row(&row)?;
                        if p.home_store_id.as_deref() != Some(o.store_id.as_str()) {
                            StoreError::NotFound
                        } else if p.is_available
                            && p.is_verified
                            && p.status == PartnerStatus::Active
                            && o.dispatch != DispatchState::Broadcast
                        {
                            StoreError::Ineligible("not_offered")
                        } else {
                            StoreError::Ineligible(ineligibility(&p))
                        }
                    }
                });
            }
            let name: String = sql("SELECT name FROM users WHERE id = $1")
                .bind(partner_id)
                .scalar(&mut tx)
                .await?;
            let ended_offer =
                crate::dispatch::end_live_offer(&mut tx, order_id, OfferState::Accepted, at)
                    .await?;
            sql("UPDATE delivery_partners SET ignored_offers = 0 WHERE user_id = $1")
                .bind(partner_id)
                .execute(&mut tx)
                .await?;
            let mut change = record(
                &mut tx,
                order_id,
                OrderEventKind::Accepted,
                json!({ "status": "accepted", "partnerId": partner_id, "partnerName": name }),
                Some((partner_id, Role::Delivery)),
                at,
            )
            .await?;
            tx.commit().await?;
            change.ended_offer = ended_offer;
            Ok(change)
        })
        .await
    }

    /// Move an assigned order from `from` to `to` (not to delivered: see
    /// [`Store::confirm_delivery`]); re-checked in the update.
    pub async fn advance_order(
        &self,
        order_id: &str,
        partner_id: &str,
        from: OrderStatus,
        to: OrderStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        let column = match to {
            OrderStatus::PickedUp => "picked_up_at",
            OrderStatus::OnTheWay => "on_the_way_at",
            _ => return Err(StoreError::InvalidState(to.as_str().to_owned())),
        };
        self.write(|| async move {
            let mut tx = self.begin().await?;
            // A store that picks and packs hands the order over only once it is packed.
            let done = sql_built(format!(
                "UPDATE orders SET status = $1, {column} = $2, updated_at = $2 \
                 WHERE id = $3 AND partner_id = $4 AND status = $5 \
                 AND (fulfilment IS NULL OR fulfilment = 'packed')"
            ))
            .bind(to.as_str())
            .bind(at.timestamp_millis())
            .bind(order_id)
            .bind(partner_id)
            .bind(from.as_str())
            .execute(&mut tx)
            .await?;
            if done == 0 {
                if let Some(o) = order_in(&mut tx, order_id).await?
                    && o.partner_id.as_deref() == Some(partner_id)
                    && o.status == from
                    && o.pick.fulfilment.is_some()
                    && o.pick.fulfilment != Some(qc_domain::fulfilment::Fulfilment::Packed)
                {
                    return Err(StoreError::Refused(
                        "order_not_packed",
                        "The store is still packing this order: pick it up once it is ready."
                            .into(),
                    ));
                }
                return Err(diagnose(&mut tx, order_id, partner_id).await);
            }
            let change = record(
                &mut tx,
                order_id,
                OrderEventKind::StatusUpdated,
                json!({ "status": to.as_str() }),
                Some((partner_id, Role::Delivery)),
                at,
            )
            .await?;
            tx.commit().await?;
            Ok(change)
        })
        .await
    }

    /// Check the customer's code; on success deliver, pay out and bump the partner's
    /// totals, all in one transaction. Wrong codes are counted (and committed).
    pub async fn confirm_delivery(
        &self,
        order_id: &str,
        partner_id: &str,
        code: &str,
        max_attempts: i64,
        payout: Money,
        at: DateTime<Utc>,
    ) -> StoreResult<Confirmation> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            // Concurrent guesses are counted one after the other.
            tx.lock(sql("SELECT id FROM orders WHERE id = $1 FOR UPDATE").bind(order_id))
                .await?;
            let order = match order_in(&mut tx, order_id).await? {
                Some(o) if o.partner_id.as_deref() == Some(partner_id) => o,
                _ => return Err(StoreError::NotFound),
            };
            if order.status != OrderStatus::OnTheWay {
                return Err(StoreError::InvalidState(order.status.as_str().to_owned()));
            }
            if order.code_attempts >= max_attempts {
                return Ok(Confirmation::Locked(None));
            }
            if order.confirmation_code != code {
                let attempts: i64 = sql(
                    "UPDATE orders SET code_attempts = code_attempts + 1 WHERE id = $1 \
                     RETURNING code_attempts",
                )
                .bind(order_id)
                .scalar(&mut tx)
                .await?;
                if attempts < max_attempts {
                    tx.commit().await?;
                    return Ok(Confirmation::WrongCode {
                        attempts_left: max_attempts - attempts,
                    });
                }
                // This attempt locked it: the timeline (and the customer) are told.
                let change = record(
                    &mut tx,
                    order_id,
                    OrderEventKind::CodeLocked,
                    json!({ "attempts": attempts }),
                    Some((partner_id, Role::Delivery)),
                    at,
                )
                .await?;
                tx.commit().await?;
                return Ok(Confirmation::Locked(Some(Box::new(change))));
            }
            let done = sql(
                "UPDATE orders SET status = 'delivered', delivered_at = $1, payout = $2, updated_at = $1 \
                 WHERE id = $3 AND partner_id = $4 AND status = 'on_the_way'",
            )
            .bind(at.timestamp_millis())
            .bind(payout.minor())
            .bind(order_id)
            .bind(partner_id)
            .execute(&mut tx)
            .await?;
            if done == 0 {
                return Err(diagnose(&mut tx, order_id, partner_id).await);
            }
            sql("UPDATE delivery_partners SET total_deliveries = total_deliveries + 1, \
                 total_earnings = total_earnings + $1 WHERE user_id = $2")
            .bind(payout.minor())
            .bind(partner_id)
            .execute(&mut tx)
            .await?;
            let change = record(
                &mut tx,
                order_id,
                OrderEventKind::Delivered,
                json!({ "status": "delivered", "actualDeliveryTime": at, "payout": payout.minor() }),
                Some((partner_id, Role::Delivery)),
                at,
            )
            .await?;
            tx.commit().await?;
            Ok(Confirmation::Delivered(Box::new(change)))
        })
        .await
    }

    /// Keep the partner's last position, and a trail sample when `sample` is set.
    pub async fn record_location(
        &self,
        partner_id: &str,
        order_id: &str,
        lat: f64,
        lng: f64,
        at: DateTime<Utc>,
        sample: bool,
    ) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE delivery_partners SET last_lat = $1, last_lng = $2, last_location_at = $3 \
                 WHERE user_id = $4",
            )
            .bind(lat)
            .bind(lng)
            .bind(at.timestamp_millis())
            .bind(partner_id)
            .execute(&mut tx)
            .await?;
            if sample {
                sql(
                    "INSERT INTO location_samples (order_id, partner_id, lat, lng, at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(order_id)
                .bind(partner_id)
                .bind(lat)
                .bind(lng)
                .bind(at.timestamp_millis())
                .execute(&mut tx)
                .await?;
            }
            tx.commit().await
        })
        .await
    }

    /// A partner's position without an order (idle, waiting for offers): kept as their
    /// last location.
    pub async fn save_partner_position(
        &self,
        partner_id: &str,
        lat: f64,
        lng: f64,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE delivery_partners SET last_lat = $1, last_lng = $2, last_location_at = $3 \
                 WHERE user_id = $4",
            )
            .bind(lat)
            .bind(lng)
            .bind(at.timestamp_millis())
            .bind(partner_id)
            .execute(&mut tx)
            .await?;
            tx.commit().await
        })
        .await
    }

    pub async fn location_trail(&self, order_id: &str, limit: i64) -> StoreResult<Vec<TrailPoint>> {
        let rows = sql(
            "SELECT lat, lng, at FROM (SELECT * FROM location_samples WHERE order_id = $1 \
             ORDER BY at DESC LIMIT $2) AS t ORDER BY at ASC",
        )
        .bind(order_id)
        .bind(limit)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TrailPoint {
                    lat: r.get("lat")?,
                    lng: r.get("lng")?,
                    at: from_ms(r.get("at")?),
                })
            })
            .collect()
    }

    /// The customer rates a delivered order once (1-5), maybe with a comment and a tip
    /// for the rider (added to their earnings), in one transaction. Not the customer's
    /// order → NotFound; not delivered → InvalidState; rated before → `already_rated`.
    pub async fn rate_order(
        &self,
        order_id: &str,
        customer_id: &str,
        rating: &Rating,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let at = rating.at.timestamp_millis();
            let done = sql(
                "UPDATE orders SET rating = $1, rating_comment = $2, tip = $3, rated_at = $4, \
                 updated_at = $4 WHERE id = $5 AND customer_id = $6 AND status = 'delivered' \
                 AND rated_at IS NULL",
            )
            .bind(rating.stars)
            .bind(rating.comment.as_deref())
            .bind(rating.tip.minor())
            .bind(at)
            .bind(order_id)
            .bind(customer_id)
            .execute(&mut tx)
            .await?;
            let order = match order_in(&mut tx, order_id).await? {
                Some(o) if o.customer_id == customer_id => o,
                _ => return Err(StoreError::NotFound),
            };
            if done == 0 {
                return Err(if order.rating.is_some() {
                    StoreError::Refused("already_rated", "This delivery is already rated.".into())
                } else {
                    StoreError::InvalidState(order.status.as_str().to_owned())
                });
            }
            if let Some(partner) = &order.partner_id {
                sql(
                    "UPDATE delivery_partners SET rating_sum = rating_sum + $1, \
                     rating_count = rating_count + 1, total_earnings = total_earnings + $2 \
                     WHERE user_id = $3",
                )
                .bind(rating.stars)
                .bind(rating.tip.minor())
                .bind(partner)
                .execute(&mut tx)
                .await?;
            }
            let change = record(
                &mut tx,
                order_id,
                OrderEventKind::Rated,
                json!({ "rating": rating.stars, "tip": rating.tip.minor(),
                        "comment": rating.comment }),
                Some((customer_id, Role::Customer)),
                rating.at,
            )
            .await?;
            tx.commit().await?;
            Ok(change)
        })
        .await
    }

    /// Payouts since the start of today and of this week (UTC bounds given by the caller).
    pub async fn earnings(
        &self,
        partner_id: &str,
        day_start: DateTime<Utc>,
        week_start: DateTime<Utc>,
        recent: i64,
    ) -> StoreResult<Earnings> {
        let mut conn = self.read().await?;
        let sums = sql(
            "SELECT \
               CAST(COALESCE(SUM(CASE WHEN delivered_at >= $2 THEN payout + tip END), 0) AS BIGINT) AS today, \
               CAST(COALESCE(SUM(CASE WHEN delivered_at >= $3 THEN payout + tip END), 0) AS BIGINT) AS week, \
               CAST(COALESCE(SUM(payout + tip), 0) AS BIGINT) AS total, \
               COUNT(CASE WHEN delivered_at >= $2 THEN 1 END) AS n_today, \
               COUNT(CASE WHEN delivered_at >= $3 THEN 1 END) AS n_week, \
               COUNT(*) AS n_total \
             FROM orders WHERE partner_id = $1 AND status = 'delivered'",
        )
        .bind(partner_id)
        .bind(day_start.timestamp_millis())
        .bind(week_start.timestamp_millis())
        .fetch_one(&mut conn)
        .await?;
        let rows = sql(
            "SELECT id, payout + tip AS payout, distance_m, delivered_at FROM orders WHERE partner_id = $1 \
             AND status = 'delivered' ORDER BY delivered_at DESC LIMIT $2",
        )
        .bind(partner_id)
        .bind(recent)
        .fetch_all(&mut conn)
        .await?;
        let recent = rows
            .iter()
            .map(|r| {
                Ok((
                    r.get("id")?,
                    Money(r.get::<Option<i64>, _>("payout")?.unwrap_or(0)),
                    r.get("distance_m")?,
                    from_ms(r.get("delivered_at")?),
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Earnings {
            today: Money(sums.get("today")?),
            week: Money(sums.get("week")?),
            total: Money(sums.get("total")?),
            deliveries_today: sums.get("n_today")?,
            deliveries_week: sums.get("n_week")?,
            deliveries_total: sums.get("n_total")?,
            recent,
        })
    }
}
