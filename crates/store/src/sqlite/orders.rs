//! Orders on SQLite: idempotent, race-free placement; cancellation with restock; the
//! per-order event log.

use super::{SqliteStore, from_ms, now_ms, opt_ms};
use crate::models::*;
use crate::{Orders, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use qc_domain::{Money, OrderStatus};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, Transaction};

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Other(e.into())
}

fn order_from_row(r: &SqliteRow, items: Vec<OrderItem>) -> StoreResult<Order> {
    let status: String = r.try_get("status")?;
    let address: String = r.try_get("address")?;
    Ok(Order {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        partner_id: r.try_get("partner_id")?,
        status: OrderStatus::parse(&status).ok_or_else(|| super::bad_value("status", &status))?,
        items,
        subtotal: Money(r.try_get("subtotal")?),
        delivery_fee: Money(r.try_get("delivery_fee")?),
        total: Money(r.try_get("total")?),
        payment_method: r.try_get("payment_method")?,
        address: serde_json::from_str(&address).map_err(json_err)?,
        confirmation_code: r.try_get("confirmation_code")?,
        code_attempts: r.try_get("code_attempts")?,
        notes: r.try_get("notes")?,
        cancel_reason: r.try_get("cancel_reason")?,
        cancelled_by: r.try_get("cancelled_by")?,
        payout: r.try_get::<Option<i64>, _>("payout")?.map(Money),
        distance_m: r.try_get("distance_m")?,
        last_seq: r.try_get("last_seq")?,
        created_at: from_ms(r.try_get("created_at")?),
        accepted_at: opt_ms(r.try_get("accepted_at")?),
        picked_up_at: opt_ms(r.try_get("picked_up_at")?),
        on_the_way_at: opt_ms(r.try_get("on_the_way_at")?),
        delivered_at: opt_ms(r.try_get("delivered_at")?),
        cancelled_at: opt_ms(r.try_get("cancelled_at")?),
        updated_at: from_ms(r.try_get("updated_at")?),
    })
}

fn item_from_row(r: &SqliteRow) -> StoreResult<(String, OrderItem)> {
    let qty: i64 = r.try_get("quantity")?;
    Ok((
        r.try_get("order_id")?,
        OrderItem {
            product_id: r.try_get("product_id")?,
            sku: r.try_get("sku")?,
            name: r.try_get("name")?,
            unit: r.try_get("unit")?,
            unit_price: Money(r.try_get("unit_price")?),
            quantity: u32::try_from(qty).unwrap_or(0),
            line_total: Money(r.try_get("line_total")?),
        },
    ))
}

fn event_from_row(r: &SqliteRow) -> StoreResult<OrderEvent> {
    let payload: String = r.try_get("payload")?;
    Ok(OrderEvent {
        order_id: r.try_get("order_id")?,
        seq: r.try_get("seq")?,
        kind: r.try_get("kind")?,
        payload: serde_json::from_str(&payload).map_err(json_err)?,
        actor_id: r.try_get("actor_id")?,
        actor_role: r.try_get("actor_role")?,
        at: from_ms(r.try_get("at")?),
    })
}

/// Load orders (any connection) with their items, preserving the row order.
pub(crate) async fn load_orders(
    conn: &mut SqliteConnection,
    rows: Vec<SqliteRow>,
) -> StoreResult<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let json = serde_json::to_string(&ids).map_err(json_err)?;
    let item_rows = sqlx::query(
        "SELECT * FROM order_items WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, line",
    )
    .bind(json)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_order: std::collections::HashMap<String, Vec<OrderItem>> = Default::default();
    for r in &item_rows {
        let (id, item) = item_from_row(r)?;
        by_order.entry(id).or_default().push(item);
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            order_from_row(r, by_order.remove(&id).unwrap_or_default())
        })
        .collect()
}

