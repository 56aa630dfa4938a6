//! Short-lived read caches in front of the store, for the two hottest reads: the user
//! behind a bearer token (every authenticated request) and catalog pages.
//!
//! Rules that keep them correct:
//! - every write made through this instance invalidates what it changed before the
//!   write's response is sent, so a client never reads its own write back stale;
//! - a value read from the store is only kept if no invalidation happened while it was
//!   being read (a generation counter), so a slow read cannot re-insert old data;
//! - entries expire after a short TTL, which bounds how stale a value written by
//!   *another* instance can be (documented in docs/SCALING.md); a TTL of 0 turns the
//!   cache off. Each entry's lifetime is shortened by up to a fifth at random, so
//!   entries filled together do not all expire (and hit the database) together.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A bounded map of values that expire after `ttl`.
pub struct TtlCache<V> {
    ttl: Duration,
    max_entries: usize,
    inner: Mutex<Inner<V>>,
}

struct Inner<V> {
    generation: u64,
    /// Value and the instant it expires.
    map: HashMap<String, (Instant, V)>,
}

/// Proof of the generation a read started in; pass it back to [`TtlCache::insert`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl Ticket {
    /// The generation: reads of one key in one generation may share one query.
    pub fn generation(self) -> u64 {
        self.0
    }
}

/// Single flight: concurrent misses of one key (in one cache generation) run one read and
/// share its answer, so an expiry never sends every waiting request to the database.
pub struct Flights<V> {
    inflight: Mutex<HashMap<String, std::sync::Arc<tokio::sync::OnceCell<V>>>>,
}

impl<V> Default for Flights<V> {
    fn default() -> Self {
        Flights {
            inflight: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Flights<V> {
    /// `read`'s answer for `key`: run here, or shared with a caller already running it.
    /// A failed (or abandoned) read is not shared: the next waiter runs its own.
    pub async fn run<E, Fut>(&self, key: String, read: impl FnOnce() -> Fut) -> Result<V, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        let cell = {
            let mut map = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(key.clone()).or_default().clone()
        };
        // Whoever finishes (or is dropped) first takes the key out, so a settled answer
        // is never served past this flight.
        struct Land<'a, V> {
            flights: &'a Flights<V>,
            key: String,
            cell: std::sync::Arc<tokio::sync::OnceCell<V>>,
        }
        impl<V> Drop for Land<'_, V> {
            fn drop(&mut self) {
                let mut map = self
                    .flights
                    .inflight
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                if map
                    .get(&self.key)
                    .is_some_and(|c| std::sync::Arc::ptr_eq(c, &self.cell))
                {
                    map.remove(&self.key);
                }
            }
        }
        let land = Land {
            flights: self,
            key,
            cell: cell.clone(),
        };
        let out = cell.get_or_try_init(read).await.cloned();
        drop(land);
        out
    }

