//! What the scenarios share: the target, the HTTP pool, seeded users and products,
//! pinning, scale, and the reference relay.

use crate::report::Row;
use crate::server::{self, CpuMeter, Proc};
use crate::setup::{self, User};
use anyhow::bail;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

pub struct Bench {
    pub args: crate::Args,
    pub base: String,
    pub http: reqwest::Client,
    pub server_pid: Option<u32>,
    /// (server CPU, qc-bench CPU) when pinned apart.
    pub pin: Option<(usize, usize)>,
    pub owns_server: bool,
    pub addrs: Vec<IpAddr>,
    pub nofile: u64,
    pub run_id: String,
    pub categories: Vec<String>,
    pub stock_products: Vec<String>,
    pub customers: Vec<User>,
    pub partners: Vec<User>,
    pub setup: Vec<(String, f64)>,
    /// The store the server started with: new partners' home (registration names one
    /// once scenarios have added stores).
    pub home_store: Option<String>,
    admin_token: Option<String>,
    extra_done: bool,
    main_ready: bool,
    relay: Option<(Proc, String)>,
    relay_error: Option<String>,
}

/// Server and qc-bench CPU over one measurement; RSS at the end.
pub struct Meters {
    server: CpuMeter,
    client: CpuMeter,
    pid: Option<u32>,
}

impl Meters {
    pub fn finish(&self, row: &mut Row) {
        row.server_cpu_pct = self.server.percent();
        row.client_cpu_pct = self.client.percent();
        row.server_rss_kb = self.pid.and_then(server::rss_kb);
    }
}

