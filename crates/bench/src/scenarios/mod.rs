//! The scenarios, and the closed-loop HTTP driver catalog and orders share.

pub mod catalog;
pub mod city;
pub mod dispatch;
pub mod dispatch_auto;
pub mod fanout;
pub mod flood;
pub mod idle;
pub mod orders;
pub mod race;
pub mod search;
pub mod stores;

use crate::report::Row;
use crate::stats;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Scenario names for `--only`, in run order.
/// `city` is the longest (ten minutes). `stores` runs last: after it there are a thousand
/// stores (and registering a partner would need a store named).
pub const ALL: [&str; 12] = [
    "startup",
    "catalog",
    "search",
    "orders",
    "race",
    "idle",
    "fanout",
    "dispatch",
    "dispatch-auto",
    "flood",
    "city",
    "stores",
];

/// `concurrency` workers, each sending its next request when the previous one answered,
/// until `duration` has passed or `cap` requests were sent.
pub struct HttpJob {
    pub method: reqwest::Method,
    pub urls: Vec<String>,
    /// JSON bodies (request n sends body n % len); empty for none.
    pub bodies: Vec<String>,
    /// Bearer tokens (worker w uses token w % len).
    pub tokens: Vec<String>,
    pub expect: u16,
    pub concurrency: usize,
    pub duration: Duration,
    pub cap: u64,
}

#[derive(Default)]
struct Tally {
    ok: u64,
    errors: u64,
    samples: Vec<u32>,
    first_error: Option<String>,
}

/// Run `job` and write throughput (successful requests per second), latency of the
/// successful requests, and errors into `row`.
pub async fn run_http(client: &reqwest::Client, job: HttpJob, row: &mut Row) {
    let counter = Arc::new(AtomicU64::new(0));
    let job = Arc::new(job);
    let started = Instant::now();
    let deadline = started + job.duration;
    let mut handles: Vec<tokio::task::JoinHandle<Tally>> = Vec::new();
    for w in 0..job.concurrency.max(1) {
        let (client, counter, job) = (client.clone(), counter.clone(), job.clone());
        handles.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let token: &str = &job.tokens[w % job.tokens.len()];
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if n >= job.cap {
                    break;
                }
                let url: &str = &job.urls[(n as usize).wrapping_mul(7919) % job.urls.len()];
                let mut rb = client.request(job.method.clone(), url).bearer_auth(token);
                if !job.bodies.is_empty() {
                    rb = rb
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(job.bodies[n as usize % job.bodies.len()].clone());
                }
                let t0 = Instant::now();
                let err: Option<String> = match rb.send().await {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        match resp.bytes().await {
                            Ok(_) if status == job.expect => None,
                            Ok(b) => {
                                Some(format!("HTTP {status}: {}", String::from_utf8_lossy(&b)))
                            }
                            Err(e) => Some(e.to_string()),
                        }
                    }
                    Err(e) => Some(e.to_string()),
                };
                match err {
                    None => {
                        t.ok += 1;
                        t.samples.push(stats::micros(t0.elapsed()));
                    }
                    Some(e) => {
                        t.errors += 1;
                        if t.first_error.is_none() {
                            t.first_error = Some(e);
                        }
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                }
            }
            t
        }));
    }
    let mut all = Tally::default();
    let mut parts: Vec<Vec<u32>> = Vec::new();
    for h in handles {
        if let Ok(t) = h.await {
            all.ok += t.ok;
            all.errors += t.errors;
            parts.push(t.samples);
            if all.first_error.is_none() {
                all.first_error = t.first_error;
            }
        }
    }
    row.secs = started.elapsed().as_secs_f64();
    row.ops = all.ok;
    row.errors = all.errors;
    row.throughput = Some(all.ok as f64 / row.secs.max(1e-3));
    row.latency = stats::summarize(parts.concat());
    if let Some(e) = all.first_error {
        row.notes.push(format!(
            "first error: {}",
            e.chars().take(300).collect::<String>()
        ));
    }
}
