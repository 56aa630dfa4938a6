//! Orders: idempotent, race-free placement; cancellation with restock; the per-order
//! event log. Every order event of the platform is built here, in the transaction of the
//! change it records ([`append_event`], and [`insert_placed`] for the first one).

use crate::db::{Executor, Row, Tx, sql, sql_built};
use crate::models::*;
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, TimeZone, Utc};
use qc_domain::fulfilment::{Fulfilment, PickState, SubstitutionPref};
use qc_domain::{Money, OrderEventKind, OrderStatus, PaymentMethod, Role};
use serde_json::json;

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub(crate) fn opt_ms(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.map(from_ms)
}

pub(crate) fn bad_value(column: &str, value: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!(
        "unexpected {column} value {value:?} in the database"
    ))
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Other(e.into())
}

/// Statuses in which a partner is on the order.
pub(crate) const ACTIVE: &str = "('accepted', 'picked_up', 'on_the_way')";

fn order_from_row(r: &Row, items: Vec<OrderItem>) -> StoreResult<Order> {
    let status: String = r.get("status")?;
    let payment: String = r.get("payment_method")?;
    let address: String = r.get("address")?;
    Ok(Order {
        id: r.get("id")?,
        store_id: r.get::<Option<String>, _>("store_id")?.unwrap_or_default(),
        customer_id: r.get("customer_id")?,
        partner_id: r.get("partner_id")?,
        status: OrderStatus::parse(&status).ok_or_else(|| bad_value("status", &status))?,
        items,
        subtotal: Money(r.get("subtotal")?),
        delivery_fee: Money(r.get("delivery_fee")?),
        total: Money(r.get("total")?),
        payment_method: PaymentMethod::parse(&payment)
            .ok_or_else(|| bad_value("payment_method", &payment))?,
        address: serde_json::from_str(&address).map_err(json_err)?,
        confirmation_code: r.get("confirmation_code")?,
        code_attempts: r.get("code_attempts")?,
        notes: r.get("notes")?,
        cancel_reason: r.get("cancel_reason")?,
        cancelled_by: r.get("cancelled_by")?,
        payout: r.get::<Option<i64>, _>("payout")?.map(Money),
        distance_m: r.get("distance_m")?,
        last_seq: r.get("last_seq")?,
        promised_minutes: r.get("promised_minutes")?,
        promised_at: opt_ms(r.get("promised_at")?),
        dispatch: match r.get::<Option<String>, _>("dispatch")?.as_deref() {
            Some("offering") => DispatchState::Offering,
            Some("held") => DispatchState::Held,
            _ => DispatchState::Broadcast,
        },
        pick: OrderPick {
            fulfilment: match r.get::<Option<String>, _>("fulfilment")? {
                Some(f) => Some(Fulfilment::parse(&f).ok_or_else(|| bad_value("fulfilment", &f))?),
                None => None,
            },
            picker_id: r.get("picker_id")?,
            picking_at: opt_ms(r.get("picking_at")?),
            packed_at: opt_ms(r.get("packed_at")?),
            bags: r.get("bags")?,
            release_at: opt_ms(r.get("release_at")?),
        },
        rating: match (
            r.get::<Option<i64>, _>("rating")?,
            r.get::<Option<i64>, _>("rated_at")?,
        ) {
            (Some(stars), Some(at)) => Some(Rating {
                stars,
                comment: r.get("rating_comment")?,
                tip: Money(r.get("tip")?),
                at: from_ms(at),
            }),
            _ => None,
        },
        created_at: from_ms(r.get("created_at")?),
        accepted_at: opt_ms(r.get("accepted_at")?),
        picked_up_at: opt_ms(r.get("picked_up_at")?),
        on_the_way_at: opt_ms(r.get("on_the_way_at")?),
        delivered_at: opt_ms(r.get("delivered_at")?),
        cancelled_at: opt_ms(r.get("cancelled_at")?),
        updated_at: from_ms(r.get("updated_at")?),
    })
}

