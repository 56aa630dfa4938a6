//! Latency samples: each worker keeps a `Vec<u32>` of microseconds; they are merged and
//! sorted once at the end.

use serde::Serialize;
use std::time::Duration;

/// Microseconds, saturating at `u32::MAX`.
pub fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// Percentiles (nearest rank) of one set of samples, in milliseconds.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub count: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Sort and summarize; `None` without samples.
pub fn summarize(mut v: Vec<u32>) -> Option<Summary> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    let at = |p: f64| -> f64 {
        let rank = (p / 100.0 * n as f64).ceil() as usize;
        f64::from(v[rank.clamp(1, n) - 1]) / 1000.0
    };
    let sum: u64 = v.iter().map(|x| u64::from(*x)).sum();
    Some(Summary {
        count: n as u64,
        mean_ms: sum as f64 / n as f64 / 1000.0,
        p50_ms: at(50.0),
        p90_ms: at(90.0),
        p99_ms: at(99.0),
        max_ms: at(100.0),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest_rank() {
        let s = super::summarize((1..=100).map(|i| i * 1000).collect()).expect("samples");
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (50.0, 99.0, 100.0));
    }
}
