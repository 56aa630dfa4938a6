//! The thin layer that lets every query of the store be written once for both databases.
//!
//! Queries are plain SQL with `$N` placeholders (SQLite reads `$N` as the N-th parameter,
//! PostgreSQL natively). A [`Sql`] carries the text and its bound values; at execution the
//! values are encoded straight into the driver's own argument buffer and the rows that
//! come back are the driver's own rows, decoded column by column on access ([`Row`]). So
//! nothing is converted twice (unlike `sqlx::Any`), types are checked at compile time
//! against both drivers ([`ToArg`], [`Column`]), and the store is one concrete type
//! instead of a generic whose every function needs a dozen trait bounds.
//!
//! Every real difference between the two databases is named here, once:
//! - how a write transaction starts ([`Pools::begin`]: `BEGIN IMMEDIATE` on SQLite, so
//!   writers queue instead of failing with "database is locked"; plain `BEGIN` on
//!   PostgreSQL);
//! - row locks ([`Tx::lock`] and [`Tx::for_update`]: `SELECT … FOR UPDATE` on
//!   PostgreSQL, nothing on SQLite, whose write transaction already holds the single
//!   write lock);
//! - binding a list ([`Backend::in_list`]: `json_each` vs `json_array_elements_text`);
//! - the retry policy ([`retry`]: PostgreSQL re-runs a transaction on 40001 / 40P01);
//! - Group commit for order placement, on both databases (`batch`), and on SQLite for
//!   every write transaction (`sqlite::group`: queued writers share one fsync).
//!
//! `MAX(a, b)` vs `GREATEST(a, b)` is not a difference any more: the store writes
//! `CASE WHEN a > b THEN a ELSE b END`. Everything else — every statement, every lock,
//! every event — exists once, in the subject modules beside this one.

