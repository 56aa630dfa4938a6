//! Scenario 4, Idle sockets: N authenticated Socket.io connections held open; server RSS growth
//! per connection. The same against the Node.js reference relay.

use crate::ctx::Bench;
use crate::report::Row;
use crate::{server, setup, stats};
use serde_json::{Value, json};
use std::time::Duration;

/// How long after the last handshake the second reading waits: past the server's
/// handshake-quiet trim (`QC_SOCKET_CONNECT_TIMEOUT_MS`, 5 s, then `malloc_trim`), so it
/// shows what the open sockets hold rather than what the burst of handshakes left free.
const SETTLE: Duration = Duration::from_secs(9);

/// Connect `n` sockets (tokens shared by a few users, as tabs and devices do), read the
/// target's RSS before, 2 s after and once settled, close them. The goal is judged on
/// the settled reading, and on the 2 s one too not exceeding it by much is reported.
async fn measure(b: &Bench, base: &str, pid: Option<u32>, target: &str, n: usize) -> Row {
    let users = b.pick(50, 5).min(b.customers.len());
    let auths: Vec<Value> = (0..n)
        .map(|i| json!({"token": b.customers[i % users].token}))
        .collect();
    let mut row = Row::new(
        "4 idle sockets",
        target,
        "conn/s",
        "<= 12 KB server RSS per connection (settled)",
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = pid.and_then(server::rss_kb);
    let m = b.meters(pid);
    let conn = setup::connect_many(base, auths, &b.addrs, 64).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    m.finish(&mut row);
    let after = pid.and_then(server::rss_kb);
    tokio::time::sleep(SETTLE).await;
    let settled = pid.and_then(server::rss_kb);
    let connected = conn.samples.len() as u64;
    row.ops = connected;
    row.errors = conn.failed;
    row.secs = conn.secs;
    row.throughput = Some(connected as f64 / conn.secs.max(1e-3));
    row.latency = stats::summarize(conn.samples);
    row.set("connected", json!(connected));
    row.set("rssBeforeKb", json!(before));
    row.set("rssAfterKb", json!(after));
    row.set("rssSettledKb", json!(settled));
    if let Some(e) = conn.first_error {
        row.notes.push(format!("first error: {e}"));
    }
    let per = |kb: Option<u64>| match (kb, before, connected > 0) {
        (Some(a), Some(bf), true) => Some((a as f64 - bf as f64) / connected as f64),
        _ => None,
    };
    if let (Some(early), Some(late)) = (per(after), per(settled)) {
        row.set(
            "kbPerConnectionAt2s",
            json!((early * 100.0).round() / 100.0),
        );
        row.set("kbPerConnection", json!((late * 100.0).round() / 100.0));
        row.goal_met = Some(late <= 12.0 && row.errors == 0);
        row.notes.push(format!(
            "{late:.2} KB RSS per connection settled ({early:.2} KB 2 s after the last \
             handshake); latency = handshake time"
        ));
    }
    for c in conn.clients.iter().flatten() {
        c.close();
    }
    drop(conn.clients);
    tokio::time::sleep(Duration::from_secs(2)).await;
    row
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let wanted: usize = b.args.idle_sockets.unwrap_or(b.pick(20_000, 200));
    let n = wanted.min(b.socket_budget()).max(1);
    b.ensure_users("customer", b.pick(50, 5)).await?;
    let base = b.base.clone();
    let mut ours = measure(b, &base, b.server_pid, "quickcommerce", n).await;
    if n < wanted {
        ours.notes.push(format!(
            "capped at {n} of {wanted} by the open-files limit {}; raise `ulimit -n`",
            b.nofile
        ));
    }
    let mut rows = vec![ours];
    if b.args.no_reference {
        return Ok(rows);
    }
    match b.relay().await {
        Ok((relay_base, relay_pid)) => {
            let mut r = measure(b, &relay_base, Some(relay_pid), "node socket.io relay", n).await;
            r.goal = "-".to_owned();
            r.goal_met = None;
            let kb = |row: &Row| row.extra.get("kbPerConnection").and_then(|v| v.as_f64());
            if let (Some(o), Some(x)) = (kb(&rows[0]), kb(&r)) {
                rows[0].notes.push(format!(
                    "RSS per connection vs the Node.js relay: {:.2}x",
                    o / x
                ));
            }
            rows.push(r);
        }
        Err(e) => rows[0]
            .notes
            .push(format!("reference relay unavailable: {e}")),
    }
    Ok(rows)
}
