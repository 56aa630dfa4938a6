//! Webhooks: endpoints, the transactional outbox (a delivery row per subscribed endpoint,
//! written by [`enqueue`] in the transaction of the order change it reports), leased
//! claims by the workers of every instance, attempts and their log, replay.

use crate::db::{Row, Tx, sql, sql_built};
use crate::orders::{from_ms, new_id, now_ms, opt_ms};
use crate::{Store, StoreResult};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
    pub enabled: bool,
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A delivery as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: String,
    pub endpoint_id: String,
    pub event_type: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub excerpt: Option<String>,
}

/// What a try came to.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub excerpt: Option<String>,
    pub delivered: bool,
    /// When to try again (`None`: give up).
    pub retry_at: Option<DateTime<Utc>>,
}

/// What a failed try did to its endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointHealth {
    Fine,
    Failing,
    /// Switched off by this failure (it had failed for too long).
    Disabled,
}

const ENDPOINT_SELECT: &str = "SELECT id, url, events, secret, enabled, failing_since, \
    disabled_reason, created_at FROM webhook_endpoints";
const DELIVERY_SELECT: &str = "SELECT id, endpoint_id, event_type, payload, status, attempts, \
    next_attempt_at, last_status, created_at, delivered_at FROM webhook_deliveries";

fn endpoint_from_row(r: &Row) -> StoreResult<WebhookEndpoint> {
    let events: String = r.get("events")?;
    Ok(WebhookEndpoint {
        id: r.get("id")?,
        url: r.get("url")?,
        events: events.split_whitespace().map(str::to_owned).collect(),
        secret: r.get("secret")?,
        enabled: r.get("enabled")?,
        failing_since: opt_ms(r.get("failing_since")?),
        disabled_reason: r.get("disabled_reason")?,
        created_at: from_ms(r.get("created_at")?),
    })
}

fn delivery_from_row(r: &Row) -> StoreResult<WebhookDelivery> {
    Ok(WebhookDelivery {
        id: r.get("id")?,
        endpoint_id: r.get("endpoint_id")?,
        event_type: r.get("event_type")?,
        payload: r.get("payload")?,
        status: r.get("status")?,
        attempts: r.get("attempts")?,
        next_attempt_at: from_ms(r.get("next_attempt_at")?),
        last_status: r.get("last_status")?,
        created_at: from_ms(r.get("created_at")?),
        delivered_at: opt_ms(r.get("delivered_at")?),
    })
}

/// A webhook's body (Standard Webhooks' `{type, timestamp, data}`): the order event with
/// its order id and `seq`, so receivers can order and de-duplicate.
pub(crate) fn event_payload(e: &crate::models::OrderEvent, store_id: &str) -> serde_json::Value {
    body(
        e.kind.as_str(),
        e.at,
        serde_json::json!({ "orderId": e.order_id, "storeId": store_id, "seq": e.seq,
                            "event": e.payload }),
    )
}

/// Every webhook's body: `{type, timestamp, data}`.
fn body(kind: &str, at: DateTime<Utc>, data: serde_json::Value) -> serde_json::Value {
    serde_json::json!({ "type": kind, "timestamp": at, "data": data })
}

/// The outbox: one pending delivery of `event_type` per enabled endpoint subscribed to
/// it, in the caller's transaction. `message_id` is unique per event (`{order}:{seq}`).
pub(crate) async fn enqueue(
    tx: &mut Tx,
    event_type: &str,
    message_id: &str,
    payload: &serde_json::Value,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sql(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_type, payload, status, \
         attempts, next_attempt_at, created_at) \
         SELECT e.id || ':' || $1, e.id, $2, $3, 'pending', 0, $4, $4 \
         FROM webhook_endpoints e WHERE e.enabled = TRUE \
         AND (' ' || e.events || ' ') LIKE $5",
    )
    .bind(message_id)
    .bind(event_type)
    .bind(payload.to_string())
    .bind(at.timestamp_millis())
    .bind(format!("% {event_type} %"))
    .execute(tx)
    .await?;
    Ok(())
}

/// The outbox for a stock change: one `inventory.updated` delivery per subscribed
/// endpoint, in the caller's transaction.
pub(crate) async fn enqueue_inventory(
    tx: &mut Tx,
    levels: &[crate::models::StockLevel],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    if levels.is_empty() {
        return Ok(());
    }
    let products: Vec<serde_json::Value> = levels
        .iter()
        .map(|l| {
            serde_json::json!({ "storeId": l.store_id, "productId": l.product_id,
                                "stock": l.stock, "inStock": l.stock > 0 && l.active })
        })
        .collect();
    let payload = body(
        "inventory.updated",
        at,
        serde_json::json!({ "products": products }),
    );
    enqueue(
        tx,
        "inventory.updated",
        &format!("inv:{}", new_id()),
        &payload,
        at,
    )
    .await
}

