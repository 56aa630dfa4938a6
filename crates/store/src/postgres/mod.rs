//! The PostgreSQL backend, for running many instances on one database.
//!
//! Same trait, same SQL shapes as SQLite (placeholders converted from `?N` to `$N`),
//! with PostgreSQL's own concurrency tools: row locks (`FOR UPDATE`) where SQLite relies
//! on its single writer, `= ANY($1)` for id lists, and a bounded retry of the whole
//! transaction on serialization failures and deadlocks (40001 / 40P01).

mod addresses;
mod catalog;
mod delivery;
mod operations;
mod orders;
mod users;

pub(crate) use crate::sqlite::{bad_value, from_ms, new_id, now_ms, opt_ms};

use crate::{ConnectOptions, Store, StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::query::{Query, QueryScalar};
use sqlx::{FromRow, Postgres, Transaction};
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How often a transaction that hit a serialization failure or deadlock is re-run.
const MAX_ATTEMPTS: u32 = 5;

/// PostgreSQL implementation of [`Store`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

/// `?` / `?N` placeholders (the SQLite spelling shared by both backends) → `$N`.
pub(crate) fn to_pg(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 0;
    let mut chars = sql.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_string = !in_string;
        }
        if c != '?' || in_string {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        if digits.is_empty() {
            next += 1;
            out.push_str(&format!("${next}"));
        } else {
            out.push('$');
            out.push_str(&digits);
        }
    }
    out
}

pub(crate) fn q<'a>(sql: &str) -> Query<'a, Postgres, PgArguments> {
    sqlx::query(sqlx::AssertSqlSafe(to_pg(sql)))
}

pub(crate) fn qs<'a, O>(sql: &str) -> QueryScalar<'a, Postgres, O, PgArguments>
where
    (O,): for<'r> FromRow<'r, PgRow>,
{
    sqlx::query_scalar(sqlx::AssertSqlSafe(to_pg(sql)))
}

/// Run a whole transaction again when PostgreSQL asks for it (bounded, with backoff).
pub(crate) async fn retry<T, F, Fut>(f: F) -> StoreResult<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut attempt = 1;
    loop {
        match f().await {
            Err(StoreError::Transient(e)) if attempt < MAX_ATTEMPTS => {
                tracing::debug!(attempt, error = %e, "retrying a transaction");
                let jitter = u64::from(rand_jitter());
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt) + jitter)).await;
                attempt += 1;
            }
            Err(StoreError::Transient(e)) => return Err(StoreError::Unavailable(e)),
            other => return other,
        }
    }
}

fn rand_jitter() -> u8 {
    (uuid::Uuid::new_v4().as_bytes()[0]) % 10
}

impl PgStore {
    pub async fn connect(url: &str, opts: ConnectOptions) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(anyhow::anyhow!("invalid postgres url: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections.max(2))
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(options)
            .await?;
        Ok(PgStore { pool })
    }

    pub(crate) async fn tx(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn pool_stats(&self) -> (u32, u32) {
        (
            self.pool.size(),
            u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
        )
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Other(anyhow::anyhow!("migration failed: {e}")))
    }

    async fn ping(&self) -> StoreResult<()> {
        q("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::to_pg;

    #[test]
    fn placeholders_convert() {
        assert_eq!(to_pg("a = ? AND b = ?"), "a = $1 AND b = $2");
        assert_eq!(
            to_pg("a = ?1 OR b = ?1 AND c = ?12"),
            "a = $1 OR b = $1 AND c = $12"
        );
        assert_eq!(
            to_pg("x LIKE ? ESCAPE '\\' AND y = '?'"),
            "x LIKE $1 ESCAPE '\\' AND y = '?'"
        );
    }
}