use crate::{StoreError, StoreResult};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{ColumnIndex, Postgres, SqlSafeStr, SqlStr, Sqlite, Transaction};
use std::borrow::Cow;
use std::future::Future;
use std::time::Duration;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `"sqlite"` or `"postgres"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// `column` is one of the text values bound at `$n` (with [`Sql::bind_list`]: JSON
    /// text on both, unpacked by each database's own JSON function). On PostgreSQL as
    /// `= ANY(ARRAY(…))`: an `IN (SELECT … json_array_elements_text …)` is planned for
    /// 100 values and joined by scanning the whole table (2.5 ms for 10,000 products
    /// against 0.2 ms through the primary key).
    pub(crate) fn in_list(self, column: &str, n: usize) -> String {
        match self {
            Backend::Sqlite => format!("{column} IN (SELECT value FROM json_each(${n}))"),
            Backend::Postgres => {
                format!("{column} = ANY(ARRAY(SELECT json_array_elements_text(${n}::json)))")
            }
        }
    }

    /// Catalog search by relevance: a join (or nothing), a filter and an ordering over
    /// products `p`, with the query text bound at `$n` (see [`Backend::search_query`]).
    pub(crate) fn search_sql(self, n: usize) -> (String, String, String) {
        match self {
            Backend::Sqlite => (
                format!(
                    " JOIN (SELECT rowid AS fts_rowid, \
                     bm25(products_fts, 10.0, 5.0, 3.0, 1.0) AS relevance \
                     FROM products_fts WHERE products_fts MATCH ${n}) f ON f.fts_rowid = p.rowid"
                ),
                String::new(),
                "f.relevance ASC".to_owned(),
            ),
            Backend::Postgres => (
                String::new(),
                format!(" AND p.search @@ to_tsquery('simple', ${n})"),
                format!("ts_rank(p.search, to_tsquery('simple', ${n}), 0) DESC"),
            ),
        }
    }

    /// The query text for [`Backend::search_sql`]: every term as a prefix, all required.
    pub(crate) fn search_query(self, terms: &[String]) -> String {
        match self {
            Backend::Sqlite => terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
            Backend::Postgres => terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & "),
        }
    }

    /// Whether a transaction that failed with a serialization failure or deadlock is
    /// re-run: PostgreSQL, bounded ([`retry`]). SQLite cannot fail that way (one writer,
    /// `BEGIN IMMEDIATE`).
    pub(crate) fn retries_transactions(self) -> bool {
        matches!(self, Backend::Postgres)
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value bound to a placeholder. Typed even when null: PostgreSQL needs the type.
#[derive(Debug)]
pub(crate) enum Arg<'a> {
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
    Text(Option<Cow<'a, str>>),
}

/// Anything that can be bound to a placeholder on both backends.
pub(crate) trait ToArg<'a> {
    fn to_arg(self) -> Arg<'a>;
}

macro_rules! to_arg {
    ($($t:ty => |$v:ident| $e:expr;)*) => {
        $(impl<'a> ToArg<'a> for $t {
            fn to_arg(self) -> Arg<'a> {
                let $v = self;
                $e
            }
        })*
    };
}

to_arg! {
    i64 => |v| Arg::Int(Some(v));
    Option<i64> => |v| Arg::Int(v);
    f64 => |v| Arg::Float(Some(v));
    Option<f64> => |v| Arg::Float(v);
    bool => |v| Arg::Bool(Some(v));
    Option<bool> => |v| Arg::Bool(v);
    &'a str => |v| Arg::Text(Some(Cow::Borrowed(v)));
    &'a String => |v| Arg::Text(Some(Cow::Borrowed(v.as_str())));
    String => |v| Arg::Text(Some(Cow::Owned(v)));
    Option<&'a str> => |v| Arg::Text(v.map(Cow::Borrowed));
    Option<String> => |v| Arg::Text(v.map(Cow::Owned));
    &'a Option<String> => |v| Arg::Text(v.as_deref().map(Cow::Borrowed));
}

/// A statement and its bound values, ready to run on either backend.
#[must_use = "a query does nothing until it is executed"]
pub(crate) struct Sql<'a> {
    text: SqlStr,
    args: Vec<Arg<'a>>,
}

/// A statement whose text is a literal.
pub(crate) fn sql<'a>(text: &'static str) -> Sql<'a> {
    Sql {
        text: text.into_sql_str(),
        args: Vec::new(),
    }
}

/// A statement assembled at run time from the store's own fragments (filters, sort
/// orders, dialect pieces) — never from client input, which is always bound.
pub(crate) fn sql_built<'a>(text: String) -> Sql<'a> {
    Sql {
        text: sqlx::AssertSqlSafe(text).into_sql_str(),
        args: Vec::new(),
    }
}

impl<'a> Sql<'a> {
    /// Bind the next placeholder.
    pub(crate) fn bind<'b>(self, v: impl ToArg<'b>) -> Sql<'b>
    where
        'a: 'b,
    {
        let mut s: Sql<'b> = self;
        s.args.push(v.to_arg());
        s
    }

    /// Bind the next placeholder in place (for statements built in a loop).
    pub(crate) fn push(&mut self, v: impl ToArg<'a>) {
        self.args.push(v.to_arg());
    }

    /// Bind a list of text values for a [`Backend::in_list`] placeholder.
    pub(crate) fn bind_list(self, values: &[String]) -> StoreResult<Sql<'a>> {
        let json = serde_json::to_string(values).map_err(|e| StoreError::Other(e.into()))?;
        Ok(self.bind(json))
    }

    fn sqlite(self) -> sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments> {
        let mut q = sqlx::query(self.text);
        for a in self.args {
            q = match a {
                Arg::Int(v) => q.bind(v),
                Arg::Float(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Text(Some(Cow::Owned(s))) => q.bind(s),
                Arg::Text(v) => q.bind(v.as_deref()),
            };
        }
        q
    }

    fn pg(self) -> sqlx::query::Query<'static, Postgres, sqlx::postgres::PgArguments> {
        let mut q = sqlx::query(self.text);
        for a in self.args {
            q = match a {
                Arg::Int(v) => q.bind(v),
                Arg::Float(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Text(Some(Cow::Owned(s))) => q.bind(s),
                Arg::Text(v) => q.bind(v.as_deref()),
            };
        }
        q
    }

    /// Run it; the number of rows affected.
    pub(crate) async fn execute(self, c: &mut impl Executor) -> StoreResult<u64> {
        Ok(match c.conn() {
            ConnRef::Sqlite(conn) => self.sqlite().execute(conn).await?.rows_affected(),
            ConnRef::Pg(conn) => self.pg().execute(conn).await?.rows_affected(),
        })
    }

    /// Run it; [`StoreError::NotFound`] when it touched no row (an update or delete of
    /// one row by id).
    pub(crate) async fn execute_found(self, c: &mut impl Executor) -> StoreResult<()> {
        match self.execute(c).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    pub(crate) async fn fetch_all(self, c: &mut impl Executor) -> StoreResult<Vec<Row>> {
        Ok(match c.conn() {
            ConnRef::Sqlite(conn) => {
                let rows = self.sqlite().fetch_all(conn).await?;
                rows.into_iter().map(Row::Sqlite).collect()
            }
            ConnRef::Pg(conn) => {
                let rows = self.pg().fetch_all(conn).await?;
                rows.into_iter().map(Row::Pg).collect()
            }
        })
    }

    pub(crate) async fn fetch_optional(self, c: &mut impl Executor) -> StoreResult<Option<Row>> {
        Ok(match c.conn() {
            ConnRef::Sqlite(conn) => self.sqlite().fetch_optional(conn).await?.map(Row::Sqlite),
            ConnRef::Pg(conn) => self.pg().fetch_optional(conn).await?.map(Row::Pg),
        })
    }

    /// Exactly one row, or [`StoreError::NotFound`].
    pub(crate) async fn fetch_one(self, c: &mut impl Executor) -> StoreResult<Row> {
        self.fetch_optional(c).await?.ok_or(StoreError::NotFound)
    }

    /// The first column of the one row.
    pub(crate) async fn scalar<T: Column>(self, c: &mut impl Executor) -> StoreResult<T> {
        self.fetch_one(c).await?.get(0)
    }

    /// The first column of the row, if there is one.
    pub(crate) async fn scalar_optional<T: Column>(
        self,
        c: &mut impl Executor,
    ) -> StoreResult<Option<T>> {
        self.fetch_optional(c).await?.map(|r| r.get(0)).transpose()
    }

    /// The first column of every row.
    pub(crate) async fn scalars<T: Column>(self, c: &mut impl Executor) -> StoreResult<Vec<T>> {
        self.fetch_all(c).await?.iter().map(|r| r.get(0)).collect()
    }
}

/// A row as the driver returned it.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Pg(PgRow),
}

/// A column type both drivers decode.
pub(crate) trait Column: Sized {
    fn from_sqlite<I: ColumnIndex<SqliteRow>>(r: &SqliteRow, i: I) -> sqlx::Result<Self>;
    fn from_pg<I: ColumnIndex<PgRow>>(r: &PgRow, i: I) -> sqlx::Result<Self>;
}

impl<T> Column for T
where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>,
{
    fn from_sqlite<I: ColumnIndex<SqliteRow>>(r: &SqliteRow, i: I) -> sqlx::Result<Self> {
        sqlx::Row::try_get(r, i)
    }
    fn from_pg<I: ColumnIndex<PgRow>>(r: &PgRow, i: I) -> sqlx::Result<Self> {
        sqlx::Row::try_get(r, i)
    }
}

impl Row {
    /// Column `i` (a name or a position) as `T`.
    pub(crate) fn get<T, I>(&self, i: I) -> StoreResult<T>
    where
        T: Column,
        I: ColumnIndex<SqliteRow> + ColumnIndex<PgRow>,
    {
        Ok(match self {
            Row::Sqlite(r) => T::from_sqlite(r, i)?,
            Row::Pg(r) => T::from_pg(r, i)?,
        })
    }
}

/// A connection borrowed for one statement.
pub(crate) enum ConnRef<'c> {
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

/// Where a statement can run: a pooled connection or a transaction.
pub(crate) trait Executor: Send {
    fn conn(&mut self) -> ConnRef<'_>;
    fn backend(&self) -> Backend;
}

/// A connection from the read pool.
pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

impl Executor for Conn {
    fn conn(&mut self) -> ConnRef<'_> {
        match self {
            Conn::Sqlite(c) => ConnRef::Sqlite(c),
            Conn::Pg(c) => ConnRef::Pg(c),
        }
    }
    fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Pg(_) => Backend::Postgres,
        }
    }
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    /// A savepoint in the writer's group transaction (`sqlite::group`).
    Sqlite(crate::sqlite::GroupTx),
    Pg(Transaction<'static, Postgres>),
}

impl Executor for Tx {
    fn conn(&mut self) -> ConnRef<'_> {
        match self {
            Tx::Sqlite(t) => ConnRef::Sqlite(t.conn()),
            Tx::Pg(t) => ConnRef::Pg(t),
        }
    }
    fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Pg(_) => Backend::Postgres,
        }
    }
}

impl Tx {
    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }

    /// ` FOR UPDATE` on PostgreSQL, nothing on SQLite (see [`Tx::lock`]), for a
    /// `SELECT` whose rows the transaction goes on to change.
    pub(crate) fn for_update(&self) -> &'static str {
        match self {
            Tx::Pg(_) => " FOR UPDATE",
            Tx::Sqlite(_) => "",
        }
    }

    /// Take row locks with a `SELECT … FOR UPDATE`. On PostgreSQL this serialises
    /// writers of the same rows (two admins adjusting one stock count, two addresses
    /// saved at once against a per-user cap). On SQLite it is skipped: a write
    /// transaction there already holds the database's single write lock (`BEGIN
    /// IMMEDIATE`), which is stronger.
    pub(crate) async fn lock(&mut self, q: Sql<'_>) -> StoreResult<()> {
        if let Tx::Pg(_) = self {
            q.execute(self).await?;
        }
        Ok(())
    }
}

