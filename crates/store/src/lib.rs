//! Persistence for QuickCommerce: the [`Store`], its models and errors.
//!
//! The store speaks in business operations, not SQL: each method that must be atomic is
//! one transaction. Every statement is written once, in the subject modules below
//! (accounts, catalog, addresses, orders, delivery, operations), and runs on SQLite or
//! PostgreSQL through the thin layer in [`db`]; what really differs between the two
//! databases (how a write transaction starts, row locks, list binding, the retry policy,
//! SQLite's group commit) is named there and in [`sqlite`] / [`postgres`], which hold only
//! connection set-up. Migrations stay per backend (`migrations/sqlite`, `migrations/postgres`).

mod accounts;
mod addresses;
mod batch;
mod catalog;
mod coalesce;
mod db;
mod delivery;
mod dispatch;
mod error;
mod fulfilment;
mod integrations;
pub mod models;
mod operations;
mod orders;
mod postgres;
mod sqlite;
mod stores;
pub mod testing;
mod webhooks;

pub use db::Backend;
pub use error::{StoreError, StoreResult};
pub use fulfilment::{FulfilmentFigures, PickAction, PickOutcome, PickerRef};
pub use integrations::{ApiKey, BadLine, BulkStock, NewApiKey, ProductRef, StockLine};
pub use models::*;
pub use webhooks::{
    AttemptResult, EndpointHealth, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
};

use db::{Conn, Pools, Tx};
use std::future::Future;
use std::sync::Arc;

/// The database behind the platform, SQLite or PostgreSQL (chosen by the URL).
#[derive(Clone)]
pub struct Store {
    pools: Pools,
    /// Group commit for order placement (see `batch`); `None` in the writer task's own
    /// copy.
    order_writer: Option<batch::OrderWriter>,
    /// Product reads by id that arrive together share a statement (see `coalesce`);
    /// `None` in the tasks' own copies.
    product_reader: Option<coalesce::ProductReader>,
    /// Waits in front of the database, shared by every copy (see [`Waits`]).
    waits: Arc<Waits>,
}

/// A shared handle to the store.
pub type SharedStore = Arc<Store>;

/// How long work waited in front of the database, per queue: for a read connection,
/// for the writer (a write transaction's start), and in the order writer's queue. Each
/// keeps the least wait since it was last taken: when even the luckiest caller of a
/// period waited, a queue stands there (the CoDel rule). A queue where callers are
/// waiting and none got through in the period (the writer stalled) reads its last
/// figure plus the time since: a stall grows, it does not read as an empty queue. The
/// server's admission reads the largest of them (`Store::least_wait`).
#[derive(Debug)]
pub struct Waits {
    least_us: [std::sync::atomic::AtomicU64; 3],
    /// Callers waiting now, per queue.
    waiting: [std::sync::atomic::AtomicU64; 3],
    /// What each queue read at the last `take`, and when that was.
    last: std::sync::Mutex<([u64; 3], Option<std::time::Instant>)>,
}

/// The queues of [`Waits`].
#[derive(Debug, Clone, Copy)]
pub enum Queue {
    Read = 0,
    Write = 1,
    Orders = 2,
}

impl Default for Waits {
    fn default() -> Self {
        Waits {
            least_us: std::array::from_fn(|_| std::sync::atomic::AtomicU64::new(u64::MAX)),
            waiting: Default::default(),
            last: Default::default(),
        }
    }
}

/// One caller waiting in a queue of [`Waits`], until dropped.
pub struct Waiting<'a>(&'a Waits, Queue);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting[self.1 as usize].fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Waits {
    /// A caller starts waiting in `queue` (until the guard is dropped).
    pub fn enter(&self, queue: Queue) -> Waiting<'_> {
        self.waiting[queue as usize].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Waiting(self, queue)
    }

    /// Wait for `fut` as a caller of `queue`: counted as waiting meanwhile, its wait
    /// recorded once it got through.
    pub async fn wait<T>(&self, queue: Queue, fut: impl std::future::Future<Output = T>) -> T {
        let asked = std::time::Instant::now();
        let waiting = self.enter(queue);
        let out = fut.await;
        drop(waiting);
        self.record(queue, asked.elapsed());
        out
    }

    /// Count one caller's wait in `queue`.
    pub fn record(&self, queue: Queue, waited: std::time::Duration) {
        let us = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX - 1);
        self.least_us[queue as usize].fetch_min(us, std::sync::atomic::Ordering::Relaxed);
    }

    /// The largest of the queues' least waits since the last call (a queue nobody
    /// waited in counts zero; one where callers wait and none got through, its last
    /// figure plus the time since).
    pub fn take(&self) -> std::time::Duration {
        use std::sync::atomic::Ordering::Relaxed;
        let now = std::time::Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let since = last.1.map_or(0, |t| {
            u64::try_from(now.duration_since(t).as_micros()).unwrap_or(0)
        });
        let mut largest = 0;
        for q in 0..3 {
            let read = match self.least_us[q].swap(u64::MAX, Relaxed) {
                u64::MAX if self.waiting[q].load(Relaxed) > 0 => last.0[q].saturating_add(since),
                u64::MAX => 0,
                us => us,
            };
            last.0[q] = read;
            largest = largest.max(read);
        }
        last.1 = Some(now);
        std::time::Duration::from_micros(largest)
    }
}

