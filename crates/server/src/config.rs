//! Configuration from the environment (and a `.env` file), with the brief's variable names.
//!
//! Read once at start-up into an immutable [`Config`]; nothing else reads the environment.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the platform runs: development generates what it lacks, production refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
    Test,
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long a customer has to answer a dearer substitute before it is refunded.
    pub substitution_approval: Duration,
    /// Map tiles for the web app (`{z}/{x}/{y}` template) and their attribution.
    pub map_tile_url: Option<String>,
    pub map_tile_attribution: Option<String>,
    /// Outgoing mail (`smtp://user:pass@host:port`, `smtps://…`, or `smtp://…?tls=required`);
    /// without it, mails (password links) are written to the log.
    pub smtp_url: Option<Dsn>,
    /// Webhooks may target loopback and private addresses (development and tests only).
    pub webhook_allow_private: bool,
    /// The first retry's wait; later ones double (up to an hour), for 24 hours.
    pub webhook_retry_base: Duration,
    /// How long a claimed delivery is its worker's (then any instance tries again).
    pub webhook_lease: Duration,
    /// An endpoint whose every delivery failed this long is switched off (3 days).
    pub webhook_disable_after: Duration,
    /// Calls one API key may make per minute (0: no limit).
    pub api_key_rate_per_minute: u32,
    /// The sender of outgoing mail.
    pub mail_from: String,
    /// Where links in mails point (`FRONTEND_URL`, else this server).
    pub public_url: String,
    pub env: AppEnv,
    pub port: u16,
    pub database_url: Dsn,
    pub data_dir: PathBuf,
    pub jwt_secret: Secret<Vec<u8>>,
    pub jwt_ttl: Duration,
    pub cors_origins: Vec<String>,
    pub frontend_url: Option<String>,
    pub web_dir: PathBuf,
    pub body_limit_bytes: usize,
    pub login_max_failures: u32,
    pub login_window: Duration,
    pub db_max_connections: u32,
    /// SQLite: write transactions that queue share one commit (`QC_DB_GROUP_COMMIT`,
    /// default on).
    pub db_group_commit: bool,
    pub fees: qc_domain::FeeRules,
    pub order_limits: qc_domain::OrderLimits,
    pub max_addresses: i64,
    /// Where the dark store is: orders are picked up here.
    pub store_location: qc_domain::GeoPoint,
    pub payout: qc_domain::PayoutRules,
    /// A partner may carry at most this many orders at once.
    pub max_active_orders: i64,
    /// Average rider speed for ETAs.
    pub rider_speed_kmh: f64,
    /// Largest Socket.io packet accepted (WebSocket and polling alike).
    pub socket_max_payload: usize,
    /// A store's watchers, and admins, hear its stock changes at most once per window
    /// (`QC_INVENTORY_WINDOW_MS`, default 1 s; 0: every change at once).
    pub inventory_window: Duration,
    /// Admins hear riders' positions at most once per window, each rider's latest, in
    /// one `fleet:positions` frame (`QC_FLEET_WINDOW_MS`, default 1 s; 0: every fix at
    /// once, still as `fleet:positions`).
    pub fleet_window: Duration,
    /// Bearer token that may read `/metrics` (besides admins).
    pub metrics_token: Option<Secret<String>>,
    /// With it, Socket.io runs on the Redis adapter (many instances).
    pub redis_url: Option<Dsn>,
    /// Prefix of every Redis channel and key of this deployment.
    pub redis_prefix: String,
    /// How long a request waits for a database connection before answering 503.
    pub db_acquire_timeout: Duration,
    /// How long the user behind a token is cached (0: off). Writes through this
    /// instance invalidate at once; the TTL bounds staleness across instances: 30 s by
    /// default for one instance on SQLite without `REDIS_URL` (every change to an account
    /// that revokes anything is made through it; the CLI only creates admins), else 1 s
    /// (PostgreSQL may have other instances, even without Redis during a rolling deploy).
    pub auth_cache_ttl: Duration,
    /// How long a catalog page is cached (0: off); same rule as `auth_cache_ttl`.
    pub catalog_cache_ttl: Duration,
    /// Customers' catalog searches answered from the in-memory index (`QC_SEARCH_INDEX`,
    /// default on; off also when `catalog_cache_ttl` is 0): see `app::search`.
    pub search_index: bool,
    /// How old the index and a store's shelf may grow before they are read again in the
    /// background (`QC_SEARCH_REFRESH_MS`): by default the catalog TTL with `REDIS_URL`
    /// (other instances write too), else 60 s (only the CLI writes beside this server).
    pub search_refresh: Duration,
    /// Catalog queries the cache could not answer that may run at once (0: no limit);
    /// more wait up to `catalog_queue_wait`, then are answered 429 `catalog_busy`, so a
    /// flood of searches cannot take the database and the CPU from orders.
    pub catalog_max_queries: usize,
    pub catalog_queue_wait: Duration,
    /// Admission under overload (`QC_OVERLOAD_LAG_MS`, default 100; 0: off): past half
    /// this queueing delay (the runtime's, or in front of the database) browsing is
    /// refused in part, past it new orders and registrations too, so the steps of orders
    /// already placed keep the instance (see `pressure`).
    pub overload_lag: Duration,
    /// The radius of the zone of the store created from `QC_STORE_LAT`/`QC_STORE_LNG`
    /// (a new database without the demo, or a single-store database migrated).
    pub service_radius_km: f64,
    /// A customer may have at most this many orders open at once (0: no limit).
    pub max_open_orders: i64,
    /// Orders a customer may place per minute (0: no limit).
    pub orders_per_minute: u32,
    /// A pending order nobody accepts within this is cancelled by the platform.
    pub pending_timeout: Duration,
    /// Sockets one user may hold on an instance; a new one closes the oldest.
    pub max_sockets_per_user: usize,
    /// An engine.io session that has not completed the Socket.io handshake (or was
    /// refused) is closed after this.
    pub socket_connect_timeout: Duration,
    /// New Socket.io handshakes per client address per minute (0: no limit).
    pub handshakes_per_minute: u32,
    /// Refused Socket.io handshakes (bad or missing token) per client address per
    /// minute; past it, new handshakes from that address get 429 for the rest of it.
    pub refused_handshakes_per_minute: u32,
    /// Registrations per client address per hour (0: no limit).
    pub registrations_per_hour: u32,
    /// Wrong current passwords per user (×4 per address) within the login window
    /// before password changes answer 429.
    pub password_max_failures: u32,
    /// Started with `--demo` (the demo data creates the stores); not an environment
    /// variable.
    pub demo: bool,
}

