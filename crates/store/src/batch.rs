//! Group commit for order placement, on both databases.
//!
//! Each commit costs an fsync (SQLite `synchronous=FULL`; PostgreSQL's WAL flush with
//! `synchronous_commit=on`), and orders of the same popular products queue on the same
//! stock rows, each waiting for the previous order's commit. Orders that arrive while a
//! transaction is running wait in a queue; the next transaction
//! places all of them (up to a bound) and commits once, so under load many orders share
//! one fsync and a handful of multi-row statements. Nothing about an order's outcome
//! changes: the batch reads its stock rows once (locked), each order takes its lines from
//! those figures in turn, all or nothing, with the checks its own conditional decrements
//! would make (active, the quoted price, enough left), an order that cannot be had (short
//! or stale) takes nothing and is answered with its own error while the others go on, one
//! statement writes what the batch took (still conditional: a row that moved fails the
//! batch), and every caller is answered only after the commit that holds its order.
//! A lone order is placed exactly as before. If a batch transaction fails as a whole, each
//! of its orders is retried alone, so one bad order cannot fail its neighbours.
//!
//! On PostgreSQL several instances each have a writer, and single placements run beside
//! them: a batch first locks every stock row it will touch in one statement, in
//! (store, product) order — the order single placements lock in — so two batches never
//! wait for each other in a cycle.

use crate::db::{Backend, Executor, Tx, sql_built};
use crate::models::{IdempotencyRecord, Order, OrderChange, OrderItem, StockLevel};
use crate::orders::{Placing, Standing, insert_placed, open_orders, over_limit, refusal};
use crate::{Store, StoreError, StoreResult};
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// Most orders per transaction, and most order lines per transaction.
const MAX_ORDERS: usize = 128;
const MAX_LINES: usize = 1_024;

type Outcome = StoreResult<OrderChange>;

struct Job {
    order: Order,
    idempotency: Option<IdempotencyRecord>,
    max_open: i64,
    reply: oneshot::Sender<Outcome>,
    /// When it joined the queue.
    queued: std::time::Instant,
}

/// The queue in front of the order-placing task.
#[derive(Clone)]
pub(crate) struct OrderWriter {
    queue: mpsc::Sender<Job>,
}

fn stopped() -> StoreError {
    StoreError::Other(anyhow::anyhow!("the order writer has stopped"))
}

impl OrderWriter {
    /// Start the task. `store` must not itself hold an `OrderWriter`, so the task ends
    /// when the last handle to the real store is dropped.
    pub(crate) fn spawn(store: Store) -> OrderWriter {
        let (queue, rx) = mpsc::channel(4_096);
        tokio::spawn(run(store, rx));
        OrderWriter { queue }
    }

