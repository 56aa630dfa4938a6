//! Results: one row per scenario and target, printed as a table and as JSON.

use crate::stats::Summary;
use serde::Serialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub scenario: String,
    /// `quickcommerce`, `hyper hello (ceiling)`, `node socket.io relay`, `brief (stated)`.
    pub target: String,
    pub ops: u64,
    pub errors: u64,
    pub secs: f64,
    pub throughput: Option<f64>,
    pub unit: String,
    pub latency: Option<Summary>,
    pub server_rss_kb: Option<u64>,
    pub server_cpu_pct: Option<f64>,
    pub client_cpu_pct: Option<f64>,
    /// Printed next to the result as a target; never asserted.
    pub goal: String,
    pub goal_met: Option<bool>,
    pub extra: Map<String, Value>,
    pub notes: Vec<String>,
}

impl Row {
    pub fn new(scenario: &str, target: &str, unit: &str, goal: &str) -> Row {
        Row {
            scenario: scenario.to_owned(),
            target: target.to_owned(),
            ops: 0,
            errors: 0,
            secs: 0.0,
            throughput: None,
            unit: unit.to_owned(),
            latency: None,
            server_rss_kb: None,
            server_cpu_pct: None,
            client_cpu_pct: None,
            goal: goal.to_owned(),
            goal_met: None,
            extra: Map::new(),
            notes: Vec::new(),
        }
    }

    /// A scenario that could not run.
    pub fn failed(scenario: &str, why: &str) -> Row {
        let mut r = Row::new(scenario, "quickcommerce", "", "-");
        r.errors = 1;
        r.notes.push(format!("did not run: {why}"));
        r
    }

    pub fn set(&mut self, key: &str, value: Value) {
        self.extra.insert(key.to_owned(), value);
    }

    pub fn p99(&self) -> Option<f64> {
        self.latency.as_ref().map(|s| s.p99_ms)
    }

    /// `goal_met` from a throughput floor and a p99 ceiling (and no errors).
    pub fn judge(&mut self, min_throughput: f64, max_p99_ms: f64) {
        self.goal_met = match (self.throughput, self.p99()) {
            (Some(t), Some(p)) => Some(t >= min_throughput && p <= max_p99_ms && self.errors == 0),
            _ => Some(false),
        };
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}"))
        .unwrap_or_else(|| "-".to_owned())
}

pub fn print_table(rows: &[Row]) {
    let head = [
        "scenario",
        "target",
        "throughput",
        "unit",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "RSS MB",
        "CPU%",
        "cli%",
        "met",
    ];
    let mut lines: Vec<[String; 13]> = vec![head.map(|h| h.to_owned())];
    for r in rows {
        let l = r.latency.as_ref();
        lines.push([
            r.scenario.clone(),
            r.target.clone(),
            num(r.throughput),
            r.unit.clone(),
            num(l.map(|s| s.p50_ms)),
            num(l.map(|s| s.p90_ms)),
            num(l.map(|s| s.p99_ms)),
            num(l.map(|s| s.max_ms)),
            r.errors.to_string(),
            num(r.server_rss_kb.map(|kb| kb as f64 / 1024.0)),
            num(r.server_cpu_pct),
            num(r.client_cpu_pct),
            match r.goal_met {
                Some(true) => "yes".to_owned(),
                Some(false) => "NO".to_owned(),
                None => "-".to_owned(),
            },
        ]);
    }
    let widths: Vec<usize> = (0..13)
        .map(|i| lines.iter().map(|l| l[i].len()).max().unwrap_or(0))
        .collect();
    println!();
    for (n, l) in lines.iter().enumerate() {
        let cells: Vec<String> = (0..13)
            .map(|i| match i {
                0 | 1 => format!("{:<w$}", l[i], w = widths[i]),
                _ => format!("{:>w$}", l[i], w = widths[i]),
            })
            .collect();
        let goal = if n == 0 {
            "goal"
        } else {
            rows[n - 1].goal.as_str()
        };
        println!("{}  {goal}", cells.join(" "));
    }
    println!();
    for r in rows
        .iter()
        .filter(|r| !r.extra.is_empty() || !r.notes.is_empty())
    {
        println!(
            "[{} / {}] {}",
            r.scenario,
            r.target,
            Value::Object(r.extra.clone())
        );
        for n in &r.notes {
            println!("  - {n}");
        }
    }
}

pub fn to_json(meta: &Map<String, Value>, setup: &[(String, f64)], rows: &[Row]) -> Value {
    let setup: Vec<Value> = setup
        .iter()
        .map(|(s, t)| json!({"step": s, "secs": t}))
        .collect();
    json!({"tool": "qc-bench", "meta": meta, "setup": setup, "results": rows})
}
