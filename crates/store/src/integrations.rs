//! Integrations: API keys (scoped, optionally bound to a store, hashed), the bulk stock
//! call (every line or none, idempotent) and the order feed (cursor over updated orders).

use crate::db::{Row, sql, sql_built};
use crate::models::*;
use crate::orders::{from_ms, load_orders, new_id, now_ms, opt_ms};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// An API key as stored (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub secret_hash: String,
    pub scopes: Vec<String>,
    pub store_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new key: the caller made the prefix and the secret's hash.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    pub prefix: String,
    pub secret_hash: String,
    pub scopes: Vec<String>,
    pub store_id: Option<String>,
    pub created_by: String,
}

/// Which product a stock line names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductRef {
    Id(String),
    Sku(String),
}

/// One line of a bulk stock call.
#[derive(Debug, Clone)]
pub struct StockLine {
    pub store_id: String,
    pub product: ProductRef,
    pub change: StockChange,
}

/// Why a bulk stock call applied nothing: the first bad line (from 0) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub code: &'static str,
    pub message: String,
}

/// What a bulk stock call did, or the stored answer of an earlier call with the same key.
#[derive(Debug, Clone)]
pub enum BulkStock {
    Applied(Vec<StockLevel>),
    Replayed { status: u16, body: String },
}

const KEY_SELECT: &str = "SELECT id, name, prefix, secret_hash, scopes, store_id, created_at, \
    last_used_at, revoked_at FROM api_keys";

fn key_from_row(r: &Row) -> StoreResult<ApiKey> {
    let scopes: String = r.get("scopes")?;
    Ok(ApiKey {
        id: r.get("id")?,
        name: r.get("name")?,
        prefix: r.get("prefix")?,
        secret_hash: r.get("secret_hash")?,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        store_id: r.get("store_id")?,
        created_at: from_ms(r.get("created_at")?),
        last_used_at: opt_ms(r.get("last_used_at")?),
        revoked_at: opt_ms(r.get("revoked_at")?),
    })
}

