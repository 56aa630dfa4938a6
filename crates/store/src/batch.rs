//! Group commit for order placement, on both databases.
//!
//! Each commit costs an fsync (SQLite `synchronous=FULL`; PostgreSQL's WAL flush with
//! `synchronous_commit=on`), and orders of the same popular products queue on the same
//! stock rows, each waiting for the previous order's commit. Orders that arrive while a
//! transaction is running wait in a queue; the next transaction
//! places all of them (up to a bound) and commits once, so under load many orders share
//! one fsync and a handful of multi-row statements. Nothing about an order's outcome
//! changes: stock is taken per order with the same conditional decrement, an order that
//! cannot be had (short or stale) is put back and answered with its own error while the
//! others go on, and every caller is answered only after the commit that holds its order.
//! A lone order is placed exactly as before. If a batch transaction fails as a whole, each
//! of its orders is retried alone, so one bad order cannot fail its neighbours.
//!
//! On PostgreSQL several instances each have a writer, and single placements run beside
//! them: a batch first locks every stock row it will touch in one statement, in
//! (store, product) order — the order single placements lock in — so two batches never
//! wait for each other in a cycle.

use crate::db::sql_built;
use crate::models::{IdempotencyRecord, Order, OrderChange};
use crate::orders::{Placing, insert_placed, open_orders, over_limit, take_stock};
use crate::{Store, StoreError, StoreResult};
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
async fn place_many(store: &Store, jobs: &[Job]) -> StoreResult<Vec<Outcome>> {
    let mut tx = store.begin().await?;
    lock_stock_rows(&mut tx, jobs).await?;
    let mut taken = Vec::with_capacity(jobs.len());
    let mut placed: Vec<Placing<'_>> = Vec::with_capacity(jobs.len());
    // Open orders per customer: counted once, then each order of this batch adds one.
    let mut open: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
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
        match take_stock(&mut tx, &job.order).await {
            Ok(stock) => {
                taken.push(Ok(stock));
                placed.push((&job.order, job.idempotency.as_ref()));
                open.insert(customer, count + 1);
            }
            Err(e @ (StoreError::OutOfStock(_) | StoreError::StaleProducts(_))) => {
                taken.push(Err(e));
            }
            Err(e) => return Err(e),
        }
    }
    let events = insert_placed(&mut tx, &placed).await?;
    tx.commit().await?;
    // Report what the transaction left, not what each order saw mid-way: with several
    // orders of one product, the last successful decrement is the committed figure (an
    // order that failed put back exactly what it took).
    let mut last: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for levels in taken.iter().flatten() {
        for l in levels {
            last.insert(l.product_id.clone(), l.stock);
        }
    }
    let mut events = events.into_iter();
    let outcomes = jobs
        .iter()
        .zip(taken)
        .map(|(job, taken)| {
            let mut stock = taken?;
            for l in stock.iter_mut() {
                if let Some(fin) = last.get(l.product_id.as_str()) {
                    l.stock = *fin;
                }
            }
            let event = events.next().ok_or(StoreError::NotFound)?;
            Ok(OrderChange {
                order: job.order.clone(),
                event,
                previous_partner: None,
                stock,
                ended_offer: None,
            })
        })
        .collect();
    Ok(outcomes)
}

/// Lock the stock rows of every line of the batch, in (store, product) order (a no-op on
/// SQLite, see [`crate::db::Tx::lock`]).
async fn lock_stock_rows(tx: &mut crate::db::Tx, jobs: &[Job]) -> StoreResult<()> {
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
    let values: Vec<String> = (0..keys.len())
        .map(|k| format!("(${}, ${})", 2 * k + 1, 2 * k + 2))
        .collect();
    let mut q = sql_built(format!(
        "SELECT s.stock FROM store_stock s WHERE (s.store_id, s.product_id) IN (VALUES {}) \
         ORDER BY s.store_id, s.product_id FOR UPDATE",
        values.join(", ")
    ));
    for (store, product) in keys {
        q = q.bind(store).bind(product);
    }
    tx.lock(q).await
}
