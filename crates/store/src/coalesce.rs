//! Reads of products by id that arrive together share one statement.
//!
//! Every order placement and cart check reads its products (price, name, state, the
//! store's stock) once, by id: one small statement each, and under load on PostgreSQL
//! those statements were most of the database's work. The reads go through a queue: a
//! read that finds fewer than [`IN_FLIGHT`] statements running runs at once; reads that
//! arrive while they run wait for one of them to end and then share the next statement
//! (one per store), and each gets back exactly the rows it asked for, in id order.
//! Nothing is served from memory: every read runs after it was asked for, so it sees
//! every change committed before it. A lone read costs one hop to the reading task. If
//! a shared statement fails, each of its reads runs again on its own, so one bad read
//! cannot fail its neighbours.

use crate::models::Product;
use crate::{Store, StoreError, StoreResult};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Statements at most running at once (the others' reads queue for the next one).
const IN_FLIGHT: usize = 2;
/// Most reads, and most distinct products, one statement serves.
const MAX_READS: usize = 64;
const MAX_IDS: usize = 1_000;

type Reply = oneshot::Sender<StoreResult<Vec<Product>>>;

struct Read {
    ids: Vec<String>,
    store: String,
    reply: Reply,
}

/// The queue in front of the product-reading task.
#[derive(Clone)]
pub(crate) struct ProductReader {
    queue: mpsc::Sender<Read>,
}

fn stopped() -> StoreError {
    StoreError::Other(anyhow::anyhow!("the product reader has stopped"))
}

impl ProductReader {
    /// Start the task. `store` must not itself hold a `ProductReader`, so the task ends
    /// when the last handle to the real store is dropped.
    pub(crate) fn spawn(store: Store) -> ProductReader {
        let (queue, rx) = mpsc::channel(4_096);
        tokio::spawn(run(store, rx));
        ProductReader { queue }
    }

    pub(crate) async fn read(&self, ids: &[String], store: &str) -> StoreResult<Vec<Product>> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Read {
                ids: ids.to_vec(),
                store: store.to_owned(),
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Read>) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        // Take reads off the queue only when a statement can start: while all are
        // running, the reads that arrive gather for the next one.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let Some(first) = rx.recv().await else {
            return;
        };
        let mut ids = first.ids.len();
        let mut reads = vec![first];
        while reads.len() < MAX_READS && ids < MAX_IDS {
            match rx.try_recv() {
                Ok(read) => {
                    ids += read.ids.len();
                    reads.push(read);
                }
                Err(_) => break,
            }
        }
        let store = store.clone();
        tokio::spawn(async move {
            serve(&store, reads).await;
            drop(slot);
        });
    }
}

/// One statement per store for `reads` (the stores' statements at once); each read gets
/// its own rows.
async fn serve(store: &Store, reads: Vec<Read>) {
    let mut by_store: HashMap<String, Vec<Read>> = HashMap::new();
    for read in reads {
        by_store.entry(read.store.clone()).or_default().push(read);
    }
    let mut statements = tokio::task::JoinSet::new();
    for (shop, reads) in by_store {
        statements.spawn(serve_store(store.clone(), shop, reads));
    }
    while statements.join_next().await.is_some() {}
}

async fn serve_store(store: Store, shop: String, reads: Vec<Read>) {
    if reads.len() > 1 {
        let all: Vec<String> = reads
            .iter()
            .flat_map(|r| r.ids.iter().cloned())
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect();
        match store.products_by_ids_now(&all, &shop).await {
            Ok(rows) => {
                for read in reads {
                    let _ = read.reply.send(Ok(rows_of(&rows, &read.ids)));
                }
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, reads = reads.len(), "shared product read failed; reading one by one");
            }
        }
    }
    for read in reads {
        let rows = store.products_by_ids_now(&read.ids, &shop).await;
        let _ = read.reply.send(rows);
    }
}

/// The rows of `ids` among `rows` (in `rows`' order).
fn rows_of(rows: &[Product], ids: &[String]) -> Vec<Product> {
    let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    rows.iter()
        .filter(|p| wanted.contains(p.id.as_str()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_read_gets_its_own_rows_in_id_order() {
        let rows: Vec<Product> = ["a", "b", "c", "d"]
            .iter()
            .map(|id| Product {
                id: (*id).to_owned(),
                ..Default::default()
            })
            .collect();
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let got = |want: &[&str]| {
            rows_of(&rows, &ids(want))
                .into_iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(got(&["d", "b"]), ids(&["b", "d"]));
        assert_eq!(got(&["c", "c", "zz"]), ids(&["c"]));
        assert!(got(&["zz"]).is_empty());
    }
}
