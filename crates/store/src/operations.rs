//! What admins see and change: the dashboard snapshot, filtered tables, partner flags,
//! unassign / reassign, and catalog edits with a stock audit trail.

use crate::accounts::user_from_row;
use crate::catalog::{
    PRODUCT_SELECT, category_from_row, like_pattern, product_from_row, product_in,
};
use crate::db::{sql, sql_built};
use crate::delivery::{PROFILE_SELECT, profile_from_row};
use crate::models::*;
use crate::orders::{ACTIVE, load_orders, now_ms, order_in, record};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use qc_domain::{Money, OrderEventKind, OrderStatus, Role};
use serde_json::json;

impl Store {
    /// Everything the admin dashboard needs from the database, for orders since `since`.
    pub async fn stats_snapshot(
        &self,
        since: DateTime<Utc>,
        low_stock_below: i64,
    ) -> StoreResult<StatsSnapshot> {
        let mut conn = self.read().await?;
        let since = since.timestamp_millis();
        let rows =
            sql("SELECT status, COUNT(*) AS n FROM orders WHERE created_at >= $1 GROUP BY status")
                .bind(since)
                .fetch_all(&mut conn)
                .await?;
        let mut orders_by_status = Vec::new();
        for r in &rows {
            let status: String = r.get("status")?;
            if let Some(s) = OrderStatus::parse(&status) {
                orders_by_status.push((s, r.get("n")?));
            }
        }
        let revenue: i64 = sql(
            "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM orders \
             WHERE status = 'delivered' AND delivered_at >= $1",
        )
        .bind(since)
        .scalar(&mut conn)
        .await?;
        let delivery_seconds: Vec<i64> = sql(
            "SELECT (delivered_at - created_at) / 1000 FROM orders WHERE status = 'delivered' \
             AND delivered_at >= $1 ORDER BY delivered_at DESC LIMIT 10000",
        )
        .bind(since)
        .scalars(&mut conn)
        .await?;
        let partners = sql_built(format!(
            "SELECT COUNT(*) AS total, \
             CAST(COALESCE(SUM(CASE WHEN is_available THEN 1 ELSE 0 END), 0) AS BIGINT) AS available, \
             (SELECT COUNT(DISTINCT partner_id) FROM orders WHERE status IN {ACTIVE}) AS busy \
             FROM delivery_partners d JOIN users u ON u.id = d.user_id WHERE u.status = 'active'"
        ))
        .fetch_one(&mut conn)
        .await?;
        let low = sql_built(format!(
            "{PRODUCT_SELECT} WHERE p.is_active = TRUE AND p.stock < $1 \
             ORDER BY p.stock ASC, p.name LIMIT 50"
        ))
        .bind(low_stock_below)
        .fetch_all(&mut conn)
        .await?;
        Ok(StatsSnapshot {
            orders_by_status,
            revenue: Money(revenue),
            delivery_seconds,
            partners_total: partners.get("total")?,
            partners_available: partners.get("available")?,
            partners_busy: partners.get("busy")?,
            low_stock: low
                .iter()
                .map(product_from_row)
                .collect::<StoreResult<_>>()?,
        })
    }