fn item_from_row(r: &Row) -> StoreResult<(String, OrderItem)> {
    let qty: i64 = r.get("quantity")?;
    let count = |v: Option<i64>| v.map(|n| u32::try_from(n).unwrap_or(0));
    let pref: String = r.get("substitution")?;
    let state: String = r.get("pick_state")?;
    let substitute = match r.get::<Option<String>, _>("sub_product_id")? {
        Some(product_id) => Some(Substitute {
            product_id,
            sku: r.get::<Option<String>, _>("sub_sku")?.unwrap_or_default(),
            name: r.get::<Option<String>, _>("sub_name")?.unwrap_or_default(),
            unit: r.get::<Option<String>, _>("sub_unit")?.unwrap_or_default(),
            unit_price: Money(r.get::<Option<i64>, _>("sub_unit_price")?.unwrap_or(0)),
            quantity: count(r.get("sub_qty")?).unwrap_or(0),
            expires_at: opt_ms(r.get("sub_expires_at")?),
        }),
        None => None,
    };
    let pick = LinePick {
        line: r.get("line")?,
        substitution: SubstitutionPref::parse(&pref)
            .ok_or_else(|| bad_value("substitution", &pref))?,
        state: LinePickState(
            PickState::parse(&state).ok_or_else(|| bad_value("pick_state", &state))?,
        ),
        found: count(r.get("picked_qty")?),
        substitute,
    };
    Ok((
        r.get("order_id")?,
        OrderItem {
            product_id: r.get("product_id")?,
            sku: r.get("sku")?,
            name: r.get("name")?,
            unit: r.get("unit")?,
            unit_price: Money(r.get("unit_price")?),
            quantity: u32::try_from(qty).unwrap_or(0),
            line_total: Money(r.get("line_total")?),
            pick,
        },
    ))
}

fn event_from_row(r: &Row) -> StoreResult<OrderEvent> {
    let payload: String = r.get("payload")?;
    let kind: String = r.get("kind")?;
    let role: Option<String> = r.get("actor_role")?;
    Ok(OrderEvent {
        order_id: r.get("order_id")?,
        seq: r.get("seq")?,
        kind: OrderEventKind::parse(&kind).ok_or_else(|| bad_value("kind", &kind))?,
        payload: serde_json::from_str(&payload).map_err(json_err)?,
        actor_id: r.get("actor_id")?,
        actor_role: match role {
            Some(role) => Some(Role::parse(&role).ok_or_else(|| bad_value("actor_role", &role))?),
            None => None,
        },
        at: from_ms(r.get("at")?),
    })
}

/// Load orders (any connection) with their items, preserving the row order.
pub(crate) async fn load_orders(c: &mut impl Executor, rows: Vec<Row>) -> StoreResult<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.get("id")).collect::<Result<_, _>>()?;
    let wanted = c.backend().in_list("order_id", 1);
    let item_rows = sql_built(format!(
        "SELECT * FROM order_items WHERE {wanted} ORDER BY order_id, line"
    ))
    .bind_list(&ids)?
    .fetch_all(c)
    .await?;
    let mut by_order: std::collections::HashMap<String, Vec<OrderItem>> = Default::default();
    for r in &item_rows {
        let (id, item) = item_from_row(r)?;
        by_order.entry(id).or_default().push(item);
    }
    rows.iter()
        .map(|r| {
            let id: String = r.get("id")?;
            order_from_row(r, by_order.remove(&id).unwrap_or_default())
        })
        .collect()
}

pub(crate) async fn order_in(c: &mut impl Executor, id: &str) -> StoreResult<Option<Order>> {
    let row = sql("SELECT * FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await?;
    Ok(load_orders(c, row.into_iter().collect()).await?.pop())
}

/// Who made a change: (user id, role); `None` for the platform itself.
pub(crate) type Actor<'a> = Option<(&'a str, Role)>;

