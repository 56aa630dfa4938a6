//! Scenario 3, Accept race: R partner sockets emit `order:accept` for the same new order at once,
//! round after round; exactly one ack per round may say success.

use crate::ctx::Bench;
use crate::report::Row;
use crate::{setup, stats};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    let r: usize = b.pick(100, 10);
    let rounds_wanted: usize = b.args.race_rounds.unwrap_or(b.pick(100, 5));
    b.ensure_catalog(false).await?;
    b.ensure_users("customer", 1).await?;
    b.ensure_users("delivery", r).await?;
    let auths: Vec<Value> = b.partners[..r]
        .iter()
        .map(|u| json!({"token": u.token}))
        .collect();
    let conn = setup::connect_many(&b.base, auths, &b.addrs, 32).await;
    if conn.failed > 0 {
        anyhow::bail!(
            "{} partner sockets failed: {}",
            conn.failed,
            conn.first_error.unwrap_or_default()
        );
    }
    let clients: Vec<Arc<qc_sioclient::Client>> =
        conn.clients.into_iter().flatten().map(Arc::new).collect();

    let mut row = Row::new(
        "3 accept race",
        "quickcommerce",
        "acks/s",
        "one winner per round, ack p99 <= 20 ms",
    );
    let budget = Duration::from_secs(b.pick(60, 20));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m = b.meters(b.server_pid);
    let started = Instant::now();
    let (mut samples, mut rounds, mut good) = (Vec::<u32>::new(), 0u64, 0u64);
    for round in 0..rounds_wanted {
        if started.elapsed() > budget {
            row.notes
                .push(format!("stopped after {round} rounds (time budget)"));
            break;
        }
        let round_start = Instant::now();
        let product = &b.stock_products[round % b.stock_products.len()];
        let order_id =
            match setup::place_order(&b.http, &b.base, &b.customers[0].token, product).await {
                Ok(id) => id,
                Err(e) => {
                    row.errors += 1;
                    row.notes.push(format!("round {round}: {e}"));
                    continue;
                }
            };
        let payload = json!({"orderId": order_id});
        let mut handles: Vec<tokio::task::JoinHandle<(u32, Result<bool, String>)>> = Vec::new();
        for c in &clients {
            let (c, payload) = (c.clone(), payload.clone());
            handles.push(tokio::spawn(async move {
                let t = Instant::now();
                let ack = c
                    .emit_with_ack("order:accept", &payload, Duration::from_secs(5))
                    .await;
                let us = stats::micros(t.elapsed());
                let outcome = match ack {
                    Ok(v) if v["success"] == json!(true) => Ok(true),
                    Ok(v) if v["error"]["code"] == json!("order_already_taken") => Ok(false),
                    Ok(v) => Err(format!("ack {}", v["error"]["code"])),
                    Err(e) => Err(e.to_string()),
                };
                (us, outcome)
            }));
        }
        let mut winners = 0;
        for h in handles {
            match h.await {
                Ok((us, Ok(won))) => {
                    samples.push(us);
                    winners += u64::from(won);
                }
                Ok((_, Err(e))) => {
                    row.errors += 1;
                    if row.notes.len() < 5 {
                        row.notes.push(format!("round {round}: {e}"));
                    }
                }
                Err(e) => {
                    row.errors += 1;
                    row.notes.push(format!("round {round}: task {e}"));
                }
            }
        }
        rounds += 1;
        if winners == 1 {
            good += 1;
        } else {
            row.errors += 1;
            if row.notes.len() < 5 {
                row.notes.push(format!("round {round}: {winners} winners"));
            }
        }
        // About 6 accepts per socket per second (the server allows 20 events a second).
        let spent = round_start.elapsed();
        if spent < Duration::from_millis(160) {
            tokio::time::sleep(Duration::from_millis(160) - spent).await;
        }
    }
    row.secs = started.elapsed().as_secs_f64();
    row.ops = samples.len() as u64;
    row.throughput = Some(row.ops as f64 / row.secs.max(1e-3));
    row.latency = stats::summarize(samples);
    m.finish(&mut row);
    row.goal_met = Some(
        rounds > 0 && good == rounds && row.errors == 0 && row.p99().is_some_and(|p| p <= 20.0),
    );
    row.set("partners", json!(r));
    row.set("rounds", json!(rounds));
    row.set("roundsWithExactlyOneWinner", json!(good));
    for c in &clients {
        c.close();
    }
    Ok(vec![row])
}