/// A value that never shows in logs or `Debug` output (the JWT secret, the metrics
/// token). Read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(pub T);

impl<T> Secret<T> {
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A connection URL (`DATABASE_URL`, `REDIS_URL`) whose password never shows in logs or
/// `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Dsn(pub String);

impl Dsn {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Dsn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // scheme://user:password@host… → scheme://user:<redacted>@host…
        let s = &self.0;
        let redacted = s.split_once("://").and_then(|(scheme, rest)| {
            let (userinfo, host) = rest.split_once('@')?;
            let user = userinfo.split(':').next().unwrap_or_default();
            userinfo
                .contains(':')
                .then(|| format!("{scheme}://{user}:<redacted>@{host}"))
        });
        write!(f, "{:?}", redacted.as_deref().unwrap_or(s))
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/quickcommerce.db";
const MIN_SECRET_BYTES: usize = 32;
/// Secrets copied from the brief or `.env.example`: never valid in production.
const KNOWN_DEFAULT_SECRETS: &[&str] = &[
    "your-super-secret-jwt-key-change-this-in-production-min-32-chars",
    "change-me",
    "changeme",
    "secret",
];

/// A source of variables: the process environment in production, a map in tests.
pub trait Vars {
    fn get(&self, key: &str) -> Option<String>;
}

/// The process environment, after `.env` has been loaded into it.
pub struct ProcessEnv;

impl Vars for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<S: std::hash::BuildHasher> Vars for std::collections::HashMap<&str, &str, S> {
    fn get(&self, key: &str) -> Option<String> {
        std::collections::HashMap::get(self, key).map(|v| (*v).to_owned())
    }
}

impl Config {
    /// Load `.env` (if present) and read the process environment.
    pub fn from_env() -> anyhow::Result<Config> {
        // A missing .env is normal; a malformed one is worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(e).context("could not read the .env file"),
        }
        Config::from_vars(&ProcessEnv)
    }

