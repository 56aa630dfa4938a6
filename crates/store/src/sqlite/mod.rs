//! The embedded SQLite backend: one file, WAL, `synchronous=FULL`.
//!
//! Writes go through a single-connection pool and start with `BEGIN IMMEDIATE`, so
//! writers queue fairly in-process instead of spinning on `SQLITE_BUSY`; reads use a
//! separate pool and never block writers (WAL). `busy_timeout` still covers a second
//! process (the CLI) writing to the same file.

mod addresses;
mod batch;
mod catalog;
mod delivery;
mod operations;
mod orders;
mod users;

use crate::{ConnectOptions, Store, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// SQLite implementation of [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Group commit for order placement (see [`batch`]); `None` in the task's own copy.
    order_writer: Option<batch::OrderWriter>,
}

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn opt_ms(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.map(from_ms)
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub(crate) fn bad_value(column: &str, value: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!(
        "unexpected {column} value {value:?} in the database"
    ))
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

impl SqliteStore {
    /// Open (creating if missing) the database file named by `url`.
    pub async fn connect(url: &str, opts: ConnectOptions) -> StoreResult<SqliteStore> {
        let base = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(anyhow::anyhow!("invalid sqlite url: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-4000");
        if let Some(dir) = base.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Other(e.into()))?;
        }
        // An embedded file does not drop connections: skip the ping sqlx would send
        // (a round trip to the connection's thread) before every acquire.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(base.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .test_before_acquire(false)
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(base)
            .await?;
        let inner = SqliteStore {
            writer,
            reader,
            order_writer: None,
        };
        Ok(SqliteStore {
            order_writer: Some(batch::OrderWriter::spawn(inner.clone())),
            ..inner
        })
    }

    /// A write transaction that takes the write lock up front.
    pub(crate) async fn write_tx(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }
}
#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn pool_stats(&self) -> (u32, u32) {
        let idle = self.writer.num_idle() + self.reader.num_idle();
        (
            self.writer.size() + self.reader.size(),
            u32::try_from(idle).unwrap_or(u32::MAX),
        )
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(|e| StoreError::Other(anyhow::anyhow!("migration failed: {e}")))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }
}