    pub async fn admin_orders(&self, f: &AdminOrderFilter) -> StoreResult<(Vec<Order>, i64)> {
        let filter = " WHERE ($1 IS NULL OR o.status = $1) \
             AND ($2 IS NULL OR o.id LIKE $2 ESCAPE '\\' OR lower(u.name) LIKE lower($2) ESCAPE '\\' \
                  OR u.email LIKE lower($2) ESCAPE '\\') \
             AND ($3 IS NULL OR o.created_at >= $3) AND ($4 IS NULL OR o.created_at < $4) \
             AND ($5 IS NULL OR o.partner_id = $5)";
        let search = f.search.as_deref().map(|s| like_pattern(s.trim()));
        let mut conn = self.read().await?;
        let total: i64 = sql_built(format!(
            "SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.customer_id{filter}"
        ))
        .bind(f.status.map(OrderStatus::as_str))
        .bind(&search)
        .bind(f.from.map(|d| d.timestamp_millis()))
        .bind(f.to.map(|d| d.timestamp_millis()))
        .bind(&f.partner_id)
        .scalar(&mut conn)
        .await?;
        let rows = sql_built(format!(
            "SELECT o.* FROM orders o JOIN users u ON u.id = o.customer_id{filter} \
             ORDER BY o.created_at DESC, o.id DESC LIMIT $6 OFFSET $7"
        ))
        .bind(f.status.map(OrderStatus::as_str))
        .bind(&search)
        .bind(f.from.map(|d| d.timestamp_millis()))
        .bind(f.to.map(|d| d.timestamp_millis()))
        .bind(&f.partner_id)
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&mut conn)
        .await?;
        Ok((load_orders(&mut conn, rows).await?, total))
    }

    pub async fn list_users(&self, f: &UserFilter) -> StoreResult<(Vec<User>, i64)> {
        let filter = " WHERE ($1 IS NULL OR role = $1) AND ($2 IS NULL OR status = $2) \
             AND ($3 IS NULL OR lower(name) LIKE lower($3) ESCAPE '\\' OR email LIKE lower($3) ESCAPE '\\')";
        let search = f.search.as_deref().map(|s| like_pattern(s.trim()));
        let mut conn = self.read().await?;
        let total: i64 = sql_built(format!("SELECT COUNT(*) FROM users{filter}"))
            .bind(f.role.map(Role::as_str))
            .bind(f.status.map(qc_domain::UserStatus::as_str))
            .bind(&search)
            .scalar(&mut conn)
            .await?;
        let rows = sql_built(format!(
            "SELECT * FROM users{filter} ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5"
        ))
        .bind(f.role.map(Role::as_str))
        .bind(f.status.map(qc_domain::UserStatus::as_str))
        .bind(&search)
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&mut conn)
        .await?;
        Ok((
            rows.iter().map(user_from_row).collect::<StoreResult<_>>()?,
            total,
        ))
    }

    pub async fn list_partners(
        &self,
        search: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<PartnerRow>, i64)> {
        let search = search.map(|s| like_pattern(s.trim()));
        let filter = " WHERE ($1 IS NULL OR lower(u.name) LIKE lower($1) ESCAPE '\\' \
                      OR u.email LIKE lower($1) ESCAPE '\\')";
        let mut conn = self.read().await?;
        let total: i64 = sql_built(format!(
            "SELECT COUNT(*) FROM delivery_partners d JOIN users u ON u.id = d.user_id{filter}"
        ))
        .bind(&search)
        .scalar(&mut conn)
        .await?;
        let rows = sql_built(format!(
            "SELECT d.*, u.name, u.phone, u.email, \
               (SELECT COUNT(*) FROM orders o WHERE o.partner_id = d.user_id AND o.status IN {ACTIVE}) AS active_orders, \
               (SELECT o.id FROM orders o WHERE o.partner_id = d.user_id AND o.status IN {ACTIVE} \
                  ORDER BY o.accepted_at DESC LIMIT 1) AS active_order_id \
             FROM delivery_partners d JOIN users u ON u.id = d.user_id{filter} \
             ORDER BY u.name LIMIT $2 OFFSET $3"
        ))
        .bind(&search)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut conn)
        .await?;
        let partners = rows
            .iter()
            .map(|r| {
                Ok(PartnerRow {
                    email: r.get("email")?,
                    profile: profile_from_row(r)?,
                    active_order_id: r.get("active_order_id")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok((partners, total))
    }

    /// Verify or suspend a partner; suspension also turns availability off.
    pub async fn set_partner_flags(
        &self,
        user_id: &str,
        verified: Option<bool>,
        suspended: Option<bool>,
    ) -> StoreResult<PartnerProfile> {
        let status = suspended.map(|s| if s { "suspended" } else { "active" });
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE delivery_partners SET is_verified = COALESCE($1, is_verified), \
                 status = COALESCE($2, status), \
                 is_available = CASE WHEN $2 = 'suspended' OR $1 = FALSE THEN FALSE \
                   ELSE is_available END \
                 WHERE user_id = $3",
            )
            .bind(verified)
            .bind(status)
            .bind(user_id)
            .execute_found(&mut tx)
            .await?;
            let row = sql(PROFILE_SELECT).bind(user_id).fetch_one(&mut tx).await?;
            tx.commit().await?;
            profile_from_row(&row)
        })
        .await
    }

    /// Take an accepted (not yet picked up) order back from its partner and offer it
    /// again. The change names the previous partner.
    pub async fn unassign_order(
        &self,
        order_id: &str,
        admin_id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let before = order_in(&mut tx, order_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let previous = before.partner_id.clone().unwrap_or_default();
            let done = sql(
                "UPDATE orders SET status = 'pending', partner_id = NULL, accepted_at = NULL, \
                 updated_at = $1 WHERE id = $2 AND status = 'accepted'",
            )
            .bind(at.timestamp_millis())
            .bind(order_id)
            .execute(&mut tx)
            .await?;
            if done == 0 {
                return Err(StoreError::InvalidState(before.status.as_str().to_owned()));
            }
            let mut change = record(
                &mut tx,
                order_id,
                OrderEventKind::Unassigned,
                json!({ "status": "pending", "previousPartnerId": previous, "reason": reason }),
                Some((admin_id, Role::Admin)),
                at,
            )
            .await?;
            tx.commit().await?;
            change.previous_partner = Some(previous);
            Ok(change)
        })
        .await
    }

    /// Give an active (or still pending) order to another partner. The change names the
    /// previous partner (empty when there was none).
    pub async fn reassign_order(
        &self,
        order_id: &str,
        partner_id: &str,
        admin_id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let name: String = sql(
                "SELECT u.name FROM delivery_partners d JOIN users u ON u.id = d.user_id \
                 WHERE d.user_id = $1 AND d.status = 'active' AND u.status = 'active'",
            )
            .bind(partner_id)
            .scalar_optional(&mut tx)
            .await?
            .ok_or_else(|| {
                StoreError::Conflict("the new partner is not an active delivery partner".into())
            })?;
            let before = order_in(&mut tx, order_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let previous = before.partner_id.clone().unwrap_or_default();
            if previous == partner_id {
                return Err(StoreError::Conflict(
                    "the order is already with this partner".into(),
                ));
            }
            let done = sql_built(format!(
                "UPDATE orders SET partner_id = $1, \
                 status = CASE status WHEN 'pending' THEN 'accepted' ELSE status END, \
                 accepted_at = COALESCE(accepted_at, $2), updated_at = $2 \
                 WHERE id = $3 AND (status IN {ACTIVE} OR status = 'pending')"
            ))
            .bind(partner_id)
            .bind(at.timestamp_millis())
            .bind(order_id)
            .execute(&mut tx)
            .await?;
            if done == 0 {
                return Err(StoreError::InvalidState(before.status.as_str().to_owned()));
            }
            let status = if before.status == OrderStatus::Pending {
                OrderStatus::Accepted
            } else {
                before.status
            };
            let mut change = record(
                &mut tx,
                order_id,
                OrderEventKind::Reassigned,
                json!({ "partnerId": partner_id, "partnerName": name,
                        "previousPartnerId": previous, "reason": reason,
                        "status": status.as_str() }),
                Some((admin_id, Role::Admin)),
                at,
            )
            .await?;
            tx.commit().await?;
            change.previous_partner = Some(previous);
            Ok(change)
        })
        .await
    }

    /// Give an active order a new confirmation code and start the attempts again (after
    /// too many wrong codes). The event names who did it and why, never the code.
    pub async fn reset_code(
        &self,
        order_id: &str,
        code: &str,
        admin_id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let done = sql_built(format!(
                "UPDATE orders SET confirmation_code = $1, code_attempts = 0, updated_at = $2 \
                 WHERE id = $3 AND status IN {ACTIVE}"
            ))
            .bind(code)
            .bind(at.timestamp_millis())
            .bind(order_id)
            .execute(&mut tx)
            .await?;
            if done == 0 {
                return Err(match order_in(&mut tx, order_id).await? {
                    None => StoreError::NotFound,
                    Some(o) => StoreError::InvalidState(o.status.as_str().to_owned()),
                });
            }
            let change = record(
                &mut tx,
                order_id,
                OrderEventKind::CodeReset,
                json!({ "reason": reason }),
                Some((admin_id, Role::Admin)),
                at,
            )
            .await?;
            tx.commit().await?;
            Ok(change)
        })
        .await
    }

    pub async fn update_product(&self, id: &str, p: ProductPatch) -> StoreResult<Product> {
        let tags = p
            .tags
            .as_ref()
            .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into()));
        let (set_brand, brand) = match &p.brand {
            Some(b) => (true, b.clone()),
            None => (false, None),
        };
        let (p, tags, brand) = (&p, &tags, &brand);
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let category_id: Option<String> = match &p.category {
                None => None,
                Some(slug) => Some(
                    sql("SELECT id FROM categories WHERE slug = $1 OR id = $1")
                        .bind(slug)
                        .scalar_optional(&mut tx)
                        .await?
                        .ok_or_else(|| StoreError::Conflict("no such category".into()))?,
                ),
            };
            let done = sql(
                "UPDATE products SET name = COALESCE($1, name), description = COALESCE($2, description), \
                 unit = COALESCE($3, unit), price = COALESCE($4, price), mrp = COALESCE($5, mrp), \
                 is_active = COALESCE($6, is_active), brand = CASE WHEN $7 THEN $8 ELSE brand END, \
                 tags = COALESCE($9, tags), category_id = COALESCE($10, category_id), updated_at = $11 \
                 WHERE id = $12",
            )
            .bind(&p.name)
            .bind(&p.description)
            .bind(&p.unit)
            .bind(p.price.map(Money::minor))
            .bind(p.mrp.map(Money::minor))
            .bind(p.is_active)
            .bind(set_brand)
            .bind(brand)
            .bind(tags)
            .bind(category_id)
            .bind(now_ms())
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(|e| match e {
                StoreError::CheckViolation => StoreError::Conflict(
                    "the MRP must be at least the price, and the price above zero".into(),
                ),
                other => other,
            })?;
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            let product = product_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(product)
        })
        .await
    }

    /// Change stock with a reason (kept in the stock movements); never below zero.
    pub async fn change_stock(
        &self,
        id: &str,
        change: StockChange,
        reason: &str,
        actor_id: &str,
    ) -> StoreResult<Product> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            // Two adjustments at once must each see the other's result.
            tx.lock(sql("SELECT id FROM products WHERE id = $1 FOR UPDATE").bind(id))
                .await?;
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
            sql("UPDATE products SET stock = $1, updated_at = $2 WHERE id = $3")
                .bind(new_stock)
                .bind(at)
                .bind(id)
                .execute(&mut tx)
                .await?;
            sql("INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, at) \
                 VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(new_stock - current.stock)
            .bind(new_stock)
            .bind(reason)
            .bind(actor_id)
            .bind(at)
            .execute(&mut tx)
            .await?;
            let product = product_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(product)
        })
        .await
    }

    pub async fn update_category(&self, id: &str, c: CategoryPatch) -> StoreResult<Category> {
        let c = &c;
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE categories SET name = COALESCE($1, name), description = COALESCE($2, description), \
                 color = COALESCE($3, color), icon = COALESCE($4, icon), is_active = COALESCE($5, is_active) \
                 WHERE id = $6 OR slug = $6",
            )
            .bind(&c.name)
            .bind(&c.description)
            .bind(&c.color)
            .bind(&c.icon)
            .bind(c.is_active)
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            let row = sql("SELECT * FROM categories WHERE id = $1 OR slug = $1")
                .bind(id)
                .fetch_one(&mut tx)
                .await?;
            tx.commit().await?;
            category_from_row(&row)
        })
        .await
    }
}
