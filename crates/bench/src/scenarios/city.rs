//! Scenario 9, `city`: a whole city day at once, for ten minutes. 20 stores that pick and
//! pack and dispatch automatically; 2,000 partners streaming positions at 1 Hz and
//! working every order they are offered (accept, wait for the bag, picked up, on the way,
//! a few fixes, delivered with the customer's code); pickers at every store (claim, pick,
//! pack); 100 orders/s placed by customers who keep 20,000 sockets open between them;
//! 2,000 uncached catalog searches/s; admins with their dashboards open.
//!
//! Reported: per-operation p50/p99, delivered orders/s, server RSS every 30 s (flat: the
//! last reading within 10 % of the one at minute 2), CPU, orders lost (placed, never
//! delivered), events lost (an `order:completed` a customer's socket never received),
//! double winners (two successful accepts of one order).

use super::search::{self, Rng};
use crate::ctx::Bench;
use crate::report::Row;
use crate::{server, setup, stats};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const NAME: &str = "9 city day";
/// Stores far from every other scenario's points, 0.08° (about 9 km) apart.
const ORIGIN: (f64, f64) = (25.0, 81.0);
const SPACING: f64 = 0.08;
const HALF: f64 = 0.03;
const PICKERS_PER_STORE: usize = 3;
const SOCKETS_PER_CUSTOMER: usize = 10;
/// Received events a customer's socket keeps waiting for its reader; past that the
/// generator drops them and counts them, apart from what the server lost.
const CUSTOMER_QUEUE: usize = 256;
/// Placements in flight at once; a tick beyond it is counted as shed, not queued.
const PLACING_IN_FLIGHT: usize = 1_024;

