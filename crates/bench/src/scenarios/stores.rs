//! Scenario 8, many stores: serviceability among 1,000 stores (zones that overlap their
//! neighbours, points inside, in overlaps and outside), then the catalog and order
//! placement spread over 20 of them (each with its own stock).

use super::{HttpJob, run_http};
use crate::ctx::Bench;
use crate::report::Row;
use crate::setup;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The grid: stores `SPACING` degrees apart (about 4.4 km), each serving a square of
/// `HALF` degrees around it (so neighbours overlap by 0.01°), far from the demo store.
const ORIGIN: (f64, f64) = (21.0, 75.0);
const SPACING: f64 = 0.04;
const HALF: f64 = 0.025;
const COLUMNS: usize = 40;

fn centre(i: usize) -> (f64, f64) {
    setup::grid_point(ORIGIN, SPACING, COLUMNS, i)
}

fn store_body(run: &str, i: usize) -> Value {
    setup::square_store(
        run,
        "B",
        i,
        centre(i),
        HALF,
        json!({"maxPromiseMinutes": 0}),
    )
}

/// Points to look up: store centres, overlaps between neighbours, and the gaps beyond
/// the grid (nobody serves), in a fixed pseudo-random order.
fn lookups(base: &str, stores: usize) -> Vec<String> {
    let rows = stores.div_ceil(COLUMNS);
    let mut out = Vec::new();
    for k in 0..2_000_usize {
        let i = (k * 7_919) % stores;
        let (lat, lng) = centre(i);
        let (lat, lng) = match k % 4 {
            0 => (lat, lng),
            1 => (lat + 0.5 * SPACING, lng),
            2 => (lat, lng + 0.5 * SPACING),
            _ => (ORIGIN.0 + (rows as f64 + 2.0) * SPACING, lng),
        };
        out.push(format!(
            "{base}/api/customer/serviceability?lat={lat:.5}&lng={lng:.5}"
        ));
    }
    out
}

