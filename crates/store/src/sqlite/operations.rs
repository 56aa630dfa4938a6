//! Admin operations on SQLite: the dashboard snapshot, filtered tables, partner flags,
//! unassign/reassign, and catalog edits with a stock audit trail.

use super::catalog::{
    PRODUCT_SELECT, category_from_row, like_pattern, product_from_row, product_in,
};
use super::delivery::{ACTIVE, profile_from_row};
use super::orders::{append_event, load_orders, order_in};
use super::users::user_from_row;
use super::{SqliteStore, now_ms};
use crate::models::*;
use crate::{Operations, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use qc_domain::{Money, OrderStatus};
use sqlx::Row;

#[async_trait]
impl Operations for SqliteStore {
    async fn stats_snapshot(
        &self,
        since: DateTime<Utc>,
        low_stock_below: i64,
    ) -> StoreResult<StatsSnapshot> {
        let mut conn = self.reader.acquire().await?;
        let since = since.timestamp_millis();
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM orders WHERE created_at >= ? GROUP BY status",
        )
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
        let mut orders_by_status = Vec::new();
        for r in &rows {
            let status: String = r.try_get("status")?;
            if let Some(s) = OrderStatus::parse(&status) {
                orders_by_status.push((s, r.try_get("n")?));
            }
        }
        let revenue: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM orders WHERE status = 'delivered' AND delivered_at >= ?",
        )
        .bind(since)
        .fetch_one(&mut *conn)
        .await?;
        let delivery_seconds: Vec<i64> = sqlx::query_scalar(
            "SELECT (delivered_at - created_at) / 1000 FROM orders WHERE status = 'delivered' \
             AND delivered_at >= ? ORDER BY delivered_at DESC LIMIT 10000",
        )
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
        let partners = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS total, CAST(COALESCE(SUM(CASE WHEN is_available THEN 1 ELSE 0 END), 0) AS BIGINT) AS available, \
             (SELECT COUNT(DISTINCT partner_id) FROM orders WHERE status IN {ACTIVE}) AS busy \
             FROM delivery_partners d JOIN users u ON u.id = d.user_id WHERE u.status = 'active'"
        )))
        .fetch_one(&mut *conn)
        .await?;
        let low = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PRODUCT_SELECT} WHERE p.is_active = TRUE AND p.stock < ? ORDER BY p.stock ASC, p.name LIMIT 50"
        )))
        .bind(low_stock_below)
        .fetch_all(&mut *conn)
        .await?;
        Ok(StatsSnapshot {
            orders_by_status,
            revenue: Money(revenue),
            delivery_seconds,
            partners_total: partners.try_get("total")?,
            partners_available: partners.try_get("available")?,
            partners_busy: partners.try_get("busy")?,
            low_stock: low
                .iter()
                .map(product_from_row)
                .collect::<StoreResult<_>>()?,
        })
    }

    async fn admin_orders(&self, f: &AdminOrderFilter) -> StoreResult<(Vec<Order>, i64)> {
        let filter = " WHERE (?1 IS NULL OR o.status = ?1) \
             AND (?2 IS NULL OR o.id LIKE ?2 ESCAPE '\\' OR lower(u.name) LIKE lower(?2) ESCAPE '\\' \
                  OR u.email LIKE lower(?2) ESCAPE '\\') \
             AND (?3 IS NULL OR o.created_at >= ?3) AND (?4 IS NULL OR o.created_at < ?4) \
             AND (?5 IS NULL OR o.partner_id = ?5)";
        let search = f.search.as_deref().map(|s| like_pattern(s.trim()));
        let mut conn = self.reader.acquire().await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.customer_id{filter}"
        )))
        .bind(f.status.map(OrderStatus::as_str))
        .bind(&search)
        .bind(f.from.map(|d| d.timestamp_millis()))
        .bind(f.to.map(|d| d.timestamp_millis()))
        .bind(&f.partner_id)
        .fetch_one(&mut *conn)
        .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT o.* FROM orders o JOIN users u ON u.id = o.customer_id{filter} \
             ORDER BY o.created_at DESC, o.id DESC LIMIT ?6 OFFSET ?7"
        )))
        .bind(f.status.map(OrderStatus::as_str))
        .bind(&search)
        .bind(f.from.map(|d| d.timestamp_millis()))
        .bind(f.to.map(|d| d.timestamp_millis()))
        .bind(&f.partner_id)
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&mut *conn)
        .await?;
        Ok((load_orders(&mut conn, rows).await?, total))
    }

    async fn list_users(&self, f: &UserFilter) -> StoreResult<(Vec<User>, i64)> {
        let filter = " WHERE (?1 IS NULL OR role = ?1) AND (?2 IS NULL OR status = ?2) \
             AND (?3 IS NULL OR lower(name) LIKE lower(?3) ESCAPE '\\' OR email LIKE lower(?3) ESCAPE '\\')";
        let search = f.search.as_deref().map(|s| like_pattern(s.trim()));
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM users{filter}"
        )))
        .bind(f.role.map(qc_domain::Role::as_str))
        .bind(f.status.map(qc_domain::UserStatus::as_str))
        .bind(&search)
        .fetch_one(&self.reader)
        .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM users{filter} ORDER BY created_at DESC, id DESC LIMIT ?4 OFFSET ?5"
        )))
        .bind(f.role.map(qc_domain::Role::as_str))
        .bind(f.status.map(qc_domain::UserStatus::as_str))
        .bind(&search)
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&self.reader)
        .await?;
        Ok((
            rows.iter().map(user_from_row).collect::<StoreResult<_>>()?,
            total,
        ))
    }

    async fn list_partners(
        &self,
        search: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<PartnerRow>, i64)> {
        let search = search.map(|s| like_pattern(s.trim()));
        let filter = " WHERE (?1 IS NULL OR lower(u.name) LIKE lower(?1) ESCAPE '\\' OR u.email LIKE lower(?1) ESCAPE '\\')";
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM delivery_partners d JOIN users u ON u.id = d.user_id{filter}"
        )))
        .bind(&search)
        .fetch_one(&self.reader)
        .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT d.*, u.name, u.phone, u.email, \
               (SELECT COUNT(*) FROM orders o WHERE o.partner_id = d.user_id AND o.status IN {ACTIVE}) AS active_orders, \
               (SELECT o.id FROM orders o WHERE o.partner_id = d.user_id AND o.status IN {ACTIVE} \
                  ORDER BY o.accepted_at DESC LIMIT 1) AS active_order_id \
             FROM delivery_partners d JOIN users u ON u.id = d.user_id{filter} \
             ORDER BY u.name LIMIT ?2 OFFSET ?3"
        )))
        .bind(&search)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.reader)
        .await?;
        let partners = rows
            .iter()
            .map(|r| {
                Ok(PartnerRow {
                    email: r.try_get("email")?,
                    profile: profile_from_row(r)?,
                    active_order_id: r.try_get("active_order_id")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok((partners, total))
    }

    async fn set_partner_flags(
        &self,
        user_id: &str,
        verified: Option<bool>,
        suspended: Option<bool>,
    ) -> StoreResult<PartnerProfile> {
        let mut tx = self.write_tx().await?;
        let status = suspended.map(|s| if s { "suspended" } else { "active" });
        let done = sqlx::query(
            "UPDATE delivery_partners SET is_verified = COALESCE(?1, is_verified), \
             status = COALESCE(?2, status), \
             is_available = CASE WHEN ?2 = 'suspended' THEN FALSE ELSE is_available END WHERE user_id = ?3",
        )
        .bind(verified)
        .bind(status)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT d.*, u.name, u.phone, (SELECT COUNT(*) FROM orders o WHERE o.partner_id = d.user_id \
             AND o.status IN {ACTIVE}) AS active_orders FROM delivery_partners d JOIN users u \
             ON u.id = d.user_id WHERE d.user_id = ?"
        )))
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        profile_from_row(&row)
    }

    async fn unassign_order(
        &self,
        order_id: &str,
        admin_id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent, String)> {
        let mut tx = self.write_tx().await?;
        let before = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let previous = before.partner_id.clone().unwrap_or_default();
        let done = sqlx::query(
            "UPDATE orders SET status = 'pending', partner_id = NULL, accepted_at = NULL, updated_at = ? \
             WHERE id = ? AND status = 'accepted'",
        )
        .bind(at.timestamp_millis())
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::InvalidState(before.status.as_str().to_owned()));
        }
        let event = append_event(
            &mut tx,
            order_id,
            "order.unassigned",
            serde_json::json!({ "status": "pending", "previousPartnerId": previous, "reason": reason }),
            (Some(admin_id), Some("admin")),
            at,
        )
        .await?;
        let order = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((order, event, previous))
    }

    async fn reassign_order(
        &self,
        order_id: &str,
        partner_id: &str,
        admin_id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent, String)> {
        let mut tx = self.write_tx().await?;
        let partner_ok: Option<String> = sqlx::query_scalar(
            "SELECT u.name FROM delivery_partners d JOIN users u ON u.id = d.user_id \
             WHERE d.user_id = ? AND d.status = 'active' AND u.status = 'active'",
        )
        .bind(partner_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(name) = partner_ok else {
            return Err(StoreError::Conflict(
                "the new partner is not an active delivery partner".into(),
            ));
        };
        let before = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let previous = before.partner_id.clone().unwrap_or_default();
        if previous == partner_id {
            return Err(StoreError::Conflict(
                "the order is already with this partner".into(),
            ));
        }
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE orders SET partner_id = ?1, status = CASE status WHEN 'pending' THEN 'accepted' ELSE status END, \
             accepted_at = COALESCE(accepted_at, ?2), updated_at = ?2 \
             WHERE id = ?3 AND (status IN {ACTIVE} OR status = 'pending')"
        )))
        .bind(partner_id)
        .bind(at.timestamp_millis())
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::InvalidState(before.status.as_str().to_owned()));
        }
        let event = append_event(
            &mut tx,
            order_id,
            "order.reassigned",
            serde_json::json!({ "partnerId": partner_id, "partnerName": name,
                                "previousPartnerId": previous, "reason": reason,
                                "status": if before.status == OrderStatus::Pending { "accepted" } else { before.status.as_str() } }),
            (Some(admin_id), Some("admin")),
            at,
        )
        .await?;
        let order = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((order, event, previous))
    }

    async fn update_product(&self, id: &str, p: ProductPatch) -> StoreResult<Product> {
        let mut tx = self.write_tx().await?;
        let category_id: Option<String> = match &p.category {
            None => None,
            Some(slug) => Some(
                sqlx::query_scalar("SELECT id FROM categories WHERE slug = ? OR id = ?")
                    .bind(slug)
                    .bind(slug)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::Conflict("no such category".into()))?,
            ),
        };
        let tags = p
            .tags
            .as_ref()
            .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into()));
        let (set_brand, brand) = match p.brand {
            Some(b) => (true, b),
            None => (false, None),
        };
        let done = sqlx::query(
            "UPDATE products SET name = COALESCE(?1, name), description = COALESCE(?2, description), \
             unit = COALESCE(?3, unit), price = COALESCE(?4, price), mrp = COALESCE(?5, mrp), \
             is_active = COALESCE(?6, is_active), brand = CASE WHEN ?7 THEN ?8 ELSE brand END, \
             tags = COALESCE(?9, tags), category_id = COALESCE(?10, category_id), updated_at = ?11 WHERE id = ?12",
        )
        .bind(p.name)
        .bind(p.description)
        .bind(p.unit)
        .bind(p.price.map(Money::minor))
        .bind(p.mrp.map(Money::minor))
        .bind(p.is_active)
        .bind(set_brand)
        .bind(brand)
        .bind(tags)
        .bind(category_id)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref d) if d.message().contains("CHECK") => {
                StoreError::Conflict("the MRP must be at least the price, and the price above zero".into())
            }
            other => other.into(),
        })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let product = product_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(product)
    }

    async fn change_stock(
        &self,
        id: &str,
        change: StockChange,
        reason: &str,
        actor_id: &str,
    ) -> StoreResult<Product> {
        let mut tx = self.write_tx().await?;
        let current = product_in(&mut tx, id).await?;
        let new_stock = match change {
            StockChange::Set(n) => n,
            StockChange::Adjust(d) => current.stock.saturating_add(d),
        };
        if new_stock < 0 {
            return Err(StoreError::InvalidState(format!(
                "stock cannot go below zero (it is {})",
                current.stock
            )));
        }
        let at = now_ms();
        sqlx::query("UPDATE products SET stock = ?, updated_at = ? WHERE id = ?")
            .bind(new_stock)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(new_stock - current.stock)
        .bind(new_stock)
        .bind(reason)
        .bind(actor_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let product = product_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(product)
    }

    async fn update_category(&self, id: &str, c: CategoryPatch) -> StoreResult<Category> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE categories SET name = COALESCE(?, name), description = COALESCE(?, description), \
             color = COALESCE(?, color), icon = COALESCE(?, icon), is_active = COALESCE(?, is_active) \
             WHERE id = ? OR slug = ?",
        )
        .bind(c.name)
        .bind(c.description)
        .bind(c.color)
        .bind(c.icon)
        .bind(c.is_active)
        .bind(id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query("SELECT * FROM categories WHERE id = ? OR slug = ?")
            .bind(id)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        category_from_row(&row)
    }
}