pub(crate) async fn order_in(conn: &mut SqliteConnection, id: &str) -> StoreResult<Option<Order>> {
    let row = sqlx::query("SELECT * FROM orders WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(load_orders(conn, row.into_iter().collect()).await?.pop())
}

/// Append the next event of an order (bumping its `last_seq`) inside a transaction.
pub(crate) async fn append_event(
    tx: &mut Transaction<'_, Sqlite>,
    order_id: &str,
    kind: &str,
    payload: serde_json::Value,
    actor: (Option<&str>, Option<&str>),
    at: DateTime<Utc>,
) -> StoreResult<OrderEvent> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE orders SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq",
    )
    .bind(at.timestamp_millis())
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO order_events (order_id, seq, kind, payload, actor_id, actor_role, at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(order_id)
    .bind(seq)
    .bind(kind)
    .bind(payload.to_string())
    .bind(actor.0)
    .bind(actor.1)
    .bind(at.timestamp_millis())
    .execute(&mut **tx)
    .await?;
    Ok(OrderEvent {
        order_id: order_id.to_owned(),
        seq,
        kind: kind.to_owned(),
        payload,
        actor_id: actor.0.map(str::to_owned),
        actor_role: actor.1.map(str::to_owned),
        at,
    })
}

/// Put the items of an order back on the shelf.
pub(crate) async fn restock(tx: &mut Transaction<'_, Sqlite>, order: &Order) -> StoreResult<()> {
    let mut items: Vec<&OrderItem> = order.items.iter().collect();
    items.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    for it in items {
        sqlx::query(
            "UPDATE products SET stock = stock + ?, sold_count = MAX(sold_count - ?, 0), updated_at = ? WHERE id = ?",
        )
        .bind(i64::from(it.quantity))
        .bind(i64::from(it.quantity))
        .bind(now_ms())
        .bind(&it.product_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// An order whose stock is taken: the order, its first event, its idempotency answer.
pub(crate) type Placed<'a> = (&'a Order, &'a OrderEvent, Option<&'a IdempotencyRecord>);

/// Insert placed orders with their lines and first events (seq 1) in a few multi-row
/// statements, and record their idempotency answers.
pub(crate) async fn insert_placed(
    tx: &mut Transaction<'_, Sqlite>,
    placed: &[Placed<'_>],
) -> StoreResult<()> {
    // Bounded statements: well under every backend's limit on bound parameters.
    for chunk in placed.chunks(64) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO orders (id, customer_id, status, subtotal, delivery_fee, total, \
             payment_method, address, dest_lat, dest_lng, confirmation_code, notes, last_seq, \
             created_at, updated_at) ",
        );
        let mut addresses = Vec::with_capacity(chunk.len());
        for (order, _, _) in chunk {
            addresses.push(serde_json::to_string(&order.address).map_err(json_err)?);
        }
        qb.push_values(
            chunk.iter().zip(addresses),
            |mut b, ((order, _, _), address)| {
                let at = order.created_at.timestamp_millis();
                b.push_bind(order.id.clone())
                    .push_bind(order.customer_id.clone())
                    .push_bind(order.status.as_str())
                    .push_bind(order.subtotal.minor())
                    .push_bind(order.delivery_fee.minor())
                    .push_bind(order.total.minor())
                    .push_bind(order.payment_method.clone())
                    .push_bind(address)
                    .push_bind(order.address.lat)
                    .push_bind(order.address.lng)
                    .push_bind(order.confirmation_code.clone())
                    .push_bind(order.notes.clone())
                    .push_bind(1_i64)
                    .push_bind(at)
                    .push_bind(at);
            },
        );
        qb.build().execute(&mut **tx).await?;

        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO order_events (order_id, seq, kind, payload, actor_id, actor_role, at) ",
        );
        qb.push_values(chunk.iter(), |mut b, (order, event, _)| {
            b.push_bind(order.id.clone())
                .push_bind(1_i64)
                .push_bind(event.kind.clone())
                .push_bind(event.payload.to_string())
                .push_bind(event.actor_id.clone())
                .push_bind(event.actor_role.clone())
                .push_bind(event.at.timestamp_millis());
        });
        qb.build().execute(&mut **tx).await?;
    }
    let lines: Vec<(&Order, usize, &OrderItem)> = placed
        .iter()
        .flat_map(|(order, _, _)| {
            order
                .items
                .iter()
                .enumerate()
                .map(move |(n, it)| (*order, n, it))
        })
        .collect();
    for chunk in lines.chunks(100) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO order_items (order_id, line, product_id, sku, name, unit, unit_price, \
             quantity, line_total) ",
        );
        qb.push_values(chunk.iter(), |mut b, (order, n, it)| {
            b.push_bind(order.id.clone())
                .push_bind(i64::try_from(*n).unwrap_or(0))
                .push_bind(it.product_id.clone())
                .push_bind(it.sku.clone())
                .push_bind(it.name.clone())
                .push_bind(it.unit.clone())
                .push_bind(it.unit_price.minor())
                .push_bind(i64::from(it.quantity))
                .push_bind(it.line_total.minor());
        });
        qb.build().execute(&mut **tx).await?;
    }
    for idem in placed.iter().filter_map(|(_, _, idem)| *idem) {
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? \
             WHERE user_id = ? AND key = ?",
        )
        .bind(i64::from(idem.status))
        .bind(&idem.body)
        .bind(&idem.user_id)
        .bind(&idem.key)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl SqliteStore {
    /// Place one order in its own transaction (on SQLite the batch writer's path for a
    /// lone order and its fallback).
    pub(crate) async fn place_now(
        &self,
        order: &Order,
        first_event: &OrderEvent,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Vec<(String, i64)>> {
        let mut tx = self.write_tx().await?;
        let left = self.take_stock(&mut tx, order).await?;
        insert_placed(&mut tx, &[(order, first_event, idempotency.as_ref())]).await?;
        tx.commit().await?;
        Ok(left)
    }

    /// Decrement stock for every line (product-id order); report every line that failed.
    /// Take every line's quantity off the shelf; the products' remaining stock.
    pub(crate) async fn take_stock(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        order: &Order,
    ) -> StoreResult<Vec<(String, i64)>> {
        let mut lines: Vec<&OrderItem> = order.items.iter().collect();
        lines.sort_by(|a, b| a.product_id.cmp(&b.product_id));
        let now = now_ms();
        let mut missed = Vec::new();
        let mut taken = Vec::new();
        let mut left = Vec::with_capacity(lines.len());
        for it in lines {
            let stock: Option<i64> = sqlx::query_scalar(
                "UPDATE products SET stock = stock - ?1, sold_count = sold_count + ?1, updated_at = ?2 \
                 WHERE id = ?3 AND stock >= ?1 AND price = ?4 AND is_active = TRUE RETURNING stock",
            )
            .bind(i64::from(it.quantity))
            .bind(now)
            .bind(&it.product_id)
            .bind(it.unit_price.minor())
            .fetch_optional(&mut **tx)
            .await?;
            match stock {
                Some(stock) => {
                    left.push((it.product_id.clone(), stock));
                    taken.push(it);
                }
                None => missed.push(it),
            }
        }
        if missed.is_empty() {
            return Ok(left);
        }
        // Put back exactly the lines this order took, so the transaction can go on
        // without it (the batch writer places other orders in the same transaction).
        for it in taken {
            sqlx::query(
                "UPDATE products SET stock = stock + ?1, sold_count = sold_count - ?1 WHERE id = ?2",
            )
            .bind(i64::from(it.quantity))
            .bind(&it.product_id)
            .execute(&mut **tx)
            .await?;
        }
        let mut short = Vec::new();
        let mut stale = Vec::new();
        for it in missed {
            let row = sqlx::query("SELECT stock, price, is_active FROM products WHERE id = ?")
                .bind(&it.product_id)
                .fetch_optional(&mut **tx)
                .await?;
            match row {
                Some(r)
                    if r.try_get::<bool, _>("is_active")?
                        && r.try_get::<i64, _>("price")? == it.unit_price.minor() =>
                {
                    short.push(Shortfall {
                        product_id: it.product_id.clone(),
                        name: it.name.clone(),
                        requested: it.quantity,
                        available: r.try_get("stock")?,
                    });
                }
                _ => stale.push(it.product_id.clone()),
            }
        }
        if !short.is_empty() {
            Err(StoreError::OutOfStock(short))
        } else {
            Err(StoreError::StaleProducts(stale))
        }
    }
}

#[async_trait]
impl Orders for SqliteStore {
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        request_hash: &str,
        stale_after: chrono::Duration,
        ttl: chrono::Duration,
    ) -> StoreResult<IdempotencyClaim> {
        let mut tx = self.write_tx().await?;
        let now = now_ms();
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < ?")
            .bind(now - ttl.num_milliseconds())
            .execute(&mut *tx)
            .await?;
        // Insert first: under concurrency exactly one claimer inserts, the others see
        // the row (after it commits, on PostgreSQL) and are classified below.
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) \
             VALUES (?, ?, ?, 'in_progress', ?) ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(request_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let claim = if inserted.rows_affected() == 1 {
            IdempotencyClaim::Fresh
        } else {
            let r = sqlx::query(
                "SELECT request_hash, state, response_status, response_body, created_at \
                 FROM idempotency_keys WHERE user_id = ? AND key = ?",
            )
            .bind(user_id)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
            let hash: String = r.try_get("request_hash")?;
            let state: String = r.try_get("state")?;
            let created: i64 = r.try_get("created_at")?;
            if hash != request_hash {
                IdempotencyClaim::Mismatch
            } else if state == "done" {
                IdempotencyClaim::Replay {
                    status: u16::try_from(r.try_get::<i64, _>("response_status")?).unwrap_or(200),
                    body: r
                        .try_get::<Option<String>, _>("response_body")?
                        .unwrap_or_default(),
                }
            } else if now - created > stale_after.num_milliseconds() {
                sqlx::query(
                    "UPDATE idempotency_keys SET created_at = ? WHERE user_id = ? AND key = ?",
                )
                .bind(now)
                .bind(user_id)
                .bind(key)
                .execute(&mut *tx)
                .await?;
                IdempotencyClaim::Fresh
            } else {
                IdempotencyClaim::InProgress
            }
        };
        tx.commit().await?;
        Ok(claim)
    }

    async fn release_idempotency_key(&self, user_id: &str, key: &str) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND state = 'in_progress'",
        )
        .bind(user_id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn place_order(
        &self,
        order: &Order,
        first_event: &OrderEvent,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Vec<(String, i64)>> {
        self.place_batched(order, first_event, idempotency).await
    }

    async fn order_by_id(&self, id: &str) -> StoreResult<Option<Order>> {
        let mut conn = self.reader.acquire().await?;
        order_in(&mut conn, id).await
    }

    async fn list_customer_orders(
        &self,
        customer_id: &str,
        status: Option<OrderStatus>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Order>, i64)> {
        let mut conn = self.reader.acquire().await?;
        let status = status.map(OrderStatus::as_str);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orders WHERE customer_id = ?1 AND (?2 IS NULL OR status = ?2)",
        )
        .bind(customer_id)
        .bind(status)
        .fetch_one(&mut *conn)
        .await?;
        let rows = sqlx::query(
            "SELECT * FROM orders WHERE customer_id = ?1 AND (?2 IS NULL OR status = ?2) \
             ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
        )
        .bind(customer_id)
        .bind(status)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
        Ok((load_orders(&mut conn, rows).await?, total))
    }

    async fn cancel_order(
        &self,
        order_id: &str,
        by: &Canceller,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<(Order, OrderEvent)> {
        let mut tx = self.write_tx().await?;
        let (actor_id, role, allowed) = match by {
            Canceller::Customer(id) => (id.as_str(), "customer", "('pending', 'accepted')"),
            Canceller::Admin(id) => (
                id.as_str(),
                "admin",
                "('pending', 'accepted', 'picked_up', 'on_the_way')",
            ),
        };
        let owner_filter = matches!(by, Canceller::Customer(_));
        let sql = format!(
            "UPDATE orders SET status = 'cancelled', cancelled_at = ?1, cancel_reason = ?2, \
             cancelled_by = ?3, updated_at = ?1 WHERE id = ?4 AND status IN {allowed} \
             AND (NOT ?5 OR customer_id = ?6)"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(at.timestamp_millis())
            .bind(reason)
            .bind(role)
            .bind(order_id)
            .bind(owner_filter)
            .bind(actor_id)
            .execute(&mut *tx)
            .await?;
        let order = order_in(&mut tx, order_id).await?;
        let order = match order {
            Some(o) if !owner_filter || o.customer_id == actor_id => o,
            _ => return Err(StoreError::NotFound),
        };
        if done.rows_affected() == 0 {
            return Err(StoreError::InvalidState(order.status.as_str().to_owned()));
        }
        restock(&mut tx, &order).await?;
        let event = append_event(
            &mut tx,
            order_id,
            "order.cancelled",
            serde_json::json!({ "status": "cancelled", "reason": reason, "by": role }),
            (Some(actor_id), Some(role)),
            at,
        )
        .await?;
        let order = order_in(&mut tx, order_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((order, event))
    }

    async fn order_events(
        &self,
        order_id: &str,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<OrderEvent>> {
        let rows = sqlx::query(
            "SELECT * FROM order_events WHERE order_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(order_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(event_from_row).collect()
    }
}