/// Create `n` stores through the admin API, 8 at a time; their ids in grid order.
async fn create_stores(b: &mut Bench, n: usize) -> anyhow::Result<Vec<String>> {
    let admin = b.admin_token().await?;
    let (c, url, run) = (
        b.http.clone(),
        format!("{}/api/admin/stores", b.base),
        b.run_id.clone(),
    );
    let admin = Arc::new(admin);
    let res = setup::par_map(n, 8, move |i| {
        let (c, url, admin, run) = (c.clone(), url.clone(), admin.clone(), run.clone());
        async move {
            let r = setup::call(
                &c,
                reqwest::Method::POST,
                &url,
                Some(admin.as_str()),
                Some(&store_body(&run, i)),
                201,
            )
            .await
            .and_then(|v| {
                v["store"]["id"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| anyhow::anyhow!("no id in {v}"))
            });
            Some(r.map_err(|e| e.to_string()))
        }
    })
    .await;
    let (ids, failed, first) = setup::split(res);
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {n} stores not created: {}",
            first.unwrap_or_default()
        );
    }
    Ok(ids.into_iter().flatten().collect())
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let count: usize = b.pick(1_000, 60);
    let busy_stores: usize = b.pick(20, 4);
    b.ensure_catalog(true).await?;
    b.ensure_users("customer", b.pick(16, 2)).await?;
    let t0 = Instant::now();
    b.setup_mode();
    let stores = create_stores(b, count).await;
    b.measure_mode();
    let stores = stores?;
    b.note_setup(format!("create {count} stores (admin API)"), t0);

    // Stock of the order products at the first stores (each its own count).
    let t0 = Instant::now();
    let admin = b.admin_token().await?;
    for (s, store) in stores.iter().take(busy_stores).enumerate() {
        for (k, product) in b.stock_products.iter().enumerate() {
            let body = json!({"storeId": store, "set": 1_000_000 - (s * 100 + k) as i64, "reason": "bench"});
            setup::call(
                &b.http,
                reqwest::Method::POST,
                &format!("{}/api/admin/products/{product}/stock", b.base),
                Some(&admin),
                Some(&body),
                200,
            )
            .await?;
        }
    }
    b.note_setup(
        format!(
            "stock {} products at {busy_stores} stores",
            b.stock_products.len()
        ),
        t0,
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tokens: Vec<String> = b.customers.iter().map(|u| u.token.clone()).collect();
    let mut rows = Vec::new();

    // Serviceability: a few workers, so the figure is the lookup, not a queue.
    let name = format!("8 serviceability, {} stores", stores.len() + 1);
    let mut row = Row::new(
        &name,
        "quickcommerce",
        "req/s",
        "lookup p99 <= 1 ms (1,000 stores)",
    );
    let job = HttpJob {
        method: reqwest::Method::GET,
        urls: lookups(&b.base, stores.len()),
        bodies: Vec::new(),
        tokens: tokens.clone(),
        expect: 200,
        concurrency: b.pick(4, 2),
        duration: b.duration(),
        cap: b.pick(1_000_000, 3_000),
    };
    row.set("stores", json!(stores.len() + 1));
    row.set("concurrency", json!(job.concurrency));
    let m = b.meters(b.server_pid);
    run_http(&b.http, job, &mut row).await;
    m.finish(&mut row);
    row.goal_met = Some(row.p99().is_some_and(|p| p <= 1.0) && row.errors == 0);
    row.notes.push(
        "GET /api/customer/serviceability?lat&lng: a quarter at store centres, half in \
         overlaps between neighbours (earliest promise wins), a quarter outside every zone; \
         latency is the whole HTTP round trip"
            .to_owned(),
    );
    rows.push(row);

    // The catalog, each request for one of the first stores.
    let first: Vec<&String> = stores.iter().take(busy_stores).collect();
    let mut urls = Vec::new();
    for (i, store) in first.iter().enumerate() {
        let p = format!(
            "{}/api/customer/products?inStock=true&storeId={store}",
            b.base
        );
        urls.push(format!("{p}&sort=price&limit=20"));
        for (j, c) in b
            .categories
            .iter()
            .enumerate()
            .filter(|(j, _)| (i + j) % 4 == 0)
        {
            urls.push(format!("{p}&category={c}&page={}", 1 + j % 2));
        }
        urls.push(format!("{p}&search=milk"));
    }
    let name = format!("1 catalog read, {} stores", first.len());
    let mut row = Row::new(
        &name,
        "quickcommerce",
        "req/s",
        ">= 20000 req/s, p99 <= 5 ms",
    );
    row.set("distinctQueries", json!(urls.len()));
    let job = HttpJob {
        method: reqwest::Method::GET,
        urls,
        bodies: Vec::new(),
        tokens: tokens.iter().take(4).cloned().collect(),
        expect: 200,
        concurrency: b.args.concurrency.unwrap_or(b.pick(64, 8)),
        duration: b.duration(),
        cap: b.pick(1_000_000, 5_000),
    };
    let m = b.meters(b.server_pid);
    run_http(&b.http, job, &mut row).await;
    m.finish(&mut row);
    row.judge(20_000.0, 5.0);
    rows.push(row);

    // Orders, each to an address in one of the first stores' zones.
    let mut bodies = Vec::new();
    for i in 0..first.len() {
        let (lat, lng) = centre(i);
        for product in &b.stock_products {
            let mut body = setup::order_body(product);
            body["deliveryAddress"]["lat"] = json!(lat + 0.003);
            body["deliveryAddress"]["lng"] = json!(lng - 0.002);
            bodies.push(body.to_string());
        }
    }
    let name = format!("2 order placement, {} stores", first.len());
    let mut row = Row::new(
        &name,
        "quickcommerce",
        "orders/s",
        ">= 3000 orders/s, p99 <= 20 ms",
    );
    let customers = b.pick(16, 2).min(tokens.len());
    let job = HttpJob {
        method: reqwest::Method::POST,
        urls: vec![format!("{}/api/customer/orders", b.base)],
        bodies,
        tokens: tokens[..customers].to_vec(),
        expect: 201,
        concurrency: b.args.concurrency.unwrap_or(b.pick(32, 4)),
        duration: b.duration(),
        cap: b.pick(100_000, 500),
    };
    row.set("customers", json!(customers));
    row.set("stores", json!(first.len()));
    let m = b.meters(b.server_pid);
    run_http(&b.http, job, &mut row).await;
    m.finish(&mut row);
    row.judge(3_000.0, 20.0);
    rows.push(row);
    Ok(rows)
}
