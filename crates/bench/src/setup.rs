//! API helpers for seeding (accounts, products, orders), a bounded parallel map, and
//! opening many sockets.

use anyhow::{anyhow, bail};
use reqwest::Method;
use serde_json::{Value, json};
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "benchpass123";

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub token: String,
}

/// Requests answered `503 overloaded` and asked again after `Retry-After` by [`call`]
/// (the server shedding set-up's registrations while it is busy); the run reports them.
pub static OVERLOAD_RETRIES: AtomicU64 = AtomicU64::new(0);

/// A JSON request; `Err` unless the status is `want`. Answers the parsed body. A `503
/// overloaded` is asked again after its `Retry-After`, as a well-behaved client does
/// (up to 60 times); [`call_once`] does not.
pub async fn call(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
    want: u16,
) -> anyhow::Result<Value> {
    call_with(client, method, url, token, body, want, 60).await
}

/// [`call`] without asking again: a `503 overloaded` is an `Err` like any other status.
pub async fn call_once(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
    want: u16,
) -> anyhow::Result<Value> {
    call_with(client, method, url, token, body, want, 0).await
}

async fn call_with(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
    want: u16,
    retries: u32,
) -> anyhow::Result<Value> {
    let mut tries = 0;
    loop {
        match send(client, method.clone(), url, token, body).await? {
            (503, v, wait) if v["error"]["code"] == "overloaded" && tries < retries => {
                tries += 1;
                OVERLOAD_RETRIES.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_secs(wait.clamp(1, 5))).await;
            }
            (status, value, _) if status == want => return Ok(value),
            (status, value, _) => bail!("{url}: HTTP {status}: {value}"),
        }
    }
}

/// Status, parsed body (Null when not JSON) and `Retry-After` in seconds (0 when none).
async fn send(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> anyhow::Result<(u16, Value, u64)> {
    let mut rb = client.request(method, url);
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(b);
    }
    let resp = rb.send().await?;
    let status = resp.status().as_u16();
    let wait = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let bytes = resp.bytes().await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        wait,
    ))
}

fn user_from(v: &Value) -> anyhow::Result<User> {
    match (v["user"]["id"].as_str(), v["token"].as_str()) {
        (Some(id), Some(token)) => Ok(User {
            id: id.to_owned(),
            token: token.to_owned(),
        }),
        _ => Err(anyhow!("no user or token in {v}")),
    }
}

pub async fn login(c: &reqwest::Client, base: &str, email: &str, pw: &str) -> anyhow::Result<User> {
    let body = json!({"email": email, "password": pw});
    let url = format!("{base}/api/auth/login");
    user_from(&call(c, Method::POST, &url, None, Some(&body), 200).await?)
}

/// Register one account; a partner is also verified (with `admin`'s token, as an
/// admin does for a new partner) and made available. `store`: a partner's home store
/// (required once the server has more than one).
pub async fn register(
    c: &reqwest::Client,
    base: &str,
    email: &str,
    role: &str,
    admin: Option<&str>,
    store: Option<&str>,
) -> anyhow::Result<User> {
    let mut body =
        json!({"name": "Bench User", "email": email, "password": PASSWORD, "role": role});
    if let (Some(s), "delivery") = (store, role) {
        body["storeId"] = json!(s);
    }
    let url = format!("{base}/api/auth/register");
    let user = user_from(&call(c, Method::POST, &url, None, Some(&body), 201).await?)?;
    if role == "delivery" {
        let url = format!("{base}/api/admin/partners/{}/verify", user.id);
        let body = json!({"verified": true});
        call(c, Method::POST, &url, admin, Some(&body), 200).await?;
        let url = format!("{base}/api/delivery/availability");
        let body = json!({"available": true});
        call(
            c,
            Method::PUT,
            &url,
            Some(user.token.as_str()),
            Some(&body),
            200,
        )
        .await?;
    }
    Ok(user)
}

/// `f(i)` for every `i in 0..n`, at most `conc` at once; results by index.
pub async fn par_map<T, F, Fut>(n: usize, conc: usize, f: F) -> Vec<Option<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<T>> + Send + 'static,
{
    let f = Arc::new(f);
    let next = Arc::new(AtomicUsize::new(0));
    let mut handles: Vec<tokio::task::JoinHandle<Vec<(usize, T)>>> = Vec::new();
    for _ in 0..conc.clamp(1, n.max(1)) {
        let (f, next) = (f.clone(), next.clone());
        handles.push(tokio::spawn(async move {
            let mut out: Vec<(usize, T)> = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return out;
                }
                if let Some(v) = f(i).await {
                    out.push((i, v));
                }
            }
        }));
    }
    let mut res: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for h in handles {
        for (i, v) in h.await.unwrap_or_default() {
            res[i] = Some(v);
        }
    }
    res
}

