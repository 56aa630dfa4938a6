//! SQLite-specific set-up: one file, WAL, `synchronous=FULL`, a single writer connection
//! and a read pool.
//!
//! Writes go through the one-connection writer pool and start with `BEGIN IMMEDIATE`, so
//! writers queue fairly in-process instead of spinning on `SQLITE_BUSY`, and writers that
//! queue share one commit (`group`); reads use the other pool and never block the writer
//! (WAL). `busy_timeout` still covers a second process (the CLI) writing to the same file.

mod group;
pub(crate) use group::{GroupTx, GroupWriter};

use crate::db::Pools;
use crate::{ConnectOptions, StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Open (creating if missing) the database file named by `url`.
pub(crate) async fn connect(url: &str, opts: &ConnectOptions) -> StoreResult<Pools> {
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
    // An embedded file does not drop connections: skip the ping sqlx would send (a
    // round trip to the connection's thread) before every acquire.
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
    let group = GroupWriter::new(writer.clone(), opts.acquire_timeout, opts.group_commit);
    Ok(Pools::Sqlite {
        writer,
        reader,
        group,
    })
}
