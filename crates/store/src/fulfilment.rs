//! Dark-store fulfilment: the picker's claim (one winner), per-line picks, short picks
//! and substitutions with the customer's answer, packing, and held dispatch. Every step
//! is one transaction that re-checks the order's state in its updates, appends the
//! order's events and recomputes its money with checked arithmetic.

use crate::db::{Executor, Tx, sql, sql_built};
use crate::models::*;
use crate::orders::{Actor, append_event, load_orders, order_in, put_back};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use qc_domain::fulfilment::{
    Fulfilment, PickHistory, PickState, SubstitutionPref, line_charge, needs_approval,
};
use qc_domain::{Money, OrderEventKind, Role};
use serde_json::json;

/// A picker and the store they work in.
#[derive(Debug, Clone, Copy)]
pub struct PickerRef<'a> {
    pub id: &'a str,
    pub store_id: &'a str,
}

/// What a picker did with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickAction {
    /// All of it found (`quantity` must be what was ordered).
    Picked { quantity: u32 },
    /// Fewer found (`found` < ordered): the rest is refunded.
    Short { found: u32 },
    /// Fewer found, and `quantity` of another product (same category) for the rest.
    Substitute {
        found: u32,
        product_id: String,
        quantity: u32,
    },
}

/// The order after a fulfilment step, with every event the step appended (a short pick
/// that leaves nothing cancels the order in the same transaction).
#[derive(Debug, Clone)]
pub struct PickOutcome {
    pub change: OrderChange,
    pub events: Vec<OrderEvent>,
}

/// A store's fulfilment figures for admins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FulfilmentFigures {
    pub store_id: String,
    pub queued: i64,
    pub picking: i64,
    /// Packed since `since`.
    pub packed: i64,
    /// Mean minutes from claim to packed, over those.
    pub avg_pick_minutes: Option<f64>,
    /// Lines picked since `since`, and how many of them were short or substituted.
    pub lines: i64,
    pub lines_short: i64,
}

fn too_large() -> StoreError {
    StoreError::Refused("amount_too_large", "The amount is too large.".into())
}

fn not_picking(o: &Order, picker_id: &str) -> StoreError {
    match o.pick.fulfilment {
        Some(Fulfilment::Picking) if o.pick.picker_id.as_deref() != Some(picker_id) => {
            StoreError::Refused(
                "already_claimed",
                "Another picker is working on this order.".into(),
            )
        }
        Some(Fulfilment::Queued) => {
            StoreError::Refused("not_claimed", "Claim the order before picking it.".into())
        }
        Some(f) => StoreError::InvalidState(f.as_str().to_owned()),
        None => StoreError::NotFound,
    }
}

/// The order (locked on PostgreSQL) if it belongs to `store_id` and uses fulfilment.
async fn store_order(tx: &mut Tx, order_id: &str, store_id: &str) -> StoreResult<Order> {
    tx.lock(sql("SELECT id FROM orders WHERE id = $1 FOR UPDATE").bind(order_id))
        .await?;
    match order_in(tx, order_id).await? {
        Some(o) if o.store_id == store_id && o.pick.fulfilment.is_some() => Ok(o),
        _ => Err(StoreError::NotFound),
    }
}

/// Subtotal and total from the lines as they stand now (the delivery fee never changes).
async fn recompute_totals(tx: &mut Tx, order_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let o = order_in(tx, order_id).await?.ok_or(StoreError::NotFound)?;
    let mut subtotal = Money::ZERO;
    for it in &o.items {
        subtotal = subtotal.checked_add(it.line_total).ok_or_else(too_large)?;
    }
    let total = subtotal.checked_add(o.delivery_fee).ok_or_else(too_large)?;
    sql("UPDATE orders SET subtotal = $1, total = $2, updated_at = $3 WHERE id = $4")
        .bind(subtotal.minor())
        .bind(total.minor())
        .bind(at.timestamp_millis())
        .bind(order_id)
        .execute(tx)
        .await?;
    Ok(())
}

