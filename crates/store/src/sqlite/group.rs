//! Group commit for every SQLite write transaction.
//!
//! SQLite has one writer, and with `synchronous=FULL` every commit waits for an fsync of
//! the WAL (about 2 ms on the disks we run on): one writer can commit a few hundred
//! transactions a second, however small they are. A city's order lifecycle (offers,
//! accepts, picks, status steps) is that many small transactions, so they queued behind
//! each other's fsyncs.
//!
//! So the writer connection keeps one transaction open while writers are waiting for it,
//! and each write transaction is a savepoint inside it: `begin` takes the connection and
//! opens `SAVEPOINT`, `commit` releases the savepoint and hands the connection to the
//! next writer, and the writer after which nobody is waiting (or the 64th) commits them
//! all with one fsync. A transaction dropped without commit rolls back its own
//! savepoint only. Nothing is acknowledged early: `commit` returns only after the
//! `COMMIT` that made its work durable, with that `COMMIT`'s outcome; until then readers
//! (the read pool, WAL) do not see it either. A lone writer commits at once, as before.
//!
//! Work of a later transaction in a group may read what an earlier one wrote before it
//! was durable; if the group's `COMMIT` fails, both fail, and neither was acknowledged.
//!
//! The bookkeeping statements (`BEGIN`, `SAVEPOINT`, `RELEASE`, `COMMIT`) run in tasks of
//! their own: a caller that gives up half-way (a client that hangs up) cannot leave the
//! writer in a half state, and a group whose next writer gave up is committed after
//! `STALL` by a task of its own. A transaction dropped outside a Tokio runtime cannot roll
//! back its savepoint; the next `begin` then rolls the whole group back (its waiters are
//! told it failed).

use crate::{StoreError, StoreResult};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use sqlx::{Executor as _, Sqlite};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// Most transactions committed together.
const MAX_GROUP: usize = 64;
/// How long a released transaction waits for the next writer to commit the group
/// before it takes the connection back and commits it itself (the next writer may have
/// given up waiting, or may be slow).
const STALL: Duration = Duration::from_millis(20);

type Outcome = Result<(), Arc<str>>;

/// The writer connection, shared by every write transaction of one store.
#[derive(Clone)]
pub(crate) struct GroupWriter {
    pool: SqlitePool,
    group: Arc<Mutex<Group>>,
    /// Writers waiting in `begin` for the connection.
    queued: Arc<AtomicUsize>,
    /// `COMMIT`s run (each one fsync), and transactions released into them.
    commits: Arc<AtomicU64>,
    transactions: Arc<AtomicU64>,
    acquire_timeout: Duration,
    /// Off: every transaction commits alone (for comparison).
    grouping: bool,
}

#[derive(Default)]
struct Group {
    /// The connection, while a group transaction is open.
    conn: Option<PoolConnection<Sqlite>>,
    /// Transactions released into the open group, waiting for its `COMMIT`.
    waiting: Vec<oneshot::Sender<Outcome>>,
    /// Groups ended so far (committed or rolled back).
    generation: u64,
    /// A transaction was dropped where it could not roll back (outside a runtime): the
    /// group's transaction holds its work, so it must be rolled back whole.
    broken: bool,
}

/// Counts a writer waiting in `begin` for as long as it waits, also when it gives up.
struct Queued(Arc<AtomicUsize>);

impl Queued {
    fn new(count: &Arc<AtomicUsize>) -> Queued {
        count.fetch_add(1, Ordering::SeqCst);
        Queued(count.clone())
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One write transaction: a savepoint in the group's transaction. Dropped without
/// [`GroupTx::commit`], it rolls back its own work.
pub(crate) struct GroupTx {
    group: Option<OwnedMutexGuard<Group>>,
    writer: GroupWriter,
}

fn failed(why: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!("write transaction failed: {why}"))
}

impl GroupWriter {
    /// `pool`: the one-connection writer pool. `acquire_timeout`: how long `begin` waits
    /// for the connection. `grouping` off: every transaction commits alone.
    pub(crate) fn new(pool: SqlitePool, acquire_timeout: Duration, grouping: bool) -> GroupWriter {
        GroupWriter {
            pool,
            group: Arc::default(),
            queued: Arc::default(),
            commits: Arc::default(),
            transactions: Arc::default(),
            acquire_timeout,
            grouping,
        }
    }

