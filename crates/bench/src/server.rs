//! Child processes (the server, the reference relay, the hello server), CPU pinning,
//! open-files limit, and RSS / CPU sampling from /proc.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The JWT secret of a server qc-bench starts (the reference relay verifies with it too).
pub const JWT_SECRET: &str = "qc-bench-jwt-secret-0123456789-abcdefghij";
pub const ADMIN_EMAIL: &str = "bench-admin@bench.example.com";
pub const ADMIN_PASSWORD: &str = "bench-admin-password-123";

/// A child process, stopped (SIGTERM, then SIGKILL after 5 s) when dropped.
pub struct Proc {
    pub pid: u32,
    child: Child,
}

impl Proc {
    pub fn spawn(what: &str, mut cmd: Command) -> anyhow::Result<Proc> {
        let child = cmd
            .spawn()
            .with_context(|| format!("could not start {what}"))?;
        Ok(Proc {
            pid: child.id(),
            child,
        })
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn stop(&mut self) {
        if !self.alive() {
            return;
        }
        let pid = nix::unistd::Pid::from_raw(self.pid as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        for _ in 0..250 {
            if !self.alive() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// `program`, run under `taskset -c CPUS` when `cpus` is given.
pub fn pinned_command(cpus: Option<&str>, program: &Path) -> Command {
    match cpus {
        Some(c) => {
            let mut cmd = Command::new("taskset");
            cmd.arg("-c").arg(c).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

fn quiet(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn taskset_available() -> bool {
    quiet(Command::new("taskset").arg("--version"))
}

/// Move every thread of `pid` to `cpus` (e.g. "0" or "0,1").
pub fn repin(pid: u32, cpus: &str) -> bool {
    let pid = pid.to_string();
    quiet(Command::new("taskset").args(["-a", "-p", "-c", cpus, pid.as_str()]))
}

/// The CPUs this process may run on.
pub fn allowed_cpus() -> Vec<usize> {
    match nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0)) {
        Ok(set) => (0..nix::sched::CpuSet::count())
            .filter(|i| set.is_set(*i).unwrap_or(false))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Pin this process to one CPU (before the runtime starts: workers inherit it).
pub fn pin_self(cpu: usize) -> anyhow::Result<()> {
    let mut set = nix::sched::CpuSet::new();
    set.set(cpu)?;
    nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &set)?;
    Ok(())
}

/// Raise the soft open-files limit to `want` (else to the hard limit); the soft limit
/// in force afterwards. Children started later inherit it.
pub fn raise_nofile(want: u64) -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 1024;
    };
    if soft >= want {
        soft
    } else if setrlimit(Resource::RLIMIT_NOFILE, want, hard.max(want)).is_ok() {
        want
    } else if setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        hard
    } else {
        soft
    }
}

/// VmRSS of /proc/PID/status, KiB.
pub fn rss_kb(pid: u32) -> Option<u64> {
    status_field(&status(pid)?, "VmRSS:")
}

/// VmRSS and RssFile of /proc/PID/status, KiB, from one read. RssFile is the part of RSS
/// that is file pages mapped into the process (its binary and libraries, SQLite's WAL
/// index, and the database file itself if SQLite is set to memory-map it), shared with
/// the kernel's page cache rather than allocated by the process.
pub fn rss_and_file_kb(pid: u32) -> Option<(u64, u64)> {
    let text = status(pid)?;
    Some((
        status_field(&text, "VmRSS:")?,
        status_field(&text, "RssFile:")?,
    ))
}

fn status(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status")).ok()
}

fn status_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// utime + stime of /proc/PID/stat (fields 14 and 15), clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = text[text.rfind(')')? + 1..].split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// CPU time of one process over an interval, in percent of one core.
pub struct CpuMeter {
    pid: Option<u32>,
    start: Instant,
    ticks: Option<u64>,
}

impl CpuMeter {
    pub fn start(pid: Option<u32>) -> CpuMeter {
        CpuMeter {
            pid,
            start: Instant::now(),
            ticks: pid.and_then(cpu_ticks),
        }
    }

    pub fn percent(&self) -> Option<f64> {
        let used = cpu_ticks(self.pid?)?.saturating_sub(self.ticks?);
        // USER_HZ is 100 on Linux.
        Some(used as f64 / 100.0 / self.start.elapsed().as_secs_f64().max(1e-3) * 100.0)
    }
}

/// The flag, else target/release/quickcommerce, else target/debug/quickcommerce, else
/// next to qc-bench.
pub fn find_server_bin(flag: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    let mut tries: Vec<PathBuf> = Vec::new();
    match flag {
        Some(p) => tries.push(p.clone()),
        None => {
            tries.push(PathBuf::from("target/release/quickcommerce"));
            tries.push(PathBuf::from("target/debug/quickcommerce"));
            if let Ok(exe) = std::env::current_exe() {
                tries.push(exe.with_file_name("quickcommerce"));
            }
        }
    }
    match tries.iter().find(|p| p.is_file()) {
        Some(p) => Ok(p.canonicalize()?),
        None => bail!("no server binary in {tries:?}: `cargo build --release -p quickcommerce`"),
    }
}

/// The server on `database` (default: a fresh SQLite file in `dir`) and, with `redis`,
/// the Redis adapter; output appended to dir/server.log.
pub fn server_command(
    bin: &Path,
    dir: &Path,
    port: u16,
    log: &str,
    cpus: Option<&str>,
    database: Option<&str>,
    redis: Option<&str>,
) -> anyhow::Result<Command> {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))?;
    let err = out.try_clone()?;
    let mut cmd = pinned_command(cpus, bin);
    cmd.current_dir(dir)
        .env("APP_ENV", "test")
        .env("PORT", port.to_string())
        .env(
            "DATABASE_URL",
            database.map_or_else(
                || format!("sqlite://{}/bench.db", dir.display()),
                str::to_owned,
            ),
        )
        .env("QC_DATA_DIR", dir)
        .env("QC_WEB_DIR", dir.join("no-web"))
        .env("JWT_SECRET", JWT_SECRET)
        .env("QC_MAX_ACTIVE_ORDERS", "1000000")
        .env("QC_LOGIN_MAX_FAILURES", "1000000")
        // Load from a few addresses and accounts: the per-address and per-customer
        // limits (and the pending-order timeout) would measure themselves instead.
        .env("QC_REGISTRATIONS_PER_HOUR", "0")
        .env("QC_ORDERS_PER_MIN", "0")
        .env("QC_MAX_OPEN_ORDERS", "0")
        .env("QC_SOCKET_HANDSHAKES_PER_MIN", "0")
        .env("QC_SOCKET_REFUSED_PER_MIN", "0")
        .env("QC_MAX_SOCKETS_PER_USER", "1000000")
        .env("QC_PENDING_TIMEOUT_MIN", "1440")
        .env("QC_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", log)
        .env_remove("REDIS_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    if let Some(url) = redis {
        cmd.env("REDIS_URL", url);
    }
    Ok(cmd)
}

/// The last lines of dir/server.log.
pub fn log_tail(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// Poll `url` until it answers 200: the time since `since`, or `None` after `limit`.
pub async fn wait_ready(
    client: &reqwest::Client,
    url: &str,
    since: Instant,
    limit: Duration,
) -> Option<Duration> {
    while since.elapsed() < limit {
        let res = client
            .get(url)
            .timeout(Duration::from_millis(500))
            .send()
            .await;
        if res.is_ok_and(|r| r.status().as_u16() == 200) {
            return Some(since.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    None
}
