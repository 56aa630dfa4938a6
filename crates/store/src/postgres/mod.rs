//! PostgreSQL-specific set-up: the connection pool, for running many instances on one
//! database. The SQL is the store's shared SQL; PostgreSQL's own concurrency tools (row
//! locks, re-running a transaction on 40001 / 40P01) are named in `crate::db`.

use crate::db::Pools;
use crate::{ConnectOptions, StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub(crate) async fn connect(url: &str, opts: &ConnectOptions) -> StoreResult<Pools> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Other(anyhow::anyhow!("invalid postgres url: {e}")))?;
    let pool = PgPoolOptions::new()
        .max_connections(opts.max_connections.max(2))
        .acquire_timeout(opts.acquire_timeout)
        .connect_with(options)
        .await?;
    Ok(Pools::Pg(pool))
}