fn centre(i: usize) -> (f64, f64) {
    setup::grid_point(ORIGIN, SPACING, 5, i)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Latency samples and failures per operation.
#[derive(Default)]
struct Ops {
    samples: Mutex<HashMap<&'static str, Vec<u32>>>,
    failures: Mutex<HashMap<&'static str, (u64, Option<String>)>>,
    /// Answered `overloaded` (503, or the ack's code): the server shed it at once.
    refused: Mutex<HashMap<&'static str, u64>>,
}

impl Ops {
    fn ok(&self, op: &'static str, since: Instant) {
        lock(&self.samples)
            .entry(op)
            .or_default()
            .push(stats::micros(since.elapsed()));
    }
    fn refuse(&self, op: &'static str) {
        *lock(&self.refused).entry(op).or_default() += 1;
    }
    fn fail(&self, op: &'static str, why: String) {
        let mut f = lock(&self.failures);
        let e = f.entry(op).or_default();
        e.0 += 1;
        if e.1.is_none() {
            e.1 = Some(why);
        }
    }
}

/// The life of every order, as the actors saw it.
#[derive(Default)]
struct Life {
    /// Order → (customer account index, confirmation code).
    placed: HashMap<String, (usize, String)>,
    /// Successful accepts per order.
    accepts: HashMap<String, u32>,
    delivered: HashSet<String>,
    not_packed_retries: u64,
    /// Claims a picker lost to another: already claimed, or already packed by the time
    /// a list of a moment ago was acted on.
    claims_lost: (u64, u64),
}

struct World {
    base: String,
    http: reqwest::Client,
    ops: Ops,
    life: Mutex<Life>,
    stop: AtomicBool,
    /// Stop taking new offers (the run is winding down).
    placing_done: AtomicBool,
}

impl World {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// An HTTP call timed as `op`; the parsed body when the status is `want`.
async fn timed(
    w: &World,
    op: &'static str,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
    want: u16,
) -> Option<Value> {
    let t = Instant::now();
    match setup::call_once(
        &w.http,
        method,
        &format!("{}{path}", w.base),
        Some(token),
        body,
        want,
    )
    .await
    {
        Ok(v) => {
            w.ops.ok(op, t);
            Some(v)
        }
        Err(e) => {
            let e = e.to_string();
            if e.contains("HTTP 503") && e.contains("\"overloaded\"") {
                w.ops.refuse(op);
            } else {
                w.ops.fail(op, e.chars().take(300).collect());
            }
            None
        }
    }
}

/// A socket event with an ack, timed as `op`: the ack when it says success, else the
/// error code.
async fn ack(
    w: &World,
    c: &qc_sioclient::Client,
    op: &'static str,
    event: &str,
    body: Value,
) -> Result<Value, String> {
    let t = Instant::now();
    match c.emit_with_ack(event, &body, Duration::from_secs(10)).await {
        Ok(v) if v["success"] == json!(true) => {
            w.ops.ok(op, t);
            Ok(v)
        }
        Ok(v) => {
            let code = v["error"]["code"].as_str().unwrap_or("no_code").to_owned();
            if code == "overloaded" {
                w.ops.refuse(op);
            }
            Err(code)
        }
        Err(e) => {
            w.ops.fail(op, e.to_string());
            Err("socket".to_owned())
        }
    }
}

enum Phase {
    /// Accepted; picked up once the bag is ready.
    Pickup,
    OnTheWay,
    /// Riding: fixes with the order until the due instant, then delivery.
    Riding,
}

struct Job {
    order: String,
    phase: Phase,
    due: Instant,
}

/// One partner: a fix every second; offers accepted after 0.3–1.5 s when free (declined
/// when busy); then the delivery, step by step.
async fn partner(w: Arc<World>, mut c: qc_sioclient::Client, home: (f64, f64), salt: u64) {
    let mut job: Option<Job> = None;
    let mut accept_at: Option<(Instant, String)> = None;
    // Orders broadcast to the store's riders (an escalated order: nobody took its
    // offers) while this one was busy, oldest first: the rider app lists them, and a
    // rider back from a delivery takes one.
    let mut listed: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    // Whether the accept due is for a listed order (an offer made to this rider comes
    // first: the listed one goes back to the head of the list).
    let mut from_list = false;
    // An accept after the rider's 0.3–1.5 s to answer.
    let think = |order: String| {
        let after = Duration::from_millis(300 + setup::hash(&order, salt) % 1_200);
        (Instant::now() + after, order)
    };
    let mut next_fix = Instant::now() + Duration::from_millis(salt % 1_000);
    let mut k: u64 = 0;
    while !w.stopped() {
        let now = Instant::now();
        let mut wake = next_fix;
        if let Some((t, _)) = &accept_at {
            wake = wake.min(*t);
        }
        if let Some(j) = &job {
            wake = wake.min(j.due);
        }
        match c.recv(wake.saturating_duration_since(now)).await {
            Ok(ev) if ev.name == "partner:auto-paused" => {
                // Paused for offers missed while busy: back on duty, as a rider would.
                let body = json!({"available": true});
                let _ = ack(
                    &w,
                    &c,
                    "availability (socket)",
                    "delivery:availability",
                    body,
                )
                .await;
            }
            Ok(ev) if matches!(ev.name.as_str(), "order:taken" | "order:cancelled") => {
                let gone = ev.data["orderId"].as_str().unwrap_or("");
                listed.retain(|o| o != gone);
            }
            Ok(ev) => {
                let order = ev.data["order"]["id"].as_str().unwrap_or("").to_owned();
                let offered = matches!(ev.name.as_str(), "order:offer" | "order:created");
                let offer = ev.name == "order:offer";
                if offered && !order.is_empty() {
                    if job.is_none() && (accept_at.is_none() || (from_list && offer)) {
                        if let Some((_, was)) = accept_at.take() {
                            listed.push_front(was);
                        }
                        from_list = false;
                        accept_at = Some(think(order));
                    } else if offer {
                        let body = json!({"orderId": order, "reason": "busy"});
                        let _ = ack(&w, &c, "decline (socket)", "order:decline", body).await;
                    } else if listed.len() < 20 && !listed.contains(&order) {
                        listed.push_back(order);
                    }
                }
            }
            Err(qc_sioclient::Error::Timeout) => {}
            Err(_) => break,
        }
        let now = Instant::now();
        if job.is_none()
            && accept_at.is_none()
            && let Some(order) = listed.pop_front()
        {
            // Taken meanwhile by another rider: the accept says so, and the next is tried.
            accept_at = Some(think(order));
            from_list = true;
        }
        if accept_at.as_ref().is_some_and(|(t, _)| *t <= now)
            && let Some((_, order)) = accept_at.take()
        {
            let body = json!({"orderId": order});
            if ack(&w, &c, "accept (socket)", "order:accept", body)
                .await
                .is_ok()
            {
                *lock(&w.life).accepts.entry(order.clone()).or_default() += 1;
                job = Some(Job {
                    order,
                    phase: Phase::Pickup,
                    due: Instant::now() + Duration::from_millis(500),
                });
            }
        }
        if let Some(j) = job.as_mut().filter(|j| j.due <= now) {
            let order = j.order.clone();
            match j.phase {
                Phase::Pickup => {
                    let body = json!({"orderId": order, "status": "picked_up"});
                    match ack(&w, &c, "status (socket)", "order:status-update", body).await {
                        Ok(_) => {
                            j.phase = Phase::OnTheWay;
                            j.due = now + Duration::from_millis(500);
                        }
                        Err(code) if code == "order_not_packed" => {
                            lock(&w.life).not_packed_retries += 1;
                            j.due = now + Duration::from_secs(1);
                        }
                        Err(code) => {
                            w.ops.fail("status (socket)", format!("picked_up: {code}"));
                            job = None;
                        }
                    }
                }
                Phase::OnTheWay => {
                    let body = json!({"orderId": order, "status": "on_the_way"});
                    match ack(&w, &c, "status (socket)", "order:status-update", body).await {
                        Ok(_) => {
                            j.phase = Phase::Riding;
                            j.due = now + Duration::from_millis(4_000 + salt % 4_000);
                        }
                        Err(code) => {
                            w.ops.fail("status (socket)", format!("on_the_way: {code}"));
                            job = None;
                        }
                    }
                }
                Phase::Riding => {
                    let code = lock(&w.life).placed.get(&order).map(|p| p.1.clone());
                    let body = json!({"orderId": order, "confirmationCode": code});
                    match ack(&w, &c, "deliver (socket)", "order:confirm-delivery", body).await {
                        Ok(_) => {
                            lock(&w.life).delivered.insert(order);
                        }
                        Err(code) => w.ops.fail("deliver (socket)", code),
                    }
                    job = None;
                }
            }
        }
        if next_fix <= Instant::now() {
            k += 1;
            // A few metres at a time around the store.
            let d = ((k % 20) as f64 - 10.0) / 20_000.0;
            let mut body = json!({"lat": home.0 + d, "lng": home.1 - d});
            if let Some(j) = job.as_ref().filter(|j| matches!(j.phase, Phase::Riding)) {
                body["orderId"] = json!(j.order);
            }
            let _ = ack(
                &w,
                &c,
                "position (socket)",
                "delivery:location-update",
                body,
            )
            .await;
            next_fix += Duration::from_secs(1);
        }
    }
    c.close();
}

/// One picker: the head of the store's queue (10 orders), again at once after work, else
/// after a second; a queued order is claimed, every line picked whole, and packed in one
/// bag.
async fn picker(w: Arc<World>, token: String, salt: u64) {
    tokio::time::sleep(Duration::from_millis(salt % 1_000)).await;
    while !w.stopped() {
        let queue = timed(
            &w,
            "picker queue",
            Method::GET,
            "/api/picker/orders?limit=10",
            &token,
            None,
            200,
        )
        .await;
        let orders = queue
            .and_then(|v| v["orders"].as_array().cloned())
            .unwrap_or_default();
        let mut worked = false;
        for o in orders.iter().filter(|o| o["fulfilment"] == "queued") {
            let Some(id) = o["id"].as_str() else { continue };
            let path = format!("/api/picker/orders/{id}/claim");
            let t = Instant::now();
            let r = setup::call(
                &w.http,
                Method::POST,
                &format!("{}{path}", w.base),
                Some(&token),
                Some(&json!({})),
                200,
            )
            .await;
            match r {
                Ok(_) => w.ops.ok("picker claim", t),
                // Another picker of the store was first: the race is part of the day.
                Err(e) if e.to_string().contains("already_claimed") => {
                    lock(&w.life).claims_lost.0 += 1;
                    continue;
                }
                // ... and packed it by the time this picker's list of a moment ago is
                // acted on (counted apart: a wrong state for any other reason shows here).
                Err(e) if e.to_string().contains("while the order is packed") => {
                    lock(&w.life).claims_lost.1 += 1;
                    continue;
                }
                Err(e) => {
                    w.ops.fail("picker claim", e.to_string());
                    continue;
                }
            }
            for line in o["lines"].as_array().into_iter().flatten() {
                let (Some(n), Some(q)) = (line["lineId"].as_i64(), line["quantity"].as_i64())
                else {
                    continue;
                };
                let body = json!({"picked": {"quantity": q}});
                let path = format!("/api/picker/orders/{id}/lines/{n}");
                timed(
                    &w,
                    "picker line",
                    Method::POST,
                    &path,
                    &token,
                    Some(&body),
                    200,
                )
                .await;
            }
            let path = format!("/api/picker/orders/{id}/packed");
            let body = json!({"bags": 1});
            timed(
                &w,
                "picker packed",
                Method::POST,
                &path,
                &token,
                Some(&body),
                200,
            )
            .await;
            worked = true;
        }
        if !worked {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// A customer's or admin's socket: the orders it heard completed, the events its bounded
/// queue dropped (the generator fell behind, not the server), and whether it was closed
/// (by the server) before the day ended.
async fn listener(w: Arc<World>, mut c: qc_sioclient::Client) -> (Vec<String>, u64, bool) {
    let mut heard = Vec::new();
    let mut closed = false;
    loop {
        match c.recv(Duration::from_millis(500)).await {
            Ok(ev) if ev.name == "order:completed" => {
                if let Some(id) = ev.data["orderId"]
                    .as_str()
                    .or(ev.data["order"]["id"].as_str())
                {
                    heard.push(id.to_owned());
                }
            }
            Ok(_) => {}
            Err(qc_sioclient::Error::Timeout) => {
                if w.stopped() {
                    break;
                }
            }
            Err(_) => {
                closed = !w.stopped();
                break;
            }
        }
    }
    c.close();
    (heard, c.dropped(), closed)
}

/// A picker account for `store`, made by the admin and set up with its one-time link.
async fn make_picker(b: &Bench, admin: &str, store: &str, email: &str) -> anyhow::Result<String> {
    let body = json!({"email": email, "name": "Bench Picker", "role": "picker", "storeId": store});
    let url = format!("{}/api/admin/staff", b.base);
    let v = setup::call(&b.http, Method::POST, &url, Some(admin), Some(&body), 201).await?;
    let link = v["setupLink"].as_str().unwrap_or_default();
    let token = link.split("token=").nth(1).unwrap_or_default();
    let body = json!({"token": token, "password": setup::PASSWORD});
    let url = format!("{}/api/auth/set-password", b.base);
    setup::call(&b.http, Method::POST, &url, None, Some(&body), 200).await?;
    Ok(setup::login(&b.http, &b.base, email, setup::PASSWORD)
        .await?
        .token)
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let n_stores: usize = b.pick(20, 2);
    let n_partners: usize = b.args.partners.unwrap_or(b.pick(2_000, 20)).max(n_stores);
    let rate: u64 = b.args.city_rate.unwrap_or(b.pick(100, 5)).max(1);
    let search_rate: u64 = b.pick(2_000, 20);
    let secs: u64 = b.args.city_secs.unwrap_or(b.pick(600, 5)).max(1);
    let accounts: usize = b.pick(2_000, 10);
    b.ensure_catalog(false).await?;
    b.ensure_main_store().await?;
    // Partners and customers of their own (earlier partners were last seen elsewhere).
    let first_partner = b.partners.len();
    let first_customer = b.customers.len();
    b.ensure_users("delivery", first_partner + n_partners)
        .await?;
    b.ensure_users("customer", first_customer + accounts)
        .await?;
    let admin = b.admin_token().await?;

    let t0 = std::time::Instant::now();
    b.setup_mode();
    let mut stores = Vec::new();
    for i in 0..n_stores {
        let settings = json!({"maxPromiseMinutes": 0, "dispatchMode": "auto",
            "offerTimeoutSecs": 5, "maxOfferRounds": 5, "fulfilment": "on",
            "pickBaseMinutes": 1});
        let body = setup::square_store(&b.run_id, "C", i, centre(i), HALF, settings);
        stores.push(b.stocked_store(&admin, &body).await?);
    }
    let mut pickers = Vec::new();
    for (i, s) in stores.iter().enumerate() {
        for k in 0..PICKERS_PER_STORE {
            let email = format!("picker-{}-{i}-{k}@bench.test", b.run_id);
            pickers.push(make_picker(b, &admin, s, &email).await?);
        }
    }
    let partners: Vec<setup::User> = b.partners[first_partner..].to_vec();
    setup::move_partners(&b.http, &b.base, &admin, &partners, &stores).await?;
    // The searches: the demo catalog's words, at the city's stores.
    let bases = search::demo_products(b, &admin).await?;
    let words = search::vocabulary(&bases);
    b.ensure_categories(&admin).await?;
    let categories = b.categories.clone();

    // Sockets: partners (each near its store, available, with a fresh position), the
    // customers' (several per account, as tabs and devices), and admins'.
    let budget = b.socket_budget().saturating_sub(n_partners + 16);
    let customer_sockets = (accounts * SOCKETS_PER_CUSTOMER)
        .min(budget)
        .min(b.args.city_sockets.unwrap_or(usize::MAX));
    let customers: Vec<setup::User> =
        b.customers[first_customer..first_customer + accounts].to_vec();
    let partner_clients =
        setup::partners_on_duty(&b.base, &b.addrs, &partners, |i| centre(i % n_stores), 200)
            .await?;
    let auth = |u: &setup::User| json!({"token": u.token});
    let conn = setup::connect_many_queued(
        &b.base,
        (0..customer_sockets)
            .map(|i| auth(&customers[i % accounts]))
            .collect(),
        &b.addrs,
        64,
        Some(CUSTOMER_QUEUE),
    )
    .await;
    let customer_failed = conn.failed;
    // Sockets per account that are really connected (for the events they must hear).
    let mut per_account = vec![0_u64; accounts];
    let mut customer_clients = Vec::new();
    for (i, c) in conn.clients.into_iter().enumerate() {
        if let Some(c) = c {
            per_account[i % accounts] += 1;
            customer_clients.push((i % accounts, c));
        }
    }
    // Each socket shows its account's store (where its orders go): that store's stock
    // changes only, as the web app asks.
    let mut watch_failed = 0_u64;
    let mut watching = Vec::new();
    let mut rest = customer_clients.into_iter();
    loop {
        let mut set = tokio::task::JoinSet::new();
        for (who, c) in rest.by_ref().take(256) {
            let body = json!({"storeId": stores[who % n_stores]});
            set.spawn(async move {
                let ack = c
                    .emit_with_ack("catalog:watch", &body, Duration::from_secs(10))
                    .await;
                (matches!(ack, Ok(v) if v["success"] == json!(true)), c)
            });
        }
        if set.is_empty() {
            break;
        }
        while let Some(Ok((ok, c))) = set.join_next().await {
            watch_failed += u64::from(!ok);
            watching.push(c);
        }
    }
    let customer_clients = watching;
    let conn = setup::connect_many(
        &b.base,
        (0..3).map(|_| json!({"token": admin})).collect(),
        &b.addrs,
        3,
    )
    .await;
    let admin_clients: Vec<qc_sioclient::Client> = conn.clients.into_iter().flatten().collect();
    b.measure_mode();
    b.note_setup(
        format!(
            "city: {n_stores} stores, {} pickers, {} partners and {} customer sockets connected",
            pickers.len(),
            partner_clients.len(),
            customer_clients.len()
        ),
        t0,
    );

    let world = Arc::new(World {
        base: b.base.clone(),
        http: b.http.clone(),
        ops: Ops::default(),
        life: Mutex::new(Life::default()),
        stop: AtomicBool::new(false),
        placing_done: AtomicBool::new(false),
    });
    let mut actors = Vec::new();
    for p in partner_clients {
        actors.push(tokio::spawn(partner(world.clone(), p.client, p.at, p.hash)));
    }
    for (i, t) in pickers.into_iter().enumerate() {
        actors.push(tokio::spawn(picker(world.clone(), t, i as u64 * 97)));
    }
    let watching_n = customer_clients.len();
    let listeners: Vec<_> = customer_clients
        .into_iter()
        .chain(admin_clients)
        .map(|c| tokio::spawn(listener(world.clone(), c)))
        .collect();
    let listeners_n = listeners.len();
    let admins_n = listeners_n - watching_n;
    // Admin dashboards: the overview and the dispatch board every 5 s.
    {
        let (w, admin) = (world.clone(), admin.clone());
        actors.push(tokio::spawn(async move {
            while !w.stopped() {
                for path in ["/api/admin/stats", "/api/admin/dispatch"] {
                    timed(&w, "admin dashboard", Method::GET, path, &admin, None, 200).await;
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }));
    }
    // Searches, open loop, at most 512 in flight (more are counted as shed).
    let shed = Arc::new(AtomicU64::new(0));
    {
        let (w, shed) = (world.clone(), shed.clone());
        let tokens: Vec<String> = customers.iter().take(64).map(|u| u.token.clone()).collect();
        let (stores, base) = (stores.clone(), b.base.clone());
        actors.push(tokio::spawn(async move {
            let gate = Arc::new(tokio::sync::Semaphore::new(512));
            let mut rng = Rng(0xC17F);
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / search_rate));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut n = 0_usize;
            while !w.placing_done.load(Ordering::Relaxed) {
                tick.tick().await;
                let u = search::url(&mut rng, &base, &stores, &categories, &words);
                let Ok(permit) = gate.clone().try_acquire_owned() else {
                    shed.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let (w, token) = (w.clone(), tokens[n % tokens.len()].clone());
                n += 1;
                tokio::spawn(async move {
                    let t = Instant::now();
                    let r = w.http.get(&u).bearer_auth(token).send().await;
                    match r {
                        Ok(r) if r.status().is_success() => match r.bytes().await {
                            Ok(_) => w.ops.ok("catalog search (uncached)", t),
                            Err(e) => w.ops.fail("catalog search (uncached)", e.to_string()),
                        },
                        Ok(r) => {
                            let status = r.status().to_string();
                            let body = r.bytes().await.unwrap_or_default();
                            if status.starts_with("503")
                                && body.windows(12).any(|w| w == b"\"overloaded\"")
                            {
                                w.ops.refuse("catalog search (uncached)");
                            } else {
                                w.ops.fail("catalog search (uncached)", status);
                            }
                        }
                        Err(e) => w.ops.fail("catalog search (uncached)", e.to_string()),
                    }
                    drop(permit);
                });
            }
        }));
    }
    // RSS, and the server's scheduling delay (its admission signal), every 30 s.
    // (seconds, RSS, its file-mapped part), KiB.
    let rss: Arc<Mutex<Vec<(u64, u64, u64)>>> = Arc::default();
    let lags: Arc<Mutex<Vec<(u64, f64)>>> = Arc::default();
    let pid = b.server_pid;
    {
        let (w, rss, lags, admin) = (world.clone(), rss.clone(), lags.clone(), admin.clone());
        actors.push(tokio::spawn(async move {
            let start = Instant::now();
            while !w.stopped() {
                if let Some((all, file)) = pid.and_then(server::rss_and_file_kb) {
                    lock(&rss).push((start.elapsed().as_secs(), all, file));
                }
                let url = format!("{}/metrics", w.base);
                let scraped = w.http.get(url).bearer_auth(&admin).send().await;
                if let Ok(r) = scraped
                    && let Ok(text) = r.text().await
                    && let Some(lag) = metric(&text, "qc_scheduling_lag_seconds")
                {
                    lock(&lags).push((start.elapsed().as_secs(), lag * 1_000.0));
                }
                let until = Instant::now() + Duration::from_secs(30);
                while !w.stopped() && Instant::now() < until {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }));
    }

    // Orders, open loop, spread over the stores; each customer's own address there.
    let m = b.meters(b.server_pid);
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut placers = Vec::new();
    let placing = Arc::new(tokio::sync::Semaphore::new(PLACING_IN_FLIGHT));
    let mut placing_shed = 0_u64;
    let mut i = 0_usize;
    while started.elapsed() < Duration::from_secs(secs) {
        tick.tick().await;
        let Ok(permit) = placing.clone().try_acquire_owned() else {
            placing_shed += 1;
            continue;
        };
        let who = i % accounts;
        let token = customers[who].token.clone();
        let mut body = setup::order_body(&b.stock_products[i % b.stock_products.len()]);
        // The store the account's sockets watch.
        let (lat, lng) = centre(who % n_stores);
        let h = setup::hash(&format!("{i}"), 11);
        body["deliveryAddress"]["lat"] = json!(lat + ((h % 300) as f64 - 150.0) / 10_000.0);
        body["deliveryAddress"]["lng"] = json!(lng + (((h >> 20) % 300) as f64 - 150.0) / 10_000.0);
        let w = world.clone();
        placers.push(tokio::spawn(async move {
            let v = timed(
                &w,
                "place order",
                Method::POST,
                "/api/customer/orders",
                &token,
                Some(&body),
                201,
            )
            .await;
            if let Some(v) = v {
                let id = v["order"]["id"].as_str().unwrap_or_default().to_owned();
                let code = v["order"]["confirmationCode"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                lock(&w.life).placed.insert(id, (who, code));
            }
            drop(permit);
        }));
        i += 1;
        if placers.len() >= 4_096 {
            placers.retain(|h| !h.is_finished());
        }
    }
    for h in placers {
        let _ = h.await;
    }
    let place_secs = started.elapsed().as_secs_f64();
    world.placing_done.store(true, Ordering::Relaxed);
    // Every placed order delivered, or the grace is over.
    let grace = Instant::now() + Duration::from_secs(b.pick(90, 30));
    while Instant::now() < grace && {
        let life = lock(&world.life);
        life.placed.keys().any(|k| !life.delivered.contains(k))
    } {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The last `order:completed` events are on their way.
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Deliveries the server could not queue on a socket (its outgoing queue was full),
    // in all and by event.
    let metrics = b.metrics_text().await.unwrap_or_default();
    let refused_browse = metric(&metrics, "qc_overload_refused_browse_total");
    let refused_start = metric(&metrics, "qc_overload_refused_start_total");
    let server_dropped = metric(&metrics, "qc_socket_events_dropped_total").map(|n| n as u64);
    let dropped_by_event: serde_json::Map<String, Value> = metrics
        .lines()
        .filter_map(|l| l.strip_prefix("qc_socket_events_dropped_by_event_total{event=\""))
        .filter_map(|l| l.split_once("\"} "))
        .filter_map(|(e, n)| Some((e.to_owned(), json!(n.trim().parse::<u64>().ok()?))))
        .collect();
    let mut row = Row::new(
        NAME,
        "quickcommerce",
        "orders/s",
        "0 orders and events lost, 0 double winners, RSS flat (last within 10% of minute 2)",
    );
    m.finish(&mut row);
    let total_secs = started.elapsed().as_secs_f64();
    world.stop.store(true, Ordering::Relaxed);
    for a in actors {
        let _ = a.await;
    }
    // What the customers' sockets heard, and what the admins' (the last listeners).
    let mut heard: HashMap<String, u64> = HashMap::new();
    let mut admins_heard: HashMap<String, u64> = HashMap::new();
    let (mut generator_dropped, mut sockets_closed) = (0_u64, 0_u64);
    for (i, l) in listeners.into_iter().enumerate() {
        if let Ok((ids, dropped, closed)) = l.await {
            generator_dropped += dropped;
            sockets_closed += u64::from(closed);
            let tally = if i >= watching_n {
                &mut admins_heard
            } else {
                &mut heard
            };
            for id in ids {
                *tally.entry(id).or_default() += 1;
            }
        }
    }

    // The orders not delivered (lost), and where the first 200 stand, as an admin sees them.
    let unfinished: Vec<String> = {
        let life = lock(&world.life);
        life.placed
            .keys()
            .filter(|k| !life.delivered.contains(*k))
            .cloned()
            .collect()
    };
    let lost = unfinished.len() as u64;
    let asked = &unfinished[..unfinished.len().min(200)];
    let mut standing: std::collections::BTreeMap<String, u64> = Default::default();
    for id in asked {
        let url = format!("{}/api/admin/orders/{id}", b.base);
        let at = match setup::call_once(&b.http, Method::GET, &url, Some(&admin), None, 200).await {
            Ok(v) => format!(
                "{}/{}/{} offers",
                v["order"]["status"].as_str().unwrap_or("?"),
                v["order"]["fulfilment"].as_str().unwrap_or("-"),
                v["offers"].as_array().map_or(0, Vec::len)
            ),
            Err(_) => "unreadable".to_owned(),
        };
        *standing.entry(at).or_default() += 1;
    }
    if !standing.is_empty() {
        row.notes.push(format!(
            "orders not delivered, by status/fulfilment/offers made (first {}): {standing:?}",
            asked.len()
        ));
    }
    let life = lock(&world.life);
    let placed = life.placed.len() as u64;
    let doubles = life.accepts.values().filter(|n| **n > 1).count() as u64;
    // Every socket of the customer, and every admin socket, hears each delivered order.
    let (mut customer_lost, mut admin_lost) = (0_u64, 0_u64);
    for id in &life.delivered {
        let Some((who, _)) = life.placed.get(id) else {
            continue;
        };
        let got = heard.get(id).copied().unwrap_or(0);
        customer_lost += per_account[*who].saturating_sub(got);
        let got = admins_heard.get(id).copied().unwrap_or(0);
        admin_lost += (admins_n as u64).saturating_sub(got);
    }
    let events_lost = customer_lost + admin_lost;
    let mut ops = serde_json::Map::new();
    let samples = std::mem::take(&mut *lock(&world.ops.samples));
    let failures = lock(&world.ops.failures);
    let mut names: Vec<&&str> = samples.keys().chain(failures.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let s = samples.get(*name).cloned().unwrap_or_default();
        let n = s.len() as u64;
        let summary = stats::summarize(s);
        let (failed, first) = failures.get(*name).cloned().unwrap_or_default();
        let refused = lock(&world.ops.refused).get(*name).copied().unwrap_or(0);
        ops.insert(
            (*name).to_owned(),
            json!({"ok": n, "perSec": n as f64 / total_secs, "failed": failed,
                   "p50Ms": summary.as_ref().map(|x| x.p50_ms),
                   "p99Ms": summary.as_ref().map(|x| x.p99_ms), "refusedOverloaded": refused,
                   "firstError": first}),
        );
        if let Some(sm) = &summary {
            row.notes.push(format!(
                "{name}: {n} ok ({:.0}/s), p50 {:.2} / p99 {:.2} ms, {failed} failed, {refused} \
                 refused (overloaded)",
                n as f64 / total_secs,
                sm.p50_ms,
                sm.p99_ms
            ));
        } else if failed > 0 || refused > 0 {
            row.notes.push(format!(
                "{name}: {failed} failed, {refused} refused (overloaded)"
            ));
        }
        if let Some(e) = first {
            row.notes.push(format!("  first {name} failure: {e}"));
        }
    }
    let (rss, rss_file): (Vec<_>, Vec<_>) = lock(&rss)
        .iter()
        .map(|&(secs, all, file)| ((secs, all), (secs, file)))
        .unzip();
    let at_2min = rss
        .iter()
        .find(|(t, _)| *t >= 120)
        .or(rss.first())
        .map(|r| r.1);
    let last = rss.last().map(|r| r.1);
    let flat = match (at_2min, last) {
        (Some(a), Some(l)) => (l as f64) <= a as f64 * 1.10,
        _ => false,
    };
    row.ops = life.delivered.len() as u64;
    row.secs = place_secs;
    row.throughput = Some(life.delivered.len() as f64 / place_secs.max(1e-3));
    row.latency = samples_of(&samples, "place order");
    let placement_failed = failures.get("place order").map_or(0, |f| f.0);
    row.errors = lost + doubles + events_lost + placement_failed;
    row.set("stores", json!(n_stores));
    row.set("partners", json!(partners.len()));
    row.set("customerAccounts", json!(accounts));
    row.set("customerSockets", json!(per_account.iter().sum::<u64>()));
    row.set("customerSocketsFailed", json!(customer_failed));
    row.set("targetOrderRate", json!(rate));
    row.set("targetSearchRate", json!(search_rate));
    row.set("searchesShed", json!(shed.load(Ordering::Relaxed)));
    row.set("placementsShed", json!(placing_shed));
    row.set("catalogWatchFailed", json!(watch_failed));
    row.set("eventsDroppedByGenerator", json!(generator_dropped));
    row.set("placed", json!(placed));
    row.set("delivered", json!(life.delivered.len()));
    row.set("ordersLost", json!(lost));
    row.set("eventsLost", json!(events_lost));
    row.set("eventsLostByCustomers", json!(customer_lost));
    row.set("eventsLostByAdmins", json!(admin_lost));
    row.set("serverEventsDropped", json!(server_dropped));
    row.set("listeningSocketsClosedEarly", json!(sockets_closed));
    row.set(
        "serverEventsDroppedByEvent",
        Value::Object(dropped_by_event.clone()),
    );
    if !dropped_by_event.is_empty() {
        row.notes.push(format!(
            "server deliveries dropped by event: {}",
            Value::Object(dropped_by_event)
        ));
    }
    row.notes.push(format!(
        "listening sockets closed by the server before the end: {sockets_closed}"
    ));
    row.set("doubleWinners", json!(doubles));
    row.set("notPackedRetries", json!(life.not_packed_retries));
    row.set("pickerClaimsLost", json!(life.claims_lost.0));
    row.set("pickerClaimsOnPackedOrders", json!(life.claims_lost.1));
    row.notes.push(format!(
        "picker claims lost to another picker: {} already claimed, {} already packed (a list \
         a moment old)",
        life.claims_lost.0, life.claims_lost.1
    ));
    row.set("rssEvery30sKb", json!(rss));
    // The file-mapped part of each reading: included in RSS and in the goal's judgement,
    // printed so the two can be told apart.
    row.notes.push(format!(
        "RSS every 30 s (MB), of which file pages mapped: {}",
        rss.iter()
            .zip(&rss_file)
            .map(|((_, all), (_, file))| format!(
                "{:.0}/{:.0}",
                *all as f64 / 1024.0,
                *file as f64 / 1024.0
            ))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    row.set("rssFileEvery30sKb", json!(rss_file));
    row.set("schedulingLagEvery30sMs", json!(*lock(&lags)));
    row.set("serverRefusedBrowse", json!(refused_browse));
    row.set("serverRefusedStart", json!(refused_start));
    row.notes.push(format!(
        "server admission: {} browse and {} start requests refused as overloaded; scheduling \
         delay every 30 s (ms): {:?}",
        refused_browse.unwrap_or(0.0),
        refused_start.unwrap_or(0.0),
        lock(&lags)
            .iter()
            .map(|(_, ms)| ms.round() as u64)
            .collect::<Vec<_>>()
    ));
    row.set("rssFlat", json!(flat));
    row.set("operations", Value::Object(ops));
    row.notes.insert(
        0,
        format!(
            "{placed} placed, {} delivered, {lost} lost, {events_lost} events lost ({customer_lost} by \
             customers' sockets, {admin_lost} by admins'), {doubles} double winners; RSS at 2 min {:.1} MB, at the end {:.1} MB; latency = placement; \
             generator: {generator_dropped} events dropped by its full queues, {placing_shed} \
             placements and {} searches shed; server: {} deliveries dropped on full socket \
             queues",
            life.delivered.len(),
            at_2min.unwrap_or(0) as f64 / 1024.0,
            last.unwrap_or(0) as f64 / 1024.0,
            shed.load(Ordering::Relaxed),
            server_dropped.map_or_else(|| "?".to_owned(), |n| n.to_string())
        ),
    );
    row.goal_met = Some(row.errors == 0 && flat);
    Ok(vec![row])
}

/// A metric without labels from Prometheus text.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

fn samples_of(all: &HashMap<&'static str, Vec<u32>>, op: &str) -> Option<stats::Summary> {
    stats::summarize(all.get(op).cloned().unwrap_or_default())
}