/// Split `Some(Ok)` / errors; the first error message.
pub fn split<T>(res: Vec<Option<Result<T, String>>>) -> (Vec<Option<T>>, u64, Option<String>) {
    let mut ok: Vec<Option<T>> = Vec::with_capacity(res.len());
    let mut failed: u64 = 0;
    let mut first: Option<String> = None;
    for r in res {
        match r {
            Some(Ok(v)) => ok.push(Some(v)),
            Some(Err(e)) => {
                failed += 1;
                if first.is_none() {
                    first = Some(e);
                }
                ok.push(None);
            }
            None => {
                failed += 1;
                ok.push(None);
            }
        }
    }
    (ok, failed, first)
}

/// Register `count` accounts `{prefix}{from + i}@bench.example.com`, 8 at a time
/// (partners verified with `admin`'s token).
pub async fn register_many(
    c: &reqwest::Client,
    base: &str,
    prefix: &str,
    role: &str,
    from: usize,
    count: usize,
    (admin, store): (Option<&str>, Option<&str>),
) -> anyhow::Result<Vec<User>> {
    let (c, base, prefix, r, admin, store) = (
        c.clone(),
        base.to_owned(),
        prefix.to_owned(),
        role.to_owned(),
        admin.map(str::to_owned),
        store.map(str::to_owned),
    );
    let res = par_map(count, 8, move |i| {
        let (c, base, r, admin, store) = (
            c.clone(),
            base.clone(),
            r.clone(),
            admin.clone(),
            store.clone(),
        );
        let email = format!("{prefix}{}@bench.example.com", from + i);
        async move {
            Some(
                register(&c, &base, &email, &r, admin.as_deref(), store.as_deref())
                    .await
                    .map_err(|e| e.to_string()),
            )
        }
    })
    .await;
    let (users, failed, first) = split(res);
    if failed > 0 {
        bail!(
            "{failed} of {count} {role} registrations failed: {}",
            first.unwrap_or_default()
        );
    }
    Ok(users.into_iter().flatten().collect())
}

/// Partner `i` of `partners` moved to store `i % stores.len()` (admin API, 8 at a time).
pub async fn move_partners(
    c: &reqwest::Client,
    base: &str,
    admin: &str,
    partners: &[User],
    stores: &[String],
) -> anyhow::Result<()> {
    let ids: Arc<Vec<String>> = Arc::new(partners.iter().map(|u| u.id.clone()).collect());
    let (c, base, admin, stores) = (
        c.clone(),
        base.to_owned(),
        Arc::new(admin.to_owned()),
        Arc::new(stores.to_vec()),
    );
    let moved = par_map(ids.len(), 8, move |i| {
        let (c, base, admin, ids, stores) = (
            c.clone(),
            base.clone(),
            admin.clone(),
            ids.clone(),
            stores.clone(),
        );
        async move {
            let url = format!("{base}/api/admin/partners/{}/store", ids[i]);
            let body = json!({"storeId": stores[i % stores.len()]});
            let r = call(
                &c,
                Method::PUT,
                &url,
                Some(admin.as_str()),
                Some(&body),
                200,
            );
            Some(r.await.map_err(|e| e.to_string()))
        }
    })
    .await;
    let (_, failed, first) = split(moved);
    if failed > 0 {
        bail!("{failed} partners not moved: {}", first.unwrap_or_default());
    }
    Ok(())
}