/// The connection pools of one database.
#[derive(Clone)]
pub(crate) enum Pools {
    /// One writer connection (writers queue in-process, in order) and a read pool (WAL:
    /// reads never block the writer).
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
        /// Write transactions, committed in groups (`sqlite::group`).
        group: crate::sqlite::GroupWriter,
    },
    /// One pool: PostgreSQL has real concurrent writers.
    Pg(PgPool),
}

impl Pools {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Pg(_) => Backend::Postgres,
        }
    }

    /// A connection for reads.
    pub(crate) async fn read(&self) -> StoreResult<Conn> {
        Ok(match self {
            Pools::Sqlite { reader, .. } => Conn::Sqlite(reader.acquire().await?),
            Pools::Pg(pool) => Conn::Pg(pool.acquire().await?),
        })
    }

    /// Start a write transaction. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`), so a transaction never fails half-way with "database is locked", and
    /// it is a savepoint in the writer's group transaction (`sqlite::group`).
    pub(crate) async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self {
            Pools::Sqlite { group, .. } => Tx::Sqlite(group.begin().await?),
            Pools::Pg(pool) => Tx::Pg(pool.begin().await?),
        })
    }

    /// SQLite: write transactions committed and the `COMMIT`s that carried them.
    pub(crate) fn group_stats(&self) -> Option<(u64, u64)> {
        match self {
            Pools::Sqlite { group, .. } => Some(group.stats()),
            Pools::Pg(_) => None,
        }
    }

    /// Connections held by the pools: (open, idle).
    pub(crate) fn stats(&self) -> (u32, u32) {
        let (size, idle) = match self {
            Pools::Sqlite { writer, reader, .. } => (
                writer.size() + reader.size(),
                writer.num_idle() + reader.num_idle(),
            ),
            Pools::Pg(pool) => (pool.size(), pool.num_idle()),
        };
        (size, u32::try_from(idle).unwrap_or(u32::MAX))
    }
}

/// How often a transaction that hit a serialization failure or deadlock is re-run.
const MAX_ATTEMPTS: u32 = 5;

/// Run a whole write transaction, again if the database asks for it (PostgreSQL's
/// 40001 / 40P01; bounded, with a short jittered backoff). `f` must begin, do and commit
/// its transaction; it may run more than once, so it takes its inputs by reference.
pub(crate) async fn retry<T, F, Fut>(backend: Backend, f: F) -> StoreResult<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut attempt = 1;
    loop {
        match f().await {
            Err(StoreError::Transient(e))
                if backend.retries_transactions() && attempt < MAX_ATTEMPTS =>
            {
                tracing::debug!(attempt, error = %e, "re-running a transaction");
                let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 10);
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt) + jitter)).await;
                attempt += 1;
            }
            Err(StoreError::Transient(e)) => return Err(StoreError::Unavailable(e)),
            other => return other,
        }
    }
}