    /// Transactions released into groups, and `COMMIT`s run, so far: fewer commits
    /// than transactions when writers queue.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (
            self.transactions.load(Ordering::Relaxed),
            self.commits.load(Ordering::Relaxed),
        )
    }

    /// Start a write transaction.
    pub(crate) async fn begin(&self) -> StoreResult<GroupTx> {
        let queued = Queued::new(&self.queued);
        let locked =
            tokio::time::timeout(self.acquire_timeout, self.group.clone().lock_owned()).await;
        drop(queued);
        let group = locked.map_err(|_| StoreError::from(sqlx::Error::PoolTimedOut))?;
        // The bookkeeping statements run in a task of their own, to the end even if the
        // caller gives up meanwhile (a `BEGIN` or `COMMIT` cut off half-way would wedge the
        // writer); a transaction nobody takes is dropped, and rolls back.
        tokio::spawn(open(self.clone(), group))
            .await
            .map_err(|_| failed("the writer stopped"))?
    }

    /// Commit the open group of `generation`, unless it has been committed already.
    async fn flush_if_open(self, generation: u64) {
        let mut group = self.group.clone().lock_owned().await;
        if group.generation == generation {
            flush(&mut group, &self.commits).await;
        }
    }
}

async fn open(writer: GroupWriter, mut group: OwnedMutexGuard<Group>) -> StoreResult<GroupTx> {
    if group.broken {
        abort(&mut group, "a transaction could not roll back").await;
        group.broken = false;
    }
    if group.conn.is_none() {
        let mut conn = tokio::time::timeout(writer.acquire_timeout, writer.pool.acquire())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)??;
        conn.execute("BEGIN IMMEDIATE").await?;
        group.conn = Some(conn);
    }
    let conn = group.conn.as_mut().expect("opened above");
    if let Err(e) = conn.execute("SAVEPOINT qc_tx").await {
        abort(&mut group, "could not open a savepoint").await;
        return Err(e.into());
    }
    Ok(GroupTx {
        group: Some(group),
        writer,
    })
}

/// Commit the open group and tell every transaction in it.
async fn flush(group: &mut Group, commits: &AtomicU64) {
    let Some(conn) = group.conn.as_mut() else {
        return;
    };
    if !group.waiting.is_empty() {
        // (A group whose only work was rolled back writes nothing.)
        commits.fetch_add(1, Ordering::Relaxed);
    }
    let outcome: Outcome = match conn.execute("COMMIT").await {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, "group commit failed");
            if conn.execute("ROLLBACK").await.is_err() {
                // Never hand the pool a connection that may still be in a transaction.
                conn.close_on_drop();
            }
            Err(Arc::from("the commit failed"))
        }
    };
    group.conn = None;
    group.generation += 1;
    for w in group.waiting.drain(..) {
        let _ = w.send(outcome.clone());
    }
}

/// The group's transaction is broken (SQLite rolled it back, or a savepoint would not
/// go): roll back whatever is left and fail every transaction waiting in it.
async fn abort(group: &mut Group, why: &'static str) {
    if let Some(conn) = group.conn.as_mut()
        && conn.execute("ROLLBACK").await.is_err()
    {
        conn.close_on_drop();
    }
    group.conn = None;
    group.generation += 1;
    for w in group.waiting.drain(..) {
        let _ = w.send(Err(Arc::from(why)));
    }
}

/// Undo one transaction's savepoint; if that fails, the whole group.
async fn roll_back_savepoint(group: &mut Group) {
    let undone = match group.conn.as_mut() {
        Some(conn) => conn
            .execute("ROLLBACK TO qc_tx; RELEASE qc_tx")
            .await
            .is_ok(),
        None => return,
    };
    if !undone {
        abort(group, "a neighbouring transaction broke the group").await;
    }
}

