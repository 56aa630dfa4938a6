//! Integrations: API keys for POS/ERP systems, the bulk stock call and the order feed.
//!
//! A key is `qck_{prefix}_{secret}`: the prefix finds it, the secret is checked against
//! its SHA-256 (a 256-bit random secret needs no slow hash) in constant time. Keys carry
//! scopes (`orders:read`, `catalog:write`, `stock:write`, `webhooks:manage`): a call
//! outside them is 403; a key bound to a store sees and changes only that store (another
//! store's data is 404 / refused line). Each key is rate limited
//! (`QC_API_KEY_RATE_PER_MIN`), and its last use is kept to the minute.

use super::AppState;
use crate::api::*;
use crate::auth::{random_hex, sha256_hex};
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use qc_domain::ValidationErrors;
use qc_store::{ApiKey, BulkStock, NewApiKey, ProductRef, StockChange, StockLine};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const SCOPES: [&str; 4] = [
    "orders:read",
    "catalog:write",
    "stock:write",
    "webhooks:manage",
];
/// Lines in one bulk stock call.
pub const MAX_STOCK_LINES: usize = 1_000;
/// A key's last use is written at most this often.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Who calls: a checked, unrevoked key.
#[derive(Debug, Clone)]
pub struct ApiPrincipal {
    pub key_id: String,
    pub scopes: Vec<String>,
    pub store_id: Option<String>,
}

impl ApiPrincipal {
    /// 403 unless the key has `scope`.
    pub fn require(&self, scope: &str) -> Result<()> {
        if self.scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "missing_scope",
                format!("This API key lacks the {scope} scope."),
            ))
        }
    }
}

pub fn view(k: &ApiKey) -> ApiKeyView {
    ApiKeyView {
        id: k.id.clone(),
        name: k.name.clone(),
        prefix: k.prefix.clone(),
        scopes: k.scopes.clone(),
        store_id: k.store_id.clone(),
        created_at: k.created_at,
        last_used_at: k.last_used_at,
        revoked_at: k.revoked_at,
    }
}

/// An admin creates a key; its secret is in the answer, once.
pub async fn create_key(
    state: &AppState,
    admin_id: &str,
    req: ApiKeyRequest,
) -> Result<ApiKeyCreatedResponse> {
    let mut errors = ValidationErrors::new();
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push("name", "must be 1 to 80 characters");
    }
    let mut scopes: Vec<String> = Vec::new();
    for s in &req.scopes {
        if !SCOPES.contains(&s.as_str()) {
            errors.push(
                "scopes",
                format!("{s:?} is not one of {}", SCOPES.join(", ")),
            );
        } else if !scopes.contains(s) {
            scopes.push(s.clone());
        }
    }
    if req.scopes.is_empty() {
        errors.push("scopes", "give at least one scope");
    }
    errors.into_result()?;
    if let Some(store) = &req.store_id
        && state.stores.find(store).await?.is_none()
    {
        return Err(AppError::not_found("store_not_found", "No such store."));
    }
    let (prefix, secret) = (random_hex(6), random_hex(32));
    let key = state
        .store
        .create_api_key(&NewApiKey {
            name: name.to_owned(),
            prefix: prefix.clone(),
            secret_hash: sha256_hex(&secret),
            scopes,
            store_id: req.store_id,
            created_by: admin_id.to_owned(),
        })
        .await?;
    tracing::info!(key_id = %key.id, "API key created");
    Ok(ApiKeyCreatedResponse {
        success: true,
        api_key: view(&key),
        secret: format!("qck_{prefix}_{secret}"),
    })
}

pub async fn list_keys(state: &AppState) -> Result<Vec<ApiKeyView>> {
    Ok(state.store.api_keys().await?.iter().map(view).collect())
}

pub async fn revoke_key(state: &AppState, id: &str) -> Result<ApiKeyView> {
    let key = state.store.revoke_api_key(id).await.map_err(|e| match e {
        qc_store::StoreError::NotFound => {
            AppError::not_found("api_key_not_found", "No such API key.")
        }
        other => other.into(),
    })?;
    Ok(view(&key))
}

