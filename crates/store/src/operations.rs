//! What admins see and change: the dashboard snapshot, filtered tables, partner flags,
//! unassign / reassign, and catalog edits with a stock audit trail.

use crate::accounts::user_from_row;
use crate::catalog::{category_from_row, like_pattern, product_in};
use crate::db::{sql, sql_built};
use crate::delivery::{PROFILE_SELECT, profile_from_row};
use crate::models::*;
use crate::orders::{ACTIVE, load_orders, now_ms, order_in, record};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use qc_domain::{Money, OrderEventKind, OrderStatus, Role};
use serde_json::json;

/// An open order within this of its promised time is "at risk".
pub const AT_RISK_MS: i64 = 5 * 60 * 1_000;

/// Why a stock change was refused, with the stock it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StockRefusal {
    TooLarge(i64),
    BelowZero(i64),
}

/// Set or adjust a product's stock at a store inside `tx` (the row made if missing and
/// locked, so two adjustments at once each see the other's result) and record the
/// movement; the stock it is left with, or why not (nothing written then).
pub(crate) async fn apply_stock_change(
    tx: &mut crate::db::Tx,
    store_id: &str,
    product_id: &str,
    change: StockChange,
    reason: &str,
    actor_id: &str,
    at: i64,
) -> StoreResult<Result<(i64, i64), StockRefusal>> {
    sql(
        "INSERT INTO store_stock (store_id, product_id, stock) VALUES ($1, $2, 0) \
         ON CONFLICT (store_id, product_id) DO NOTHING",
    )
    .bind(store_id)
    .bind(product_id)
    .execute(tx)
    .await?;
    let before: i64 = sql_built(format!(
        "SELECT stock FROM store_stock WHERE store_id = $1 AND product_id = $2{}",
        tx.for_update()
    ))
    .bind(store_id)
    .bind(product_id)
    .scalar(tx)
    .await?;
    let after = match change {
        StockChange::Set(n) => n,
        StockChange::Adjust(d) => match before.checked_add(d) {
            Some(n) => n,
            None => return Ok(Err(StockRefusal::TooLarge(before))),
        },
    };
    if after < 0 {
        return Ok(Err(StockRefusal::BelowZero(before)));
    }
    sql("UPDATE store_stock SET stock = $1 WHERE store_id = $2 AND product_id = $3")
        .bind(after)
        .bind(store_id)
        .bind(product_id)
        .execute(tx)
        .await?;
    sql(
        "INSERT INTO stock_movements (product_id, store_id, delta, stock_after, reason, \
         actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(product_id)
    .bind(store_id)
    .bind(after - before)
    .bind(after)
    .bind(reason)
    .bind(actor_id)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(Ok((before, after)))
}

impl Store {
    /// Everything the admin dashboard needs from the database, for orders since `since`,
    /// of one store or of all.
    pub async fn stats_snapshot(
        &self,
        since: DateTime<Utc>,
        low_stock_below: i64,
        store: Option<&str>,
    ) -> StoreResult<StatsSnapshot> {
        let mut conn = self.read().await?;
        let since = since.timestamp_millis();
        let rows = sql(
            "SELECT status, COUNT(*) AS n FROM orders WHERE created_at >= $1 \
             AND ($2 IS NULL OR store_id = $2) GROUP BY status",
        )
        .bind(since)
        .bind(store)
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
             WHERE status = 'delivered' AND delivered_at >= $1 AND ($2 IS NULL OR store_id = $2)",
        )
        .bind(since)
        .bind(store)
        .scalar(&mut conn)
        .await?;
        let delivery_seconds: Vec<i64> = sql(
            "SELECT (delivered_at - created_at) / 1000 FROM orders WHERE status = 'delivered' \
             AND delivered_at >= $1 AND ($2 IS NULL OR store_id = $2) \
             ORDER BY delivered_at DESC LIMIT 10000",
        )
        .bind(since)
        .bind(store)
        .scalars(&mut conn)
        .await?;
        let partners = sql_built(format!(
            "SELECT COUNT(*) AS total, \
             CAST(COALESCE(SUM(CASE WHEN is_available THEN 1 ELSE 0 END), 0) AS BIGINT) AS available, \
             CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.partner_id = d.user_id \
               AND o.status IN {ACTIVE}) THEN 1 ELSE 0 END), 0) AS BIGINT) AS busy \
             FROM delivery_partners d JOIN users u ON u.id = d.user_id WHERE u.status = 'active' \
             AND ($1 IS NULL OR d.home_store_id = $1)"
        ))
        .bind(store)
        .fetch_one(&mut conn)
        .await?;
        let now = Utc::now().timestamp_millis();
        let promises = sql(
            "SELECT \
               CAST(COALESCE(SUM(CASE WHEN status IN ('pending', 'accepted', 'picked_up', 'on_the_way') \
                 AND promised_at < $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS late, \
               CAST(COALESCE(SUM(CASE WHEN status IN ('pending', 'accepted', 'picked_up', 'on_the_way') \
                 AND promised_at >= $1 AND promised_at < $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS at_risk, \
               CAST(COALESCE(SUM(CASE WHEN status = 'delivered' AND delivered_at >= $3 \
                 THEN 1 ELSE 0 END), 0) AS BIGINT) AS delivered, \
               CAST(COALESCE(SUM(CASE WHEN status = 'delivered' AND delivered_at >= $3 \
                 AND (promised_at IS NULL OR delivered_at <= promised_at) THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time \
             FROM orders WHERE (status IN ('pending', 'accepted', 'picked_up', 'on_the_way') \
               OR (status = 'delivered' AND delivered_at >= $3)) AND ($4 IS NULL OR store_id = $4)",
        )
        .bind(now)
        .bind(now + AT_RISK_MS)
        .bind(since)
        .bind(store)
        .fetch_one(&mut conn)
        .await?;
        let low = sql(
            "SELECT ss.store_id, s.code AS store_code, p.id AS product_id, p.name, ss.stock \
             FROM store_stock ss JOIN products p ON p.id = ss.product_id \
             JOIN categories c ON c.id = p.category_id JOIN stores s ON s.id = ss.store_id \
             WHERE p.is_active = TRUE AND c.is_active = TRUE AND ss.stock < $1 \
             AND ($2 IS NULL OR ss.store_id = $2) ORDER BY ss.stock ASC, p.name, s.code LIMIT 50",
        )
        .bind(low_stock_below)
        .bind(store)
        .fetch_all(&mut conn)
        .await?;
        Ok(StatsSnapshot {
            orders_by_status,
            revenue: Money(revenue),
            delivery_seconds,
            partners_total: partners.get("total")?,
            partners_available: partners.get("available")?,
            partners_busy: partners.get("busy")?,
            late: promises.get("late")?,
            at_risk: promises.get("at_risk")?,
            delivered_today: promises.get("delivered")?,
            on_time_today: promises.get("on_time")?,
            low_stock: low
                .iter()
                .map(|r| {
                    Ok(LowStock {
                        store_id: r.get("store_id")?,
                        store_code: r.get("store_code")?,
                        product_id: r.get("product_id")?,
                        name: r.get("name")?,
                        stock: r.get("stock")?,
                    })
                })
                .collect::<StoreResult<_>>()?,
        })
    }

    pub async fn admin_orders(&self, f: &AdminOrderFilter) -> StoreResult<(Vec<Order>, i64)> {
        let filter = " WHERE ($1 IS NULL OR o.status = $1) \
             AND ($2 IS NULL OR o.id LIKE $2 ESCAPE '\\' OR lower(u.name) LIKE lower($2) ESCAPE '\\' \
                  OR u.email LIKE lower($2) ESCAPE '\\') \
             AND ($3 IS NULL OR o.created_at >= $3) AND ($4 IS NULL OR o.created_at < $4) \
             AND ($5 IS NULL OR o.partner_id = $5) AND ($8 IS NULL OR o.store_id = $8)";
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
        .bind(f.limit)
        .bind(f.offset)
        .bind(&f.store_id)
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
        .bind(&f.store_id)
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

    /// Partners (of one store, when given), by name.
    pub async fn list_partners(
        &self,
        search: Option<&str>,
        store: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<PartnerRow>, i64)> {
        let search = search.map(|s| like_pattern(s.trim()));
        let filter = " WHERE ($1 IS NULL OR lower(u.name) LIKE lower($1) ESCAPE '\\' \
                      OR u.email LIKE lower($1) ESCAPE '\\') AND ($4 IS NULL OR d.home_store_id = $4)";
        let mut conn = self.read().await?;
        let total: i64 = sql_built(format!(
            "SELECT COUNT(*) FROM delivery_partners d JOIN users u ON u.id = d.user_id{filter}"
        ))
        .bind(&search)
        .bind(limit)
        .bind(offset)
        .bind(store)
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
        .bind(store)
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
            let ended_offer =
                crate::dispatch::end_live_offer(&mut tx, order_id, OfferState::Withdrawn, at)
                    .await?;
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
            change.ended_offer = ended_offer;
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
            let product = product_in(&mut tx, id, None).await?;
            tx.commit().await?;
            Ok(product)
        })
        .await
    }

    /// Change a product's stock at a store with a reason (kept in the stock movements);
    /// never below zero. Returns the product with that store's stock.
    pub async fn change_stock(
        &self,
        store_id: &str,
        id: &str,
        change: StockChange,
        reason: &str,
        actor_id: &str,
    ) -> StoreResult<Product> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("SELECT id FROM stores WHERE id = $1")
                .bind(store_id)
                .fetch_one(&mut tx)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => StoreError::Conflict("no such store".into()),
                    other => other,
                })?;
            let current = product_in(&mut tx, id, Some(store_id)).await?;
            let at = now_ms();
            let (before, new_stock) =
                match apply_stock_change(&mut tx, store_id, id, change, reason, actor_id, at)
                    .await?
                {
                    Ok(change) => change,
                    Err(StockRefusal::TooLarge(_)) => {
                        return Err(StoreError::InvalidState(
                            "that stock change is too large".into(),
                        ));
                    }
                    Err(StockRefusal::BelowZero(before)) => {
                        return Err(StoreError::InvalidState(format!(
                            "stock cannot go below zero (it is {before})"
                        )));
                    }
                };
            let level = StockLevel {
                store_id: store_id.to_owned(),
                product_id: id.to_owned(),
                stock: new_stock,
                before,
                active: current.orderable(),
            };
            crate::webhooks::enqueue_inventory(&mut tx, &[level], crate::orders::from_ms(at))
                .await?;
            tx.commit().await?;
            Ok(Product {
                stock: new_stock,
                ..current
            })
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