impl Bench {
    pub fn new(
        args: crate::Args,
        base: String,
        http: reqwest::Client,
        server_pid: Option<u32>,
        pin: Option<(usize, usize)>,
        owns_server: bool,
        nofile: u64,
    ) -> Bench {
        let addrs = (0..args.source_addrs.clamp(1, 200))
            .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, (2 + i) as u8)))
            .collect();
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let run_id = format!("{:x}{:x}", secs % 0x100_0000, std::process::id() % 0x1000);
        Bench {
            args,
            base,
            http,
            server_pid,
            pin,
            owns_server,
            addrs,
            nofile,
            run_id,
            categories: Vec::new(),
            stock_products: Vec::new(),
            customers: Vec::new(),
            partners: Vec::new(),
            setup: Vec::new(),
            home_store: None,
            admin_token: None,
            extra_done: false,
            main_ready: false,
            relay: None,
            relay_error: None,
        }
    }

    /// The full-run value, or the smoke-run value with --smoke.
    pub fn pick<T>(&self, full: T, smoke: T) -> T {
        if self.args.smoke { smoke } else { full }
    }

    /// Length of the timed scenarios.
    pub fn duration(&self) -> Duration {
        Duration::from_secs(self.args.duration_secs.unwrap_or(self.pick(10, 2)).max(1))
    }

    /// The server's CPU (the relay and hello servers run there too) when pinning.
    pub fn server_cpu(&self) -> Option<String> {
        self.pin.map(|(s, _)| s.to_string())
    }

    fn repin(&self, both: bool) {
        if let (Some((s, c)), Some(pid), true) = (self.pin, self.server_pid, self.owns_server) {
            let cpus = if both {
                format!("{s},{c}")
            } else {
                s.to_string()
            };
            server::repin(pid, &cpus);
        }
    }

    /// The server on its own core, for measuring.
    pub fn measure_mode(&self) {
        self.repin(false);
    }

    /// The server on both cores while accounts are seeded (argon2 is slow by design).
    pub fn setup_mode(&self) {
        self.repin(true);
    }

    pub fn meters(&self, pid: Option<u32>) -> Meters {
        Meters {
            server: CpuMeter::start(pid),
            client: CpuMeter::start(Some(std::process::id())),
            pid,
        }
    }

    pub fn note_setup(&mut self, step: String, since: Instant) {
        let secs = since.elapsed().as_secs_f64();
        println!("  setup: {step} ({secs:.1} s)");
        self.setup.push((step, secs));
    }

    /// At least `n` accounts of `role` ("customer" or "delivery", partners available).
    pub async fn ensure_users(&mut self, role: &str, n: usize) -> anyhow::Result<()> {
        let have = if role == "delivery" {
            self.partners.len()
        } else {
            self.customers.len()
        };
        if have >= n {
            return Ok(());
        }
        let admin = if role == "delivery" {
            Some(self.admin_token().await?)
        } else {
            None
        };
        let home = match role {
            "delivery" => self.home_store.clone(),
            _ => None,
        };
        self.setup_mode();
        let t0 = Instant::now();
        let prefix = format!("bench-{}-{}", self.run_id, &role[..1]);
        let r = setup::register_many(
            &self.http,
            &self.base,
            &prefix,
            role,
            have,
            n - have,
            (admin.as_deref(), home.as_deref()),
        )
        .await;
        self.measure_mode();
        if role == "delivery" {
            self.partners.extend(r?);
        } else {
            self.customers.extend(r?);
        }
        self.note_setup(format!("register {} {role} accounts", n - have), t0);
        Ok(())
    }

    /// The store a fresh server starts with takes every order whatever the wait
    /// (`maxPromiseMinutes: 0`): the load comes with no rider online, and a busy store
    /// would measure its refusals.
    pub async fn ensure_main_store(&mut self) -> anyhow::Result<()> {
        if self.main_ready {
            return Ok(());
        }
        let admin = self.admin_token().await?;
        for id in self.store_ids(&admin).await? {
            let url = format!("{}/api/admin/stores/{id}", self.base);
            let body = serde_json::json!({"settings": {"maxPromiseMinutes": 0}});
            let put = reqwest::Method::PUT;
            setup::call(&self.http, put, &url, Some(&admin), Some(&body), 200).await?;
        }
        self.main_ready = true;
        Ok(())
    }

    /// A new store (`body` for `POST /api/admin/stores`) holding a million of each of the
    /// order products; its id.
    pub async fn stocked_store(
        &self,
        admin: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<String> {
        let url = format!("{}/api/admin/stores", self.base);
        let post = reqwest::Method::POST;
        let v = setup::call(&self.http, post.clone(), &url, Some(admin), Some(body), 201).await?;
        let id = v["store"]["id"].as_str().unwrap_or_default().to_owned();
        for product in &self.stock_products {
            let url = format!("{}/api/admin/products/{product}/stock", self.base);
            let body = serde_json::json!({"storeId": id, "set": 1_000_000, "reason": "bench"});
            setup::call(
                &self.http,
                post.clone(),
                &url,
                Some(admin),
                Some(&body),
                200,
            )
            .await?;
        }
        Ok(id)
    }

    /// The stores' ids, as the admin API lists them.
    async fn store_ids(&self, admin: &str) -> anyhow::Result<Vec<String>> {
        let url = format!("{}/api/admin/stores", self.base);
        let get = reqwest::Method::GET;
        let v = setup::call(&self.http, get, &url, Some(admin), None, 200).await?;
        Ok(v["stores"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str().map(str::to_owned))
            .collect())
    }

    /// Remember the first store the server lists (before any scenario adds one).
    pub async fn remember_home_store(&mut self) {
        let Ok(admin) = self.admin_token().await else {
            return;
        };
        self.home_store = self
            .store_ids(&admin)
            .await
            .ok()
            .and_then(|ids| ids.into_iter().next());
    }

    /// The server's Prometheus text (`/metrics`, read with the admin's token).
    pub async fn metrics_text(&mut self) -> anyhow::Result<String> {
        let admin = self.admin_token().await?;
        let url = format!("{}/metrics", self.base);
        let r = self.http.get(url).bearer_auth(admin).send().await?;
        Ok(r.text().await?)
    }

    /// An admin's token (signed in once).
    pub async fn admin_token(&mut self) -> anyhow::Result<String> {
        if let Some(t) = &self.admin_token {
            return Ok(t.clone());
        }
        let (email, pw) = if self.owns_server {
            (
                server::ADMIN_EMAIL.to_owned(),
                server::ADMIN_PASSWORD.to_owned(),
            )
        } else {
            match (&self.args.admin_email, &self.args.admin_password) {
                (Some(e), Some(p)) => (e.clone(), p.clone()),
                _ => bail!("with --url, seeding needs --admin-email and --admin-password"),
            }
        };
        let t = setup::login(&self.http, &self.base, &email, &pw)
            .await?
            .token;
        self.admin_token = Some(t.clone());
        Ok(t)
    }

    /// The categories' slugs (read once).
    pub async fn ensure_categories(&mut self, admin: &str) -> anyhow::Result<()> {
        if self.categories.is_empty() {
            let url = format!("{}/api/admin/categories", self.base);
            let v = setup::call(
                &self.http,
                reqwest::Method::GET,
                &url,
                Some(admin),
                None,
                200,
            )
            .await?;
            let list: Vec<String> = v["categories"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c["slug"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if list.is_empty() {
                bail!("the server has no categories");
            }
            self.categories = list;
        }
        Ok(())
    }

    /// Products with a large stock for the orders, and (`extra`, once) the catalog's
    /// extra products, through the admin API.
    pub async fn ensure_catalog(&mut self, extra: bool) -> anyhow::Result<()> {
        let need_extra = extra && !self.extra_done;
        if !self.stock_products.is_empty() && !need_extra {
            return Ok(());
        }
        let t0 = Instant::now();
        self.ensure_main_store().await?;
        let admin = self.admin_token().await?;
        self.ensure_categories(&admin).await?;
        let mut made = 0;
        if self.stock_products.is_empty() {
            let n: usize = self.pick(20, 4);
            let bodies = (0..n)
                .map(|i| setup::product_body(&self.run_id, i, &self.categories[0], true))
                .collect();
            self.stock_products =
                setup::create_products(&self.http, &self.base, &admin, bodies).await?;
            made += n;
        }
        if need_extra {
            let n: usize = self.args.extra_products.unwrap_or(self.pick(900, 30));
            let cats = &self.categories;
            let bodies = (0..n)
                .map(|i| setup::product_body(&self.run_id, i, &cats[i % cats.len()], false))
                .collect();
            setup::create_products(&self.http, &self.base, &admin, bodies).await?;
            self.extra_done = true;
            made += n;
        }
        self.note_setup(format!("create {made} products (admin API)"), t0);
        Ok(())
    }

    /// The reference Node.js relay, started on first use: (base URL, pid).
    pub async fn relay(&mut self) -> Result<(String, u32), String> {
        if let Some((p, base)) = &self.relay {
            return Ok((base.clone(), p.pid));
        }
        if self.relay_error.is_none() {
            match self.start_relay().await {
                Ok((p, base)) => {
                    let out = (base.clone(), p.pid);
                    self.relay = Some((p, base));
                    return Ok(out);
                }
                Err(e) => self.relay_error = Some(format!("{e:#}")),
            }
        }
        Err(self.relay_error.clone().unwrap_or_default())
    }

    async fn start_relay(&mut self) -> anyhow::Result<(Proc, String)> {
        let dir: PathBuf = match &self.args.reference_dir {
            Some(d) => d.clone(),
            None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/reference")),
        };
        if !dir.join("node_modules").is_dir() {
            let t0 = Instant::now();
            let mut npm = std::process::Command::new("npm");
            npm.args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir);
            if !npm.stdout(Stdio::null()).status()?.success() {
                bail!("`npm ci` failed in {}", dir.display());
            }
            self.note_setup("npm ci (reference relay)".to_owned(), t0);
        }
        let port = server::free_port()?;
        let cpu = self.server_cpu();
        let mut cmd = server::pinned_command(cpu.as_deref(), Path::new("node"));
        let secret = match (self.owns_server, &self.args.jwt_secret) {
            (true, _) => server::JWT_SECRET.to_owned(),
            (false, s) => s.clone().unwrap_or_default(),
        };
        cmd.arg("relay.mjs")
            .current_dir(&dir)
            .env("RELAY_PORT", port.to_string())
            .env("RELAY_JWT_SECRET", secret)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let p = Proc::spawn("node (is Node.js installed?)", cmd)?;
        let base = format!("http://127.0.0.1:{port}");
        let url = format!("{base}/health/ready");
        if server::wait_ready(&self.http, &url, Instant::now(), Duration::from_secs(15))
            .await
            .is_none()
        {
            bail!("the node relay did not become ready");
        }
        Ok((p, base))
    }

    pub fn stop_relay(&mut self) {
        if let Some((mut p, _)) = self.relay.take() {
            p.stop();
        }
    }

    /// Sockets qc-bench may hold at once (one descriptor each, with a margin).
    pub fn socket_budget(&self) -> usize {
        self.nofile.saturating_sub(1_024) as usize
    }
}