/// A stable hash (FNV-1a) of a string and a salt.
pub fn hash(s: &str, salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for byte in s.bytes() {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A partner on duty: its index in the list given, its socket, where it stands and the
/// hash of its id (for per-partner variety).
pub struct OnDuty {
    pub index: usize,
    pub client: qc_sioclient::Client,
    pub at: (f64, f64),
    pub hash: u64,
}

/// Connect `partners` (32 at a time), make each available and send its first position:
/// partner `i` stands in a square `width` ten-thousandths of a degree wide around
/// `centre(i)`. Any connection failure or refused position fails the whole set-up.
pub async fn partners_on_duty(
    base: &str,
    addrs: &[IpAddr],
    partners: &[User],
    centre: impl Fn(usize) -> (f64, f64),
    width: u64,
) -> anyhow::Result<Vec<OnDuty>> {
    let auths = partners.iter().map(|u| json!({"token": u.token})).collect();
    let conn = connect_many(base, auths, addrs, 32).await;
    if let Some(e) = conn.first_error {
        bail!("partner sockets failed to connect: {e}");
    }
    let mut out = Vec::new();
    for (index, client) in conn.clients.into_iter().enumerate() {
        let Some(client) = client else { continue };
        let (lat, lng) = centre(index);
        let hash = hash(&partners[index].id, 3);
        let off = |h: u64| ((h % width.max(1)) as f64 - (width / 2) as f64) / 10_000.0;
        let at = (lat + off(hash), lng + off(hash >> 16));
        let _ = client
            .emit_with_ack(
                "delivery:availability",
                &json!({"available": true}),
                Duration::from_secs(5),
            )
            .await;
        let fix = json!({"lat": at.0, "lng": at.1});
        let ack = client
            .emit_with_ack("delivery:location-update", &fix, Duration::from_secs(5))
            .await;
        if !matches!(&ack, Ok(v) if v["success"] == json!(true)) {
            bail!("a partner's first position was refused: {ack:?}");
        }
        out.push(OnDuty {
            index,
            client,
            at,
            hash,
        });
    }
    Ok(out)
}

/// The brief's order body for one product.
pub fn order_body(product_id: &str) -> Value {
    json!({
        "items": [{"productId": product_id, "quantity": 1}],
        "deliveryAddress": {"street": "123 Main St", "city": "Mumbai", "state": "Maharashtra",
            "zipCode": "400001", "lat": 19.0544, "lng": 72.8406},
        "paymentMethod": "cash"
    })
}

/// Place an order; its id.
pub async fn place_order(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    product: &str,
) -> anyhow::Result<String> {
    let url = format!("{base}/api/customer/orders");
    let v = call(
        c,
        Method::POST,
        &url,
        Some(token),
        Some(&order_body(product)),
        201,
    )
    .await?;
    v["order"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no order id in {v}"))
}

const ADJ: [&str; 10] = [
    "Organic", "Fresh", "Premium", "Classic", "Spicy", "Crunchy", "Golden", "Farm", "Daily",
    "Natural",
];
const NOUN: [&str; 12] = [
    "Milk", "Rice", "Tea", "Soap", "Atta", "Dal", "Bread", "Juice", "Chips", "Honey", "Oats",
    "Paneer",
];

/// A product for POST /api/admin/products; `big` ones (stock 1,000,000) feed the orders.
pub fn product_body(run: &str, i: usize, category: &str, big: bool) -> Value {
    let (adj, noun) = (ADJ[i % ADJ.len()], NOUN[(i / ADJ.len()) % NOUN.len()]);
    let (sku, name, stock) = if big {
        (
            format!("BS-{run}-{i}"),
            format!("Bench Stock {noun} {i}"),
            1_000_000,
        )
    } else {
        let stock = if i.is_multiple_of(9) {
            0
        } else {
            20 + (i % 200) as i64
        };
        (format!("BX-{run}-{i}"), format!("{adj} {noun} {i}"), stock)
    };
    let price = 500 + ((i * 37) % 20_000) as i64;
    json!({
        "sku": sku, "name": name, "description": format!("{adj} {noun} for the load test"),
        "category": category, "unit": "1 pc", "price": price, "mrp": price + 500,
        "stock": stock, "brand": adj, "tags": [noun.to_lowercase(), "bench"]
    })
}

/// Create products through the admin API, 16 at a time; their ids.
pub async fn create_products(
    c: &reqwest::Client,
    base: &str,
    admin: &str,
    bodies: Vec<Value>,
) -> anyhow::Result<Vec<String>> {
    let n = bodies.len();
    let (c, url, admin, bodies) = (
        c.clone(),
        format!("{base}/api/admin/products"),
        admin.to_owned(),
        Arc::new(bodies),
    );
    let res = par_map(n, 16, move |i| {
        let (c, url, admin, bodies) = (c.clone(), url.clone(), admin.clone(), bodies.clone());
        async move {
            let r = call(
                &c,
                Method::POST,
                &url,
                Some(admin.as_str()),
                Some(&bodies[i]),
                201,
            )
            .await;
            let id = r.and_then(|v| {
                v["product"]["id"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| anyhow!("no id"))
            });
            Some(id.map_err(|e| e.to_string()))
        }
    })
    .await;
    let (ids, failed, first) = split(res);
    if failed > 0 {
        bail!(
            "{failed} of {n} products not created: {}",
            first.unwrap_or_default()
        );
    }
    Ok(ids.into_iter().flatten().collect())
}

/// Sockets by index (None where the connection failed) and handshake latencies.
pub struct Connected {
    pub clients: Vec<Option<qc_sioclient::Client>>,
    pub samples: Vec<u32>,
    pub failed: u64,
    pub first_error: Option<String>,
    pub secs: f64,
}

/// One Socket.io connection per `auths` entry, `conc` at a time, from source addresses
/// taken in turn from `addrs`.
pub async fn connect_many(
    base: &str,
    auths: Vec<Value>,
    addrs: &[IpAddr],
    conc: usize,
) -> Connected {
    connect_many_queued(base, auths, addrs, conc, None).await
}

/// `connect_many` with at most `queue` received events waiting per socket (the client's
/// default when None); the rest are dropped and counted by the client.
pub async fn connect_many_queued(
    base: &str,
    auths: Vec<Value>,
    addrs: &[IpAddr],
    conc: usize,
    queue: Option<usize>,
) -> Connected {
    let started = Instant::now();
    let n = auths.len();
    let (auths, addrs, base) = (Arc::new(auths), Arc::new(addrs.to_vec()), base.to_owned());
    let res = par_map(n, conc, move |i| {
        let (auths, addrs, base) = (auths.clone(), addrs.clone(), base.clone());
        async move {
            let bind = if addrs.is_empty() {
                None
            } else {
                Some(addrs[i % addrs.len()])
            };
            let opts = qc_sioclient::Options {
                auth: Some(auths[i].clone()),
                bind,
                queue,
                ..Default::default()
            };
            let t0 = Instant::now();
            let r = tokio::time::timeout(
                Duration::from_secs(10),
                qc_sioclient::Client::connect(&base, opts),
            )
            .await;
            Some(match r {
                Ok(Ok(c)) => Ok((c, crate::stats::micros(t0.elapsed()))),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("connect timed out".to_owned()),
            })
        }
    })
    .await;
    let (pairs, failed, first_error) = split(res);
    let mut out = Connected {
        clients: Vec::new(),
        samples: Vec::new(),
        failed,
        first_error,
        secs: started.elapsed().as_secs_f64(),
    };
    for p in pairs {
        match p {
            Some((c, us)) => {
                out.clients.push(Some(c));
                out.samples.push(us);
            }
            None => out.clients.push(None),
        }
    }
    out
}

/// A store for POST /api/admin/stores serving the square of `half` degrees around its
/// location; the code is `prefix`, four hex digits of the run id, and `i` (unique per
/// run, short enough for the API).
/// Point `i` of a grid of stores laid out row by row, `columns` a row, `spacing` degrees
/// apart from `origin` (the scenarios keep their stores away from each other's).
pub fn grid_point(origin: (f64, f64), spacing: f64, columns: usize, i: usize) -> (f64, f64) {
    (
        origin.0 + (i / columns) as f64 * spacing,
        origin.1 + (i % columns) as f64 * spacing,
    )
}

pub fn square_store(
    run: &str,
    prefix: &str,
    i: usize,
    (lat, lng): (f64, f64),
    half: f64,
    settings: Value,
) -> Value {
    let ring: Vec<[f64; 2]> = [
        (-1.0, -1.0),
        (1.0, -1.0),
        (1.0, 1.0),
        (-1.0, 1.0),
        (-1.0, -1.0),
    ]
    .iter()
    .map(|(dx, dy)| [lng + dx * half, lat + dy * half])
    .collect();
    let tag = run
        .bytes()
        .fold(0_u16, |h, b| h.wrapping_mul(31).wrapping_add(u16::from(b)));
    json!({
        "code": format!("{prefix}{tag:04X}{i}"),
        "name": format!("Bench store {prefix}{i}"),
        "location": {"lat": lat, "lng": lng},
        "zone": {"type": "Polygon", "coordinates": [ring]},
        "settings": settings
    })
}