    /// PostgreSQL: start the task on a thread of its own, with its own connections.
    ///
    /// The batch's statements go one after another, and each waits for its answer to
    /// wake the writer. On the server's runtime that wake-up queued behind every HTTP
    /// request being handled (about a millisecond per statement under load, several
    /// times what PostgreSQL took), and orders queue for the writer meanwhile. On its
    /// own thread, with connections driven by its own runtime, the writer is woken by
    /// the kernel as soon as PostgreSQL answers. Fails if those connections cannot be
    /// opened.
    pub(crate) async fn spawn_on_thread(
        url: &str,
        opts: &crate::ConnectOptions,
        waits: std::sync::Arc<crate::Waits>,
    ) -> StoreResult<OrderWriter> {
        let (queue, rx) = mpsc::channel(4_096);
        let (ready, started) = oneshot::channel::<StoreResult<()>>();
        let (url, opts) = (url.to_owned(), opts.clone());
        std::thread::Builder::new()
            .name("qc-order-writer".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready.send(Err(StoreError::Other(e.into())));
                        return;
                    }
                };
                rt.block_on(async move {
                    let writer_opts = crate::ConnectOptions {
                        // One batch at a time, and a single placement beside it.
                        max_connections: 2,
                        ..opts
                    };
                    match crate::postgres::connect(&url, &writer_opts).await {
                        Ok(pools) => {
                            let _ = ready.send(Ok(()));
                            run(Store::bare(pools, waits), rx).await;
                        }
                        Err(e) => {
                            let _ = ready.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| StoreError::Other(e.into()))?;
        started.await.map_err(|_| stopped())??;
        Ok(OrderWriter { queue })
    }

    pub(crate) async fn place(
        &self,
        order: &Order,
        idempotency: Option<IdempotencyRecord>,
        max_open: i64,
    ) -> Outcome {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job {
                order: order.clone(),
                idempotency,
                max_open,
                reply,
                queued: std::time::Instant::now(),
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut lines = first.order.items.len();
        let mut jobs = vec![first];
        while jobs.len() < MAX_ORDERS && lines < MAX_LINES {
            match rx.try_recv() {
                Ok(job) => {
                    lines += job.order.items.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        for job in &jobs {
            store
                .waits()
                .record(crate::Queue::Orders, job.queued.elapsed());
        }
        if jobs.len() > 1 {
            match place_many(&store, &jobs).await {
                Ok(outcomes) => {
                    for (job, outcome) in jobs.into_iter().zip(outcomes) {
                        let _ = job.reply.send(outcome);
                    }
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, orders = jobs.len(), "batch placement failed; placing one by one");
                }
            }
        }
        for job in jobs {
            let outcome = store
                .place_now(&job.order, job.idempotency.as_ref(), job.max_open)
                .await;
            let _ = job.reply.send(outcome);
        }
    }
}

/// One transaction for several orders; per-order stock errors are answers, any other
/// error fails the whole batch (and nothing of it is written).
///
/// The batch's stock rows are read once (and on PostgreSQL locked, see [`read_shelves`]);
/// each order then takes its lines from those figures in turn, all or nothing, exactly as
/// its own conditional decrements would have; and one statement writes what the batch
/// took. Under load this is a handful of statements per batch instead of one or more per
/// order line.
async fn place_many(store: &Store, jobs: &[Job]) -> StoreResult<Vec<Outcome>> {
    let mut tx = store.begin().await?;
    let mut shelves = read_shelves(&mut tx, jobs).await?;
    let mut taken = Vec::with_capacity(jobs.len());
    let mut placed: Vec<Placing<'_>> = Vec::with_capacity(jobs.len());
    // Open orders per customer: counted once, then each order of this batch adds one.
    let mut open: HashMap<&str, i64> = HashMap::new();
    for job in jobs {
        let customer = job.order.customer_id.as_str();
        let count = match open.get(customer) {
            Some(n) => *n,
            None if job.max_open == 0 => 0,
            None => open_orders(&mut tx, customer).await?,
        };
        open.insert(customer, count);
        if over_limit(count, job.max_open) {
            taken.push(Err(StoreError::TooManyOpenOrders(job.max_open)));
            continue;
        }
        match allot(&mut shelves, &job.order.store_id, &job.order.items) {
            Ok(()) => {
                taken.push(Ok(()));
                placed.push((&job.order, job.idempotency.as_ref()));
                open.insert(customer, count + 1);
            }
            Err(e) => taken.push(Err(e)),
        }
    }
    write_shelves(&mut tx, &shelves).await?;
    let events = insert_placed(&mut tx, &placed).await?;
    tx.commit().await?;
    // Each order is told what the transaction left of its products (what the last order
    // of the batch to take them left), not a figure from mid-way.
    let mut events = events.into_iter();
    let outcomes = jobs
        .iter()
        .zip(taken)
        .map(|(job, taken)| {
            taken?;
            let event = events.next().ok_or(StoreError::NotFound)?;
            Ok(OrderChange {
                order: job.order.clone(),
                event,
                previous_partner: None,
                stock: levels(&shelves, &job.order),
                ended_offer: None,
            })
        })
        .collect();
    Ok(outcomes)
}

/// A stock row of the batch: what the transaction read, and how it stands now (what it
/// has left so far, the product's price and state).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shelf {
    read: i64,
    now: Standing,
}

impl Shelf {
    fn new(stock: i64, price: i64, active: bool) -> Shelf {
        Shelf {
            read: stock,
            now: Standing {
                stock,
                price,
                active,
            },
        }
    }
}

/// Stock rows by (store, product).
type Shelves = HashMap<(String, String), Shelf>;

/// Keys of a batch's lines, sorted and without repeats.
fn keys_of(jobs: &[Job]) -> Vec<(&str, &str)> {
    let mut keys: Vec<(&str, &str)> = jobs
        .iter()
        .flat_map(|j| {
            j.order
                .items
                .iter()
                .map(|i| (j.order.store_id.as_str(), i.product_id.as_str()))
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Keys per statement (two bound values each).
const KEYS_PER_STATEMENT: usize = 256;

/// Read the stock row of every line of the batch with its product's price and state. On
/// PostgreSQL the rows are locked (`FOR UPDATE OF` the stock row only) in (store,
/// product) order — the order single placements take their row locks in — so two writers
/// never wait for each other in a cycle, and nobody changes these rows before the batch
/// commits; on SQLite the batch's transaction already holds the database's write lock.
/// A product with no stock row at its store is read at stock 0, so an order of it is
/// short, not stale; a product that does not exist has no shelf.
async fn read_shelves(tx: &mut Tx, jobs: &[Job]) -> StoreResult<Shelves> {
    let keys = keys_of(jobs);
    let mut shelves = Shelves::with_capacity(keys.len());
    let lock = match tx.backend() {
        Backend::Postgres => " FOR UPDATE OF s",
        Backend::Sqlite => "",
    };
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|k| format!("(${}, ${})", 2 * k + 1, 2 * k + 2))
            .collect();
        let mut q = sql_built(format!(
            "SELECT s.store_id, s.product_id, s.stock, p.price, \
             p.is_active AND c.is_active AS active \
             FROM store_stock s JOIN products p ON p.id = s.product_id \
             JOIN categories c ON c.id = p.category_id \
             WHERE (s.store_id, s.product_id) IN (VALUES {}) \
             ORDER BY s.store_id, s.product_id{lock}",
            values.join(", ")
        ));
        for (store, product) in chunk {
            q.push(*store);
            q.push(*product);
        }
        for r in q.fetch_all(tx).await? {
            let shelf = Shelf::new(
                r.get("stock")?,
                r.get("price")?,
                r.get::<Option<bool>, _>("active")?.unwrap_or(false),
            );
            shelves.insert((r.get("store_id")?, r.get("product_id")?), shelf);
        }
    }
    let unstocked: Vec<(&str, &str)> = keys
        .into_iter()
        .filter(|(s, p)| !shelves.contains_key(&((*s).to_owned(), (*p).to_owned())))
        .collect();
    if !unstocked.is_empty() {
        let ids: Vec<String> = unstocked.iter().map(|(_, p)| (*p).to_owned()).collect();
        let rows = sql_built(format!(
            "SELECT p.id, p.price, p.is_active AND c.is_active AS active FROM products p \
             JOIN categories c ON c.id = p.category_id WHERE {}",
            tx.backend().in_list("p.id", 1)
        ))
        .bind_list(&ids)?
        .fetch_all(tx)
        .await?;
        for r in rows {
            let id: String = r.get("id")?;
            let price: i64 = r.get("price")?;
            let active = r.get::<Option<bool>, _>("active")?.unwrap_or(false);
            for (store, _) in unstocked.iter().filter(|(_, p)| *p == id) {
                shelves.insert(
                    ((*store).to_owned(), id.clone()),
                    Shelf::new(0, price, active),
                );
            }
        }
    }
    Ok(shelves)
}

/// Take an order's lines off the shelves, all or nothing: each line needs its product
/// active, at the quoted price, with enough left after the orders before it. Otherwise
/// nothing is taken, and the error names every short line (with what is left) or, if
/// none is short, every changed product — what the order's own conditional decrements
/// would have answered.
fn allot(shelves: &mut Shelves, store: &str, items: &[OrderItem]) -> StoreResult<()> {
    let mut lines: Vec<&OrderItem> = items.iter().collect();
    lines.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    let mut taken: Vec<(&OrderItem, (String, String))> = Vec::with_capacity(lines.len());
    let mut missed = Vec::new();
    for it in lines {
        let key = (store.to_owned(), it.product_id.clone());
        let want = i64::from(it.quantity);
        match shelves.get_mut(&key) {
            Some(s) if s.now.sells(it) && s.now.stock >= want => {
                s.now.stock -= want;
                taken.push((it, key));
            }
            _ => missed.push(it),
        }
    }
    if missed.is_empty() {
        return Ok(());
    }
    for (it, key) in taken {
        if let Some(s) = shelves.get_mut(&key) {
            s.now.stock += i64::from(it.quantity);
        }
    }
    let seen = missed
        .into_iter()
        .map(|it| {
            let key = (store.to_owned(), it.product_id.clone());
            (it, shelves.get(&key).map(|s| s.now))
        })
        .collect();
    Err(refusal(seen))
}

/// Rows per decrement statement (three bound values each).
const ROWS_PER_STATEMENT: usize = 256;

/// Write what the batch took: one conditional decrement per row of up to
/// [`ROWS_PER_STATEMENT`] stock rows. The rows are the transaction's (locked, or under
/// SQLite's write lock), so every one matches; if one did not, the batch fails as a
/// whole and its orders are placed one by one.
async fn write_shelves(tx: &mut Tx, shelves: &Shelves) -> StoreResult<()> {
    let mut changed: Vec<(&(String, String), i64)> = shelves
        .iter()
        .filter(|(_, s)| s.read != s.now.stock)
        .map(|(k, s)| (k, s.read - s.now.stock))
        .collect();
    changed.sort_unstable();
    for chunk in changed.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|k| {
                format!(
                    "(${}, ${}, CAST(${} AS BIGINT))",
                    3 * k + 1,
                    3 * k + 2,
                    3 * k + 3
                )
            })
            .collect();
        let mut q = sql_built(format!(
            "UPDATE store_stock AS s SET stock = s.stock - v.column3, sold = s.sold + v.column3 \
             FROM (VALUES {}) AS v \
             WHERE s.store_id = v.column1 AND s.product_id = v.column2 AND s.stock >= v.column3",
            values.join(", ")
        ));
        for ((store, product), took) in chunk {
            q.push(store.as_str());
            q.push(product.as_str());
            q.push(*took);
        }
        let written = q.execute(tx).await?;
        if usize::try_from(written).ok() != Some(chunk.len()) {
            return Err(StoreError::Other(anyhow::anyhow!(
                "a locked stock row changed under the batch ({written} of {} written)",
                chunk.len()
            )));
        }
    }
    Ok(())
}

/// What the batch left of an order's products, in the order's line order.
fn levels(shelves: &Shelves, order: &Order) -> Vec<StockLevel> {
    let mut lines: Vec<&OrderItem> = order.items.iter().collect();
    lines.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    lines
        .into_iter()
        .filter_map(|it| {
            let key = (order.store_id.clone(), it.product_id.clone());
            shelves.get(&key).map(|s| StockLevel {
                store_id: order.store_id.clone(),
                product_id: it.product_id.clone(),
                stock: s.now.stock,
                // What the batch read: the change is the batch's, all its orders'.
                before: s.read,
                active: s.now.active,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use qc_domain::Money;

    fn line(product: &str, price: i64, quantity: u32) -> OrderItem {
        OrderItem {
            product_id: product.into(),
            sku: product.to_uppercase(),
            name: format!("Product {product}"),
            unit: "1 pc".into(),
            unit_price: Money(price),
            quantity,
            line_total: Money(price * i64::from(quantity)),
            pick: Default::default(),
        }
    }

    fn shelves(rows: &[(&str, i64, i64, bool)]) -> Shelves {
        rows.iter()
            .map(|(product, stock, price, active)| {
                let shelf = Shelf::new(*stock, *price, *active);
                (("s1".to_owned(), (*product).to_owned()), shelf)
            })
            .collect()
    }

    fn left(shelves: &Shelves, product: &str) -> i64 {
        shelves[&("s1".to_owned(), product.to_owned())].now.stock
    }

    #[test]
    fn orders_take_their_lines_in_turn_all_or_nothing() {
        let mut s = shelves(&[("x", 5, 100, true), ("y", 1, 50, true)]);
        assert!(allot(&mut s, "s1", &[line("x", 100, 3), line("y", 50, 1)]).is_ok());
        assert_eq!((left(&s, "x"), left(&s, "y")), (2, 0));
        // Short on y: the x it could have had stays on the shelf, and the error says
        // what is left of y.
        match allot(&mut s, "s1", &[line("x", 100, 2), line("y", 50, 1)]) {
            Err(StoreError::OutOfStock(short)) => {
                assert_eq!(short.len(), 1);
                assert_eq!(
                    (
                        short[0].product_id.as_str(),
                        short[0].requested,
                        short[0].available
                    ),
                    ("y", 1, 0)
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!((left(&s, "x"), left(&s, "y")), (2, 0));
        assert!(allot(&mut s, "s1", &[line("x", 100, 2)]).is_ok());
        assert_eq!(left(&s, "x"), 0);
        // What was read stays, so the write takes the difference.
        assert_eq!(s[&("s1".to_owned(), "x".to_owned())].read, 5);
    }

    #[test]
    fn a_changed_or_unknown_product_is_stale_unless_a_line_is_short() {
        let mut s = shelves(&[
            ("x", 5, 100, true),
            ("off", 9, 10, false),
            ("z", 0, 7, true),
        ]);
        for (items, stale) in [
            (vec![line("x", 99, 1)], "x"),
            (vec![line("off", 10, 1)], "off"),
            (vec![line("nope", 10, 1), line("x", 100, 1)], "nope"),
        ] {
            match allot(&mut s, "s1", &items) {
                Err(StoreError::StaleProducts(ids)) => assert_eq!(ids, vec![stale.to_owned()]),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(left(&s, "x"), 5, "nothing taken");
        // A short line and a stale one: the answer is the shortage (as a single
        // placement's would be).
        match allot(&mut s, "s1", &[line("x", 99, 1), line("z", 7, 2)]) {
            Err(StoreError::OutOfStock(short)) => {
                assert_eq!(short.len(), 1);
                assert_eq!((short[0].product_id.as_str(), short[0].available), ("z", 0));
            }
            other => panic!("{other:?}"),
        }
        // Another store's shelf is not this store's.
        assert!(matches!(
            allot(&mut s, "s2", &[line("x", 100, 1)]),
            Err(StoreError::StaleProducts(_))
        ));
    }
}