/// Release a transaction's savepoint into the group, and commit the group when nobody
/// is waiting to add to it (or it is full). Returns where the commit's outcome arrives
/// and the group's generation.
async fn release(
    writer: GroupWriter,
    mut group: OwnedMutexGuard<Group>,
) -> StoreResult<(oneshot::Receiver<Outcome>, u64)> {
    let released = match group.conn.as_mut() {
        Some(conn) => conn.execute("RELEASE qc_tx").await.map(|_| ()),
        None => Err(sqlx::Error::PoolClosed),
    };
    if let Err(e) = released {
        roll_back_savepoint(&mut group).await;
        return Err(e.into());
    }
    writer.transactions.fetch_add(1, Ordering::Relaxed);
    let (tell, told) = oneshot::channel();
    group.waiting.push(tell);
    let generation = group.generation;
    if !writer.grouping
        || writer.queued.load(Ordering::SeqCst) == 0
        || group.waiting.len() >= MAX_GROUP
    {
        flush(&mut group, &writer.commits).await;
    } else {
        // The next writer goes on with the group and commits it; should it give up (or
        // its caller), the group must still commit, and not keep the write lock.
        let writer = writer.clone();
        tokio::spawn(async move {
            tokio::time::sleep(STALL).await;
            writer.flush_if_open(generation).await;
        });
    }
    Ok((told, generation))
}

impl GroupTx {
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        self.group
            .as_mut()
            .and_then(|g| g.conn.as_mut())
            .expect("a live transaction holds the connection")
    }

    /// Make the work durable: returns once the group holding it has committed, with
    /// that commit's outcome.
    pub(crate) async fn commit(mut self) -> StoreResult<()> {
        let group = self.group.take().expect("a live transaction");
        let writer = self.writer.clone();
        let (told, _) = tokio::spawn(release(writer, group))
            .await
            .map_err(|_| failed("the writer stopped"))??;
        match told.await {
            Ok(outcome) => outcome.map_err(|why| failed(&why)),
            Err(_) => Err(failed("the writer stopped")),
        }
    }
}

