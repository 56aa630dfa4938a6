//! Scenario 8, handshake flood: N Socket.io handshakes that never become a connection —
//! half with a forged token over WebSocket (refused by the server), half engine.io
//! polling sessions that never send the namespace CONNECT — from a few source
//! addresses, with the per-address handshake limits off (qc-bench's server runs without
//! them, so this measures what the sessions themselves hold). Server RSS before, at its
//! peak, and each second for 10 s after the flood; goal: back within +20 MB of where it
//! started within 10 s.

use crate::ctx::Bench;
use crate::report::Row;
use crate::{server, setup, stats};
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One forged-token handshake over WebSocket: `Ok` when the server refused it.
async fn refused(base: &str, bind: Option<IpAddr>) -> Result<(), String> {
    let opts = qc_sioclient::Options {
        auth: Some(json!({"token": "forged.token.value"})),
        bind,
        ..Default::default()
    };
    match tokio::time::timeout(
        Duration::from_secs(10),
        qc_sioclient::Client::connect(base, opts),
    )
    .await
    {
        Ok(Err(qc_sioclient::Error::Refused(_))) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(_)) => Err("a forged token connected".to_owned()),
        Err(_) => Err("handshake timed out".to_owned()),
    }
}

/// One engine.io polling handshake whose session is then abandoned.
async fn half_open(client: &reqwest::Client, base: &str) -> Result<(), String> {
    let url = format!("{base}/socket.io/?EIO=4&transport=polling");
    match client.get(url).send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.map(|_| ()).map_err(|e| e.to_string()),
        Ok(r) => Err(format!("HTTP {}", r.status())),
        Err(e) => Err(e.to_string()),
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let n: usize = b.pick(10_000, 200);
    let mut row = Row::new(
        "8 handshake flood",
        "quickcommerce",
        "handshakes/s",
        "RSS back within +20 MB of the start within 10 s",
    );
    let pid = b.server_pid;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = pid.and_then(server::rss_kb);
    let peak = Arc::new(AtomicU64::new(before.unwrap_or(0)));
    let sampling = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                if let Some(kb) = pid.and_then(server::rss_kb) {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let m = b.meters(pid);
    let started = Instant::now();
    let (base, addrs, http) = (b.base.clone(), Arc::new(b.addrs.clone()), b.http.clone());
    let res = setup::par_map(n, 64, move |i| {
        let (base, addrs, http) = (base.clone(), addrs.clone(), http.clone());
        async move {
            let t0 = Instant::now();
            let r = if i % 2 == 0 {
                let bind = (!addrs.is_empty()).then(|| addrs[i % addrs.len()]);
                refused(&base, bind).await
            } else {
                half_open(&http, &base).await
            };
            Some(r.map(|()| stats::micros(t0.elapsed())))
        }
    })
    .await;
    row.secs = started.elapsed().as_secs_f64();
    m.finish(&mut row);
    let (samples, failed, first) = setup::split(res);
    let samples: Vec<u32> = samples.into_iter().flatten().collect();
    row.ops = samples.len() as u64;
    row.errors = failed;
    row.throughput = Some(row.ops as f64 / row.secs.max(1e-3));
    row.latency = stats::summarize(samples);
    if let Some(e) = first {
        row.notes.push(format!("first error: {e}"));
    }
    // RSS each second for 10 s after the flood.
    let mut after = Vec::new();
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        after.push(pid.and_then(server::rss_kb));
    }
    sampling.abort();
    let peak = peak.load(Ordering::Relaxed);
    let mb = |kb: u64| (kb as f64 / 1024.0 * 10.0).round() / 10.0;
    row.set("handshakes", json!(n));
    row.set("rssBeforeMb", json!(before.map(mb)));
    row.set("rssPeakMb", json!(mb(peak)));
    row.set(
        "rssAfterMbEachSecond",
        json!(after.iter().map(|kb| kb.map(mb)).collect::<Vec<_>>()),
    );
    if let (Some(bf), Some(Some(last))) = (before, after.last()) {
        let grown = mb(last.saturating_sub(bf));
        row.server_rss_kb = Some(*last);
        row.goal_met = Some(grown <= 20.0 && row.errors == 0);
        row.notes.push(format!(
            "RSS {:.1} MB before, {:.1} MB at the peak, {:.1} MB 10 s after ({grown:+.1} MB)",
            mb(bf),
            mb(peak),
            mb(*last)
        ));
        if let Some(s) = after
            .iter()
            .position(|kb| kb.is_some_and(|kb| mb(kb.saturating_sub(bf)) <= 20.0))
        {
            row.notes
                .push(format!("back within +20 MB {} s after the flood", s + 1));
        }
    }
    Ok(vec![row])
}
