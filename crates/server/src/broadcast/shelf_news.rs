//! A store's stock changes to the shoppers who watch it, at most once per window.
//!
//! Every order changes its lines' stock, and every shopper of the store hears it: at 100
//! orders/s in a city of 20,000 shoppers that is ~100,000 frames/s for a screen that
//! only needs the latest level of each product. So per store, the first change goes at
//! once; changes within the following window wait and leave together, each product at
//! its latest level (`QC_INVENTORY_WINDOW_MS`, 0: every change at once). Admins and
//! shoppers of the first protocol (`shoppers:all`) still hear each change at once.

use super::Io;
use super::emit::send_on;
use crate::api::{InventoryUpdatedEvent, StockLevel};
use crate::metrics::Metrics;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// What is held for one store's watchers.
struct StoreNews {
    last_sent: Instant,
    /// Each product's latest level not yet sent, in the order of its first change.
    pending: Vec<StockLevel>,
    /// Product id → its place in `pending`.
    held: HashMap<String, usize>,
    flush_scheduled: bool,
}

pub(super) struct ShelfNews {
    window: Duration,
    stores: Mutex<HashMap<String, StoreNews>>,
}

/// What [`ShelfNews::offer`] decided for a store's lines.
enum Verdict {
    /// Send these now.
    Now(Vec<StockLevel>),
    /// Held for a flush that is already scheduled.
    Held,
    /// Held; schedule the flush at this instant.
    FlushAt(Instant),
}

impl ShelfNews {
    pub(super) fn new(window: Duration) -> Arc<ShelfNews> {
        Arc::new(ShelfNews {
            window,
            stores: Mutex::new(HashMap::new()),
        })
    }

    fn offer(&self, store: &str, lines: Vec<StockLevel>, now: Instant) -> Verdict {
        if self.window.is_zero() {
            return Verdict::Now(lines);
        }
        let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        let news = match stores.get_mut(store) {
            Some(news) => news,
            None => {
                stores.insert(
                    store.to_owned(),
                    StoreNews {
                        last_sent: now,
                        pending: Vec::new(),
                        held: HashMap::new(),
                        flush_scheduled: false,
                    },
                );
                return Verdict::Now(lines);
            }
        };
        if !news.flush_scheduled && now >= news.last_sent + self.window {
            news.last_sent = now;
            return Verdict::Now(lines);
        }
        for line in lines {
            match news.held.get(&line.product_id) {
                Some(&at) => news.pending[at] = line,
                None => {
                    news.held
                        .insert(line.product_id.clone(), news.pending.len());
                    news.pending.push(line);
                }
            }
        }
        if news.flush_scheduled {
            Verdict::Held
        } else {
            news.flush_scheduled = true;
            Verdict::FlushAt(news.last_sent + self.window)
        }
    }

    fn take(&self, store: &str, now: Instant) -> Vec<StockLevel> {
        let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        match stores.get_mut(store) {
            Some(news) => {
                news.flush_scheduled = false;
                news.last_sent = now;
                news.held.clear();
                std::mem::take(&mut news.pending)
            }
            None => Vec::new(),
        }
    }

    /// Send `lines` (all of one store) to `room` now or with the store's next flush.
    pub(super) async fn publish(
        self: &Arc<Self>,
        io: &Io,
        metrics: &Arc<Metrics>,
        store: &str,
        room: String,
        lines: Vec<StockLevel>,
    ) {
        match self.offer(store, lines, Instant::now()) {
            Verdict::Now(lines) => emit(io, metrics, room, lines).await,
            Verdict::Held => {}
            Verdict::FlushAt(at) => {
                let (me, io, metrics, store) =
                    (self.clone(), io.clone(), metrics.clone(), store.to_owned());
                tokio::spawn(async move {
                    tokio::time::sleep_until(at).await;
                    let lines = me.take(&store, Instant::now());
                    if !lines.is_empty() {
                        emit(&io, &metrics, room, lines).await;
                    }
                });
            }
        }
    }
}

async fn emit(io: &Io, metrics: &Metrics, room: String, products: Vec<StockLevel>) {
    let data = InventoryUpdatedEvent { products };
    send_on(io, metrics, vec![room], "inventory:updated", &data).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(product: &str, stock: i64) -> StockLevel {
        StockLevel {
            store_id: "s".into(),
            product_id: product.into(),
            stock,
            in_stock: stock > 0,
        }
    }

    fn stocks(lines: &[StockLevel]) -> Vec<(&str, i64)> {
        lines
            .iter()
            .map(|l| (l.product_id.as_str(), l.stock))
            .collect()
    }

    #[test]
    fn the_first_change_goes_at_once_later_ones_together_at_their_latest() {
        let news = ShelfNews::new(Duration::from_secs(1));
        let t0 = Instant::now();
        assert!(matches!(
            news.offer("s", vec![level("a", 5)], t0),
            Verdict::Now(l) if stocks(&l) == [("a", 5)]
        ));
        let at = match news.offer("s", vec![level("b", 9)], t0 + Duration::from_millis(10)) {
            Verdict::FlushAt(at) => at,
            _ => panic!("the second change within the window is held"),
        };
        assert_eq!(at, t0 + Duration::from_secs(1));
        assert!(matches!(
            news.offer(
                "s",
                vec![level("a", 4), level("b", 8)],
                t0 + Duration::from_millis(20)
            ),
            Verdict::Held
        ));
        // Another store is not held by this one.
        assert!(matches!(
            news.offer("t", vec![level("a", 1)], t0),
            Verdict::Now(_)
        ));
        assert_eq!(stocks(&news.take("s", at)), [("b", 8), ("a", 4)]);
        // The flush counts as a send: the next change within its window waits.
        assert!(matches!(
            news.offer("s", vec![level("a", 3)], at + Duration::from_millis(1)),
            Verdict::FlushAt(next) if next == at + Duration::from_secs(1)
        ));
        assert_eq!(
            stocks(&news.take("s", at + Duration::from_secs(1))),
            [("a", 3)]
        );
        // A quiet window later, the next change goes at once again.
        assert!(matches!(
            news.offer("s", vec![level("a", 2)], at + Duration::from_secs(3)),
            Verdict::Now(_)
        ));
    }

    #[test]
    fn a_zero_window_sends_every_change() {
        let news = ShelfNews::new(Duration::ZERO);
        let t0 = Instant::now();
        for n in 0..3 {
            assert!(matches!(
                news.offer("s", vec![level("a", n)], t0),
                Verdict::Now(_)
            ));
        }
    }
}