impl Drop for GroupTx {
    fn drop(&mut self) {
        let Some(mut group) = self.group.take() else {
            return;
        };
        // Rolled back: undo this savepoint, and commit what others released before it
        // unless someone is waiting to go on with the group.
        let writer = self.writer.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                roll_back_savepoint(&mut group).await;
                if !writer.grouping || writer.queued.load(Ordering::SeqCst) == 0 {
                    flush(&mut group, &writer.commits).await;
                    return;
                }
                let generation = group.generation;
                drop(group);
                // The next writer goes on with the group; should it give up instead,
                // the group must not stay open (it holds the database's write lock).
                tokio::time::sleep(STALL).await;
                writer.flush_if_open(generation).await;
            });
        } else {
            // No runtime to roll back in: the next `begin` rolls the whole group back.
            group.broken = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::str::FromStr;

    /// A fresh database file, removed when the test ends.
    struct TempFile(std::path::PathBuf);
    impl TempFile {
        fn new(name: &str) -> TempFile {
            let path = std::env::temp_dir().join(format!(
                "qc-group-{name}-{}-{}.db",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos()
            ));
            TempFile(path)
        }
    }
    impl Drop for TempFile {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
            }
        }
    }

    async fn writer(file: &TempFile) -> (GroupWriter, SqlitePool) {
        writer_grouping(file, true).await
    }

    async fn writer_grouping(file: &TempFile, grouping: bool) -> (GroupWriter, SqlitePool) {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", file.0.display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .unwrap();
        let reader = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(opts)
            .await
            .unwrap();
        (
            GroupWriter::new(pool, Duration::from_secs(5), grouping),
            reader,
        )
    }

    async fn rows(reader: &SqlitePool) -> Vec<i64> {
        sqlx::query_scalar("SELECT n FROM t ORDER BY n")
            .fetch_all(reader)
            .await
            .unwrap()
    }

    async fn insert(tx: &mut GroupTx, n: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO t (n) VALUES ($1)")
            .bind(n)
            .execute(tx.conn())
            .await
            .map(|_| ())
    }

    /// One transaction that inserts `n` and commits.
    async fn write(w: &GroupWriter, n: i64) {
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, n).await.unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn concurrent_writers_commit_together_and_a_rollback_undoes_its_own_work_only() {
        let file = TempFile::new("concurrent");
        let (w, reader) = writer(&file).await;
        let mut tasks = Vec::new();
        for n in 0..200_i64 {
            let w = w.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = w.begin().await.unwrap();
                insert(&mut tx, n).await.unwrap();
                if n % 10 == 3 {
                    // A transaction given up half-way: its row must not land.
                    drop(tx);
                    return false;
                }
                if n % 10 == 7 {
                    // A statement that fails (n already there): the caller gives up.
                    assert!(insert(&mut tx, n).await.is_err());
                    drop(tx);
                    return false;
                }
                tx.commit().await.unwrap();
                true
            }));
        }
        let mut committed = Vec::new();
        for (n, t) in tasks.into_iter().enumerate() {
            if t.await.unwrap() {
                committed.push(n as i64);
            }
        }
        // Everything acknowledged is there, nothing else, and nothing is left open.
        assert_eq!(rows(&reader).await, committed);
        // Writers that queued shared commits.
        let (transactions, commits) = w.stats();
        assert_eq!(transactions, committed.len() as u64);
        assert!(
            commits < transactions / 2,
            "{commits} commits for {transactions} transactions"
        );
        write(&w, 1_000).await;
        assert_eq!(rows(&reader).await.last(), Some(&1_000));
    }

    #[tokio::test]
    async fn work_is_not_visible_to_readers_before_its_commit_returns() {
        let file = TempFile::new("visible");
        let (w, reader) = writer(&file).await;
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, 1).await.unwrap();
        assert_eq!(rows(&reader).await, Vec::<i64>::new());
        tx.commit().await.unwrap();
        assert_eq!(rows(&reader).await, vec![1]);
        // A lone transaction dropped: nothing lands, and the writer goes on.
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, 2).await.unwrap();
        drop(tx);
        write(&w, 3).await;
        assert_eq!(rows(&reader).await, vec![1, 3]);
    }

    #[tokio::test]
    async fn without_grouping_every_transaction_commits_alone() {
        let file = TempFile::new("alone");
        let (w, reader) = writer_grouping(&file, false).await;
        let mut tasks = Vec::new();
        for n in 0..50_i64 {
            let w = w.clone();
            tasks.push(tokio::spawn(async move { write(&w, n).await }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(rows(&reader).await.len(), 50);
        assert_eq!(w.stats(), (50, 50));
    }

    #[tokio::test]
    async fn a_writer_that_gives_up_waiting_leaves_nothing_behind() {
        let file = TempFile::new("gives-up");
        let (w, reader) = writer(&file).await;
        let mut first = w.begin().await.unwrap();
        insert(&mut first, 1).await.unwrap();
        // A second writer queues, then its caller gives up.
        let second = {
            let w = w.clone();
            tokio::spawn(async move { w.begin().await.map(|_| ()) })
        };
        while w.queued.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        second.abort();
        let _ = second.await;
        assert_eq!(w.queued.load(Ordering::SeqCst), 0, "no writer is waiting");
        // So the first commits at once, alone.
        first.commit().await.unwrap();
        assert_eq!(w.stats(), (1, 1));
        assert_eq!(rows(&reader).await, vec![1]);
    }

    #[tokio::test]
    async fn a_group_whose_next_writer_never_comes_still_commits() {
        let file = TempFile::new("never-comes");
        let (w, reader) = writer(&file).await;
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, 1).await.unwrap();
        // A writer that counts as waiting but never takes its turn (its task stalled).
        w.queued.fetch_add(1, Ordering::SeqCst);
        let committed = tokio::time::timeout(Duration::from_secs(10), tx.commit()).await;
        w.queued.fetch_sub(1, Ordering::SeqCst);
        committed.expect("the group was never committed").unwrap();
        assert_eq!(rows(&reader).await, vec![1]);
        // And the write lock was given back: another writer commits too.
        write(&w, 2).await;
        assert_eq!(rows(&reader).await, vec![1, 2]);
    }
}
