//! Group commit for order placement on SQLite.
//!
//! SQLite has one writer, and each commit costs an fsync (`synchronous=FULL`). Orders
//! that arrive while a transaction is running wait in a queue; the next transaction
//! places all of them (up to a bound) and commits once, so under load many orders share
//! one fsync and a handful of multi-row statements. Nothing about an order's outcome
//! changes: stock is taken per order with the same conditional decrement, an order that
//! cannot be had (short or stale) is put back and answered with its own error while the
//! others go on, and every caller is answered only after the commit that holds its order.
//! A lone order is placed exactly as before. If a batch transaction fails as a whole, each
//! of its orders is retried alone, so one bad order cannot fail its neighbours.

use super::SqliteStore;
use super::orders::{Placed, insert_placed};
use crate::models::{IdempotencyRecord, Order, OrderEvent};
use crate::{StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot};

/// Most orders per transaction, and most order lines per transaction.
const MAX_ORDERS: usize = 128;
const MAX_LINES: usize = 1_024;

type Outcome = StoreResult<Vec<(String, i64)>>;

struct Job {
    order: Order,
    event: OrderEvent,
    idempotency: Option<IdempotencyRecord>,
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
    pub(crate) fn spawn(store: SqliteStore) -> OrderWriter {
        let (queue, rx) = mpsc::channel(4_096);
        tokio::spawn(run(store, rx));
        OrderWriter { queue }
    }

    async fn place(
        &self,
        order: &Order,
        event: &OrderEvent,
        idempotency: Option<IdempotencyRecord>,
    ) -> Outcome {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job {
                order: order.clone(),
                event: event.clone(),
                idempotency,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

impl SqliteStore {
    /// Place an order through the group-commit queue (or directly, for the task's own
    /// store).
    pub(crate) async fn place_batched(
        &self,
        order: &Order,
        event: &OrderEvent,
        idempotency: Option<IdempotencyRecord>,
    ) -> Outcome {
        match &self.order_writer {
            Some(writer) => writer.place(order, event, idempotency).await,
            None => self.place_now(order, event, idempotency).await,
        }
    }
}

async fn run(store: SqliteStore, mut rx: mpsc::Receiver<Job>) {
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
                .place_now(&job.order, &job.event, job.idempotency.clone())
                .await;
            let _ = job.reply.send(outcome);
        }
    }
}

/// One transaction for several orders; per-order stock errors are answers, any other
/// error fails the whole batch (and nothing of it is written).
async fn place_many(store: &SqliteStore, jobs: &[Job]) -> StoreResult<Vec<Outcome>> {
    let mut tx = store.write_tx().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut placed: Vec<Placed<'_>> = Vec::with_capacity(jobs.len());
    for job in jobs {
        match store.take_stock(&mut tx, &job.order).await {
            Ok(left) => {
                outcomes.push(Ok(left));
                placed.push((&job.order, &job.event, job.idempotency.as_ref()));
            }
            Err(e @ (StoreError::OutOfStock(_) | StoreError::StaleProducts(_))) => {
                outcomes.push(Err(e));
            }
            Err(e) => return Err(e),
        }
    }
    insert_placed(&mut tx, &placed).await?;
    tx.commit().await?;
    // Report what the transaction left, not what each order saw mid-way: with several
    // orders of one product, the last successful decrement is the committed figure (an
    // order that failed put back exactly what it took).
    let mut last: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for levels in outcomes.iter().flatten() {
        for (id, left) in levels {
            last.insert(id.clone(), *left);
        }
    }
    for levels in outcomes.iter_mut().flatten() {
        for (id, left) in levels.iter_mut() {
            if let Some(fin) = last.get(id.as_str()) {
                *left = *fin;
            }
        }
    }
    Ok(outcomes)
}