    /// Build the configuration from any variable source.
    pub fn from_vars(vars: &dyn Vars) -> anyhow::Result<Config> {
        let env = parse_env(vars)?;
        let port = match vars.get("PORT") {
            Some(p) => p
                .trim()
                .parse::<u16>()
                .with_context(|| format!("PORT must be a port number, got {p:?}"))?,
            None => 5000,
        };
        let database_url = match (vars.get("DATABASE_URL"), vars.get("MONGO_URI")) {
            (Some(url), _) => url,
            (None, Some(_)) => bail!(
                "MONGO_URI is set, but QuickCommerce does not use MongoDB. Set DATABASE_URL \
                 instead: sqlite://data/quickcommerce.db (the default, embedded) or \
                 postgres://user:pass@host/db, and remove MONGO_URI."
            ),
            (None, None) => DEFAULT_DATABASE_URL.to_owned(),
        };
        let data_dir = match vars.get("QC_DATA_DIR") {
            Some(d) => PathBuf::from(d),
            None => sqlite_parent_dir(&database_url).unwrap_or_else(|| PathBuf::from("data")),
        };
        let jwt_secret = jwt_secret(vars, env, &data_dir)?;
        let jwt_ttl = match vars.get("JWT_EXPIRES_IN") {
            Some(s) => parse_duration(&s).with_context(|| {
                format!("JWT_EXPIRES_IN must look like 7d, 12h, 30m or 3600; got {s:?}")
            })?,
            None => Duration::from_secs(7 * 24 * 3600),
        };
        let cors_origins = match vars.get("CORS_ORIGIN") {
            Some(list) => list
                .split(',')
                .map(|s| s.trim().trim_end_matches('/').to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            None if env == AppEnv::Production => Vec::new(),
            None => vec![
                "http://localhost:3000".to_owned(),
                "http://localhost:5173".to_owned(),
            ],
        };
        // One instance on its own SQLite file: nobody else changes accounts.
        let lone_sqlite = database_url.starts_with("sqlite:")
            && vars.get("REDIS_URL").is_none_or(|u| u.is_empty());
        Ok(Config {
            env,
            port,
            database_url: Dsn(database_url),
            data_dir,
            jwt_secret: Secret(jwt_secret),
            jwt_ttl,
            cors_origins,
            frontend_url: vars.get("FRONTEND_URL"),
            web_dir: PathBuf::from(
                vars.get("QC_WEB_DIR")
                    .unwrap_or_else(|| "web/dist".to_owned()),
            ),
            body_limit_bytes: parse_num(vars, "QC_BODY_LIMIT_BYTES", 64 * 1024)?,
            login_max_failures: parse_num(vars, "QC_LOGIN_MAX_FAILURES", 5)?,
            login_window: Duration::from_secs(parse_num(vars, "QC_LOGIN_WINDOW_SECS", 900)?),
            db_max_connections: parse_num(vars, "QC_DB_MAX_CONNECTIONS", 8)?,
            db_group_commit: !switched_off(vars, "QC_DB_GROUP_COMMIT"),
            fees: qc_domain::FeeRules {
                delivery_fee: qc_domain::Money(parse_num(vars, "QC_DELIVERY_FEE", 2_500)?),
                free_delivery_from: qc_domain::Money(parse_num(
                    vars,
                    "QC_FREE_DELIVERY_FROM",
                    19_900,
                )?),
            },
            order_limits: qc_domain::OrderLimits {
                max_lines: parse_num(vars, "QC_MAX_ORDER_LINES", 50)?,
                max_quantity: parse_num(vars, "QC_MAX_LINE_QUANTITY", 50)?,
            },
            max_addresses: parse_num(vars, "QC_MAX_ADDRESSES", 10)?,
            store_location: qc_domain::GeoPoint::parse(
                parse_num(vars, "QC_STORE_LAT", 19.0596)?,
                parse_num(vars, "QC_STORE_LNG", 72.8295)?,
            )
            .map_err(|e| anyhow::anyhow!("QC_STORE_LAT/QC_STORE_LNG: {e}"))?,
            payout: qc_domain::PayoutRules {
                base: qc_domain::Money(parse_num(vars, "QC_PAYOUT_BASE", 3_000)?),
                per_km: qc_domain::Money(parse_num(vars, "QC_PAYOUT_PER_KM", 1_000)?),
                max: qc_domain::Money(parse_num(vars, "QC_PAYOUT_MAX", 15_000)?),
            },
            max_active_orders: parse_num(vars, "QC_MAX_ACTIVE_ORDERS", 2)?,
            rider_speed_kmh: parse_num(vars, "QC_RIDER_SPEED_KMH", 20.0)?,
            socket_max_payload: parse_num(vars, "QC_SOCKET_MAX_PAYLOAD", 16 * 1024)?,
            inventory_window: Duration::from_millis(parse_num(
                vars,
                "QC_INVENTORY_WINDOW_MS",
                1_000,
            )?),
            fleet_window: Duration::from_millis(parse_num(vars, "QC_FLEET_WINDOW_MS", 1_000)?),
            metrics_token: vars.get("QC_METRICS_TOKEN").map(Secret),
            redis_url: vars.get("REDIS_URL").map(Dsn),
            redis_prefix: vars
                .get("QC_REDIS_PREFIX")
                .unwrap_or_else(|| "qc".to_owned()),
            db_acquire_timeout: Duration::from_millis(parse_num(
                vars,
                "QC_DB_ACQUIRE_TIMEOUT_MS",
                3_000,
            )?),
            auth_cache_ttl: Duration::from_millis(parse_num(
                vars,
                "QC_AUTH_CACHE_MS",
                if lone_sqlite { 30_000 } else { 1_000 },
            )?),
            catalog_cache_ttl: Duration::from_millis(parse_num(
                vars,
                "QC_CATALOG_CACHE_MS",
                5_000,
            )?),
            search_refresh: Duration::from_millis(parse_num(
                vars,
                "QC_SEARCH_REFRESH_MS",
                if vars.get("REDIS_URL").is_some_and(|u| !u.is_empty()) {
                    parse_num(vars, "QC_CATALOG_CACHE_MS", 5_000)?
                } else {
                    60_000
                },
            )?),
            search_index: !switched_off(vars, "QC_SEARCH_INDEX"),
            catalog_max_queries: parse_num(vars, "QC_CATALOG_MAX_QUERIES", 2)?,
            catalog_queue_wait: Duration::from_millis(parse_num(vars, "QC_CATALOG_QUEUE_MS", 250)?),
            overload_lag: Duration::from_millis(parse_num(vars, "QC_OVERLOAD_LAG_MS", 100)?),
            service_radius_km: parse_num(vars, "QC_SERVICE_RADIUS_KM", 8.0)?,
            max_open_orders: parse_num(vars, "QC_MAX_OPEN_ORDERS", 3)?,
            orders_per_minute: parse_num(vars, "QC_ORDERS_PER_MIN", 10)?,
            pending_timeout: minutes(parse_num(vars, "QC_PENDING_TIMEOUT_MIN", 30.0)?)
                .context("QC_PENDING_TIMEOUT_MIN must be a positive number of minutes")?,
            max_sockets_per_user: parse_num(vars, "QC_MAX_SOCKETS_PER_USER", 10)?,
            socket_connect_timeout: Duration::from_millis(
                parse_num(vars, "QC_SOCKET_CONNECT_TIMEOUT_MS", 5_000)?.max(200),
            ),
            handshakes_per_minute: parse_num(vars, "QC_SOCKET_HANDSHAKES_PER_MIN", 1_200)?,
            refused_handshakes_per_minute: parse_num(vars, "QC_SOCKET_REFUSED_PER_MIN", 60)?,
            registrations_per_hour: parse_num(vars, "QC_REGISTRATIONS_PER_HOUR", 20)?,
            password_max_failures: parse_num(vars, "QC_PASSWORD_MAX_FAILURES", 5)?,
            substitution_approval: Duration::from_secs(
                parse_num(vars, "QC_SUBSTITUTION_APPROVAL_SECS", 120_u64)?.clamp(1, 3_600),
            ),
            smtp_url: vars.get("SMTP_URL").map(Dsn),
            api_key_rate_per_minute: parse_num(vars, "QC_API_KEY_RATE_PER_MIN", 600)?,
            webhook_allow_private: matches!(
                vars.get("QC_WEBHOOK_ALLOW_PRIVATE")
                    .as_deref()
                    .map(str::trim),
                Some("true" | "1" | "yes")
            ),
            webhook_disable_after: Duration::from_secs(
                parse_num(vars, "QC_WEBHOOK_DISABLE_AFTER_SECS", 3 * 24 * 3600_u64)?.max(1),
            ),
            webhook_lease: Duration::from_millis(
                parse_num(vars, "QC_WEBHOOK_LEASE_MS", 60_000_u64)?.max(100),
            ),
            webhook_retry_base: Duration::from_millis(
                parse_num(vars, "QC_WEBHOOK_RETRY_BASE_MS", 5_000_u64)?.max(10),
            ),
            mail_from: vars
                .get("MAIL_FROM")
                .unwrap_or_else(|| "QuickCommerce <no-reply@quickcommerce.local>".to_owned()),
            public_url: vars
                .get("FRONTEND_URL")
                .unwrap_or_else(|| format!("http://localhost:{port}"))
                .trim_end_matches('/')
                .to_owned(),
            map_tile_url: vars.get("QC_MAP_TILE_URL"),
            map_tile_attribution: vars.get("QC_MAP_TILE_ATTRIBUTION"),
            demo: false,
        })
    }

    pub fn is_production(&self) -> bool {
        self.env == AppEnv::Production
    }
}

/// Minutes (fractions allowed, for tests) as a duration.
fn minutes(m: f64) -> Option<Duration> {
    (m.is_finite() && m > 0.0).then(|| Duration::from_secs_f64(m * 60.0))
}

fn parse_env(vars: &dyn Vars) -> anyhow::Result<AppEnv> {
    let raw = vars
        .get("APP_ENV")
        .or_else(|| vars.get("NODE_ENV"))
        .unwrap_or_else(|| "development".to_owned());
    match raw.trim().to_lowercase().as_str() {
        "development" | "dev" => Ok(AppEnv::Development),
        "production" | "prod" => Ok(AppEnv::Production),
        "test" => Ok(AppEnv::Test),
        other => bail!("APP_ENV/NODE_ENV must be development, production or test; got {other:?}"),
    }
}

/// A switch that is on unless set to `false`, `0`, `no` or `off`.
fn switched_off(vars: &dyn Vars, key: &str) -> bool {
    matches!(
        vars.get(key).as_deref().map(str::trim),
        Some("false" | "0" | "no" | "off")
    )
}

fn parse_num<T: std::str::FromStr>(vars: &dyn Vars, key: &str, default: T) -> anyhow::Result<T> {
    match vars.get(key) {
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{key} must be a number, got {v:?}")),
        None => Ok(default),
    }
}

/// The directory of a `sqlite://` database file, where the dev secret is kept too.
fn sqlite_parent_dir(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    let parent = Path::new(path).parent()?;
    Some(if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent.to_path_buf()
    })
}

/// Production: a strong secret must be given. Development: generate one and keep it.
fn jwt_secret(vars: &dyn Vars, env: AppEnv, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = vars.get("JWT_SECRET") {
        let weak = s.len() < MIN_SECRET_BYTES || KNOWN_DEFAULT_SECRETS.contains(&s.as_str());
        if weak && env == AppEnv::Production {
            bail!(
                "JWT_SECRET is too weak for production: use at least {MIN_SECRET_BYTES} random \
                 bytes that are not the example value (e.g. `openssl rand -hex 32`)"
            );
        }
        if weak {
            tracing::warn!("JWT_SECRET is short or an example value; fine for development only");
        }
        return Ok(s.into_bytes());
    }
    if env == AppEnv::Production {
        bail!("JWT_SECRET must be set in production (at least {MIN_SECRET_BYTES} random bytes)");
    }
    load_or_create_dev_secret(&data_dir.join("jwt-secret"))
}

fn load_or_create_dev_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if existing.len() >= MIN_SECRET_BYTES {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create the data directory {}", dir.display()))?;
    }
    let bytes: [u8; 32] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(path, &hex)
        .with_context(|| format!("could not write the development secret {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a development JWT secret");
    Ok(hex.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// `7d`, `12h`, `30m`, `45s` or plain seconds, as `jsonwebtoken`'s `expiresIn` takes.
pub fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, 'd')) => (&s[..i], 86_400),
        Some((i, 'h')) => (&s[..i], 3_600),
        Some((i, 'm')) => (&s[..i], 60),
        Some((i, 's')) => (&s[..i], 1),
        _ => (s, 1),
    };
    let n: u64 = num.trim().parse().context("not a number")?;
    if n == 0 {
        bail!("must be greater than zero");
    }
    Ok(Duration::from_secs(n.saturating_mul(mult)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn tmp_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("qc-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&d).expect("tmp dir");
        d
    }

    #[test]
    fn durations_parse_like_the_brief() {
        assert_eq!(parse_duration("7d").unwrap(), Duration::from_secs(604_800));
        assert_eq!(parse_duration("12h").unwrap(), Duration::from_secs(43_200));
        assert_eq!(parse_duration("3600").unwrap(), Duration::from_secs(3_600));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("0").is_err());
    }

    #[test]
    fn mongo_uri_alone_gets_a_clear_message() {
        let vars = HashMap::from([("MONGO_URI", "mongodb://localhost/qc")]);
        let err = Config::from_vars(&vars).unwrap_err().to_string();
        assert!(err.contains("DATABASE_URL"), "{err}");
    }

    #[test]
    fn production_refuses_missing_default_or_short_secrets() {
        let dir = tmp_dir();
        let dir = dir.to_str().unwrap();
        for secret in [
            None,
            Some("short"),
            Some("your-super-secret-jwt-key-change-this-in-production-min-32-chars"),
        ] {
            let mut vars = HashMap::from([("APP_ENV", "production"), ("QC_DATA_DIR", dir)]);
            if let Some(s) = secret {
                vars.insert("JWT_SECRET", s);
            }
            assert!(Config::from_vars(&vars).is_err(), "{secret:?} accepted");
        }
        let vars = HashMap::from([
            ("NODE_ENV", "production"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef-strong"),
        ]);
        assert!(Config::from_vars(&vars).unwrap().is_production());
    }

    #[test]
    fn development_generates_and_keeps_a_secret() {
        let dir = tmp_dir();
        let vars = HashMap::from([("QC_DATA_DIR", dir.to_str().unwrap())]);
        let first = Config::from_vars(&vars).unwrap().jwt_secret;
        let second = Config::from_vars(&vars).unwrap().jwt_secret;
        assert!(
            !format!("{first:?}").contains(&String::from_utf8_lossy(first.expose()).to_string())
        );
        assert!(first.expose().len() >= 32);
        assert_eq!(first, second);
    }

    #[test]
    fn data_dir_follows_the_sqlite_path() {
        assert_eq!(
            sqlite_parent_dir("sqlite://data/qc.db"),
            Some(PathBuf::from("data"))
        );
        assert_eq!(
            sqlite_parent_dir("sqlite://qc.db"),
            Some(PathBuf::from("."))
        );
        assert_eq!(sqlite_parent_dir("postgres://x/y"), None);
    }

    #[test]
    fn the_account_cache_is_short_only_where_other_instances_write() {
        let base = [
            ("APP_ENV", "test"),
            ("JWT_SECRET", "a-very-long-secret-value-0123456789abcdef"),
        ];
        let ttl = |extra: &[(&'static str, &'static str)]| {
            let vars: HashMap<&str, &str> = base.iter().chain(extra).copied().collect();
            Config::from_vars(&vars).unwrap().auth_cache_ttl
        };
        assert_eq!(ttl(&[]), Duration::from_secs(30));
        assert_eq!(
            ttl(&[("REDIS_URL", "redis://127.0.0.1:6379")]),
            Duration::from_secs(1)
        );
        assert_eq!(
            ttl(&[("DATABASE_URL", "postgres://qc@db.internal/qc")]),
            Duration::from_secs(1)
        );
        assert_eq!(ttl(&[("QC_AUTH_CACHE_MS", "0")]), Duration::ZERO);
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let vars = HashMap::from([
            ("APP_ENV", "test"),
            ("JWT_SECRET", "a-very-long-secret-value-0123456789abcdef"),
            ("QC_METRICS_TOKEN", "scrape-token-xyz"),
            ("DATABASE_URL", "postgres://qc:db-password@db.internal/qc"),
            ("REDIS_URL", "redis://:redis-password@cache:6379"),
        ]);
        let config = Config::from_vars(&vars).unwrap();
        let shown = format!("{config:?}");
        for secret in [
            "a-very-long-secret-value",
            "scrape-token-xyz",
            "db-password",
            "redis-password",
        ] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
        assert!(
            shown.contains("postgres://qc:<redacted>@db.internal/qc"),
            "{shown}"
        );
    }
}