/// The shelf held fewer than the stock count said: the product's stock at the store is
/// corrected to zero (an inventory adjustment, reason `short_pick`) and the units never
/// sold leave the sales count. The stock it is left with.
async fn correct_stock(
    tx: &mut Tx,
    store_id: &str,
    product_id: &str,
    missing: u32,
    actor: &str,
    at: DateTime<Utc>,
) -> StoreResult<Option<StockLevel>> {
    // Locked (PostgreSQL): a change committed between this read and the update would
    // otherwise be reported as `before`, and a sell-out read as no change at all.
    let before: Option<i64> = sql_built(format!(
        "SELECT stock FROM store_stock WHERE store_id = $1 AND product_id = $2{}",
        tx.for_update()
    ))
    .bind(store_id)
    .bind(product_id)
    .scalar_optional(tx)
    .await?;
    let Some(before) = before else {
        return Ok(None);
    };
    sql("UPDATE store_stock SET stock = 0, \
         sold = CASE WHEN sold > $1 THEN sold - $1 ELSE 0 END \
         WHERE store_id = $2 AND product_id = $3")
    .bind(i64::from(missing))
    .bind(store_id)
    .bind(product_id)
    .execute(tx)
    .await?;
    sql(
        "INSERT INTO stock_movements (product_id, store_id, delta, stock_after, reason, \
         actor_id, at) VALUES ($1, $2, $3, 0, 'short_pick', $4, $5)",
    )
    .bind(product_id)
    .bind(store_id)
    .bind(-before)
    .bind(actor)
    .bind(at.timestamp_millis())
    .execute(tx)
    .await?;
    let active: Option<bool> = sql("SELECT p.is_active AND c.is_active FROM products p \
         JOIN categories c ON c.id = p.category_id WHERE p.id = $1")
    .bind(product_id)
    .scalar_optional(tx)
    .await?;
    Ok(Some(StockLevel {
        store_id: store_id.to_owned(),
        product_id: product_id.to_owned(),
        stock: 0,
        before,
        active: active.unwrap_or(false),
    }))
}

/// When every line is settled and nothing at all was found or substituted, the order is
/// cancelled in the same transaction (with its offer withdrawn); the cancel event.
async fn cancel_if_empty(
    tx: &mut Tx,
    order_id: &str,
    at: DateTime<Utc>,
    change: &mut OrderChange,
) -> StoreResult<Option<OrderEvent>> {
    let o = order_in(tx, order_id).await?.ok_or(StoreError::NotFound)?;
    let empty = o
        .items
        .iter()
        .all(|it| it.pick.state.0 == PickState::Short && it.pick.found.unwrap_or(0) == 0);
    if !empty {
        return Ok(None);
    }
    let reason = "None of the items in this order were in stock. Nothing will be charged.";
    let done = sql(
        "UPDATE orders SET status = 'cancelled', cancelled_at = $1, cancel_reason = $2, \
         cancelled_by = 'system', fulfilment = 'cancelled', updated_at = $1 \
         WHERE id = $3 AND status IN ('pending', 'accepted')",
    )
    .bind(at.timestamp_millis())
    .bind(reason)
    .bind(order_id)
    .execute(tx)
    .await?;
    if done == 0 {
        return Ok(None);
    }
    change.ended_offer =
        crate::dispatch::end_live_offer(tx, order_id, OfferState::Withdrawn, at).await?;
    let event = append_event(
        tx,
        order_id,
        OrderEventKind::Cancelled,
        json!({ "status": "cancelled", "reason": reason, "by": "system" }),
        None,
        at,
    )
    .await?;
    Ok(Some(event))
}

/// Finish a step: totals, the all-short rule, the order read back.
async fn finish(
    tx: &mut Tx,
    order_id: &str,
    mut events: Vec<OrderEvent>,
    stock: Vec<StockLevel>,
    at: DateTime<Utc>,
) -> StoreResult<PickOutcome> {
    recompute_totals(tx, order_id, at).await?;
    crate::webhooks::enqueue_inventory(tx, &stock, at).await?;
    let order = order_in(tx, order_id).await?.ok_or(StoreError::NotFound)?;
    let mut change = OrderChange {
        order,
        event: events.last().cloned().ok_or(StoreError::NotFound)?,
        previous_partner: None,
        stock,
        ended_offer: None,
    };
    if let Some(cancel) = cancel_if_empty(tx, order_id, at, &mut change).await? {
        change.previous_partner = change.order.partner_id.clone();
        change.order = order_in(tx, order_id).await?.ok_or(StoreError::NotFound)?;
        change.event = cancel.clone();
        events.push(cancel);
    }
    Ok(PickOutcome { change, events })
}