/// Append the next event of an order (bumping its `last_seq`) inside the transaction of
/// the change it records.
pub(crate) async fn append_event(
    tx: &mut Tx,
    order_id: &str,
    kind: OrderEventKind,
    payload: serde_json::Value,
    actor: Actor<'_>,
    at: DateTime<Utc>,
) -> StoreResult<OrderEvent> {
    let bumped = sql(
        "UPDATE orders SET last_seq = last_seq + 1, updated_at = $1 WHERE id = $2 \
         RETURNING last_seq, store_id",
    )
    .bind(at.timestamp_millis())
    .bind(order_id)
    .fetch_one(tx)
    .await?;
    let seq: i64 = bumped.get("last_seq")?;
    let store_id: Option<String> = bumped.get("store_id")?;
    sql(
        "INSERT INTO order_events (order_id, seq, kind, payload, actor_id, actor_role, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(seq)
    .bind(kind.as_str())
    .bind(payload.to_string())
    .bind(actor.map(|a| a.0))
    .bind(actor.map(|a| a.1.as_str()))
    .bind(at.timestamp_millis())
    .execute(tx)
    .await?;
    let event = OrderEvent {
        order_id: order_id.to_owned(),
        seq,
        kind,
        payload,
        actor_id: actor.map(|a| a.0.to_owned()),
        actor_role: actor.map(|a| a.1),
        at,
    };
    // The transactional outbox: webhooks for this event commit (or not) with it.
    let body = crate::webhooks::event_payload(&event, store_id.as_deref().unwrap_or_default());
    crate::webhooks::enqueue(tx, kind.as_str(), &format!("{order_id}:{seq}"), &body, at).await?;
    Ok(event)
}

/// Append an event and read the order back: the end of every order change.
pub(crate) async fn record(
    tx: &mut Tx,
    order_id: &str,
    kind: OrderEventKind,
    payload: serde_json::Value,
    actor: Actor<'_>,
    at: DateTime<Utc>,
) -> StoreResult<OrderChange> {
    let event = append_event(tx, order_id, kind, payload, actor, at).await?;
    let order = order_in(tx, order_id).await?.ok_or(StoreError::NotFound)?;
    Ok(OrderChange {
        order,
        event,
        previous_partner: None,
        stock: Vec::new(),
        ended_offer: None,
    })
}

/// Put the items of an order back on its store's shelf; the stock each product is left
/// with there.
pub(crate) async fn restock(tx: &mut Tx, order: &Order) -> StoreResult<Vec<StockLevel>> {
    // What left the shelf: each line's own units and its substitute's (picking may have
    // found fewer; the missing units were never there).
    let mut back: Vec<(&str, u32)> = Vec::with_capacity(order.items.len());
    for it in &order.items {
        let (own, sub) = it.taken();
        back.push((it.product_id.as_str(), own));
        if let Some(s) = &it.pick.substitute {
            back.push((s.product_id.as_str(), sub));
        }
    }
    back.retain(|(_, n)| *n > 0);
    back.sort_by(|a, b| a.0.cmp(b.0));
    put_back(tx, &order.store_id, &back).await
}

/// Put `(product, units)` back on a store's shelf, in the given order; the stock each
/// product is left with.
pub(crate) async fn put_back(
    tx: &mut Tx,
    store_id: &str,
    back: &[(&str, u32)],
) -> StoreResult<Vec<StockLevel>> {
    let mut levels = Vec::with_capacity(back.len());
    for (product_id, quantity) in back {
        let row = sql("UPDATE store_stock SET stock = stock + $1, \
             sold = CASE WHEN sold > $1 THEN sold - $1 ELSE 0 END \
             WHERE store_id = $2 AND product_id = $3 RETURNING stock, \
             (SELECT p.is_active AND c.is_active FROM products p \
              JOIN categories c ON c.id = p.category_id WHERE p.id = $3) AS active")
        .bind(i64::from(*quantity))
        .bind(store_id)
        .bind(*product_id)
        .fetch_optional(tx)
        .await?;
        if let Some(r) = row {
            let stock: i64 = r.get("stock")?;
            levels.push(StockLevel {
                store_id: store_id.to_owned(),
                product_id: (*product_id).to_owned(),
                stock,
                before: stock - i64::from(*quantity),
                active: r.get::<Option<bool>, _>("active")?.unwrap_or(false),
            });
        }
    }
    Ok(levels)
}

/// An order whose stock is taken, with its idempotency answer.
pub(crate) type Placing<'a> = (&'a Order, Option<&'a IdempotencyRecord>);

/// The first event of an order: built here, like every later one.
fn created_event(order: &Order) -> OrderEvent {
    OrderEvent {
        order_id: order.id.clone(),
        seq: 1,
        kind: OrderEventKind::Created,
        payload: json!({ "status": "pending", "total": order.total.minor() }),
        actor_id: Some(order.customer_id.clone()),
        actor_role: Some(Role::Customer),
        at: order.created_at,
    }
}

/// `(…), (…), …` with `cols` numbered placeholders per row, from `$1`.
fn values(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        s.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// Insert placed orders with their lines and first events (seq 1) in a few multi-row
/// statements, and record their idempotency answers. Returns the first events.
pub(crate) async fn insert_placed(
    tx: &mut Tx,
    placed: &[Placing<'_>],
) -> StoreResult<Vec<OrderEvent>> {
    let events: Vec<OrderEvent> = placed.iter().map(|(o, _)| created_event(o)).collect();
    // Bounded statements: well under every backend's limit on bound parameters.
    for (chunk, chunk_events) in placed.chunks(64).zip(events.chunks(64)) {
        let mut q = sql_built(format!(
            "INSERT INTO orders (id, customer_id, status, subtotal, delivery_fee, total, \
             payment_method, address, dest_lat, dest_lng, confirmation_code, notes, last_seq, \
             created_at, updated_at, store_id, promised_minutes, promised_at, dispatch, \
             fulfilment, release_at) VALUES {}",
            values(chunk.len(), 21)
        ));
        for (order, _) in chunk {
            let at = order.created_at.timestamp_millis();
            q.push(order.id.as_str());
            q.push(order.customer_id.as_str());
            q.push(order.status.as_str());
            q.push(order.subtotal.minor());
            q.push(order.delivery_fee.minor());
            q.push(order.total.minor());
            q.push(order.payment_method.as_str());
            q.push(serde_json::to_string(&order.address).map_err(json_err)?);
            q.push(order.address.lat);
            q.push(order.address.lng);
            q.push(order.confirmation_code.as_str());
            q.push(order.notes.as_deref());
            q.push(1_i64);
            q.push(at);
            q.push(at);
            q.push(order.store_id.as_str());
            q.push(order.promised_minutes);
            q.push(order.promised_at.map(|t| t.timestamp_millis()));
            q.push(order.dispatch.as_str());
            q.push(order.pick.fulfilment.map(Fulfilment::as_str));
            q.push(order.pick.release_at.map(|t| t.timestamp_millis()));
        }
        q.execute(tx).await?;

        let mut q = sql_built(format!(
            "INSERT INTO order_events (order_id, seq, kind, payload, actor_id, actor_role, at) \
             VALUES {}",
            values(chunk_events.len(), 7)
        ));
        for e in chunk_events {
            q.push(e.order_id.as_str());
            q.push(e.seq);
            q.push(e.kind.as_str());
            q.push(e.payload.to_string());
            q.push(e.actor_id.as_deref());
            q.push(e.actor_role.map(Role::as_str));
            q.push(e.at.timestamp_millis());
        }
        q.execute(tx).await?;
    }
    // The transactional outbox: `order.created` webhooks commit with the orders (one
    // look first: without endpoints, a batch of placements pays one query, not one each).
    let hooked: Option<String> =
        sql("SELECT id FROM webhook_endpoints WHERE enabled = TRUE LIMIT 1")
            .scalar_optional(tx)
            .await?;
    for ((order, _), e) in placed.iter().zip(&events).filter(|_| hooked.is_some()) {
        let body = crate::webhooks::event_payload(e, &order.store_id);
        crate::webhooks::enqueue(
            tx,
            e.kind.as_str(),
            &format!("{}:{}", e.order_id, e.seq),
            &body,
            e.at,
        )
        .await?;
    }
    let lines: Vec<(&Order, usize, &OrderItem)> = placed
        .iter()
        .flat_map(|(order, _)| {
            order
                .items
                .iter()
                .enumerate()
                .map(move |(n, it)| (*order, n, it))
        })
        .collect();
    for chunk in lines.chunks(100) {
        let mut q = sql_built(format!(
            "INSERT INTO order_items (order_id, line, product_id, sku, name, unit, unit_price, \
             quantity, line_total, substitution) VALUES {}",
            values(chunk.len(), 10)
        ));
        for (order, n, it) in chunk {
            q.push(order.id.as_str());
            q.push(i64::try_from(*n).unwrap_or(0));
            q.push(it.product_id.as_str());
            q.push(it.sku.as_str());
            q.push(it.name.as_str());
            q.push(it.unit.as_str());
            q.push(it.unit_price.minor());
            q.push(i64::from(it.quantity));
            q.push(it.line_total.minor());
            q.push(it.pick.substitution.as_str());
        }
        q.execute(tx).await?;
    }
    for idem in placed.iter().filter_map(|(_, idem)| *idem) {
        sql(
            "UPDATE idempotency_keys SET state = 'done', response_status = $1, response_body = $2 \
             WHERE user_id = $3 AND key = $4",
        )
        .bind(i64::from(idem.status))
        .bind(&idem.body)
        .bind(&idem.user_id)
        .bind(&idem.key)
        .execute(tx)
        .await?;
    }
    Ok(events)
}

/// Take every line's quantity off the shelf (product-id order, so concurrent orders lock
/// rows in one order and cannot deadlock); the stock each product is left with. If a line
/// cannot be had, the error says why and the caller rolls the transaction back (a batch
/// of orders takes its stock in `batch::place_many` instead).
pub(crate) async fn take_stock(tx: &mut Tx, order: &Order) -> StoreResult<Vec<StockLevel>> {
    let mut lines: Vec<&OrderItem> = order.items.iter().collect();
    lines.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    let store = order.store_id.as_str();
    let mut missed = Vec::new();
    let mut left = Vec::with_capacity(lines.len());
    for it in lines {
        let stock: Option<i64> = sql(
            "UPDATE store_stock SET stock = stock - $1, sold = sold + $1 \
             WHERE store_id = $2 AND product_id = $3 AND stock >= $1 \
             AND product_id IN (SELECT p.id FROM products p JOIN categories c \
               ON c.id = p.category_id WHERE p.id = $3 AND p.price = $4 \
               AND p.is_active = TRUE AND c.is_active = TRUE) RETURNING stock",
        )
        .bind(i64::from(it.quantity))
        .bind(store)
        .bind(&it.product_id)
        .bind(it.unit_price.minor())
        .scalar_optional(tx)
        .await?;
        match stock {
            Some(stock) => {
                left.push(StockLevel {
                    store_id: store.to_owned(),
                    product_id: it.product_id.clone(),
                    stock,
                    before: stock + i64::from(it.quantity),
                    // The decrement only matches active products.
                    active: true,
                });
            }
            None => missed.push(it),
        }
    }
    if missed.is_empty() {
        return Ok(left);
    }
    let mut seen = Vec::with_capacity(missed.len());
    for it in missed {
        let row = sql(
            "SELECT CAST(COALESCE(ss.stock, 0) AS BIGINT) AS stock, p.price, \
             p.is_active AND c.is_active AS is_active \
             FROM products p JOIN categories c ON c.id = p.category_id \
             LEFT JOIN store_stock ss ON ss.product_id = p.id AND ss.store_id = $2 \
             WHERE p.id = $1",
        )
        .bind(&it.product_id)
        .bind(store)
        .fetch_optional(tx)
        .await?;
        let now = match row {
            Some(r) => Some(Standing {
                stock: r.get("stock")?,
                price: r.get("price")?,
                active: r.get("is_active")?,
            }),
            None => None,
        };
        seen.push((it, now));
    }
    Err(refusal(seen))
}

/// A product at a store as a placement checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Standing {
    pub(crate) stock: i64,
    pub(crate) price: i64,
    /// The product and its category are active.
    pub(crate) active: bool,
}

impl Standing {
    /// Whether `line` can be sold as quoted (active, at its price), stock aside.
    pub(crate) fn sells(&self, line: &OrderItem) -> bool {
        self.active && self.price == line.unit_price.minor()
    }
}

/// The answer to an order some of whose lines could not be had, from each such line and
/// its product as it stands (`None`: no such product). A line sold as quoted is short
/// (with what is left); any other changed. A shortage names every short line and wins
/// over changed products, which are named only when nothing is short.
pub(crate) fn refusal(missed: Vec<(&OrderItem, Option<Standing>)>) -> StoreError {
    let mut short = Vec::new();
    let mut stale = Vec::new();
    for (it, now) in missed {
        match now {
            Some(now) if now.sells(it) => short.push(Shortfall {
                product_id: it.product_id.clone(),
                name: it.name.clone(),
                requested: it.quantity,
                available: now.stock,
            }),
            _ => stale.push(it.product_id.clone()),
        }
    }
    if short.is_empty() {
        StoreError::StaleProducts(stale)
    } else {
        StoreError::OutOfStock(short)
    }
}

/// Whether a customer with this many open orders may place another (`max_open` 0: no
/// limit, for load tests).
pub(crate) fn over_limit(open: i64, max_open: i64) -> bool {
    max_open > 0 && open >= max_open
}

/// Open orders of a customer (placed, not yet delivered or cancelled), counted in the
/// placing transaction; on PostgreSQL the customer's row is locked first, so two
/// placements at once cannot both pass the limit.
pub(crate) async fn open_orders(tx: &mut Tx, customer_id: &str) -> StoreResult<i64> {
    tx.lock(sql("SELECT id FROM users WHERE id = $1 FOR UPDATE").bind(customer_id))
        .await?;
    sql("SELECT COUNT(*) FROM orders WHERE customer_id = $1 \
         AND status IN ('pending', 'accepted', 'picked_up', 'on_the_way')")
    .bind(customer_id)
    .scalar(tx)
    .await
}

impl Store {
    /// Place one order in its own transaction (SQLite's batch writer uses it for a lone
    /// order and as its fallback; PostgreSQL always).
    pub(crate) async fn place_now(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
        max_open: i64,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            if max_open > 0 && over_limit(open_orders(&mut tx, &order.customer_id).await?, max_open)
            {
                return Err(StoreError::TooManyOpenOrders(max_open));
            }
            let stock = take_stock(&mut tx, order).await?;
            let mut events = insert_placed(&mut tx, &[(order, idempotency)]).await?;
            tx.commit().await?;
            let event = events.pop().ok_or(StoreError::NotFound)?;
            Ok(OrderChange {
                order: order.clone(),
                event,
                previous_partner: None,
                stock,
                ended_offer: None,
            })
        })
        .await
    }

    /// Claim `key` for `user_id` with a request fingerprint. Keys older than `ttl` are
    /// forgotten; an in-progress claim older than `stale_after` may be taken over.
    pub async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        request_hash: &str,
        stale_after: chrono::Duration,
        ttl: chrono::Duration,
    ) -> StoreResult<IdempotencyClaim> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let now = now_ms();
            sql("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(now - ttl.num_milliseconds())
                .execute(&mut tx)
                .await?;
            // Insert first: under concurrency exactly one claimer inserts, the others see
            // the row (after it commits, on PostgreSQL) and are classified below.
            let inserted = sql(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) \
                 VALUES ($1, $2, $3, 'in_progress', $4) ON CONFLICT (user_id, key) DO NOTHING",
            )
            .bind(user_id)
            .bind(key)
            .bind(request_hash)
            .bind(now)
            .execute(&mut tx)
            .await?;
            let claim = if inserted == 1 {
                IdempotencyClaim::Fresh
            } else {
                let r = sql(
                    "SELECT request_hash, state, response_status, response_body, created_at \
                     FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                )
                .bind(user_id)
                .bind(key)
                .fetch_one(&mut tx)
                .await?;
                let hash: String = r.get("request_hash")?;
                let state: String = r.get("state")?;
                let created: i64 = r.get("created_at")?;
                if hash != request_hash {
                    IdempotencyClaim::Mismatch
                } else if state == "done" {
                    IdempotencyClaim::Replay {
                        status: u16::try_from(r.get::<i64, _>("response_status")?).unwrap_or(200),
                        body: r.get::<Option<String>, _>("response_body")?.unwrap_or_default(),
                    }
                } else if now - created > stale_after.num_milliseconds() {
                    sql("UPDATE idempotency_keys SET created_at = $1 WHERE user_id = $2 AND key = $3")
                        .bind(now)
                        .bind(user_id)
                        .bind(key)
                        .execute(&mut tx)
                        .await?;
                    IdempotencyClaim::Fresh
                } else {
                    IdempotencyClaim::InProgress
                }
            };
            tx.commit().await?;
            Ok(claim)
        })
        .await
    }

    /// Forget a claim whose request failed, so a retry runs again.
    pub async fn release_idempotency_key(&self, user_id: &str, key: &str) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'in_progress'")
                .bind(user_id)
                .bind(key)
                .execute(&mut tx)
                .await?;
            tx.commit().await
        })
        .await
    }

    /// One transaction: a conditional stock decrement per line in product-id order
    /// (price and active state must still be as quoted), the order with its snapshots,
    /// its first event, and the idempotency answer. Any short line →
    /// [`StoreError::OutOfStock`] naming every short line; a changed product →
    /// [`StoreError::StaleProducts`]; a customer who already has `max_open` open orders →
    /// [`StoreError::TooManyOpenOrders`]; nothing is written in any of these cases. The
    /// change carries the stock each line's product was left with by the committing
    /// transaction.
    pub async fn place_order(
        &self,
        order: &Order,
        idempotency: Option<IdempotencyRecord>,
        max_open: i64,
    ) -> StoreResult<OrderChange> {
        match &self.order_writer {
            Some(writer) => {
                // Counted as waiting until answered: a writer that stalls shows as a
                // queue that grows (see `Waits`).
                let _waiting = self.waits().enter(crate::Queue::Orders);
                writer.place(order, idempotency, max_open).await
            }
            None => self.place_now(order, idempotency.as_ref(), max_open).await,
        }
    }

    /// Pending orders placed before `before`, oldest first (for the sweeper that
    /// cancels orders nobody accepted).
    pub async fn stale_pending_orders(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        sql(
            "SELECT id FROM orders WHERE status = 'pending' AND created_at < $1 \
             ORDER BY created_at LIMIT $2",
        )
        .bind(before.timestamp_millis())
        .bind(limit)
        .scalars(&mut self.read().await?)
        .await
    }

    pub async fn order_by_id(&self, id: &str) -> StoreResult<Option<Order>> {
        order_in(&mut self.read().await?, id).await
    }

    /// A customer's orders, newest first, optionally by status.
    pub async fn list_customer_orders(
        &self,
        customer_id: &str,
        status: Option<OrderStatus>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Order>, i64)> {
        let mut conn = self.read().await?;
        let status = status.map(OrderStatus::as_str);
        let total: i64 = sql(
            "SELECT COUNT(*) FROM orders WHERE customer_id = $1 AND ($2 IS NULL OR status = $2)",
        )
        .bind(customer_id)
        .bind(status)
        .scalar(&mut conn)
        .await?;
        let rows = sql(
            "SELECT * FROM orders WHERE customer_id = $1 AND ($2 IS NULL OR status = $2) \
             ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
        )
        .bind(customer_id)
        .bind(status)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut conn)
        .await?;
        Ok((load_orders(&mut conn, rows).await?, total))
    }

    /// Cancel and restock in one transaction; the status is re-checked in the update.
    /// Not the customer's order → NotFound; too late → [`StoreError::InvalidState`].
    pub async fn cancel_order(
        &self,
        order_id: &str,
        by: &Canceller,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        let (actor, by_name, allowed) = match by {
            Canceller::Customer(id) => (
                Some((id.as_str(), Role::Customer)),
                "customer",
                "('pending', 'accepted')",
            ),
            Canceller::Admin(id) => (
                Some((id.as_str(), Role::Admin)),
                "admin",
                "('pending', 'accepted', 'picked_up', 'on_the_way')",
            ),
            Canceller::System => (None, "system", "('pending')"),
        };
        let owner_filter = matches!(by, Canceller::Customer(_));
        let actor_id = actor.map(|a| a.0).unwrap_or_default();
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let done = sql_built(format!(
                "UPDATE orders SET status = 'cancelled', cancelled_at = $1, cancel_reason = $2, \
                 cancelled_by = $3, updated_at = $1, \
                 fulfilment = CASE WHEN fulfilment IS NULL THEN NULL ELSE 'cancelled' END \
                 WHERE id = $4 AND status IN {allowed} \
                 AND (NOT $5 OR customer_id = $6)"
            ))
            .bind(at.timestamp_millis())
            .bind(reason)
            .bind(by_name)
            .bind(order_id)
            .bind(owner_filter)
            .bind(actor_id)
            .execute(&mut tx)
            .await?;
            let order = match order_in(&mut tx, order_id).await? {
                Some(o) if !owner_filter || o.customer_id == actor_id => o,
                _ => return Err(StoreError::NotFound),
            };
            if done == 0 {
                return Err(StoreError::InvalidState(order.status.as_str().to_owned()));
            }
            let stock = restock(&mut tx, &order).await?;
            let ended_offer =
                crate::dispatch::end_live_offer(&mut tx, order_id, OfferState::Withdrawn, at)
                    .await?;
            let mut change = record(
                &mut tx,
                order_id,
                OrderEventKind::Cancelled,
                json!({ "status": "cancelled", "reason": reason, "by": by_name }),
                actor,
                at,
            )
            .await?;
            tx.commit().await?;
            change.stock = stock;
            change.ended_offer = ended_offer;
            Ok(change)
        })
        .await
    }

    /// Events with `seq > after`, oldest first.
    pub async fn order_events(
        &self,
        order_id: &str,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<OrderEvent>> {
        let rows = sql(
            "SELECT * FROM order_events WHERE order_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(order_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(event_from_row).collect()
    }
}
