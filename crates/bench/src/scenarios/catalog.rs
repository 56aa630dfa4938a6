//! Scenario 1, Catalog read: GET /api/customer/products with varied search / category / inStock
//! over 1,000+ products; then the same client against a plain hyper "hello" server (the
//! ceiling of this machine and client), and the brief's stated figures.

use super::{HttpJob, run_http};
use crate::ctx::Bench;
use crate::report::Row;
use crate::server::{self, Proc};
use serde_json::json;
use std::time::{Duration, Instant};

const NAME: &str = "1 catalog read";
const SEARCH: [&str; 12] = [
    "milk", "rice", "tea", "fresh", "organic", "atta", "soap", "dal", "bread", "juice", "chips",
    "honey",
];

fn urls(base: &str, categories: &[String]) -> Vec<String> {
    let p = format!("{base}/api/customer/products?inStock=true");
    let mut out: Vec<String> = vec![format!("{p}&sort=price&limit=20")];
    for (k, s) in SEARCH.iter().enumerate() {
        out.push(format!("{p}&search={s}"));
        for (j, c) in categories
            .iter()
            .enumerate()
            .filter(|(j, _)| (j + k) % 3 == 0)
        {
            out.push(format!("{p}&search={s}&category={c}&page={}", 1 + j % 2));
        }
    }
    for (j, c) in categories.iter().enumerate() {
        out.push(format!("{p}&category={c}&page={}&limit=20", 1 + j % 3));
    }
    out
}

/// GETs of `urls` as the first four customers, closed loop (64 workers; smoke 8).
pub(crate) fn job(b: &Bench, urls: Vec<String>, cap: u64) -> HttpJob {
    HttpJob {
        method: reqwest::Method::GET,
        urls,
        bodies: Vec::new(),
        tokens: b
            .customers
            .iter()
            .take(4)
            .map(|u| u.token.clone())
            .collect(),
        expect: 200,
        concurrency: b.args.concurrency.unwrap_or(b.pick(64, 8)),
        duration: b.duration(),
        cap,
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    b.ensure_catalog(true).await?;
    b.ensure_users("customer", 4).await?;
    let list = urls(&b.base, &b.categories);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut row = Row::new(
        NAME,
        "quickcommerce",
        "req/s",
        ">= 20000 req/s, p99 <= 5 ms",
    );
    row.set("distinctQueries", json!(list.len()));
    let m = b.meters(b.server_pid);
    run_http(
        &b.http,
        job(b, list.clone(), b.pick(1_000_000, 5_000)),
        &mut row,
    )
    .await;
    m.finish(&mut row);
    row.judge(20_000.0, 5.0);
    let ours = row.throughput;
    let mut rows = vec![row];

    let mut brief = Row::new(NAME, "brief (stated)", "req/s", "-");
    brief.throughput = Some(100.0);
    brief.server_rss_kb = Some(150 * 1024);
    brief
        .notes
        .push("the brief states 100 req/s, < 100 ms average, ~150 MB".to_owned());
    rows.push(brief);
    if b.args.no_reference {
        return Ok(rows);
    }

    // The ceiling: the same client and queries against hyper "hello" on the server's core.
    let port = server::free_port()?;
    let cpu = b.server_cpu();
    let mut cmd = server::pinned_command(cpu.as_deref(), &std::env::current_exe()?);
    cmd.arg("--serve-hello").arg(port.to_string());
    let mut hello = Proc::spawn("the hello server", cmd)?;
    let hello_base = format!("http://127.0.0.1:{port}");
    let mut row = Row::new(NAME, "hyper hello (ceiling)", "req/s", "-");
    let up = server::wait_ready(
        &b.http,
        &hello_base,
        Instant::now(),
        Duration::from_secs(10),
    );
    if up.await.is_some() {
        let hello_urls = list
            .iter()
            .map(|u| u.replacen(&b.base, &hello_base, 1))
            .collect();
        let m = b.meters(Some(hello.pid));
        run_http(
            &b.http,
            job(b, hello_urls, b.pick(1_000_000, 5_000)),
            &mut row,
        )
        .await;
        m.finish(&mut row);
        if let (Some(o), Some(c)) = (ours, row.throughput) {
            row.notes.push(format!(
                "quickcommerce reaches {:.0}% of this ceiling",
                o / c * 100.0
            ));
        }
    } else {
        row.errors = 1;
        row.notes.push("the hello server did not start".to_owned());
    }
    hello.stop();
    rows.push(row);
    Ok(rows)
}