    /// Reads in flight now (for tests).
    pub fn in_flight(&self) -> usize {
        self.inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}

impl<V: Clone> TtlCache<V> {
    pub fn new(ttl: Duration, max_entries: usize) -> TtlCache<V> {
        TtlCache {
            ttl,
            max_entries: max_entries.max(1),
            inner: Mutex::new(Inner {
                generation: 0,
                map: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<V>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// A fresh value, or a ticket to insert the value about to be read.
    pub fn get(&self, key: &str) -> Result<V, Ticket> {
        let inner = self.lock();
        if self.enabled()
            && let Some((expires, v)) = inner.map.get(key)
            && Instant::now() < *expires
        {
            return Ok(v.clone());
        }
        Err(Ticket(inner.generation))
    }

    /// A ticket for a read that starts now, when a cached value was found unusable.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.lock().generation)
    }

    /// Keep `value` unless something was invalidated since `ticket` was taken.
    pub fn insert(&self, key: &str, ticket: Ticket, value: V) {
        if !self.enabled() {
            return;
        }
        let mut inner = self.lock();
        if inner.generation != ticket.0 {
            return;
        }
        let now = Instant::now();
        // Full: the expired entries go, and live ones (whichever the map gives first)
        // until a quarter is free; they are dropped after the lock is let go, and never all at once, so a
        // full cache under a stream of new keys costs no pause.
        let mut evicted = Vec::new();
        if inner.map.len() >= self.max_entries {
            let quarter = (self.max_entries / 4).max(1);
            let mut keys: Vec<String> = inner
                .map
                .iter()
                .filter(|(_, (expires, _))| now >= *expires)
                .map(|(k, _)| k.clone())
                .collect();
            if keys.len() < quarter {
                let more = quarter - keys.len();
                let live = inner.map.iter().filter(|(_, (e, _))| now < *e);
                keys.extend(live.take(more).map(|(k, _)| k.clone()));
            }
            evicted = keys.iter().filter_map(|k| inner.map.remove(k)).collect();
        }
        let life = self.ttl.mul_f64(1.0 - rand::random::<f64>() / 5.0);
        inner.map.insert(key.to_owned(), (now + life, value));
        drop(inner);
        drop(evicted);
    }

    /// Drop one key (and refuse in-flight reads that started before now).
    pub fn remove(&self, key: &str) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.map.remove(key);
    }

    /// Drop everything.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_misses_of_one_key_read_once() {
        let flights: Flights<u32> = Flights::default();
        let reads = std::sync::atomic::AtomicU32::new(0);
        let read = || async {
            reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<u32, ()>(7)
        };
        let answers =
            futures::future::join_all((0..20).map(|_| flights.run("k".to_owned(), read))).await;
        assert!(answers.iter().all(|a| *a == Ok(7)));
        assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(flights.in_flight(), 0, "the key is let go once answered");
        // Another key, or a later miss, reads again.
        assert_eq!(flights.run("k".to_owned(), read).await, Ok(7));
        assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 2);
        // A failure is not shared and not kept.
        let failed = flights
            .run("e".to_owned(), || async { Err::<u32, &str>("down") })
            .await;
        assert_eq!(failed, Err("down"));
        assert_eq!(flights.in_flight(), 0);
    }

    #[test]
    fn hit_miss_expiry_and_invalidation() {
        let c: TtlCache<u32> = TtlCache::new(Duration::from_secs(60), 4);
        let t = c.get("a").expect_err("empty cache misses");
        c.insert("a", t, 1);
        assert_eq!(c.get("a").ok(), Some(1));
        c.remove("a");
        assert!(c.get("a").is_err());

        // A read that started before an invalidation is not kept.
        let stale = c.get("b").expect_err("miss");
        c.clear();
        c.insert("b", stale, 2);
        assert!(c.get("b").is_err(), "stale read must not be cached");

        let short: TtlCache<u32> = TtlCache::new(Duration::from_millis(1), 4);
        let t = short.get("a").expect_err("miss");
        short.insert("a", t, 1);
        std::thread::sleep(Duration::from_millis(5));
        assert!(short.get("a").is_err(), "expired entries miss");
    }

    #[test]
    fn bounded_and_can_be_off() {
        let c: TtlCache<u32> = TtlCache::new(Duration::from_secs(60), 2);
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            let t = c.get(k).expect_err("miss");
            c.insert(k, t, i as u32);
        }
        assert!(c.lock().map.len() <= 2);
        // Full of live entries: a quarter makes room, the rest stay cached.
        let c: TtlCache<u32> = TtlCache::new(Duration::from_secs(60), 8);
        for i in 0..9 {
            let k = format!("k{i}");
            let t = c.get(&k).expect_err("miss");
            c.insert(&k, t, i);
        }
        assert_eq!(c.lock().map.len(), 7, "8 - 2 + the new one");
        assert_eq!(c.get("k8").ok(), Some(8));

        let off: TtlCache<u32> = TtlCache::new(Duration::ZERO, 2);
        let t = off.get("a").expect_err("miss");
        off.insert("a", t, 1);
        assert!(off.get("a").is_err(), "ttl 0 caches nothing");
    }
}