impl Store {
    pub async fn create_api_key(&self, k: &NewApiKey) -> StoreResult<ApiKey> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let id = new_id();
            sql(
                "INSERT INTO api_keys (id, name, prefix, secret_hash, scopes, store_id, \
                 created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(&k.name)
            .bind(&k.prefix)
            .bind(&k.secret_hash)
            .bind(k.scopes.join(" "))
            .bind(k.store_id.as_deref())
            .bind(&k.created_by)
            .bind(now_ms())
            .execute(&mut tx)
            .await?;
            let row = sql_built(format!("{KEY_SELECT} WHERE id = $1"))
                .bind(&id)
                .fetch_one(&mut tx)
                .await?;
            let key = key_from_row(&row)?;
            tx.commit().await?;
            Ok(key)
        })
        .await
    }

    pub async fn api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        let rows = sql_built(format!("{KEY_SELECT} ORDER BY created_at DESC LIMIT 500"))
            .fetch_all(&mut self.read().await?)
            .await?;
        rows.iter().map(key_from_row).collect()
    }

    pub async fn api_key_by_prefix(&self, prefix: &str) -> StoreResult<Option<ApiKey>> {
        let row = sql_built(format!("{KEY_SELECT} WHERE prefix = $1"))
            .bind(prefix)
            .fetch_optional(&mut self.read().await?)
            .await?;
        row.as_ref().map(key_from_row).transpose()
    }

    /// Revoke a key (it stops working at once); revoking twice is harmless.
    pub async fn revoke_api_key(&self, id: &str) -> StoreResult<ApiKey> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
                .bind(now_ms())
                .bind(id)
                .execute_found(&mut tx)
                .await?;
            let row = sql_built(format!("{KEY_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_one(&mut tx)
                .await?;
            let key = key_from_row(&row)?;
            tx.commit().await?;
            Ok(key)
        })
        .await
    }

    pub async fn touch_api_key(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(at.timestamp_millis())
                .bind(id)
                .execute(&mut tx)
                .await?;
            tx.commit().await
        })
        .await
    }

    /// Apply every line in one transaction, or none: the first bad line →
    /// `Err(Ok(BadLine))`. With an idempotency key, the first call's answer is kept in the
    /// same transaction and a repeat gets it back ([`BulkStock::Replayed`]); the same key
    /// with another body → `Conflict`. `answer` makes the stored body from the levels.
    pub async fn bulk_stock(
        &self,
        key_id: &str,
        idempotency: Option<(&str, &str)>,
        lines: &[StockLine],
        answer: &(dyn Fn(&[StockLevel]) -> String + Sync),
    ) -> StoreResult<Result<BulkStock, BadLine>> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let at = now_ms();
            if let Some((key, fingerprint)) = idempotency {
                // Claimed first, in this transaction: a concurrent twin waits here and
                // then finds the answer.
                let claimed = sql(
                    "INSERT INTO integration_requests (key_id, idempotency_key, fingerprint, \
                     status, body, created_at) VALUES ($1, $2, $3, 0, '', $4) \
                     ON CONFLICT (key_id, idempotency_key) DO NOTHING",
                )
                .bind(key_id)
                .bind(key)
                .bind(fingerprint)
                .bind(at)
                .execute(&mut tx)
                .await?;
                if claimed == 0 {
                    let row = sql(
                        "SELECT fingerprint, status, body FROM integration_requests \
                         WHERE key_id = $1 AND idempotency_key = $2",
                    )
                    .bind(key_id)
                    .bind(key)
                    .fetch_one(&mut tx)
                    .await?;
                    if row.get::<String, _>("fingerprint")? != fingerprint {
                        return Err(StoreError::Conflict(
                            "this Idempotency-Key was used with another body".into(),
                        ));
                    }
                    return Ok(Ok(BulkStock::Replayed {
                        status: u16::try_from(row.get::<i64, _>("status")?).unwrap_or(200),
                        body: row.get("body")?,
                    }));
                }
            }
            let mut levels: Vec<StockLevel> = Vec::with_capacity(lines.len());
            for (n, line) in lines.iter().enumerate() {
                let bad = |code: &'static str, message: String| BadLine {
                    line: n,
                    code,
                    message,
                };
                let store_ok: Option<String> = sql("SELECT id FROM stores WHERE id = $1")
                    .bind(&line.store_id)
                    .scalar_optional(&mut tx)
                    .await?;
                if store_ok.is_none() {
                    return Ok(Err(bad("store_not_found", "no such store".into())));
                }
                let product: Option<Row> =
                    match &line.product {
                        ProductRef::Id(id) => sql(
                            "SELECT p.id, p.is_active AND c.is_active AS active FROM products p \
                             JOIN categories c ON c.id = p.category_id WHERE p.id = $1",
                        )
                        .bind(id)
                        .fetch_optional(&mut tx)
                        .await?,
                        ProductRef::Sku(sku) => sql(
                            "SELECT p.id, p.is_active AND c.is_active AS active FROM products p \
                             JOIN categories c ON c.id = p.category_id WHERE p.sku = $1",
                        )
                        .bind(sku)
                        .fetch_optional(&mut tx)
                        .await?,
                    };
                let Some(product) = product else {
                    return Ok(Err(bad("product_not_found", "no such product".into())));
                };
                let product_id: String = product.get("id")?;
                let (before, after) = match crate::operations::apply_stock_change(
                    &mut tx,
                    &line.store_id,
                    &product_id,
                    line.change,
                    "integration",
                    key_id,
                    at,
                )
                .await?
                {
                    Ok(change) => change,
                    Err(
                        crate::operations::StockRefusal::TooLarge(before)
                        | crate::operations::StockRefusal::BelowZero(before),
                    ) => {
                        return Ok(Err(bad(
                            "stock_below_zero",
                            format!("stock would go below zero (it is {before})"),
                        )));
                    }
                };
                // A product on two lines: one level, from before the first to after the last.
                let mut before = before;
                if let Some(at) = levels
                    .iter()
                    .position(|l| l.store_id == line.store_id && l.product_id == product_id)
                {
                    before = levels.remove(at).before;
                }
                levels.push(StockLevel {
                    store_id: line.store_id.clone(),
                    product_id,
                    stock: after,
                    before,
                    active: product.get::<bool, _>("active")?,
                });
            }
            crate::webhooks::enqueue_inventory(&mut tx, &levels, crate::orders::from_ms(at))
                .await?;
            if let Some((key, _)) = idempotency {
                sql("UPDATE integration_requests SET status = 200, body = $1 \
                     WHERE key_id = $2 AND idempotency_key = $3")
                .bind(answer(&levels))
                .bind(key_id)
                .bind(key)
                .execute(&mut tx)
                .await?;
            }
            tx.commit().await?;
            Ok(Ok(BulkStock::Applied(levels)))
        })
        .await
    }

    /// Orders changed after `(since, after_id)` in `(updated_at, id)` order, of one store
    /// or all; at most `limit`.
    pub async fn orders_feed(
        &self,
        store_id: Option<&str>,
        since_ms: i64,
        after_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Order>> {
        let mut conn = self.read().await?;
        let rows = sql(
            "SELECT * FROM orders WHERE (updated_at > $1 OR (updated_at = $1 AND id > $2)) \
             AND ($3 IS NULL OR store_id = $3) ORDER BY updated_at ASC, id ASC LIMIT $4",
        )
        .bind(since_ms)
        .bind(after_id)
        .bind(store_id)
        .bind(limit)
        .fetch_all(&mut conn)
        .await?;
        load_orders(&mut conn, rows).await
    }
}