/// The outbox for a dispatch step (stores in `auto` dispatch): an offer made, declined or
/// expired, or the order escalated to every partner.
pub(crate) async fn enqueue_dispatch(
    tx: &mut Tx,
    order_id: &str,
    store_id: &str,
    outcome: &crate::models::DispatchOutcome,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    use crate::models::{DispatchStep, OfferState};
    let offer_data = |o: &crate::models::Offer| {
        serde_json::json!({ "orderId": order_id, "storeId": store_id, "offerId": o.id,
                            "partnerId": o.partner_id, "round": o.round,
                            "expiresAt": o.expires_at, "reason": o.reason })
    };
    let mut events: Vec<(&str, String, serde_json::Value)> = Vec::new();
    if let Some(closed) = &outcome.closed {
        let kind = match closed.state {
            OfferState::Declined => Some("dispatch.declined"),
            OfferState::Expired => Some("dispatch.expired"),
            _ => None,
        };
        if let Some(kind) = kind {
            events.push((
                kind,
                format!("{order_id}:{}:{kind}", closed.id),
                offer_data(closed),
            ));
        }
    }
    match &outcome.step {
        DispatchStep::Offered(o) => events.push((
            "dispatch.offered",
            format!("{order_id}:{}:dispatch.offered", o.id),
            offer_data(o),
        )),
        DispatchStep::Escalated(reason) => events.push((
            "dispatch.escalated",
            format!("{order_id}:dispatch.escalated"),
            serde_json::json!({ "orderId": order_id, "storeId": store_id, "reason": reason }),
        )),
        _ => {}
    }
    for (kind, id, data) in events {
        enqueue(tx, kind, &id, &body(kind, at, data), at).await?;
    }
    Ok(())
}