fn unauthorized() -> AppError {
    AppError::Unauthorized {
        code: "invalid_api_key",
        message: "Send a valid API key: Authorization: Bearer qck_….".into(),
    }
}

/// Check the `Authorization` header's key (and its rate limit).
pub async fn authenticate(state: &AppState, header: Option<&str>) -> Result<ApiPrincipal> {
    let token = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(unauthorized)?;
    let (prefix, secret) = token
        .strip_prefix("qck_")
        .and_then(|rest| rest.split_once('_'))
        .ok_or_else(unauthorized)?;
    let key = state
        .store
        .api_key_by_prefix(prefix)
        .await?
        .ok_or_else(unauthorized)?;
    let given = sha256_hex(secret);
    // Constant time: the comparison does not stop at the first differing byte.
    let same = given.len() == key.secret_hash.len()
        && given
            .bytes()
            .zip(key.secret_hash.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same || key.revoked_at.is_some() {
        return Err(unauthorized());
    }
    state
        .limits
        .api_keys
        .hit(&key.id)
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    touch(state, &key.id).await;
    Ok(ApiPrincipal {
        key_id: key.id,
        scopes: key.scopes,
        store_id: key.store_id,
    })
}

/// Keep the key's last use, at most once a minute per key and instance.
async fn touch(state: &AppState, key_id: &str) {
    static SEEN: OnceLock<Mutex<HashMap<String, Instant>>> = OnceLock::new();
    let due = {
        let mut seen = SEEN
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match seen.get(key_id) {
            Some(at) if now.duration_since(*at) < TOUCH_EVERY => false,
            _ => {
                if seen.len() > 10_000 {
                    seen.clear();
                }
                seen.insert(key_id.to_owned(), now);
                true
            }
        }
    };
    if due && let Err(e) = state.store.touch_api_key(key_id, Utc::now()).await {
        tracing::debug!(error = %e, "could not record an API key's use");
    }
}

fn stock_levels(levels: &[qc_store::StockLevel]) -> Vec<FeedStockLevel> {
    levels
        .iter()
        .map(|l| FeedStockLevel {
            store_id: l.store_id.clone(),
            product_id: l.product_id.clone(),
            stock: l.stock,
            in_stock: l.stock > 0 && l.active,
        })
        .collect()
}

/// Check every line before any write; the first bad one is named (`lines[n]`).
fn parse_lines(who: &ApiPrincipal, req: &StockBulkRequest) -> Result<Vec<StockLine>> {
    if req.lines.is_empty() || req.lines.len() > MAX_STOCK_LINES {
        return Err(
            ValidationErrors::one("lines", format!("give 1 to {MAX_STOCK_LINES} lines")).into(),
        );
    }
    let mut out = Vec::with_capacity(req.lines.len());
    for (n, l) in req.lines.iter().enumerate() {
        let field = format!("lines[{n}]");
        let product = match (&l.product_id, &l.sku) {
            (Some(id), None) => ProductRef::Id(id.clone()),
            (None, Some(sku)) => ProductRef::Sku(sku.clone()),
            _ => {
                return Err(
                    ValidationErrors::one(&field, "give productId or sku (one of them)").into(),
                );
            }
        };
        let change = match (l.set, l.adjust) {
            (Some(v), None) if (0..=1_000_000_000).contains(&v) => StockChange::Set(v),
            (None, Some(d)) if (-1_000_000_000..=1_000_000_000).contains(&d) => {
                StockChange::Adjust(d)
            }
            (Some(_), None) => {
                return Err(ValidationErrors::one(&field, "set must be 0 to 1000000000").into());
            }
            _ => {
                return Err(ValidationErrors::one(
                    &field,
                    "give set or adjust (one of them, at most 1000000000)",
                )
                .into());
            }
        };
        if who.store_id.as_ref().is_some_and(|s| *s != l.store_id) {
            return Err(AppError::forbidden(
                "store_not_allowed",
                format!("{field}: this API key works only for its own store."),
            ));
        }
        out.push(StockLine {
            store_id: l.store_id.clone(),
            product: product.clone(),
            change,
        });
    }
    Ok(out)
}

/// The bulk stock call: every line or none; pushed as `inventory:updated` as if an admin
/// made each change. `Ok(Err((status, body)))`: a stored answer replayed.
pub async fn bulk_stock(
    state: &AppState,
    who: &ApiPrincipal,
    idempotency_key: Option<String>,
    fingerprint: String,
    req: StockBulkRequest,
) -> Result<std::result::Result<StockBulkResponse, (u16, String)>> {
    who.require("stock:write")?;
    let lines = parse_lines(who, &req)?;
    let answer = |levels: &[qc_store::StockLevel]| {
        serde_json::to_string(&StockBulkResponse {
            success: true,
            applied: lines.len(),
            stock: stock_levels(levels),
        })
        .unwrap_or_default()
    };
    let idem = idempotency_key
        .as_deref()
        .map(|k| (k, fingerprint.as_str()));
    let done = state
        .store
        .bulk_stock(&who.key_id, idem, &lines, &answer)
        .await
        .map_err(|e| match e {
            qc_store::StoreError::Conflict(_) => AppError::Unprocessable {
                code: "idempotency_key_reused",
                message: "This Idempotency-Key was already used with another body.".into(),
            },
            other => other.into(),
        })?;
    match done {
        Err(bad) => Err(AppError::Unprocessable {
            code: bad.code,
            message: format!("lines[{}]: {}. Nothing was applied.", bad.line, bad.message),
        }),
        Ok(BulkStock::Replayed { status, body }) => Ok(Err((status, body))),
        Ok(BulkStock::Applied(levels)) => {
            state.stock_changed(&super::search::StockWrite::of(&levels));
            state
                .broadcast
                .inventory(super::catalog::stock_news(state, &levels))
                .await;
            Ok(Ok(StockBulkResponse {
                success: true,
                applied: lines.len(),
                stock: stock_levels(&levels),
            }))
        }
    }
}

/// A cursor: the last order's `updated_at` (ms) and id.
fn parse_cursor(raw: &str) -> Option<(i64, String)> {
    let (ms, id) = raw.split_once('.')?;
    let ms = ms.parse().ok()?;
    (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| (ms, id.to_owned()))
}

/// The order feed: orders changed since a moment or a cursor, oldest change first.
pub async fn orders_feed(
    state: &AppState,
    who: &ApiPrincipal,
    q: OrdersFeedQuery,
) -> Result<OrdersFeedResponse> {
    who.require("orders:read")?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ValidationErrors::one("limit", "must be 1 to 500").into());
    }
    let (since, after) = match (&q.cursor, &q.updated_since) {
        (Some(c), _) => parse_cursor(c)
            .ok_or_else(|| ValidationErrors::one("cursor", "is not a cursor this API gave"))?,
        (None, Some(t)) => {
            let t: DateTime<Utc> = t
                .parse()
                .map_err(|_| ValidationErrors::one("updatedSince", "must be an RFC 3339 time"))?;
            (t.timestamp_millis(), String::new())
        }
        (None, None) => (0, String::new()),
    };
    let orders = state
        .store
        .orders_feed(who.store_id.as_deref(), since, &after, limit)
        .await?;
    let next_cursor = orders.last().map_or_else(
        || format!("{since}.{}", if after.is_empty() { "0" } else { &after }),
        |o| format!("{}.{}", o.updated_at.timestamp_millis(), o.id),
    );
    Ok(OrdersFeedResponse {
        success: true,
        orders: orders
            .iter()
            .map(|o| super::views::full_view(state, o, None))
            .collect(),
        next_cursor,
    })
}
