//! Admission under overload: when the server's core is behind, work that starts
//! something new gives way to work that finishes what is already promised.
//!
//! The signal is the **queueing delay**, read every [`PROBE_PERIOD`] by a probe task,
//! as the larger of two waits:
//! - how late the probe itself is woken: on a saturated runtime a woken task waits
//!   behind every task that is ready before it, so that lateness is the wait any
//!   request's next step has (the technique of Node's `toobusy` and `under-pressure`);
//! - the wait in front of the database in the period (`Store::least_wait`): per queue (a
//!   read connection, the writer, the order writer's queue) the least wait of any caller,
//!   and the largest of those. When even the luckiest caller waited, a queue stands there
//!   (the CoDel rule), and it is where a saturated instance's requests actually wait:
//!   SQLite's statements run on threads of their own, beside the runtime.
//!
//! The reading is smoothed: quick to rise, slower to fall.
//!
//! Three kinds of work, against the target `QC_OVERLOAD_LAG_MS` (`T`, default 100 ms; 0
//! turns it off):
//! - **browse** (catalog pages and searches, a rider's position while carrying no order
//!   and while its last one is fresh for dispatch): a share of it is refused from `T/2`
//!   on, all of it at `T`;
//! - **start** (placing an order, registering): refused from `T` on, all of it at `3T`;
//! - everything else (signing in, accepting, picking, packing, status steps, a position
//!   with an order, cancelling, admins' work) is never refused here.
//!
//! A refusal is `503 overloaded` with `Retry-After`, answered before any work is done
//! (for HTTP, before the token is checked; an idle position once it is parsed): nothing
//! is written, and the client may try again. Shares are spread evenly over each kind's
//! requests (a low-discrepancy sequence per kind, not chance), so a 30 % refusal refuses
//! 3 requests of that kind in 10.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// How often the probe asks to be woken.
pub const PROBE_PERIOD: Duration = Duration::from_millis(20);

/// What a request would start, for admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Catalog pages, searches, idle positions: refused first.
    Browse,
    /// New orders, registrations: refused when browsing alone is not enough.
    Start,
}

impl Work {
    fn index(self) -> usize {
        match self {
            Work::Browse => 0,
            Work::Start => 1,
        }
    }
}

/// The share of `work` to refuse at scheduling delay `lag` with target `target`
/// (0.0 = none, 1.0 = all). A zero target refuses nothing.
pub fn refused_share(work: Work, lag: Duration, target: Duration) -> f64 {
    if target.is_zero() {
        return 0.0;
    }
    let (lag, t) = (lag.as_secs_f64(), target.as_secs_f64());
    let (from, to) = match work {
        Work::Browse => (t / 2.0, t),
        Work::Start => (t, 3.0 * t),
    };
    ((lag - from) / (to - from)).clamp(0.0, 1.0)
}

/// The next smoothed delay from the last one and a new reading: half-way up at once,
/// a quarter of the way down.
pub fn smooth(last: Duration, reading: Duration) -> Duration {
    if reading >= last {
        last + (reading - last) / 2
    } else {
        last - (last - reading) / 4
    }
}

/// The instance's load signal and its admission decisions.
pub struct Pressure {
    target: Duration,
    lag_us: AtomicU64,
    /// Per kind of work: requests asked, for the spread of refusals.
    seq: [AtomicU64; 2],
    refused: [AtomicU64; 2],
}

impl Pressure {
    pub fn new(target: Duration) -> Pressure {
        Pressure {
            target,
            lag_us: AtomicU64::new(0),
            seq: Default::default(),
            refused: Default::default(),
        }
    }

    /// The smoothed queueing delay.
    pub fn lag(&self) -> Duration {
        Duration::from_micros(self.lag_us.load(Relaxed))
    }

