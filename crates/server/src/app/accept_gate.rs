//! In-process queue for accept attempts on the same order.
//!
//! The database decides who wins (one conditional update, see the store's
//! `accept_order`), on every instance. This gate only keeps the losers of a race on
//! *this* instance from each queueing a write transaction behind the winner: attempts on
//! one order take turns, and once an attempt has learnt that the order is gone (taken,
//! cancelled, missing) the ones waiting behind it are answered from that outcome without
//! touching the database. Outcomes that depend on the partner (too many active orders, an
//! error) are not shared: the next attempt in line goes to the database itself.
//!
//! An order's entry lives only while attempts on it are in flight, so an order that
//! returns to the pool later (unassigned by an admin) is decided afresh.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// What the attempts queued on one order can be told without asking again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Taken,
    Cancelled,
    NotFound,
}

type Slot = Arc<AsyncMutex<Option<Settled>>>;

/// Per order in flight: its queue and how many attempts are in it (waiting or holding
/// the turn). The count only changes under the map's lock.
#[derive(Default)]
pub struct AcceptGate {
    orders: Mutex<HashMap<String, (Slot, usize)>>,
}

/// One attempt's place in an order's queue, then its turn; dropping it (also while
/// still waiting, when the request is cancelled) passes the turn on and tidies up.
pub struct Turn<'a> {
    gate: &'a AcceptGate,
    order_id: String,
    slot: Slot,
    guard: Option<OwnedMutexGuard<Option<Settled>>>,
}

impl AcceptGate {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Slot, usize)>> {
        self.orders.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for this order's turn.
    pub async fn turn(&self, order_id: &str) -> Turn<'_> {
        let slot = {
            let mut map = self.map();
            let entry = map.entry(order_id.to_owned()).or_default();
            entry.1 += 1;
            Arc::clone(&entry.0)
        };
        // Built before waiting, so a request cancelled while queued still leaves the queue.
        let mut turn = Turn {
            gate: self,
            order_id: order_id.to_owned(),
            slot: Arc::clone(&slot),
            guard: None,
        };
        turn.guard = Some(slot.lock_owned().await);
        turn
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map().len()
    }
}

impl Turn<'_> {
    /// What an earlier attempt in this queue learnt, if anything.
    pub fn settled(&self) -> Option<Settled> {
        self.guard.as_ref().and_then(|g| **g)
    }

    /// Tell the attempts waiting behind this one.
    pub fn settle(&mut self, outcome: Settled) {
        if let Some(g) = self.guard.as_mut() {
            **g = Some(outcome);
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let settled = self.settled().is_some();
        drop(self.guard.take());
        let mut map = self.gate.map();
        let Some(entry) = map
            .get_mut(&self.order_id)
            .filter(|(slot, _)| Arc::ptr_eq(slot, &self.slot))
        else {
            // Our queue was already closed to newcomers (settled); nothing to tidy.
            return;
        };
        entry.1 = entry.1.saturating_sub(1);
        // A settled outcome is only for the attempts already queued (they hold the
        // slot): later attempts start a new queue and ask the database, so an order that
        // returns to the pool is decided afresh. An empty queue is dropped.
        if settled || entry.1 == 0 {
            map.remove(&self.order_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn waiters_learn_the_outcome_and_the_entry_is_forgotten() {
        let gate = Arc::new(AcceptGate::default());
        let mut first = gate.turn("o1").await;
        assert_eq!(first.settled(), None);

        let g = Arc::clone(&gate);
        let waiter = tokio::spawn(async move { g.turn("o1").await.settled() });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "the second attempt waits its turn");

        first.settle(Settled::Taken);
        drop(first);
        assert_eq!(
            gate.len(),
            0,
            "a settled queue is closed to newcomers at once"
        );
        // A later attempt decides afresh, while the queued one still hears the outcome.
        assert_eq!(gate.turn("o1").await.settled(), None);
        assert_eq!(waiter.await.ok().flatten(), Some(Settled::Taken));
        assert_eq!(gate.len(), 0);
    }

    #[tokio::test]
    async fn a_cancelled_waiter_leaves_nothing_behind() {
        let gate = Arc::new(AcceptGate::default());
        let first = gate.turn("o4").await;
        let g = Arc::clone(&gate);
        let waiter = tokio::spawn(async move {
            let _t = g.turn("o4").await;
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(first);
        waiter.abort();
        let _ = waiter.await;
        assert_eq!(gate.len(), 0, "nobody in the queue: no entry kept");

        // Cancelled while still waiting: the holder's exit then removes the entry.
        let holder = gate.turn("o5").await;
        let g = Arc::clone(&gate);
        let waiter = tokio::spawn(async move {
            let _t = g.turn("o5").await;
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        waiter.abort();
        let _ = waiter.await;
        drop(holder);
        assert_eq!(gate.len(), 0);
    }

    #[tokio::test]
    async fn unsettled_turns_pass_on_without_an_outcome() {
        let gate = AcceptGate::default();
        drop(gate.turn("o2").await);
        let t = gate.turn("o2").await;
        assert_eq!(t.settled(), None);
        let other = gate.turn("o3").await;
        assert_eq!(other.settled(), None, "orders do not share a queue");
    }
}
