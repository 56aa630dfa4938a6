//! `qc-bench`: the QuickCommerce load generator. Starts the server on a fresh SQLite
//! database (or targets `--url`), seeds what it needs, runs bounded scenarios, and prints
//! a table plus JSON. See crates/bench/README.md.

mod ctx;
mod hello;
mod report;
mod scenarios;
mod server;
mod setup;
mod stats;

use clap::Parser;
use ctx::Bench;
use report::Row;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "qc-bench",
    about = "Load generator for QuickCommerce: HTTP and Socket.io scenarios, latency percentiles, server RSS and CPU"
)]
pub struct Args {
    /// Every scenario for a few seconds at tiny scale (for CI).
    #[arg(long)]
    pub smoke: bool,
    /// Server binary (default target/release/quickcommerce, then target/debug/quickcommerce).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// Target an already-running server instead of starting one (loopback only).
    #[arg(long)]
    pub url: Option<String>,
    /// The database of the server qc-bench starts (default: a new SQLite file in the temp
    /// directory). A PostgreSQL URL must name an empty database (`createdb qcbench`).
    #[arg(long)]
    pub database_url: Option<String>,
    /// REDIS_URL for the server qc-bench starts (default: none, one instance).
    #[arg(long)]
    pub redis_url: Option<String>,
    /// With --url: the server's pid, for RSS and CPU figures.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// With --url: an admin login, to seed products.
    #[arg(long)]
    pub admin_email: Option<String>,
    #[arg(long)]
    pub admin_password: Option<String>,
    /// With --url: the server's JWT secret, so the reference relay verifies the same tokens.
    #[arg(long)]
    pub jwt_secret: Option<String>,
    /// Scenarios to run, comma-separated: startup,catalog,search,orders,race,idle,fanout,
    /// dispatch,dispatch-auto,flood,stores,city.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Also write the JSON report to this file.
    #[arg(long)]
    pub json_out: Option<PathBuf>,
    /// Seconds per timed scenario (catalog, orders, fanout, dispatch).
    #[arg(long)]
    pub duration_secs: Option<u64>,
    /// HTTP workers for catalog and orders.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Sockets for the idle scenario (default 20000; smoke 200).
    #[arg(long)]
    pub idle_sockets: Option<usize>,
    /// Partners for the fan-out scenario (default 2000; smoke 20).
    #[arg(long)]
    pub partners: Option<usize>,
    /// Rounds of the accept race (default 100; smoke 5).
    #[arg(long)]
    pub race_rounds: Option<usize>,
    /// Orders per second in the dispatch scenario (default 200; smoke 10).
    #[arg(long)]
    pub dispatch_rate: Option<u64>,
    /// Products added through the admin API for the catalog (default 900; smoke 30).
    #[arg(long)]
    pub extra_products: Option<usize>,
    /// Orders per second in the city scenario (default 100; smoke 5).
    #[arg(long)]
    pub city_rate: Option<u64>,
    /// Seconds of placing orders in the city scenario (default 600; smoke 5).
    #[arg(long)]
    pub city_secs: Option<u64>,
    /// At most this many customer sockets in the city scenario (default 20000, capped by
    /// the open-files limit; smoke 100).
    #[arg(long)]
    pub city_sockets: Option<usize>,
    /// Products generated for the search scenario (default 10000; smoke 300).
    #[arg(long)]
    pub search_products: Option<usize>,
    /// Local source addresses 127.0.0.2.. for sockets (about 28k ports each).
    #[arg(long, default_value_t = 8)]
    pub source_addrs: usize,
    /// Do not pin the server and qc-bench to separate CPUs.
    #[arg(long)]
    pub no_pin: bool,
    /// Skip the reference runs (Node.js relay, hyper hello).
    #[arg(long)]
    pub no_reference: bool,
    /// Folder of the Node.js reference relay (default: crates/bench/reference).
    #[arg(long)]
    pub reference_dir: Option<PathBuf>,
    /// RUST_LOG for the server qc-bench starts.
    #[arg(long, default_value = "warn")]
    pub server_log: String,
    /// Keep the temporary directory (database, server.log).
    #[arg(long)]
    pub keep_temp: bool,
    /// Internal: run the hyper "hello" ceiling server on this port.
    #[arg(long, hide = true)]
    pub serve_hello: Option<u16>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(port) = args.serve_hello {
        return hello::serve_blocking(port);
    }
    for name in &args.only {
        if !scenarios::ALL.contains(&name.as_str()) {
            anyhow::bail!(
                "unknown scenario {name:?}; choose from {}",
                scenarios::ALL.join(",")
            );
        }
    }
    // Pin before the runtime starts so every worker thread inherits the mask.
    let cpus: Vec<usize> = server::allowed_cpus();
    let (pin, pin_note): (Option<(usize, usize)>, String) = if args.no_pin {
        (None, "off (--no-pin)".to_owned())
    } else if args.url.is_some() {
        (
            None,
            "off (--url: the server is not started by qc-bench)".to_owned(),
        )
    } else if cpus.len() < 2 {
        (None, "off (fewer than 2 CPUs allowed)".to_owned())
    } else if !server::taskset_available() {
        (None, "off (taskset not found)".to_owned())
    } else {
        let (s, c) = (cpus[0], cpus[1]);
        match server::pin_self(c) {
            Ok(()) => (
                Some((s, c)),
                format!(
                    "server and reference servers on CPU {s} (taskset), qc-bench on CPU {c} \
                     (sched_setaffinity); the server may use both while accounts are seeded"
                ),
            ),
            Err(e) => (None, format!("off (sched_setaffinity failed: {e})")),
        }
    };
    let pin_note = format!("{pin_note}; CPUs allowed: {cpus:?}");
    let nofile = server::raise_nofile(200_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(args, pin, pin_note, nofile))
}

