//! Delivery partners on SQLite: availability, the single-winner accept, the status
//! flow with code confirmation, locations and earnings.

use super::orders::{append_event, load_orders, order_in};
use super::{SqliteStore, from_ms, opt_ms};
use crate::models::*;
use crate::{Delivery, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use qc_domain::{Money, OrderStatus};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

pub(crate) const ACTIVE: &str = "('accepted', 'picked_up', 'on_the_way')";

pub(crate) fn profile_from_row(r: &SqliteRow) -> StoreResult<PartnerProfile> {
    let lat: Option<f64> = r.try_get("last_lat")?;
    let lng: Option<f64> = r.try_get("last_lng")?;
    let at = opt_ms(r.try_get("last_location_at")?);
    Ok(PartnerProfile {
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        phone: r.try_get("phone")?,
        is_available: r.try_get("is_available")?,
        is_verified: r.try_get("is_verified")?,
        status: r.try_get("status")?,
        vehicle_type: r.try_get("vehicle_type")?,
        last_location: match (lat, lng, at) {
            (Some(a), Some(b), Some(t)) => Some((a, b, t)),
            _ => None,
        },
        total_deliveries: r.try_get("total_deliveries")?,
        total_earnings: Money(r.try_get("total_earnings")?),
        active_orders: r.try_get("active_orders")?,
    })
}

const PROFILE_SELECT: &str = "SELECT d.*, u.name, u.phone, \
    (SELECT COUNT(*) FROM orders o WHERE o.partner_id = d.user_id \
       AND o.status IN ('accepted', 'picked_up', 'on_the_way')) AS active_orders \
    FROM delivery_partners d JOIN users u ON u.id = d.user_id WHERE d.user_id = ?";

impl SqliteStore {
    /// Why a conditional update on an assigned order touched nothing.
    async fn diagnose(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        order_id: &str,
        partner_id: &str,
    ) -> StoreError {
        match order_in(tx, order_id).await {
            Ok(Some(o)) if o.partner_id.as_deref() == Some(partner_id) => {
                StoreError::InvalidState(o.status.as_str().to_owned())
            }
            Ok(_) => StoreError::NotFound,
            Err(e) => e,
        }
    }
}

#[async_trait]
impl Delivery for SqliteStore {
    async fn partner_profile(&self, user_id: &str) -> StoreResult<Option<PartnerProfile>> {
        let row = sqlx::query(PROFILE_SELECT)
            .bind(user_id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(profile_from_row).transpose()
    }

    async fn set_availability(
        &self,
        user_id: &str,
        available: bool,
    ) -> StoreResult<PartnerProfile> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("UPDATE delivery_partners SET is_available = ? WHERE user_id = ?")
            .bind(available)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(PROFILE_SELECT)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        profile_from_row(&row)
    }

    async fn available_orders(&self, limit: i64) -> StoreResult<Vec<Order>> {
        let mut conn = self.reader.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM orders WHERE status = 'pending' AND partner_id IS NULL \
             ORDER BY created_at ASC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        load_orders(&mut conn, rows).await
    }

    async fn partner_orders(
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
        let mut conn = self.reader.acquire().await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM orders WHERE partner_id = ? AND {filter}"
        )))
        .bind(partner_id)
        .fetch_one(&mut *conn)
        .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM orders WHERE partner_id = ? AND {filter} \
             ORDER BY COALESCE(delivered_at, cancelled_at, accepted_at) DESC LIMIT ? OFFSET ?"
        )))
        .bind(partner_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
        Ok((load_orders(&mut conn, rows).await?, total))
    }

    async fn accept_order(
        &self,
        order_id: &str,
        partner_id: &str,
        max_active: i64,
        distance_m: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent)> {
        let mut tx = self.write_tx().await?;
        let active: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM orders WHERE partner_id = ? AND status IN {ACTIVE}"
        )))
        .bind(partner_id)
        .fetch_one(&mut *tx)
        .await?;
        if active >= max_active {
            return Err(StoreError::LimitReached(format!(
                "at most {max_active} active orders at a time"
            )));
        }
        // The single-winner update: one affected row means this partner won.
        let won = sqlx::query(
            "UPDATE orders SET status = 'accepted', partner_id = ?, accepted_at = ?, distance_m = ?, \
             updated_at = ? WHERE id = ? AND status = 'pending' AND partner_id IS NULL",
        )
        .bind(partner_id)
        .bind(at.timestamp_millis())
        .bind(distance_m)
        .bind(at.timestamp_millis())
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        if won.rows_affected() == 0 {
            return Err(match order_in(&mut tx, order_id).await? {
                None => StoreError::NotFound,
                Some(o) => StoreError::InvalidState(o.status.as_str().to_owned()),
            });
        }
        let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
            .bind(partner_id)
            .fetch_one(&mut *tx)
            .await?;
        let event = append_event(
            &mut tx,
            order_id,
            "order.accepted",
            serde_json::json!({ "status": "accepted", "partnerId": partner_id, "partnerName": name }),
            (Some(partner_id), Some("delivery")),
            at,
        )
        .await?;
        let order = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((order, event))
    }

    async fn advance_order(
        &self,
        order_id: &str,
        partner_id: &str,
        from: OrderStatus,
        to: OrderStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent)> {
        let column = match to {
            OrderStatus::PickedUp => "picked_up_at",
            OrderStatus::OnTheWay => "on_the_way_at",
            _ => return Err(StoreError::InvalidState(to.as_str().to_owned())),
        };
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE orders SET status = ?1, {column} = ?2, updated_at = ?2 \
             WHERE id = ?3 AND partner_id = ?4 AND status = ?5"
        )))
        .bind(to.as_str())
        .bind(at.timestamp_millis())
        .bind(order_id)
        .bind(partner_id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(self.diagnose(&mut tx, order_id, partner_id).await);
        }
        let event = append_event(
            &mut tx,
            order_id,
            "order.status_updated",
            serde_json::json!({ "status": to.as_str() }),
            (Some(partner_id), Some("delivery")),
            at,
        )
        .await?;
        let order = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((order, event))
    }

    async fn confirm_delivery(
        &self,
        order_id: &str,
        partner_id: &str,
        code: &str,
        max_attempts: i64,
        payout: Money,
        at: DateTime<Utc>,
    ) -> StoreResult<Confirmation> {
        let mut tx = self.write_tx().await?;
        let order = match order_in(&mut tx, order_id).await? {
            Some(o) if o.partner_id.as_deref() == Some(partner_id) => o,
            _ => return Err(StoreError::NotFound),
        };
        if order.status != OrderStatus::OnTheWay {
            return Err(StoreError::InvalidState(order.status.as_str().to_owned()));
        }
        if order.code_attempts >= max_attempts {
            return Ok(Confirmation::Locked);
        }
        if order.confirmation_code != code {
            let attempts: i64 = sqlx::query_scalar(
                "UPDATE orders SET code_attempts = code_attempts + 1 WHERE id = ? RETURNING code_attempts",
            )
            .bind(order_id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(if attempts >= max_attempts {
                Confirmation::Locked
            } else {
                Confirmation::WrongCode {
                    attempts_left: max_attempts - attempts,
                }
            });
        }
        let ms = at.timestamp_millis();
        let done = sqlx::query(
            "UPDATE orders SET status = 'delivered', delivered_at = ?1, payout = ?2, updated_at = ?1 \
             WHERE id = ?3 AND partner_id = ?4 AND status = 'on_the_way'",
        )
        .bind(ms)
        .bind(payout.minor())
        .bind(order_id)
        .bind(partner_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(self.diagnose(&mut tx, order_id, partner_id).await);
        }
        sqlx::query(
            "UPDATE delivery_partners SET total_deliveries = total_deliveries + 1, \
             total_earnings = total_earnings + ? WHERE user_id = ?",
        )
        .bind(payout.minor())
        .bind(partner_id)
        .execute(&mut *tx)
        .await?;
        let event = append_event(
            &mut tx,
            order_id,
            "order.delivered",
            serde_json::json!({ "status": "delivered", "actualDeliveryTime": at, "payout": payout.minor() }),
            (Some(partner_id), Some("delivery")),
            at,
        )
        .await?;
        let order = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(Confirmation::Delivered(Box::new(order), event))
    }

    async fn record_location(
        &self,
        partner_id: &str,
        order_id: &str,
        lat: f64,
        lng: f64,
        at: DateTime<Utc>,
        sample: bool,
    ) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE delivery_partners SET last_lat = ?, last_lng = ?, last_location_at = ? WHERE user_id = ?",
        )
        .bind(lat)
        .bind(lng)
        .bind(at.timestamp_millis())
        .bind(partner_id)
        .execute(&mut *tx)
        .await?;
        if sample {
            sqlx::query(
                "INSERT INTO location_samples (order_id, partner_id, lat, lng, at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(order_id)
            .bind(partner_id)
            .bind(lat)
            .bind(lng)
            .bind(at.timestamp_millis())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn location_trail(&self, order_id: &str, limit: i64) -> StoreResult<Vec<TrailPoint>> {
        let rows = sqlx::query(
            "SELECT lat, lng, at FROM (SELECT * FROM location_samples WHERE order_id = ? \
             ORDER BY at DESC LIMIT ?) AS t ORDER BY at ASC",
        )
        .bind(order_id)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TrailPoint {
                    lat: r.try_get("lat")?,
                    lng: r.try_get("lng")?,
                    at: from_ms(r.try_get("at")?),
                })
            })
            .collect()
    }

    async fn earnings(
        &self,
        partner_id: &str,
        day_start: DateTime<Utc>,
        week_start: DateTime<Utc>,
        recent: i64,
    ) -> StoreResult<Earnings> {
        let sums = sqlx::query(
            "SELECT \
               CAST(COALESCE(SUM(CASE WHEN delivered_at >= ?2 THEN payout END), 0) AS BIGINT) AS today, \
               CAST(COALESCE(SUM(CASE WHEN delivered_at >= ?3 THEN payout END), 0) AS BIGINT) AS week, \
               CAST(COALESCE(SUM(payout), 0) AS BIGINT) AS total, \
               COUNT(CASE WHEN delivered_at >= ?2 THEN 1 END) AS n_today, \
               COUNT(CASE WHEN delivered_at >= ?3 THEN 1 END) AS n_week, \
               COUNT(*) AS n_total \
             FROM orders WHERE partner_id = ?1 AND status = 'delivered'",
        )
        .bind(partner_id)
        .bind(day_start.timestamp_millis())
        .bind(week_start.timestamp_millis())
        .fetch_one(&self.reader)
        .await?;
        let rows = sqlx::query(
            "SELECT id, payout, distance_m, delivered_at FROM orders WHERE partner_id = ? \
             AND status = 'delivered' ORDER BY delivered_at DESC LIMIT ?",
        )
        .bind(partner_id)
        .bind(recent)
        .fetch_all(&self.reader)
        .await?;
        let recent = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    Money(r.try_get::<Option<i64>, _>("payout")?.unwrap_or(0)),
                    r.try_get("distance_m")?,
                    from_ms(r.try_get("delivered_at")?),
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Earnings {
            today: Money(sums.try_get("today")?),
            week: Money(sums.try_get("week")?),
            total: Money(sums.try_get("total")?),
            deliveries_today: sums.try_get("n_today")?,
            deliveries_week: sums.try_get("n_week")?,
            deliveries_total: sums.try_get("n_total")?,
            recent,
        })
    }
}
