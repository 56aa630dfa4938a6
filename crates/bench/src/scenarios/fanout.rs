//! Scenario 5, Location fan-out: P partners, each with an accepted order, send
//! `delivery:location-update` at 1 Hz; their customers are connected. Relay latency is
//! from the partner's send to the customer receiving `delivery:location` for that
//! order, matched by orderId against the partner-side send instant.

use crate::ctx::Bench;
use crate::report::Row;
use crate::{setup, stats};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const NAME: &str = "5 location fan-out";

/// Partner j sends locations for `orders[j]`.
struct Fleet {
    partners: Vec<Value>,
    orders: Vec<String>,
    customers: Vec<Value>,
}

#[derive(Default)]
struct Sender {
    sent: u64,
    errors: u64,
    acks: Vec<u32>,
    first_error: Option<String>,
}

async fn drive(b: &Bench, base: &str, pid: Option<u32>, target: &str, fleet: Fleet) -> Row {
    let mut row = Row::new(NAME, target, "msgs/s", "relay p99 <= 25 ms, none lost");
    let customers = setup::connect_many(base, fleet.customers, &b.addrs, 32).await;
    let partners = setup::connect_many(base, fleet.partners, &b.addrs, 64).await;
    let failed = customers.failed + partners.failed;
    if let Some(e) = customers.first_error.or(partners.first_error) {
        row.notes
            .push(format!("{failed} sockets failed to connect: {e}"));
    }
    let p = partners.clients.len().max(1) as u64;
    let secs = b.args.duration_secs.unwrap_or(b.pick(15, 3)).max(1);
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::new(Mutex::new(HashMap::new()));
    let start = Instant::now() + Duration::from_millis(300);
    let deadline = start + Duration::from_secs(secs);
    let m = b.meters(pid);

    let mut listeners: Vec<tokio::task::JoinHandle<(Vec<u32>, u64)>> = Vec::new();
    for mut c in customers.clients.into_iter().flatten() {
        let sent = sent.clone();
        listeners.push(tokio::spawn(async move {
            let (mut samples, mut unmatched) = (Vec::<u32>::new(), 0u64);
            let end = deadline + Duration::from_secs(2);
            while let Ok(ev) = c.recv(end.saturating_duration_since(Instant::now())).await {
                if ev.name != "delivery:location" {
                    continue;
                }
                let now = Instant::now();
                let oid = ev.data["orderId"].as_str().unwrap_or("");
                let at: Option<Instant> = sent.lock().ok().and_then(|g| g.get(oid).copied());
                match at {
                    Some(t) => samples.push(stats::micros(now.saturating_duration_since(t))),
                    None => unmatched += 1,
                }
            }
            c.close();
            (samples, unmatched)
        }));
    }

    let mut senders: Vec<tokio::task::JoinHandle<Sender>> = Vec::new();
    for (j, c) in partners.clients.into_iter().enumerate() {
        let Some(c) = c else { continue };
        let (oid, sent) = (fleet.orders[j].clone(), sent.clone());
        senders.push(tokio::spawn(async move {
            let mut out = Sender::default();
            // Partners spread evenly over each second.
            let mut next = start + Duration::from_micros((j as u64 % p) * 1_000_000 / p);
            while next < deadline {
                tokio::time::sleep_until(next).await;
                // Back and forth, 11 m a second: a ride, not a jump the server refuses.
                let k = out.sent % 198;
                let lat: f64 = 19.05 + (if k < 99 { k } else { 198 - k }) as f64 * 0.0001;
                let lng: f64 = 72.83 + (j % 100) as f64 * 0.0001;
                let payload = json!({"lat": lat, "lng": lng, "orderId": oid});
                let t = Instant::now();
                if let Ok(mut g) = sent.lock() {
                    g.insert(oid.clone(), t);
                }
                out.sent += 1;
                let ack = c
                    .emit_with_ack("delivery:location-update", &payload, Duration::from_secs(2))
                    .await;
                let err = match ack {
                    Ok(v) if v["success"] == json!(true) => {
                        out.acks.push(stats::micros(t.elapsed()));
                        None
                    }
                    Ok(v) => Some(format!("ack {}", v["error"]["code"])),
                    Err(e) => Some(e.to_string()),
                };
                if let Some(e) = err {
                    out.errors += 1;
                    if out.first_error.is_none() {
                        out.first_error = Some(e);
                    }
                }
                next += Duration::from_secs(1);
            }
            c.close();
            out
        }));
    }

    let (mut total_sent, mut ack_errors, mut acks) = (0u64, 0u64, Vec::<Vec<u32>>::new());
    for h in senders {
        if let Ok(o) = h.await {
            total_sent += o.sent;
            ack_errors += o.errors;
            acks.push(o.acks);
            if let (Some(e), true) = (o.first_error, row.notes.len() < 3) {
                row.notes.push(format!("partner error: {e}"));
            }
        }
    }
    let (mut relay, mut unmatched) = (Vec::<Vec<u32>>::new(), 0u64);
    for h in listeners {
        if let Ok((s, u)) = h.await {
            relay.push(s);
            unmatched += u;
        }
    }
    m.finish(&mut row);
    let relay = relay.concat();
    let received = relay.len() as u64;
    let lost = total_sent.saturating_sub(received);
    row.ops = received;
    row.errors = ack_errors + lost + failed;
    row.secs = secs as f64;
    row.throughput = Some(received as f64 / secs as f64);
    row.latency = stats::summarize(relay);
    row.set("partners", json!(p));
    row.set("sent", json!(total_sent));
    row.set("lost", json!(lost));
    row.set("unmatched", json!(unmatched));
    row.set(
        "ackP99Ms",
        json!(stats::summarize(acks.concat()).map(|s| s.p99_ms)),
    );
    row.goal_met = Some(row.errors == 0 && row.p99().is_some_and(|v| v <= 25.0));
    tokio::time::sleep(Duration::from_secs(1)).await;
    row
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let wanted: usize = b.args.partners.unwrap_or(b.pick(2_000, 20));
    // P partner sockets and P/4 customer sockets must fit the open-files limit.
    let p = wanted.min(b.socket_budget() * 4 / 5).max(1);
    let c = (p / 4).max(1);
    b.ensure_catalog(false).await?;
    b.ensure_users("delivery", p).await?;
    b.ensure_users("customer", c).await?;

    // Orders placed and accepted before any socket connects: nothing is offered live.
    let t0 = std::time::Instant::now();
    let (http, base) = (b.http.clone(), b.base.clone());
    let ctok: Arc<Vec<String>> =
        Arc::new(b.customers[..c].iter().map(|u| u.token.clone()).collect());
    let ptok: Arc<Vec<String>> =
        Arc::new(b.partners[..p].iter().map(|u| u.token.clone()).collect());
    let products: Arc<Vec<String>> = Arc::new(b.stock_products.clone());
    let ready: Vec<Option<String>> = setup::par_map(p, 16, move |j| {
        let (http, base, ctok, ptok, products) = (
            http.clone(),
            base.clone(),
            ctok.clone(),
            ptok.clone(),
            products.clone(),
        );
        async move {
            let product = &products[j % products.len()];
            let id = setup::place_order(&http, &base, &ctok[j % ctok.len()], product)
                .await
                .ok()?;
            let url = format!("{base}/api/delivery/orders/{id}/accept");
            let body = json!({});
            setup::call(
                &http,
                reqwest::Method::POST,
                &url,
                Some(ptok[j].as_str()),
                Some(&body),
                200,
            )
            .await
            .ok()?;
            Some(id)
        }
    })
    .await;
    let mut fleet = Fleet {
        partners: Vec::new(),
        orders: Vec::new(),
        customers: Vec::new(),
    };
    let mut reference = Fleet {
        partners: Vec::new(),
        orders: Vec::new(),
        customers: Vec::new(),
    };
    for u in &b.customers[..c] {
        fleet.customers.push(json!({"token": u.token}));
        reference.customers.push(json!({"token": u.token}));
    }
    for (j, id) in ready.into_iter().enumerate() {
        let Some(id) = id else { continue };
        let token = &b.partners[j].token;
        fleet.partners.push(json!({"token": token}));
        fleet.orders.push(id);
        // The relay has no database: the handshake names the order and its customer.
        let rid = format!("ref-{j}");
        let customer = &b.customers[j % c].id;
        reference
            .partners
            .push(json!({"token": token, "orderId": rid, "customerId": customer}));
        reference.orders.push(rid);
    }
    let n = fleet.orders.len();
    b.note_setup(
        format!("fan-out: {n} of {p} orders placed and accepted"),
        t0,
    );
    if n == 0 {
        anyhow::bail!("no order could be placed and accepted");
    }

    let base = b.base.clone();
    let mut ours = drive(b, &base, b.server_pid, "quickcommerce", fleet).await;
    ours.set("customers", json!(c));
    if p < wanted {
        ours.notes.push(format!(
            "capped at {p} of {wanted} partners by the open-files limit {}",
            b.nofile
        ));
    }
    let mut rows = vec![ours];
    if b.args.no_reference {
        return Ok(rows);
    }
    match b.relay().await {
        Ok((relay_base, relay_pid)) => {
            let mut r = drive(
                b,
                &relay_base,
                Some(relay_pid),
                "node socket.io relay",
                reference,
            )
            .await;
            r.goal = "-".to_owned();
            r.goal_met = None;
            if let (Some(o), Some(x)) = (rows[0].p99(), r.p99()) {
                rows[0]
                    .notes
                    .push(format!("relay p99 vs the Node.js relay: {:.2}x", o / x));
            }
            rows.push(r);
        }
        Err(e) => rows[0]
            .notes
            .push(format!("reference relay unavailable: {e}")),
    }
    Ok(rows)
}