fn selected(args: &Args, name: &str) -> bool {
    args.only.is_empty() || args.only.iter().any(|n| n == name)
}

async fn run_scenario(b: &mut Bench, name: &str) -> anyhow::Result<Vec<Row>> {
    match name {
        "catalog" => scenarios::catalog::run(b).await,
        "search" => scenarios::search::run(b).await,
        "orders" => scenarios::orders::run(b).await,
        "race" => scenarios::race::run(b).await,
        "idle" => scenarios::idle::run(b).await,
        "fanout" => scenarios::fanout::run(b).await,
        "dispatch" => scenarios::dispatch::run(b).await,
        "dispatch-auto" => scenarios::dispatch_auto::run(b).await,
        "flood" => scenarios::flood::run(b).await,
        "stores" => scenarios::stores::run(b).await,
        "city" => scenarios::city::run(b).await,
        _ => Ok(Vec::new()),
    }
}

/// Seed, start the server, and measure scenario 7 (start-to-ready, idle RSS).
async fn start_server(
    args: &Args,
    http: &reqwest::Client,
    dir: &Path,
    pin: Option<(usize, usize)>,
    rows: &mut Vec<Row>,
    meta: &mut Map<String, Value>,
) -> anyhow::Result<(server::Proc, String, f64)> {
    let bin = server::find_server_bin(args.server_bin.as_ref())?;
    meta.insert("serverBin".into(), json!(bin.display().to_string()));
    let port = server::free_port()?;
    let log = args.server_log.as_str();
    let t0 = Instant::now();
    for cli in [
        vec!["seed"],
        vec!["create-admin", "--email", server::ADMIN_EMAIL],
    ] {
        let status = server::server_command(
            &bin,
            dir,
            port,
            log,
            None,
            args.database_url.as_deref(),
            args.redis_url.as_deref(),
        )?
        .args(&cli)
        .status()?;
        if !status.success() {
            anyhow::bail!(
                "`quickcommerce {}` failed:\n{}",
                cli.join(" "),
                server::log_tail(dir)
            );
        }
    }
    let seed_secs = t0.elapsed().as_secs_f64();
    // Started on both cores (qc-bench itself is pinned to one), narrowed after start-up.
    let both: Option<String> = pin.map(|(s, c)| format!("{s},{c}"));
    let spawned = Instant::now();
    let mut serve = server::server_command(
        &bin,
        dir,
        port,
        log,
        both.as_deref(),
        args.database_url.as_deref(),
        args.redis_url.as_deref(),
    )?;
    serve.arg("serve");
    let mut p = server::Proc::spawn("the server", serve)?;
    let base = format!("http://127.0.0.1:{port}");
    let ready_url = format!("{base}/health/ready");
    let Some(ready) = server::wait_ready(http, &ready_url, spawned, Duration::from_secs(30)).await
    else {
        p.stop();
        anyhow::bail!(
            "the server did not become ready:\n{}",
            server::log_tail(dir)
        );
    };
    if selected(args, "startup") {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss = server::rss_kb(p.pid);
        let ms = ready.as_secs_f64() * 1000.0;
        let mut row = Row::new(
            "7 idle server",
            "quickcommerce",
            "",
            "idle RSS <= 20 MB, start-to-ready <= 200 ms",
        );
        row.secs = ready.as_secs_f64();
        row.server_rss_kb = rss;
        row.set("startToReadyMs", json!((ms * 10.0).round() / 10.0));
        row.set("idleRssKb", json!(rss));
        row.goal_met = rss.map(|kb| kb <= 20 * 1024 && ms <= 200.0);
        row.notes.push(format!(
            "start-to-ready {ms:.1} ms: spawn to the first 200 from /health/ready, on a migrated \
             and seeded database; idle RSS {:.1} MB one second later",
            rss.unwrap_or(0) as f64 / 1024.0
        ));
        rows.push(row);
    }
    Ok((p, base, seed_secs))
}

