//! Live state that changes faster than a screen needs it, at most once per window.
//!
//! Every order changes its lines' stock, and every shopper of the store hears it: at 100
//! orders/s in a city of 20,000 shoppers that is ~100,000 frames/s for a screen that
//! only needs the latest level of each product. Admins watch every store and every
//! rider: 2,000 riders at 1 Hz are 2,000 frames a second to each dashboard, which falls
//! behind (its socket's queue fills and drops what matters, an order's completion) and
//! cannot draw them anyway. So per room (a store's shoppers; the admins), the first
//! change goes at once; changes within the following window wait and leave together in
//! one frame, each item (a product, a rider) at its latest (`QC_INVENTORY_WINDOW_MS`,
//! `QC_FLEET_WINDOW_MS`; 0: every change at once).

use super::Io;
use super::emit::send_on;
use crate::api::{FleetPosition, FleetPositionsEvent, InventoryUpdatedEvent, StockLevel};
use crate::metrics::Metrics;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// An item a later one with the same key replaces, and the event that carries a batch.
pub(super) trait Latest: Sized + Send + 'static {
    type Key: Eq + Hash + Send;
    const EVENT: &'static str;
    fn key(&self) -> Self::Key;
    fn frame(items: Vec<Self>) -> impl Serialize + Send + Sync;
}

impl Latest for StockLevel {
    type Key = (String, String);
    const EVENT: &'static str = "inventory:updated";
    fn key(&self) -> Self::Key {
        (self.store_id.clone(), self.product_id.clone())
    }
    fn frame(products: Vec<Self>) -> impl Serialize + Send + Sync {
        InventoryUpdatedEvent { products }
    }
}

impl Latest for FleetPosition {
    /// A rider carrying two orders sends each fix once per order: each order's drawer
    /// follows its own entry.
    type Key = (String, Option<String>);
    const EVENT: &'static str = "fleet:positions";
    fn key(&self) -> Self::Key {
        (self.partner_id.clone(), self.order_id.clone())
    }
    fn frame(positions: Vec<Self>) -> impl Serialize + Send + Sync {
        FleetPositionsEvent { positions }
    }
}

/// What is held for one group.
struct Held<T: Latest> {
    last_sent: Instant,
    /// Each item's latest not yet sent, in the order of its first change.
    pending: Vec<T>,
    /// Key → its place in `pending`.
    at: HashMap<T::Key, usize>,
    flush_scheduled: bool,
}

pub(super) struct Window<T: Latest> {
    window: Duration,
    groups: Mutex<HashMap<String, Held<T>>>,
}

/// What [`Window::offer`] decided for a group's items.
enum Verdict<T> {
    /// Send these now.
    Now(Vec<T>),
    /// Held for a flush that is already scheduled.
    Held,
    /// Held; schedule the flush at this instant.
    FlushAt(Instant),
}

impl<T: Latest> Window<T> {
    pub(super) fn new(window: Duration) -> Arc<Window<T>> {
        Arc::new(Window {
            window,
            groups: Mutex::new(HashMap::new()),
        })
    }

    fn offer(&self, group: &str, items: Vec<T>, now: Instant) -> Verdict<T> {
        if self.window.is_zero() {
            return Verdict::Now(items);
        }
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        let held = match groups.get_mut(group) {
            Some(held) => held,
            None => {
                groups.insert(
                    group.to_owned(),
                    Held {
                        last_sent: now,
                        pending: Vec::new(),
                        at: HashMap::new(),
                        flush_scheduled: false,
                    },
                );
                return Verdict::Now(items);
            }
        };
        if !held.flush_scheduled && now >= held.last_sent + self.window {
            held.last_sent = now;
            return Verdict::Now(items);
        }
        for item in items {
            let key = item.key();
            match held.at.get(&key) {
                Some(&at) => held.pending[at] = item,
                None => {
                    held.at.insert(key, held.pending.len());
                    held.pending.push(item);
                }
            }
        }
        if held.flush_scheduled {
            Verdict::Held
        } else {
            held.flush_scheduled = true;
            Verdict::FlushAt(held.last_sent + self.window)
        }
    }

