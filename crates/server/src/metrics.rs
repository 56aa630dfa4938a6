//! In-process performance metrics: request counts, latency histograms and recent rates
//! per route group, socket connections and events, database pool use. Read as JSON by
//! admins (`/api/admin/metrics`) and as Prometheus text (`/metrics`).

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use utoipa::ToSchema;

pub const GROUPS: [&str; 7] = [
    "auth", "customer", "delivery", "admin", "health", "socket", "other",
];
/// Upper bounds of the latency buckets, in milliseconds (the last bucket is +Inf).
const BUCKETS_MS: [f64; 12] = [
    0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 5000.0,
];
const WINDOW: usize = 60;
/// Upper bounds of the dispatch-decision buckets, in milliseconds (then +Inf).
const DISPATCH_BUCKETS_MS: [f64; 15] = [
    0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 25.0, 50.0, 100.0, 250.0,
];

/// Time to choose a partner and send the offer (or escalate), per decision.
#[derive(Default)]
struct Decisions {
    count: AtomicU64,
    sum_us: AtomicU64,
    buckets: [AtomicU64; DISPATCH_BUCKETS_MS.len() + 1],
}

/// Counts per second over the last minute.
struct Recent {
    slots: [AtomicU64; WINDOW],
    stamps: [AtomicU64; WINDOW],
}