impl Store {
    pub async fn create_webhook(
        &self,
        url: &str,
        events: &[String],
        secret: &str,
    ) -> StoreResult<WebhookEndpoint> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let id = new_id();
            sql(
                "INSERT INTO webhook_endpoints (id, url, events, secret, enabled, created_at) \
                 VALUES ($1, $2, $3, $4, TRUE, $5)",
            )
            .bind(&id)
            .bind(url)
            .bind(events.join(" "))
            .bind(secret)
            .bind(now_ms())
            .execute(&mut tx)
            .await?;
            let row = sql_built(format!("{ENDPOINT_SELECT} WHERE id = $1"))
                .bind(&id)
                .fetch_one(&mut tx)
                .await?;
            let e = endpoint_from_row(&row)?;
            tx.commit().await?;
            Ok(e)
        })
        .await
    }

    pub async fn webhooks(&self) -> StoreResult<Vec<WebhookEndpoint>> {
        let rows = sql_built(format!(
            "{ENDPOINT_SELECT} ORDER BY created_at DESC LIMIT 200"
        ))
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(endpoint_from_row).collect()
    }

    pub async fn webhook(&self, id: &str) -> StoreResult<Option<WebhookEndpoint>> {
        let row = sql_built(format!("{ENDPOINT_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut self.read().await?)
            .await?;
        row.as_ref().map(endpoint_from_row).transpose()
    }

    /// Switch an endpoint on (its failures forgotten) or off.
    pub async fn set_webhook_enabled(&self, id: &str, enabled: bool) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE webhook_endpoints SET enabled = $1, failing_since = NULL, \
                 disabled_reason = CASE WHEN $1 THEN NULL ELSE 'switched off by an admin' END \
                 WHERE id = $2",
            )
            .bind(enabled)
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            tx.commit().await
        })
        .await
    }

    pub async fn delete_webhook(&self, id: &str) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("DELETE FROM webhook_endpoints WHERE id = $1")
                .bind(id)
                .execute_found(&mut tx)
                .await?;
            tx.commit().await
        })
        .await
    }

    /// Claim up to `limit` due deliveries for `lease`: one conditional update, so a
    /// delivery is sent by one worker at a time however many instances run (a lease that
    /// runs out — the worker died — makes it due again).
    pub async fn claim_webhook_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<(WebhookDelivery, WebhookEndpoint)>> {
        let claimed = self
            .write(|| async move {
                let mut tx = self.begin().await?;
                let now_ms = now.timestamp_millis();
                let rows = sql(
                    "UPDATE webhook_deliveries SET locked_until = $1, attempts = attempts + 1 \
                     WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' \
                       AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until <= $2) \
                       ORDER BY next_attempt_at LIMIT $3) \
                     AND status = 'pending' AND (locked_until IS NULL OR locked_until <= $2) \
                     RETURNING id",
                )
                .bind((now + lease).timestamp_millis())
                .bind(now_ms)
                .bind(limit)
                .fetch_all(&mut tx)
                .await?;
                tx.commit().await?;
                rows.iter()
                    .map(|r| r.get::<String, _>("id"))
                    .collect::<StoreResult<Vec<_>>>()
            })
            .await?;
        let mut out = Vec::with_capacity(claimed.len());
        let mut conn = self.read().await?;
        for id in claimed {
            let d = sql_built(format!("{DELIVERY_SELECT} WHERE id = $1"))
                .bind(&id)
                .fetch_one(&mut conn)
                .await?;
            let d = delivery_from_row(&d)?;
            let e = sql_built(format!("{ENDPOINT_SELECT} WHERE id = $1"))
                .bind(&d.endpoint_id)
                .fetch_one(&mut conn)
                .await?;
            out.push((d, endpoint_from_row(&e)?));
        }
        Ok(out)
    }

    /// Log a try and move the delivery on: delivered, due again at `retry_at`, or given
    /// up. The endpoint's failure clock starts (or stops); an endpoint failing since
    /// before `disable_before` is switched off.
    pub async fn record_webhook_attempt(
        &self,
        delivery: &WebhookDelivery,
        result: &AttemptResult,
        at: DateTime<Utc>,
        disable_before: DateTime<Utc>,
    ) -> StoreResult<EndpointHealth> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let at_ms = at.timestamp_millis();
            sql(
                "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, latency_ms, \
                 error, excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (delivery_id, attempt) DO NOTHING",
            )
            .bind(&delivery.id)
            .bind(delivery.attempts)
            .bind(at_ms)
            .bind(result.status_code)
            .bind(result.latency_ms)
            .bind(result.error.as_deref())
            .bind(result.excerpt.as_deref())
            .execute(&mut tx)
            .await?;
            let (status, next) = match (result.delivered, result.retry_at) {
                (true, _) => ("delivered", at_ms),
                (false, Some(t)) => ("pending", t.timestamp_millis()),
                (false, None) => ("failed", at_ms),
            };
            sql(
                "UPDATE webhook_deliveries SET status = $1, next_attempt_at = $2, \
                 locked_until = NULL, last_status = $3, \
                 delivered_at = CASE WHEN $1 = 'delivered' THEN $4 ELSE delivered_at END \
                 WHERE id = $5",
            )
            .bind(status)
            .bind(next)
            .bind(result.status_code)
            .bind(at_ms)
            .bind(&delivery.id)
            .execute(&mut tx)
            .await?;
            let health = if result.delivered {
                sql("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1")
                    .bind(&delivery.endpoint_id)
                    .execute(&mut tx)
                    .await?;
                EndpointHealth::Fine
            } else {
                sql(
                    "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) \
                     WHERE id = $2",
                )
                .bind(at_ms)
                .bind(&delivery.endpoint_id)
                .execute(&mut tx)
                .await?;
                let off = sql("UPDATE webhook_endpoints SET enabled = FALSE, \
                     disabled_reason = 'every delivery failed for too long' \
                     WHERE id = $1 AND enabled = TRUE AND failing_since <= $2")
                .bind(&delivery.endpoint_id)
                .bind(disable_before.timestamp_millis())
                .execute(&mut tx)
                .await?;
                if off > 0 {
                    EndpointHealth::Disabled
                } else {
                    EndpointHealth::Failing
                }
            };
            tx.commit().await?;
            Ok(health)
        })
        .await
    }

    /// An endpoint's newest deliveries with their attempts.
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(WebhookDelivery, Vec<WebhookAttempt>)>> {
        let mut conn = self.read().await?;
        let rows = sql_built(format!(
            "{DELIVERY_SELECT} WHERE endpoint_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(endpoint_id)
        .bind(limit)
        .fetch_all(&mut conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let d = delivery_from_row(r)?;
            let tries = sql(
                "SELECT attempt, at, status_code, latency_ms, error, excerpt FROM webhook_attempts \
                 WHERE delivery_id = $1 ORDER BY attempt",
            )
            .bind(&d.id)
            .fetch_all(&mut conn)
            .await?
            .iter()
            .map(|a| {
                Ok(WebhookAttempt {
                    attempt: a.get("attempt")?,
                    at: from_ms(a.get("at")?),
                    status_code: a.get("status_code")?,
                    latency_ms: a.get("latency_ms")?,
                    error: a.get("error")?,
                    excerpt: a.get("excerpt")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
            out.push((d, tries));
        }
        Ok(out)
    }

    /// Send a delivery again now (an admin's replay), whatever became of it.
    pub async fn replay_webhook_delivery(&self, id: &str) -> StoreResult<WebhookDelivery> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let at = now_ms();
            sql(
                "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, \
                 locked_until = NULL, created_at = $1 WHERE id = $2",
            )
            .bind(at)
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            let row = sql_built(format!("{DELIVERY_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_one(&mut tx)
                .await?;
            let d = delivery_from_row(&row)?;
            tx.commit().await?;
            Ok(d)
        })
        .await
    }
}