    fn take(&self, group: &str, now: Instant) -> Vec<T> {
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        match groups.get_mut(group) {
            Some(held) => {
                held.flush_scheduled = false;
                held.last_sent = now;
                held.at.clear();
                std::mem::take(&mut held.pending)
            }
            None => Vec::new(),
        }
    }

    /// Send `items` to `room` now or with the room's next flush (each room is a group).
    pub(super) async fn publish(
        self: &Arc<Self>,
        io: &Io,
        metrics: &Arc<Metrics>,
        room: String,
        items: Vec<T>,
    ) {
        match self.offer(&room, items, Instant::now()) {
            Verdict::Now(items) => emit(io, metrics, room, items).await,
            Verdict::Held => {}
            Verdict::FlushAt(at) => {
                let (me, io, metrics) = (self.clone(), io.clone(), metrics.clone());
                tokio::spawn(async move {
                    tokio::time::sleep_until(at).await;
                    let items = me.take(&room, Instant::now());
                    if !items.is_empty() {
                        emit(&io, &metrics, room, items).await;
                    }
                });
            }
        }
    }
}

async fn emit<T: Latest>(io: &Io, metrics: &Metrics, room: String, items: Vec<T>) {
    send_on(io, metrics, vec![room], T::EVENT, &T::frame(items)).await;
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
        let news: Arc<Window<StockLevel>> = Window::new(Duration::from_secs(1));
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

    fn fix(partner: &str, order: Option<&str>, lat: f64) -> FleetPosition {
        FleetPosition {
            partner_id: partner.into(),
            order_id: order.map(Into::into),
            lat,
            lng: 72.8,
            at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_fleet_keeps_each_riders_latest_per_order_and_stock_per_store() {
        let fleet: Arc<Window<FleetPosition>> = Window::new(Duration::from_secs(1));
        let t0 = Instant::now();
        assert!(matches!(
            fleet.offer("admins", vec![fix("r1", Some("o1"), 1.0)], t0),
            Verdict::Now(_)
        ));
        let later = t0 + Duration::from_millis(10);
        for f in [
            fix("r1", Some("o1"), 2.0),
            fix("r1", Some("o2"), 2.0),
            fix("r2", None, 5.0),
            fix("r1", Some("o1"), 3.0),
            fix("r1", Some("o2"), 3.0),
        ] {
            fleet.offer("admins", vec![f], later);
        }
        let held: Vec<(String, Option<String>, f64)> = fleet
            .take("admins", t0 + Duration::from_secs(1))
            .into_iter()
            .map(|p| (p.partner_id, p.order_id, p.lat))
            .collect();
        assert_eq!(
            held,
            [
                ("r1".into(), Some("o1".into()), 3.0),
                ("r1".into(), Some("o2".into()), 3.0),
                ("r2".into(), None, 5.0),
            ],
            "a rider's two orders both followed, each at its latest"
        );

        // Admins' stock: one product at two stores is two entries.
        let shelves: Arc<Window<StockLevel>> = Window::new(Duration::from_secs(1));
        let at = |store: &str, stock: i64| StockLevel {
            store_id: store.into(),
            ..level("a", stock)
        };
        shelves.offer("admins", vec![at("s", 1)], t0);
        shelves.offer("admins", vec![at("s", 2), at("t", 7)], later);
        shelves.offer("admins", vec![at("s", 3)], later);
        let held: Vec<(String, i64)> = shelves
            .take("admins", t0 + Duration::from_secs(1))
            .into_iter()
            .map(|l| (l.store_id, l.stock))
            .collect();
        assert_eq!(held, [("s".into(), 3), ("t".into(), 7)]);
    }

    #[test]
    fn a_zero_window_sends_every_change() {
        let news: Arc<Window<StockLevel>> = Window::new(Duration::ZERO);
        let t0 = Instant::now();
        for n in 0..3 {
            assert!(matches!(
                news.offer("s", vec![level("a", n)], t0),
                Verdict::Now(_)
            ));
        }
    }
}
