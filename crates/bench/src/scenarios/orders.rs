//! Scenario 2, Order placement: POST /api/customer/orders (one line, large stock) from several
//! customers at once.

use super::{HttpJob, run_http};
use crate::ctx::Bench;
use crate::report::Row;
use crate::setup;
use serde_json::json;
use std::time::Duration;

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let customers: usize = b.pick(16, 2);
    b.ensure_catalog(false).await?;
    b.ensure_users("customer", customers).await?;
    let job = HttpJob {
        method: reqwest::Method::POST,
        urls: vec![format!("{}/api/customer/orders", b.base)],
        bodies: b
            .stock_products
            .iter()
            .map(|id| setup::order_body(id).to_string())
            .collect(),
        tokens: b.customers[..customers]
            .iter()
            .map(|u| u.token.clone())
            .collect(),
        expect: 201,
        concurrency: b.args.concurrency.unwrap_or(b.pick(32, 4)),
        duration: b.duration(),
        cap: b.pick(100_000, 500),
    };
    let mut row = Row::new(
        "2 order placement",
        "quickcommerce",
        "orders/s",
        ">= 3000 orders/s, p99 <= 20 ms",
    );
    row.set("customers", json!(customers));
    row.set("products", json!(job.bodies.len()));
    row.set("concurrency", json!(job.concurrency));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let m = b.meters(b.server_pid);
    run_http(&b.http, job, &mut row).await;
    m.finish(&mut row);
    row.judge(3_000.0, 20.0);
    Ok(vec![row])
}