impl Default for Recent {
    fn default() -> Self {
        Recent {
            slots: std::array::from_fn(|_| AtomicU64::new(0)),
            stamps: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

fn epoch_sec() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Recent {
    fn add(&self) {
        let now = epoch_sec();
        let i = (now % WINDOW as u64) as usize;
        if self.stamps[i].swap(now, Relaxed) != now {
            self.slots[i].store(0, Relaxed);
        }
        self.slots[i].fetch_add(1, Relaxed);
    }

    /// Average per second over the last minute (the current second excluded).
    fn rate(&self) -> f64 {
        let now = epoch_sec();
        let sum: u64 = (0..WINDOW)
            .filter(|&i| {
                let s = self.stamps[i].load(Relaxed);
                s < now && now - s <= WINDOW as u64
            })
            .map(|i| self.slots[i].load(Relaxed))
            .sum();
        sum as f64 / WINDOW as f64
    }
}

#[derive(Default)]
struct Group {
    count: AtomicU64,
    errors: AtomicU64,
    sum_us: AtomicU64,
    buckets: [AtomicU64; BUCKETS_MS.len() + 1],
    recent: Recent,
}

/// All counters of the process.
pub struct Metrics {
    groups: [Group; GROUPS.len()],
    pub events_in: AtomicU64,
    pub events_out: AtomicU64,
    /// Deliveries of broadcast events that a socket did not get because its outgoing
    /// queue was full (a slow or stalled client, or a saturated server), by event name
    /// (touched only when something is dropped; the total is their sum).
    dropped_by_event: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
    /// New Socket.io handshakes that reached the server (admitted by the gate).
    pub handshakes: AtomicU64,
    /// Catalog pages answered from the cache, and requests that missed it (they ran the
    /// query, or waited for the one request already running it).
    pub catalog_hits: AtomicU64,
    pub catalog_misses: AtomicU64,
    /// Catalog requests refused because too many queries were running (`catalog_busy`).
    pub catalog_busy: AtomicU64,
    /// Catalog misses answered by the in-memory search index, and by the database.
    pub catalog_index: AtomicU64,
    pub catalog_database: AtomicU64,
    events_recent: Recent,
    decisions: Decisions,
    started: Instant,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            groups: std::array::from_fn(|_| Group::default()),
            events_in: AtomicU64::new(0),
            events_out: AtomicU64::new(0),
            dropped_by_event: Default::default(),
            handshakes: AtomicU64::new(0),
            catalog_hits: AtomicU64::new(0),
            catalog_misses: AtomicU64::new(0),
            catalog_busy: AtomicU64::new(0),
            catalog_index: AtomicU64::new(0),
            catalog_database: AtomicU64::new(0),
            events_recent: Recent::default(),
            decisions: Decisions::default(),
            started: Instant::now(),
        }
    }
}

/// Which group a request path belongs to.
pub fn group_of(path: &str) -> usize {
    let name = if path.starts_with("/socket.io") {
        "socket"
    } else if path.starts_with("/health") {
        "health"
    } else {
        path.strip_prefix("/api/")
            .and_then(|p| p.split('/').next())
            .unwrap_or("other")
    };
    GROUPS
        .iter()
        .position(|g| *g == name)
        .unwrap_or(GROUPS.len() - 1)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupMetrics {
    pub group: String,
    pub requests: u64,
    pub errors: u64,
    /// Requests per second over the last minute.
    pub rate_per_second: f64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub mean_ms: Option<f64>,
}

impl Metrics {
    /// One answered request; `server_error`: a fault of the server (a 5xx that is not
    /// the admission's refusal).
    pub fn record(&self, path: &str, server_error: bool, elapsed: Duration) {
        let g = &self.groups[group_of(path)];
        g.count.fetch_add(1, Relaxed);
        if server_error {
            g.errors.fetch_add(1, Relaxed);
        }
        let us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        g.sum_us.fetch_add(us, Relaxed);
        let ms = us as f64 / 1000.0;
        let b = BUCKETS_MS
            .iter()
            .position(|&le| ms <= le)
            .unwrap_or(BUCKETS_MS.len());
        g.buckets[b].fetch_add(1, Relaxed);
        g.recent.add();
    }

    /// One dispatch decision (rank, offer or escalate, send), start to sent.
    pub fn record_dispatch(&self, elapsed: Duration) {
        let d = &self.decisions;
        let us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        d.count.fetch_add(1, Relaxed);
        d.sum_us.fetch_add(us, Relaxed);
        let ms = us as f64 / 1000.0;
        let b = DISPATCH_BUCKETS_MS
            .iter()
            .position(|&le| ms <= le)
            .unwrap_or(DISPATCH_BUCKETS_MS.len());
        d.buckets[b].fetch_add(1, Relaxed);
    }

    pub fn handshake(&self) {
        self.handshakes.fetch_add(1, Relaxed);
    }

    pub fn event_in(&self) {
        self.events_in.fetch_add(1, Relaxed);
        self.events_recent.add();
    }

    /// `n` deliveries of `event` missed by sockets whose outgoing queue was full.
    pub fn events_dropped(&self, event: &str, n: u64) {
        let mut by = self
            .dropped_by_event
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match by.get_mut(event) {
            Some(count) => *count += n,
            None => {
                by.insert(event.to_owned(), n);
            }
        }
    }

    pub fn event_out(&self) {
        self.events_out.fetch_add(1, Relaxed);
        self.events_recent.add();
    }

    pub fn events_per_second(&self) -> f64 {
        self.events_recent.rate()
    }

    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    fn quantile(g: &Group, q: f64) -> Option<f64> {
        let total = g.count.load(Relaxed);
        if total == 0 {
            return None;
        }
        let target = ((total as f64) * q).ceil() as u64;
        let mut seen = 0;
        for (i, b) in g.buckets.iter().enumerate() {
            seen += b.load(Relaxed);
            if seen >= target {
                return Some(
                    BUCKETS_MS
                        .get(i)
                        .copied()
                        .unwrap_or(f64::INFINITY)
                        .min(60_000.0),
                );
            }
        }
        None
    }

    /// Per group: counts, recent rate and latency quantiles (bucket upper bounds).
    pub fn groups(&self) -> Vec<GroupMetrics> {
        GROUPS
            .iter()
            .zip(&self.groups)
            .map(|(name, g)| {
                let n = g.count.load(Relaxed);
                GroupMetrics {
                    group: (*name).to_owned(),
                    requests: n,
                    errors: g.errors.load(Relaxed),
                    rate_per_second: g.recent.rate(),
                    p50_ms: Self::quantile(g, 0.50),
                    p90_ms: Self::quantile(g, 0.90),
                    p99_ms: Self::quantile(g, 0.99),
                    mean_ms: (n > 0).then(|| g.sum_us.load(Relaxed) as f64 / n as f64 / 1000.0),
                }
            })
            .collect()
    }

    /// Prometheus text exposition of the HTTP histograms and event counters.
    pub fn prometheus(&self, extra: &[(&str, &str, f64)]) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        out.push_str(
            "# HELP qc_http_request_duration_seconds HTTP request latency by route group.\n",
        );
        out.push_str("# TYPE qc_http_request_duration_seconds histogram\n");
        for (name, g) in GROUPS.iter().zip(&self.groups) {
            let mut cumulative = 0;
            for (i, le) in BUCKETS_MS.iter().enumerate() {
                cumulative += g.buckets[i].load(Relaxed);
                let _ = writeln!(
                    out,
                    "qc_http_request_duration_seconds_bucket{{group=\"{name}\",le=\"{}\"}} {cumulative}",
                    le / 1000.0
                );
            }
            cumulative += g.buckets[BUCKETS_MS.len()].load(Relaxed);
            let _ = writeln!(
                out,
                "qc_http_request_duration_seconds_bucket{{group=\"{name}\",le=\"+Inf\"}} {cumulative}"
            );
            let _ = writeln!(
                out,
                "qc_http_request_duration_seconds_sum{{group=\"{name}\"}} {}",
                g.sum_us.load(Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                out,
                "qc_http_request_duration_seconds_count{{group=\"{name}\"}} {}",
                g.count.load(Relaxed)
            );
        }
        out.push_str("# TYPE qc_http_server_errors_total counter\n");
        for (name, g) in GROUPS.iter().zip(&self.groups) {
            let _ = writeln!(
                out,
                "qc_http_server_errors_total{{group=\"{name}\"}} {}",
                g.errors.load(Relaxed)
            );
        }
        out.push_str("# TYPE qc_socket_events_total counter\n");
        let _ = writeln!(
            out,
            "qc_socket_events_total{{direction=\"in\"}} {}",
            self.events_in.load(Relaxed)
        );
        let _ = writeln!(
            out,
            "qc_socket_events_total{{direction=\"out\"}} {}",
            self.events_out.load(Relaxed)
        );
        out.push_str(
            "# HELP qc_socket_events_dropped_total Broadcast deliveries a socket missed: its \
             outgoing queue was full.\n# TYPE qc_socket_events_dropped_total counter\n",
        );
        let dropped = self
            .dropped_by_event
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(
            out,
            "qc_socket_events_dropped_total {}",
            dropped.values().sum::<u64>()
        );
        out.push_str(
            "# HELP qc_socket_events_dropped_by_event_total The same, by event name.\n\
             # TYPE qc_socket_events_dropped_by_event_total counter\n",
        );
        for (event, n) in dropped.iter() {
            let _ = writeln!(
                out,
                "qc_socket_events_dropped_by_event_total{{event=\"{event}\"}} {n}"
            );
        }
        out.push_str(
            "# HELP qc_catalog_cache_total Catalog page requests by cache result.\n\
             # TYPE qc_catalog_cache_total counter\n",
        );
        let results = [
            ("hit", &self.catalog_hits),
            ("miss", &self.catalog_misses),
            ("busy", &self.catalog_busy),
        ];
        for (result, n) in results {
            let _ = writeln!(
                out,
                "qc_catalog_cache_total{{result=\"{result}\"}} {}",
                n.load(Relaxed)
            );
        }
        out.push_str(
            "# HELP qc_catalog_answered_total Catalog pages the cache did not have, by what \
             answered them.\n# TYPE qc_catalog_answered_total counter\n",
        );
        for (by, n) in [
            ("index", &self.catalog_index),
            ("database", &self.catalog_database),
        ] {
            let _ = writeln!(
                out,
                "qc_catalog_answered_total{{by=\"{by}\"}} {}",
                n.load(Relaxed)
            );
        }
        out.push_str(
            "# HELP qc_dispatch_decision_seconds Time to rank partners and send an offer (or \
             escalate).\n# TYPE qc_dispatch_decision_seconds histogram\n",
        );
        let d = &self.decisions;
        let mut cumulative = 0;
        for (i, le) in DISPATCH_BUCKETS_MS.iter().enumerate() {
            cumulative += d.buckets[i].load(Relaxed);
            let _ = writeln!(
                out,
                "qc_dispatch_decision_seconds_bucket{{le=\"{}\"}} {cumulative}",
                le / 1000.0
            );
        }
        cumulative += d.buckets[DISPATCH_BUCKETS_MS.len()].load(Relaxed);
        let _ = writeln!(
            out,
            "qc_dispatch_decision_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n\
             qc_dispatch_decision_seconds_sum {}\nqc_dispatch_decision_seconds_count {}",
            d.sum_us.load(Relaxed) as f64 / 1e6,
            d.count.load(Relaxed)
        );
        for (name, help, value) in extra {
            let kind = if name.ends_with("_total") {
                "counter"
            } else {
                "gauge"
            };
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        let _ = writeln!(
            out,
            "# TYPE qc_uptime_seconds gauge\nqc_uptime_seconds {}",
            self.uptime().as_secs()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_quantiles() {
        let m = Metrics::default();
        assert_eq!(GROUPS[group_of("/api/customer/products")], "customer");
        assert_eq!(GROUPS[group_of("/socket.io/")], "socket");
        assert_eq!(GROUPS[group_of("/")], "other");
        for ms in [1, 1, 1, 1, 1, 1, 1, 1, 40, 400] {
            m.record("/api/admin/stats", false, Duration::from_millis(ms));
        }
        let admin = m.groups().into_iter().find(|g| g.group == "admin").unwrap();
        assert_eq!(admin.requests, 10);
        assert_eq!(admin.p50_ms, Some(1.0));
        assert_eq!(admin.p90_ms, Some(50.0));
        assert_eq!(admin.p99_ms, Some(500.0));
        let text = m.prometheus(&[("qc_socket_connections", "Open sockets.", 3.0)]);
        assert!(text.contains("qc_http_request_duration_seconds_count{group=\"admin\"} 10"));
        assert!(text.contains("qc_socket_connections 3"));
    }

    #[test]
    fn dropped_events_are_counted_by_name() {
        let m = Metrics::default();
        m.events_dropped("order:completed", 2);
        m.events_dropped("inventory:updated", 5);
        m.events_dropped("order:completed", 1);
        let text = m.prometheus(&[]);
        assert!(
            text.contains("qc_socket_events_dropped_total 8\n"),
            "{text}"
        );
        assert!(
            text.contains("\n# TYPE qc_socket_events_dropped_by_event_total counter\n"),
            "{text}"
        );
        assert!(
            text.contains("qc_socket_events_dropped_by_event_total{event=\"order:completed\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "qc_socket_events_dropped_by_event_total{event=\"inventory:updated\"} 5\n"
            ),
            "{text}"
        );
    }
}