async fn run(
    args: Args,
    pin: Option<(usize, usize)>,
    pin_note: String,
    nofile: u64,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(1024)
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(3))
        .timeout(Duration::from_secs(10))
        .build()?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let temp = std::env::temp_dir().join(format!("qc-bench-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&temp)?;
    println!("qc-bench ({})", if args.smoke { "smoke" } else { "full" });
    println!("  pinning: {pin_note}");
    println!("  open files limit: {nofile}; temp dir: {}", temp.display());
    let mut meta: Map<String, Value> = Map::new();
    meta.insert("smoke".into(), json!(args.smoke));
    meta.insert("pinning".into(), json!(pin_note));
    meta.insert("openFilesLimit".into(), json!(nofile));
    meta.insert("only".into(), json!(args.only));

    let mut rows: Vec<Row> = Vec::new();
    let mut server_proc: Option<server::Proc> = None;
    let mut seed_secs = 0.0;
    let base: String = match &args.url {
        Some(u) => {
            let u = u.trim_end_matches('/').to_owned();
            if !(u.starts_with("http://127.") || u.starts_with("http://localhost")) {
                anyhow::bail!("--url must be a loopback address (http://127.0.0.1:PORT)");
            }
            u
        }
        None => {
            let (p, base, secs) =
                start_server(&args, &http, &temp, pin, &mut rows, &mut meta).await?;
            server_proc = Some(p);
            seed_secs = secs;
            base
        }
    };
    meta.insert("base".into(), json!(base));
    let pid = server_proc.as_ref().map(|p| p.pid).or(args.server_pid);
    let owns = server_proc.is_some();
    let mut b = Bench::new(args.clone(), base, http, pid, pin, owns, nofile);
    if owns {
        b.setup.push((
            "migrate, seed 180 products, create-admin (CLI)".to_owned(),
            seed_secs,
        ));
    }
    b.measure_mode();
    b.remember_home_store().await;

    for name in scenarios::ALL {
        if name == "startup" || !selected(&args, name) {
            continue;
        }
        println!("== {name}");
        // A safety net: every loop inside is bounded by its own duration and timeouts.
        let budget = Duration::from_secs(match name {
            // Ten minutes of load, then its setup (thousands of registrations) and grace.
            "city" => b.args.city_secs.unwrap_or(b.pick(600, 5)) + b.pick(900, 180),
            _ => b.pick(420, 120),
        });
        match tokio::time::timeout(budget, run_scenario(&mut b, name)).await {
            Ok(Ok(mut r)) => rows.append(&mut r),
            Ok(Err(e)) => {
                eprintln!("  {name} failed: {e:#}");
                rows.push(Row::failed(name, &format!("{e:#}")));
            }
            Err(_) => rows.push(Row::failed(name, "time budget exceeded")),
        }
        if let Some(p) = server_proc.as_mut()
            && !p.alive()
        {
            rows.push(Row::failed(
                name,
                &format!("the server exited:\n{}", server::log_tail(&temp)),
            ));
            break;
        }
    }
    b.stop_relay();
    if let Some(mut p) = server_proc.take() {
        p.stop();
    }

    report::print_table(&rows);
    let total: f64 = b.setup.iter().map(|(_, s)| *s).sum();
    println!("\nsetup, not part of any figure: {total:.1} s");
    for (step, secs) in &b.setup {
        println!("  {step}: {secs:.1} s");
    }
    let retried = setup::OVERLOAD_RETRIES.load(std::sync::atomic::Ordering::Relaxed);
    if retried > 0 {
        println!(
            "requests asked again after 503 overloaded (set-up and scenarios that retry): {retried}"
        );
    }
    meta.insert("overloadRetries".into(), json!(retried));
    let text = serde_json::to_string_pretty(&report::to_json(&meta, &b.setup, &rows))?;
    println!("\n--- JSON ---\n{text}");
    if let Some(path) = &args.json_out {
        std::fs::write(path, &text)?;
        println!("JSON written to {}", path.display());
    }
    if !args.keep_temp {
        let _ = std::fs::remove_dir_all(&temp);
    }
    Ok(())
}