fn line_of(order: &Order, line: i64) -> StoreResult<&OrderItem> {
    order
        .items
        .iter()
        .find(|it| it.pick.line == line)
        .ok_or(StoreError::NotFound)
}

impl Store {
    /// A product's barcode (demo data, admin tools); a barcode another product has →
    /// [`StoreError::Conflict`].
    pub async fn set_barcode(&self, product_id: &str, barcode: &str) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let taken: Option<String> =
                sql("SELECT id FROM products WHERE barcode = $1 AND id <> $2")
                    .bind(barcode)
                    .bind(product_id)
                    .scalar_optional(&mut tx)
                    .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(
                    "another product has this barcode".into(),
                ));
            }
            sql("UPDATE products SET barcode = $1 WHERE id = $2")
                .bind(barcode)
                .bind(product_id)
                .execute_found(&mut tx)
                .await?;
            tx.commit().await
        })
        .await
    }

    /// Products that could stand in for `product_id` at a store: same category, on sale,
    /// in stock there, closest in price first.
    pub async fn substitute_candidates(
        &self,
        store_id: &str,
        product_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Product>> {
        let rows = crate::db::sql_built(format!(
            "{} WHERE p.category_id = (SELECT category_id FROM products WHERE id = $2) \
             AND p.id <> $2 AND p.is_active = TRUE AND c.is_active = TRUE \
             AND COALESCE(ss.stock, 0) > 0 \
             ORDER BY ABS(p.price - (SELECT price FROM products WHERE id = $2)), p.name \
             LIMIT $3",
            crate::catalog::product_select(Some(1))
        ))
        .bind(store_id)
        .bind(product_id)
        .bind(limit)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(crate::catalog::product_from_row).collect()
    }

    /// The product with this barcode.
    pub async fn product_by_barcode(&self, barcode: &str) -> StoreResult<Option<String>> {
        sql("SELECT id FROM products WHERE barcode = $1")
            .bind(barcode)
            .scalar_optional(&mut self.read().await?)
            .await
    }

    /// Bins and barcodes of an order's products (and their substitutes) at its store.
    pub async fn pick_info(
        &self,
        store_id: &str,
        product_ids: &[String],
    ) -> StoreResult<Vec<(String, Option<String>, Option<String>, String)>> {
        if product_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.read().await?;
        let wanted = conn.backend().in_list("p.id", 2);
        let rows = crate::db::sql_built(format!(
            "SELECT p.id, ss.bin, p.barcode, p.category_id FROM products p \
             LEFT JOIN store_stock ss ON ss.product_id = p.id AND ss.store_id = $1 \
             WHERE {wanted}"
        ))
        .bind(store_id)
        .bind_list(product_ids)?
        .fetch_all(&mut conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.get("id")?,
                    r.get("bin")?,
                    r.get("barcode")?,
                    r.get("category_id")?,
                ))
            })
            .collect()
    }

    /// A store's orders waiting to be picked or being picked, most urgent promise first.
    pub async fn picker_queue(&self, store_id: &str, limit: i64) -> StoreResult<Vec<Order>> {
        let mut conn = self.read().await?;
        let rows = sql(
            "SELECT * FROM orders WHERE store_id = $1 AND fulfilment IN ('queued', 'picking') \
             AND status IN ('pending', 'accepted') \
             ORDER BY promised_at ASC, created_at ASC LIMIT $2",
        )
        .bind(store_id)
        .bind(limit)
        .fetch_all(&mut conn)
        .await?;
        load_orders(&mut conn, rows).await
    }

    /// One conditional update: the order must be queued in the picker's store. Exactly one
    /// of two racing pickers wins; the other gets `already_claimed`.
    pub async fn claim_pick(
        &self,
        order_id: &str,
        picker_id: &str,
        store_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let won = sql(
                "UPDATE orders SET fulfilment = 'picking', picker_id = $1, picking_at = $2, \
                 updated_at = $2 WHERE id = $3 AND store_id = $4 AND fulfilment = 'queued' \
                 AND status IN ('pending', 'accepted')",
            )
            .bind(picker_id)
            .bind(at.timestamp_millis())
            .bind(order_id)
            .bind(store_id)
            .execute(&mut tx)
            .await?;
            if won == 0 {
                return Err(match order_in(&mut tx, order_id).await? {
                    Some(o) if o.store_id == store_id && o.pick.fulfilment.is_some() => {
                        if o.pick.fulfilment == Some(Fulfilment::Picking) {
                            StoreError::Refused(
                                "already_claimed",
                                "Another picker is working on this order.".into(),
                            )
                        } else if o.status.is_terminal() {
                            StoreError::InvalidState(o.status.as_str().to_owned())
                        } else {
                            StoreError::InvalidState(
                                o.pick.fulfilment.map_or("", Fulfilment::as_str).to_owned(),
                            )
                        }
                    }
                    _ => StoreError::NotFound,
                });
            }
            let name: String = sql("SELECT name FROM users WHERE id = $1")
                .bind(picker_id)
                .scalar(&mut tx)
                .await?;
            let change = crate::orders::record(
                &mut tx,
                order_id,
                OrderEventKind::PickingStarted,
                json!({ "fulfilment": "picking", "pickerId": picker_id, "pickerName": name }),
                Some((picker_id, Role::Picker)),
                at,
            )
            .await?;
            tx.commit().await?;
            Ok(change)
        })
        .await
    }

    /// Record what the picker did with one line. Only the picker who claimed the order,
    /// only while picking, only a line not yet done.
    pub async fn pick_line(
        &self,
        order_id: &str,
        picker: PickerRef<'_>,
        line: i64,
        action: &PickAction,
        approval: chrono::Duration,
        at: DateTime<Utc>,
    ) -> StoreResult<PickOutcome> {
        let (picker_id, store_id) = (picker.id, picker.store_id);
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let order = store_order(&mut tx, order_id, store_id).await?;
            if order.pick.fulfilment != Some(Fulfilment::Picking)
                || order.pick.picker_id.as_deref() != Some(picker_id)
            {
                return Err(not_picking(&order, picker_id));
            }
            let it = line_of(&order, line)?;
            if it.pick.state.0 != PickState::Pending {
                return Err(StoreError::Refused(
                    "line_done",
                    "This line has already been picked.".into(),
                ));
            }
            let actor: Actor<'_> = Some((picker_id, Role::Picker));
            let mut stock = Vec::new();
            let event = match action {
                PickAction::Picked { quantity } => {
                    if *quantity != it.quantity {
                        return Err(StoreError::Refused(
                            "wrong_quantity",
                            format!(
                                "{} were ordered: pick all of them, or mark the line short.",
                                it.quantity
                            ),
                        ));
                    }
                    sql(
                        "UPDATE order_items SET pick_state = 'picked', picked_qty = $1 \
                         WHERE order_id = $2 AND line = $3",
                    )
                    .bind(i64::from(*quantity))
                    .bind(order_id)
                    .bind(line)
                    .execute(&mut tx)
                    .await?;
                    append_event(
                        &mut tx,
                        order_id,
                        OrderEventKind::LinePicked,
                        json!({ "lineId": line, "productId": it.product_id, "name": it.name,
                                "quantity": quantity }),
                        actor,
                        at,
                    )
                    .await?
                }
                PickAction::Short { found } => {
                    let missing = short_of(it, *found)?;
                    let charge = line_charge(it.unit_price, *found, None).ok_or_else(too_large)?;
                    sql(
                        "UPDATE order_items SET pick_state = 'short', picked_qty = $1, \
                         line_total = $2 WHERE order_id = $3 AND line = $4",
                    )
                    .bind(i64::from(*found))
                    .bind(charge.minor())
                    .bind(order_id)
                    .bind(line)
                    .execute(&mut tx)
                    .await?;
                    stock.extend(
                        correct_stock(&mut tx, store_id, &it.product_id, missing, picker_id, at)
                            .await?,
                    );
                    append_event(
                        &mut tx,
                        order_id,
                        OrderEventKind::LineShort,
                        json!({ "lineId": line, "productId": it.product_id, "name": it.name,
                                "ordered": it.quantity, "found": found,
                                "refund": (it.line_total.minor() - charge.minor()) }),
                        actor,
                        at,
                    )
                    .await?
                }
                PickAction::Substitute {
                    found,
                    product_id,
                    quantity,
                } => {
                    if it.pick.substitution == SubstitutionPref::Refund {
                        return Err(StoreError::Refused(
                            "substitution_not_allowed",
                            "The customer asked for a refund instead of substitutes on this \
                             line: mark it short."
                                .into(),
                        ));
                    }
                    let missing = short_of(it, *found)?;
                    if *quantity == 0 {
                        return Err(StoreError::Refused(
                            "wrong_quantity",
                            "A substitute needs a quantity of at least 1.".into(),
                        ));
                    }
                    if *product_id == it.product_id {
                        return Err(StoreError::Refused(
                            "same_product",
                            "A substitute must be another product.".into(),
                        ));
                    }
                    let sub = sql("SELECT p.id, p.sku, p.name, p.unit, p.price, \
                         p.is_active AND c.is_active AS active, \
                         p.category_id = (SELECT category_id FROM products WHERE id = $2) \
                           AS same_category \
                         FROM products p JOIN categories c ON c.id = p.category_id \
                         WHERE p.id = $1")
                    .bind(product_id)
                    .bind(&it.product_id)
                    .fetch_optional(&mut tx)
                    .await?
                    .ok_or_else(|| {
                        StoreError::Refused("substitute_not_found", "No such product.".into())
                    })?;
                    if !sub.get::<bool, _>("same_category")? {
                        return Err(StoreError::Refused(
                            "substitute_not_similar",
                            "A substitute must come from the same category.".into(),
                        ));
                    }
                    if !sub.get::<bool, _>("active")? {
                        return Err(StoreError::Refused(
                            "substitute_unavailable",
                            "That product is not on sale.".into(),
                        ));
                    }
                    let sub_price = Money(sub.get("price")?);
                    let taken: Option<i64> = sql(
                        "UPDATE store_stock SET stock = stock - $1, sold = sold + $1 \
                         WHERE store_id = $2 AND product_id = $3 AND stock >= $1 RETURNING stock",
                    )
                    .bind(i64::from(*quantity))
                    .bind(store_id)
                    .bind(product_id)
                    .scalar_optional(&mut tx)
                    .await?;
                    let Some(left) = taken else {
                        return Err(StoreError::Refused(
                            "substitute_out_of_stock",
                            "This store does not have that many of the substitute.".into(),
                        ));
                    };
                    stock.push(StockLevel {
                        store_id: store_id.to_owned(),
                        product_id: product_id.clone(),
                        stock: left,
                        before: left + i64::from(*quantity),
                        active: true,
                    });
                    stock.extend(
                        correct_stock(&mut tx, store_id, &it.product_id, missing, picker_id, at)
                            .await?,
                    );
                    let ask =
                        needs_approval(it.unit_price, it.quantity, *found, sub_price, *quantity);
                    let charge = line_charge(it.unit_price, *found, Some((sub_price, *quantity)))
                        .ok_or_else(too_large)?;
                    let expires = at + approval;
                    sql("UPDATE order_items SET pick_state = $1, picked_qty = $2, \
                         line_total = $3, sub_product_id = $4, sub_sku = $5, sub_name = $6, \
                         sub_unit = $7, sub_unit_price = $8, sub_qty = $9, sub_expires_at = $10 \
                         WHERE order_id = $11 AND line = $12")
                    .bind(if ask { "proposed" } else { "substituted" })
                    .bind(i64::from(*found))
                    // A proposal keeps the line's price until the customer says yes.
                    .bind(if ask {
                        it.line_total.minor()
                    } else {
                        charge.minor()
                    })
                    .bind(product_id)
                    .bind(sub.get::<String, _>("sku")?)
                    .bind(sub.get::<String, _>("name")?)
                    .bind(sub.get::<String, _>("unit")?)
                    .bind(sub_price.minor())
                    .bind(i64::from(*quantity))
                    .bind(ask.then_some(expires.timestamp_millis()))
                    .bind(order_id)
                    .bind(line)
                    .execute(&mut tx)
                    .await?;
                    let payload = json!({
                        "lineId": line, "productId": it.product_id, "name": it.name,
                        "ordered": it.quantity, "found": found,
                        "substitute": { "productId": product_id,
                                        "name": sub.get::<String, _>("name")?,
                                        "unit": sub.get::<String, _>("unit")?,
                                        "unitPrice": sub_price.minor(), "quantity": quantity },
                        "lineTotalBefore": it.line_total.minor(),
                        "lineTotalAfter": charge.minor(),
                        "expiresAt": ask.then_some(expires),
                    });
                    let kind = if ask {
                        OrderEventKind::SubstitutionProposed
                    } else {
                        OrderEventKind::Substituted
                    };
                    append_event(&mut tx, order_id, kind, payload, actor, at).await?
                }
            };
            let outcome = finish(&mut tx, order_id, vec![event], stock, at).await?;
            tx.commit().await?;
            Ok(outcome)
        })
        .await
    }

    /// The customer's answer to a proposed substitute (`customer_id`), or no answer in
    /// time (`None`: the platform). Yes applies it at its price; no (or silence) puts the
    /// substitute back on the shelf and refunds the missing units.
    pub async fn answer_substitution(
        &self,
        order_id: &str,
        customer_id: Option<&str>,
        line: i64,
        approve: bool,
        at: DateTime<Utc>,
    ) -> StoreResult<PickOutcome> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            tx.lock(sql("SELECT id FROM orders WHERE id = $1 FOR UPDATE").bind(order_id))
                .await?;
            let order = match order_in(&mut tx, order_id).await? {
                Some(o) if customer_id.is_none_or(|c| c == o.customer_id) => o,
                _ => return Err(StoreError::NotFound),
            };
            let it = line_of(&order, line)?;
            let sub = match (&it.pick.substitute, it.pick.state.0) {
                (Some(s), PickState::Proposed) if !order.status.is_terminal() => s.clone(),
                _ => {
                    return Err(StoreError::Refused(
                        "no_proposal",
                        "There is no substitute waiting for an answer on this line.".into(),
                    ));
                }
            };
            let expired = sub.expires_at.is_none_or(|e| e <= at);
            if customer_id.is_some() && expired {
                return Err(StoreError::Refused(
                    "proposal_expired",
                    "Too late to answer: the missing items are refunded.".into(),
                ));
            }
            if customer_id.is_none() && !expired {
                return Err(StoreError::Refused(
                    "no_proposal",
                    "The proposal is still waiting for the customer.".into(),
                ));
            }
            let found = it.pick.found.unwrap_or(0);
            let actor: Actor<'_> = customer_id.map(|c| (c, Role::Customer));
            let mut stock = Vec::new();
            let event = if approve {
                let charge =
                    line_charge(it.unit_price, found, Some((sub.unit_price, sub.quantity)))
                        .ok_or_else(too_large)?;
                sql(
                    "UPDATE order_items SET pick_state = 'substituted', line_total = $1, \
                     sub_expires_at = NULL WHERE order_id = $2 AND line = $3 \
                     AND pick_state = 'proposed'",
                )
                .bind(charge.minor())
                .bind(order_id)
                .bind(line)
                .execute(&mut tx)
                .await?;
                append_event(
                    &mut tx,
                    order_id,
                    OrderEventKind::Substituted,
                    json!({ "lineId": line, "productId": it.product_id, "name": it.name,
                            "ordered": it.quantity, "found": found, "approved": true,
                            "substitute": { "productId": sub.product_id, "name": sub.name,
                                            "unit": sub.unit, "unitPrice": sub.unit_price.minor(),
                                            "quantity": sub.quantity },
                            "lineTotalBefore": it.line_total.minor(),
                            "lineTotalAfter": charge.minor() }),
                    actor,
                    at,
                )
                .await?
            } else {
                let charge = line_charge(it.unit_price, found, None).ok_or_else(too_large)?;
                sql(
                    "UPDATE order_items SET pick_state = 'short', line_total = $1, \
                     sub_product_id = NULL, sub_sku = NULL, sub_name = NULL, sub_unit = NULL, \
                     sub_unit_price = NULL, sub_qty = NULL, sub_expires_at = NULL \
                     WHERE order_id = $2 AND line = $3 AND pick_state = 'proposed'",
                )
                .bind(charge.minor())
                .bind(order_id)
                .bind(line)
                .execute(&mut tx)
                .await?;
                stock.extend(
                    put_back(
                        &mut tx,
                        &order.store_id,
                        &[(sub.product_id.as_str(), sub.quantity)],
                    )
                    .await?,
                );
                append_event(
                    &mut tx,
                    order_id,
                    OrderEventKind::SubstitutionRejected,
                    json!({ "lineId": line, "productId": it.product_id, "name": it.name,
                            "ordered": it.quantity, "found": found,
                            "reason": if customer_id.is_some() { "declined" } else { "no_answer" },
                            "substitute": { "productId": sub.product_id, "name": sub.name },
                            "refund": (it.line_total.minor() - charge.minor()) }),
                    actor,
                    at,
                )
                .await?
            };
            let outcome = finish(&mut tx, order_id, vec![event], stock, at).await?;
            tx.commit().await?;
            Ok(outcome)
        })
        .await
    }

    /// Proposed substitutes nobody answered in time: `(order, line)`.
    pub async fn due_substitutions(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        let rows = sql(
            "SELECT order_id, line FROM order_items WHERE pick_state = 'proposed' \
             AND sub_expires_at <= $1 ORDER BY sub_expires_at LIMIT $2",
        )
        .bind(now.timestamp_millis())
        .bind(limit)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter()
            .map(|r| Ok((r.get("order_id")?, r.get("line")?)))
            .collect()
    }

    /// Packed with `bags` bags: every line must be settled. A held order's dispatch is
    /// released to `release_to` in the same update.
    pub async fn pack_order(
        &self,
        order_id: &str,
        picker_id: &str,
        store_id: &str,
        bags: i64,
        release_to: DispatchState,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderChange> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let order = store_order(&mut tx, order_id, store_id).await?;
            if order.pick.fulfilment != Some(Fulfilment::Picking)
                || order.pick.picker_id.as_deref() != Some(picker_id)
            {
                return Err(not_picking(&order, picker_id));
            }
            let open = order
                .items
                .iter()
                .filter(|it| !it.pick.state.0.is_settled())
                .count();
            if open > 0 {
                return Err(StoreError::Refused(
                    "lines_pending",
                    format!("{open} line(s) still to pick or waiting for the customer's answer."),
                ));
            }
            let units: i64 = order
                .items
                .iter()
                .map(|it| {
                    let (own, sub) = it.taken();
                    i64::from(own) + i64::from(sub)
                })
                .sum();
            let done = sql(
                "UPDATE orders SET fulfilment = 'packed', packed_at = $1, bags = $2, \
                 pick_items = $3, updated_at = $1, \
                 dispatch = CASE WHEN dispatch = 'held' THEN $4 ELSE dispatch END, \
                 release_at = NULL \
                 WHERE id = $5 AND fulfilment = 'picking' AND picker_id = $6",
            )
            .bind(at.timestamp_millis())
            .bind(bags)
            .bind(units)
            .bind(release_to.as_str())
            .bind(order_id)
            .bind(picker_id)
            .execute(&mut tx)
            .await?;
            if done == 0 {
                return Err(not_picking(&order, picker_id));
            }
            let change = crate::orders::record(
                &mut tx,
                order_id,
                OrderEventKind::Packed,
                json!({ "fulfilment": "packed", "bags": bags, "items": units,
                        "released": order.dispatch == DispatchState::Held }),
                Some((picker_id, Role::Picker)),
                at,
            )
            .await?;
            tx.commit().await?;
            Ok(change)
        })
        .await
    }

    /// Held orders whose time to be offered has come.
    pub async fn due_held_orders(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        let rows = sql(
            "SELECT id FROM orders WHERE dispatch = 'held' AND release_at <= $1 \
             AND status = 'pending' ORDER BY release_at LIMIT $2",
        )
        .bind(now.timestamp_millis())
        .bind(limit)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(|r| r.get("id")).collect()
    }

    /// Release a held order to `to` (one conditional update: two instances' sweepers
    /// release it once). The order, if this call released it.
    pub async fn release_held(
        &self,
        order_id: &str,
        to: DispatchState,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Order>> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let done = sql(
                "UPDATE orders SET dispatch = $1, release_at = NULL, updated_at = $2 \
                 WHERE id = $3 AND dispatch = 'held' AND status = 'pending'",
            )
            .bind(to.as_str())
            .bind(at.timestamp_millis())
            .bind(order_id)
            .execute(&mut tx)
            .await?;
            if done == 0 {
                return Ok(None);
            }
            let order = order_in(&mut tx, order_id).await?;
            tx.commit().await?;
            Ok(order)
        })
        .await
    }

    /// Per store, sums over orders packed since `since` (units picked, minutes from claim
    /// to packed) for the measured pick times.
    pub async fn pick_history(
        &self,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, PickHistory)>> {
        let rows = sql("SELECT store_id, COUNT(*) AS n, \
               CAST(SUM(x) AS DOUBLE PRECISION) AS sx, CAST(SUM(y) AS DOUBLE PRECISION) AS sy, \
               CAST(SUM(x * x) AS DOUBLE PRECISION) AS sxx, \
               CAST(SUM(x * y) AS DOUBLE PRECISION) AS sxy \
             FROM (SELECT store_id, CAST(pick_items AS DOUBLE PRECISION) AS x, \
                     CAST(packed_at - picking_at AS DOUBLE PRECISION) / 60000.0 AS y \
                   FROM orders WHERE packed_at >= $1 AND picking_at IS NOT NULL \
                   AND pick_items IS NOT NULL AND store_id IS NOT NULL) AS h \
             GROUP BY store_id")
        .bind(since.timestamp_millis())
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.get("store_id")?,
                    PickHistory {
                        n: r.get("n")?,
                        sum_x: r.get::<Option<f64>, _>("sx")?.unwrap_or(0.0),
                        sum_y: r.get::<Option<f64>, _>("sy")?.unwrap_or(0.0),
                        sum_xx: r.get::<Option<f64>, _>("sxx")?.unwrap_or(0.0),
                        sum_xy: r.get::<Option<f64>, _>("sxy")?.unwrap_or(0.0),
                    },
                ))
            })
            .collect()
    }

    /// Queue sizes, pick times and short rates per store (one store, or all).
    pub async fn fulfilment_figures(
        &self,
        store_id: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<FulfilmentFigures>> {
        let mut conn = self.read().await?;
        let rows = sql("SELECT store_id, \
               COUNT(CASE WHEN fulfilment = 'queued' AND status IN ('pending', 'accepted') \
                     THEN 1 END) AS queued, \
               COUNT(CASE WHEN fulfilment = 'picking' AND status IN ('pending', 'accepted') \
                     THEN 1 END) AS picking, \
               COUNT(CASE WHEN packed_at >= $2 THEN 1 END) AS packed, \
               CAST(AVG(CASE WHEN packed_at >= $2 THEN packed_at - picking_at END) \
                    AS DOUBLE PRECISION) AS avg_ms \
             FROM orders WHERE fulfilment IS NOT NULL AND ($1 IS NULL OR store_id = $1) \
             AND (fulfilment IN ('queued', 'picking') OR packed_at >= $2) \
             GROUP BY store_id")
        .bind(store_id)
        .bind(since.timestamp_millis())
        .fetch_all(&mut conn)
        .await?;
        let lines = sql("SELECT o.store_id, COUNT(*) AS lines, \
               COUNT(CASE WHEN i.pick_state IN ('short', 'substituted') THEN 1 END) AS short \
             FROM order_items i JOIN orders o ON o.id = i.order_id \
             WHERE o.packed_at >= $2 AND ($1 IS NULL OR o.store_id = $1) \
             GROUP BY o.store_id")
        .bind(store_id)
        .bind(since.timestamp_millis())
        .fetch_all(&mut conn)
        .await?;
        let mut out: Vec<FulfilmentFigures> = rows
            .iter()
            .map(|r| {
                Ok(FulfilmentFigures {
                    store_id: r.get("store_id")?,
                    queued: r.get("queued")?,
                    picking: r.get("picking")?,
                    packed: r.get("packed")?,
                    avg_pick_minutes: r.get::<Option<f64>, _>("avg_ms")?.map(|ms| ms / 60_000.0),
                    lines: 0,
                    lines_short: 0,
                })
            })
            .collect::<StoreResult<_>>()?;
        for r in &lines {
            let id: String = r.get("store_id")?;
            if let Some(f) = out.iter_mut().find(|f| f.store_id == id) {
                f.lines = r.get("lines")?;
                f.lines_short = r.get("short")?;
            }
        }
        Ok(out)
    }
}

/// Units missing when `found` of a line were found; refused unless fewer than ordered.
fn short_of(it: &OrderItem, found: u32) -> StoreResult<u32> {
    if found >= it.quantity {
        return Err(StoreError::Refused(
            "wrong_quantity",
            format!(
                "A short line has fewer than the {} ordered: pick the line instead.",
                it.quantity
            ),
        ));
    }
    Ok(it.quantity - found)
}
