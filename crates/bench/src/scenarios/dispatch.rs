//! Scenario 6, Dispatch end to end at a fixed rate: place (HTTP) -> `order:created` at the
//! available partners -> one designated partner accepts over its socket ->
//! `order:accepted` at the customer. Latency: place sent -> customer received.

use crate::ctx::Bench;
use crate::report::Row;
use crate::{setup, stats};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

type Times = Arc<Mutex<HashMap<String, Instant>>>;

/// The partner that accepts an order: a stable hash (FNV-1a) of its id.
fn designated(order_id: &str, partners: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in order_id.bytes() {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (h % partners.max(1) as u64) as usize
}

fn mark(map: &Times, id: &str, at: Instant) {
    if let Ok(mut g) = map.lock() {
        g.entry(id.to_owned()).or_insert(at);
    }
}

fn snapshot(map: &Times) -> HashMap<String, Instant> {
    map.lock().map(|g| g.clone()).unwrap_or_default()
}

fn first(slot: &Mutex<Option<String>>, e: String) {
    if let Ok(mut g) = slot.lock()
        && g.is_none()
    {
        *g = Some(e);
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let rate: u64 = b.args.dispatch_rate.unwrap_or(b.pick(200, 10)).max(1);
    let secs: u64 = b.args.duration_secs.unwrap_or(b.pick(10, 3)).max(1);
    // About 5 accepts per partner per second (the server allows 20 events a second).
    let k: usize = ((rate / 5) as usize).max(4);
    let mc: usize = b.pick(10, 2);
    b.ensure_catalog(false).await?;
    b.ensure_users("delivery", k).await?;
    b.ensure_users("customer", mc).await?;
    let auth = |t: &String| json!({"token": t});
    let pa: Vec<Value> = b.partners[..k].iter().map(|u| auth(&u.token)).collect();
    let ca: Vec<Value> = b.customers[..mc].iter().map(|u| auth(&u.token)).collect();
    let partners = setup::connect_many(&b.base, pa, &b.addrs, 32).await;
    let customers = setup::connect_many(&b.base, ca, &b.addrs, 32).await;
    if let Some(e) = partners.first_error.or(customers.first_error) {
        anyhow::bail!("sockets failed to connect: {e}");
    }

    let (placed, offered, accepted): (Times, Times, Times) = Default::default();
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let first_error: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let mut tasks: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    for (idx, c) in partners.clients.into_iter().enumerate() {
        let Some(mut c) = c else { continue };
        let (offered, stop, errors, fe) = (
            offered.clone(),
            stop.clone(),
            errors.clone(),
            first_error.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let ev = match c.recv(Duration::from_millis(200)).await {
                    Ok(ev) => ev,
                    Err(qc_sioclient::Error::Timeout) => continue,
                    Err(_) => break,
                };
                let id = ev.data["order"]["id"].as_str().unwrap_or("").to_owned();
                if ev.name != "order:created" || id.is_empty() || designated(&id, k) != idx {
                    continue;
                }
                mark(&offered, &id, Instant::now());
                let ack = c
                    .emit_with_ack(
                        "order:accept",
                        &json!({"orderId": id}),
                        Duration::from_secs(5),
                    )
                    .await;
                let err = match ack {
                    Ok(v) if v["success"] == json!(true) => continue,
                    Ok(v) => format!("accept ack {}", v["error"]["code"]),
                    Err(e) => format!("accept: {e}"),
                };
                errors.fetch_add(1, Ordering::Relaxed);
                first(&fe, err);
            }
            c.close();
        }));
    }
    for mut c in customers.clients.into_iter().flatten() {
        let (accepted, stop) = (accepted.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let ev = match c.recv(Duration::from_millis(200)).await {
                    Ok(ev) => ev,
                    Err(qc_sioclient::Error::Timeout) => continue,
                    Err(_) => break,
                };
                if let (true, Some(id)) = (ev.name == "order:accepted", ev.data["orderId"].as_str())
                {
                    mark(&accepted, id, Instant::now());
                }
            }
            c.close();
        }));
    }

    // Open loop: one placement every 1/rate s for `secs` s, each in its own task.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m = b.meters(b.server_pid);
    let mut ticker = tokio::time::interval(Duration::from_micros((1_000_000 / rate).max(1)));
    let place_times: Arc<Mutex<Vec<u32>>> = Arc::new(Mutex::new(Vec::new()));
    let mut placers: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    let started = Instant::now();
    for i in 0..(rate * secs) as usize {
        ticker.tick().await;
        let (http, base, placed, times) = (
            b.http.clone(),
            b.base.clone(),
            placed.clone(),
            place_times.clone(),
        );
        let token = b.customers[i % mc].token.clone();
        let product = b.stock_products[i % b.stock_products.len()].clone();
        let (errors, fe) = (errors.clone(), first_error.clone());
        placers.push(tokio::spawn(async move {
            let t = Instant::now();
            match setup::place_order(&http, &base, &token, &product).await {
                Ok(id) => {
                    mark(&placed, &id, t);
                    if let Ok(mut g) = times.lock() {
                        g.push(stats::micros(t.elapsed()));
                    }
                }
                Err(e) => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    first(&fe, format!("place: {e}"));
                }
            }
        }));
    }
    for h in placers {
        let _ = h.await;
    }
    let place_secs = started.elapsed().as_secs_f64();
    // Up to 5 s for the last acceptances to reach their customers.
    let grace = Instant::now() + Duration::from_secs(5);
    while Instant::now() < grace && snapshot(&accepted).len() < snapshot(&placed).len() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for h in tasks {
        let _ = h.await;
    }

    let mut row = Row::new(
        "6 dispatch e2e",
        "quickcommerce",
        "orders/s",
        "p99 <= 50 ms at 200 orders/s, none lost",
    );
    m.finish(&mut row);
    let (placed, offered, accepted) = (snapshot(&placed), snapshot(&offered), snapshot(&accepted));
    let (mut e2e, mut offer, mut lost) = (Vec::<u32>::new(), Vec::<u32>::new(), 0u64);
    for (id, t) in &placed {
        match accepted.get(id) {
            Some(a) => e2e.push(stats::micros(a.saturating_duration_since(*t))),
            None => lost += 1,
        }
        if let Some(o) = offered.get(id) {
            offer.push(stats::micros(o.saturating_duration_since(*t)));
        }
    }
    let places: Vec<u32> = place_times.lock().map(|g| g.clone()).unwrap_or_default();
    row.ops = e2e.len() as u64;
    row.errors = lost + errors.load(Ordering::Relaxed);
    row.secs = place_secs;
    row.throughput = Some(placed.len() as f64 / place_secs.max(1e-3));
    row.latency = stats::summarize(e2e);
    row.set("targetRate", json!(rate));
    row.set("placed", json!(placed.len()));
    row.set("lost", json!(lost));
    row.set("partners", json!(k));
    row.set("customers", json!(mc));
    row.set(
        "placeP99Ms",
        json!(stats::summarize(places).map(|s| s.p99_ms)),
    );
    row.set(
        "offerP99Ms",
        json!(stats::summarize(offer).map(|s| s.p99_ms)),
    );
    if let Some(e) = first_error.lock().ok().and_then(|g| g.clone()) {
        row.notes.push(format!("first error: {e}"));
    }
    row.notes
        .push("throughput: orders placed per second (open loop at the target rate)".to_owned());
    row.goal_met = Some(row.errors == 0 && row.p99().is_some_and(|v| v <= 50.0));
    Ok(vec![row])
}
