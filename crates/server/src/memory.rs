//! Giving memory back to the operating system after a burst.
//!
//! glibc's malloc keeps what a burst freed in its arenas: after thousands of Socket.io
//! handshakes that never became connections (each engine.io session holds ~16 KiB until
//! the connect timeout closes it), RSS stayed at its peak for good — 19 → 277 MB in the
//! attack that found it, and a second burst added more. `malloc_trim(0)` returns the free
//! pages of every arena. It walks (and briefly locks) each arena, so it is not run on a
//! timer during steady traffic: a task notices handshake activity, waits until it has
//! been quiet for the connect timeout (by then every session of the burst is gone), and
//! trims once on a blocking thread. Measured by `qc-bench --only flood`
//! (docs/BENCHMARKS.md).

use crate::metrics::Metrics;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// Return freed heap pages to the operating system (glibc only; elsewhere nothing).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn release() -> bool {
    // SAFETY: `malloc_trim` takes no pointers and touches no caller state; glibc
    // serialises it with every other allocator call.
    unsafe { libc::malloc_trim(0) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release() -> bool {
    false
}

/// How often the task looks at the handshake counter.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Trim once handshake activity has been quiet for `settle` (the connect timeout) plus
/// a second; never more often than that.
pub fn spawn_trimmer(metrics: Arc<Metrics>, settle: Duration) {
    tokio::spawn(async move {
        let settle = settle + Duration::from_secs(1);
        let mut seen = metrics.handshakes.load(Relaxed);
        let mut pending: Option<Instant> = None;
        loop {
            tokio::time::sleep(LOOK_EVERY).await;
            let now = metrics.handshakes.load(Relaxed);
            if now != seen {
                seen = now;
                pending = Some(Instant::now());
                continue;
            }
            if pending.is_some_and(|since| since.elapsed() >= settle) {
                pending = None;
                let released = tokio::task::spawn_blocking(release).await.unwrap_or(false);
                tracing::debug!(
                    released,
                    "returned freed memory after a burst of handshakes"
                );
            }
        }
    });
}