    /// Take a new reading of the queueing delay into the smoothed figure.
    pub fn observe(&self, reading: Duration) {
        let next = smooth(self.lag(), reading);
        self.lag_us
            .store(u64::try_from(next.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    /// Whether to take on `work` now: `Err(seconds to wait)` when it is refused (and
    /// counted).
    pub fn admit(&self, work: Work) -> Result<(), u64> {
        let share = refused_share(work, self.lag(), self.target);
        if share <= 0.0 {
            return Ok(());
        }
        // The golden-ratio sequence: any run of requests is refused in proportion.
        const PHI: f64 = 0.618_033_988_749_894_9;
        let n = self.seq[work.index()].fetch_add(1, Relaxed);
        if ((n as f64) * PHI).fract() >= share {
            return Ok(());
        }
        self.refused[work.index()].fetch_add(1, Relaxed);
        Err(1)
    }

    /// Requests refused so far, for `work`.
    pub fn refused(&self, work: Work) -> u64 {
        self.refused[work.index()].load(Relaxed)
    }

    /// The probe: on the current runtime, for as long as the instance holds `self`.
    /// `waited` answers the other queue's wait for the period (the database's).
    pub fn spawn_probe(self: &Arc<Self>, waited: impl Fn() -> Duration + Send + 'static) {
        if self.target.is_zero() {
            return;
        }
        let me: Weak<Pressure> = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let asked = Instant::now();
                tokio::time::sleep(PROBE_PERIOD).await;
                let late = asked.elapsed().saturating_sub(PROBE_PERIOD);
                match me.upgrade() {
                    Some(p) => p.observe(late.max(waited())),
                    None => return,
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_millis(40);

    #[test]
    fn browsing_gives_way_first_then_starting() {
        let at = |ms| Duration::from_millis(ms);
        assert_eq!(refused_share(Work::Browse, at(10), T), 0.0);
        assert_eq!(refused_share(Work::Browse, at(20), T), 0.0);
        assert!((refused_share(Work::Browse, at(30), T) - 0.5).abs() < 1e-9);
        assert_eq!(refused_share(Work::Browse, at(40), T), 1.0);
        assert_eq!(refused_share(Work::Start, at(40), T), 0.0);
        assert!((refused_share(Work::Start, at(80), T) - 0.5).abs() < 1e-9);
        assert_eq!(refused_share(Work::Start, at(120), T), 1.0);
        assert_eq!(refused_share(Work::Start, at(5_000), T), 1.0);
        // Off.
        assert_eq!(refused_share(Work::Browse, at(5_000), Duration::ZERO), 0.0);
    }

    #[test]
    fn the_smoothed_delay_rises_fast_and_falls_slowly() {
        let ms = |n| Duration::from_millis(n);
        assert_eq!(smooth(ms(0), ms(100)), ms(50));
        assert_eq!(smooth(ms(50), ms(100)), ms(75));
        assert_eq!(smooth(ms(100), ms(0)), ms(75));
        // One late wake-up alone does not refuse browsing (half of it, under T/2)...
        let p = Pressure::new(T);
        p.observe(ms(38));
        assert!(p.admit(Work::Browse).is_ok());
        // ...a run of them does.
        for _ in 0..6 {
            p.observe(ms(60));
        }
        assert!((0..10).all(|_| p.admit(Work::Browse).is_err()));
        assert_eq!(p.refused(Work::Browse), 10);
    }

    #[test]
    fn a_share_refuses_that_share_of_any_run_of_requests() {
        let p = Pressure::new(T);
        // Browse at 30 ms: half refused.
        for _ in 0..40 {
            p.observe(Duration::from_millis(30));
        }
        let refused = (0..1_000)
            .filter(|_| p.admit(Work::Browse).is_err())
            .count();
        assert!((480..=520).contains(&refused), "{refused} of 1000");
        // Starting is not refused at that delay.
        assert!((0..100).all(|_| p.admit(Work::Start).is_ok()));
        assert_eq!(p.refused(Work::Start), 0);
    }

    #[test]
    fn a_zero_target_admits_everything() {
        let p = Pressure::new(Duration::ZERO);
        p.observe(Duration::from_secs(10));
        assert!(p.admit(Work::Browse).is_ok() && p.admit(Work::Start).is_ok());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_probe_sees_a_blocked_runtime() {
        let p = Arc::new(Pressure::new(T));
        p.spawn_probe(|| Duration::ZERO);
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Hold the only thread: the probe's wake-ups come late.
        for _ in 0..5 {
            std::thread::sleep(Duration::from_millis(100));
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(p.lag() >= Duration::from_millis(40), "{:?}", p.lag());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_probe_hears_a_queue_in_front_of_the_database() {
        let p = Arc::new(Pressure::new(T));
        let queue = Arc::new(AtomicU64::new(0));
        let q = queue.clone();
        p.spawn_probe(move || Duration::from_millis(q.load(Relaxed)));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(p.admit(Work::Start).is_ok());
        // Every caller now waits 200 ms for the database: a standing queue.
        queue.store(200, Relaxed);
        while p.lag() < Duration::from_millis(120) {
            tokio::time::sleep(PROBE_PERIOD).await;
        }
        assert!((0..10).all(|_| p.admit(Work::Start).is_err()));
        // It drains: admitted again.
        queue.store(0, Relaxed);
        while p.lag() >= Duration::from_millis(20) {
            tokio::time::sleep(PROBE_PERIOD).await;
        }
        assert!((0..10).all(|_| p.admit(Work::Browse).is_ok()));
    }
}