#[cfg(test)]
mod tests {
    use super::{Queue, Waits};
    use std::time::Duration;

    #[test]
    fn each_queue_keeps_its_least_wait_and_the_largest_counts() {
        let w = Waits::default();
        assert_eq!(w.take(), Duration::ZERO);
        let ms = Duration::from_millis;
        // Reads flow (one of them did not wait), writes all waited.
        w.record(Queue::Read, ms(40));
        w.record(Queue::Read, ms(0));
        w.record(Queue::Write, ms(300));
        w.record(Queue::Write, ms(250));
        w.record(Queue::Orders, ms(90));
        assert_eq!(w.take(), ms(250));
        // Taken: the next period starts empty.
        assert_eq!(w.take(), Duration::ZERO);
    }

    #[test]
    fn a_stalled_queue_grows_instead_of_reading_empty() {
        let w = Waits::default();
        let ms = Duration::from_millis;
        let stuck = w.enter(Queue::Write);
        w.record(Queue::Write, ms(40));
        assert_eq!(w.take(), ms(40));
        // Nobody got through since, and one caller still waits: the figure grows.
        std::thread::sleep(ms(30));
        let read = w.take();
        assert!(read >= ms(70), "{read:?}");
        drop(stuck);
        // Nobody waits any more: an empty queue.
        assert_eq!(w.take(), Duration::ZERO);
    }
}

/// Pool settings common to both backends.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub acquire_timeout: std::time::Duration,
    /// SQLite: writers that queue share one commit (`sqlite::group`); off, every write
    /// transaction commits (and fsyncs) alone.
    pub group_commit: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 8,
            acquire_timeout: std::time::Duration::from_secs(5),
            group_commit: true,
        }
    }
}

/// Open the backend named by the URL scheme.
pub async fn connect(url: &str, opts: ConnectOptions) -> StoreResult<SharedStore> {
    let pools = if url.starts_with("sqlite:") {
        sqlite::connect(url, &opts).await?
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        postgres::connect(url, &opts).await?
    } else {
        return Err(StoreError::Other(anyhow::anyhow!(
            "DATABASE_URL must start with sqlite:// or postgres://"
        )));
    };
    let waits = Arc::new(Waits::default());
    let inner = Store::bare(pools.clone(), waits.clone());
    let order_writer = Some(match pools.backend() {
        Backend::Sqlite => batch::OrderWriter::spawn(inner.clone()),
        Backend::Postgres => batch::OrderWriter::spawn_on_thread(url, &opts, waits.clone()).await?,
    });
    let product_reader = Some(coalesce::ProductReader::spawn(inner));
    Ok(Arc::new(Store {
        pools,
        order_writer,
        product_reader,
        waits,
    }))
}

impl Store {
    /// A store on `pools` without the queues in front of it (for the tasks behind them).
    pub(crate) fn bare(pools: Pools, waits: Arc<Waits>) -> Store {
        Store {
            pools,
            order_writer: None,
            product_reader: None,
            waits,
        }
    }

    /// The longest of the least waits in front of the database since the last call, a
    /// queue each (see [`Waits`]).
    pub fn least_wait(&self) -> std::time::Duration {
        self.waits.take()
    }

    pub(crate) fn waits(&self) -> &Waits {
        &self.waits
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.pools.backend()
    }

    /// Apply pending migrations.
    pub async fn migrate(&self) -> StoreResult<()> {
        let result = match &self.pools {
            Pools::Sqlite { writer, .. } => sqlite::MIGRATOR.run(writer).await,
            Pools::Pg(pool) => postgres::MIGRATOR.run(pool).await,
        };
        result.map_err(|e| StoreError::Other(anyhow::anyhow!("migration failed: {e}")))
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        db::sql("SELECT 1").execute(&mut self.read().await?).await?;
        Ok(())
    }

    /// Connections held by the pools: (open, idle).
    pub fn pool_stats(&self) -> (u32, u32) {
        self.pools.stats()
    }

    /// On SQLite, write transactions committed and the `COMMIT`s (fsyncs) that carried
    /// them: writers that queue share one.
    pub fn group_commit_stats(&self) -> Option<(u64, u64)> {
        self.pools.group_stats()
    }

    /// A connection for reads.
    pub(crate) async fn read(&self) -> StoreResult<Conn> {
        self.waits.wait(Queue::Read, self.pools.read()).await
    }

    /// Start a write transaction (see [`Pools::begin`]).
    pub(crate) async fn begin(&self) -> StoreResult<Tx> {
        self.waits.wait(Queue::Write, self.pools.begin()).await
    }

    /// Run a write transaction: `f` begins, works and commits; it runs again when the
    /// database asks for it (see [`db::retry`]).
    pub(crate) async fn write<T, F, Fut>(&self, f: F) -> StoreResult<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = StoreResult<T>>,
    {
        db::retry(self.backend(), f).await
    }
}
