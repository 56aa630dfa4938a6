//! Services: one function per business operation, grouped by what they act on. They
//! decide (domain rules, object-level authorization) and make one atomic store call;
//! HTTP and Socket.io handlers call these same functions. Every order change goes out
//! through one after-commit path ([`changes`]).
//!
//! No two service modules import each other, directly or round a loop
//! (`tests/it/layers.rs` checks it).

pub mod accept_gate;
pub mod accounts;
pub mod addresses;
pub mod cache;
pub mod catalog;
pub mod changes;
pub mod delivery;
pub mod directory;
pub mod dispatch;
pub mod fulfilment;
pub mod integrations;
pub mod locations;
pub mod orders;
pub mod password_links;
pub mod search;
pub mod sessions;
pub mod stats;
pub mod stores;
pub mod views;
pub mod webhooks;

use crate::api::ProductsPage;
use crate::auth::password::Passwords;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenService;
use crate::broadcast::Broadcaster;
use crate::config::Config;
use crate::limits::RateLimiter;
use qc_store::SharedStore;
use std::sync::Arc;
use std::time::Instant;

/// Rate limits held by this instance (see [`crate::limits`]).
pub struct Limits {
    /// Registrations per client address per hour.
    pub registrations: RateLimiter,
    /// Orders placed per customer per minute.
    pub orders: RateLimiter,
    /// New Socket.io handshakes per client address per minute.
    pub handshakes: RateLimiter,
    /// Refused Socket.io handshakes per client address per minute.
    pub refused_handshakes: RateLimiter,
    /// Location updates per user per second, over all the user's sockets.
    pub socket_locations: RateLimiter,
    /// Other socket events per user per second, over all the user's sockets.
    pub socket_events: RateLimiter,
    /// "Forgot password" mails per e-mail and per client address per hour.
    pub password_resets: RateLimiter,
    /// … and per client address (four times as many: a household, an office).
    pub password_reset_ips: RateLimiter,
    /// Calls per API key per minute.
    pub api_keys: RateLimiter,
}

/// Location updates a user may send per second (all their sockets together).
pub const LOCATIONS_PER_SEC: u32 = 5;
/// Run `step` every `period` on this instance for as long as it serves; a failed step is
/// logged (as `what`) and the next one runs on time.
pub fn every<F, Fut>(state: &AppState, period: std::time::Duration, what: &'static str, step: F)
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = crate::error::Result<()>> + Send,
{
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = step(state.clone()).await {
                tracing::warn!(error = %e.public_message(), "{what} failed");
            }
        }
    });
}

/// "Forgot password" requests per e-mail (and ×4 per client address) per hour.
pub const RESETS_PER_HOUR: u32 = 5;
/// Other socket events a user may send per second (all their sockets together).
pub const EVENTS_PER_SEC: u32 = 20;

impl Limits {
    fn new(c: &Config) -> Limits {
        use std::time::Duration;
        let minute = Duration::from_secs(60);
        Limits {
            registrations: RateLimiter::new(c.registrations_per_hour, Duration::from_secs(3_600)),
            orders: RateLimiter::new(c.orders_per_minute, minute),
            handshakes: RateLimiter::new(c.handshakes_per_minute, minute),
            refused_handshakes: RateLimiter::new(c.refused_handshakes_per_minute, minute),
            socket_locations: RateLimiter::new(LOCATIONS_PER_SEC, Duration::from_secs(1)),
            socket_events: RateLimiter::new(EVENTS_PER_SEC, Duration::from_secs(1)),
            password_resets: RateLimiter::new(RESETS_PER_HOUR, Duration::from_secs(3_600)),
            password_reset_ips: RateLimiter::new(RESETS_PER_HOUR * 4, Duration::from_secs(3_600)),
            api_keys: RateLimiter::new(c.api_key_rate_per_minute, minute),
        }
    }
}

/// Everything a service needs; one pointer, so cloning it per request is one atomic
/// increment (axum clones the state for every request).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

/// What [`AppState`] points to.
pub struct Services {
    pub config: Arc<Config>,
    pub store: SharedStore,
    pub tokens: Arc<TokenService>,
    pub passwords: Passwords,
    pub login_throttle: Arc<LoginThrottle>,
    /// Wrong current passwords on password change, per user (like logins).
    pub password_throttle: Arc<LoginThrottle>,
    /// Per-address and per-user rate limits.
    pub limits: Limits,
    pub broadcast: Arc<Broadcaster>,
    /// The stores, parsed, with their live load (see [`directory`]).
    pub stores: Arc<directory::Directory>,
    pub locations: Arc<locations::Locations>,
    /// Partners' last positions, for dispatch (see [`dispatch`]).
    pub riders: Arc<dispatch::Riders>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The account behind a token, by user id (see [`cache`]).
    pub users: Arc<cache::TtlCache<crate::auth::Principal>>,
    /// Catalog page reads in flight (single flight: see [`cache::Flights`]).
    pub catalog_flights: Arc<cache::Flights<Arc<ProductsPage>>>,
    /// Permits for catalog queries the cache could not answer (`QC_CATALOG_MAX_QUERIES`).
    pub catalog_gate: Arc<tokio::sync::Semaphore>,
    /// Admission under overload (see [`crate::pressure`]).
    pub pressure: Arc<crate::pressure::Pressure>,
    /// Outgoing mail (password links).
    pub mailer: Arc<crate::mail::Mailer>,
    /// Catalog pages, by normalised query (see [`cache`]).
    pub catalog: Arc<cache::TtlCache<Arc<ProductsPage>>>,
    /// Customers' searches answered from memory (see [`search`]).
    pub search: Arc<search::SearchIndex>,
    /// Accept attempts on one order take turns (see [`accept_gate`]).
    pub accepting: Arc<accept_gate::AcceptGate>,
    pub started: Instant,
}

impl AppState {
    pub fn new(
        config: Config,
        store: SharedStore,
        broadcast: Broadcaster,
        metrics: Arc<crate::metrics::Metrics>,
        mailer: crate::mail::Mailer,
    ) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState(Arc::new(Services {
            tokens: Arc::new(TokenService::new(
                config.jwt_secret.expose(),
                config.jwt_ttl,
            )),
            passwords: Passwords::new(cores),
            login_throttle: Arc::new(
                LoginThrottle::new(config.login_max_failures, config.login_window)
                    .with_redis(broadcast.redis(), &config.redis_prefix),
            ),
            password_throttle: Arc::new(
                LoginThrottle::new(config.password_max_failures, config.login_window)
                    .with_redis(broadcast.redis(), &format!("{}:pw", config.redis_prefix)),
            ),
            limits: Limits::new(&config),
            broadcast: Arc::new(broadcast),
            stores: Arc::new(directory::Directory::new(
                store.clone(),
                config.rider_speed_kmh,
            )),
            metrics,
            locations: Arc::new(locations::Locations::default()),
            riders: Arc::new(dispatch::Riders::default()),
            users: Arc::new(cache::TtlCache::new(config.auth_cache_ttl, 100_000)),
            catalog: Arc::new(cache::TtlCache::new(config.catalog_cache_ttl, 2_048)),
            search: Arc::new(search::SearchIndex::new(
                config.search_index && !config.catalog_cache_ttl.is_zero(),
                config.search_refresh,
            )),
            mailer: Arc::new(mailer),
            catalog_flights: Arc::default(),
            pressure: Arc::new(crate::pressure::Pressure::new(config.overload_lag)),
            catalog_gate: Arc::new(tokio::sync::Semaphore::new(
                match config.catalog_max_queries {
                    0 => tokio::sync::Semaphore::MAX_PERMITS,
                    n => n,
                },
            )),
            config: Arc::new(config),
            store,
            accepting: Arc::new(accept_gate::AcceptGate::default()),
            started: Instant::now(),
        }))
    }

    /// An account changed (profile, password, status, sessions): stop trusting cached
    /// copies of it.
    pub fn forget_user(&self, user_id: &str) {
        self.users.remove(user_id);
    }

    /// An account's sessions were revoked (logout, password, block): forget the cached
    /// copy, then close every socket of it on every instance, `session:ended` saying why.
    pub async fn end_sessions(&self, user_id: &str, code: &str, message: &str) {
        self.forget_user(user_id);
        self.broadcast.end_sessions(user_id, code, message).await;
    }

    /// Products, prices, categories or stores changed: cached catalog pages and the
    /// search index are stale.
    pub fn catalog_changed(&self) {
        self.catalog.clear();
        self.search.catalog_changed();
    }

    /// Stock changed here: cached pages are stale, the search index's shelves take the
    /// new levels.
    pub fn stock_changed(&self, writes: &[search::StockWrite<'_>]) {
        self.catalog.clear();
        self.search.stock_changed(writes);
    }
}

/// A reason an admin gives for an intervention: 1 to 300 characters, trimmed.
pub fn reason(r: &str) -> crate::error::Result<String> {
    let r = r.trim();
    if r.is_empty() || r.chars().count() > 300 {
        return Err(
            qc_domain::ValidationErrors::one("reason", "must be 1 to 300 characters").into(),
        );
    }
    Ok(r.to_owned())
}

/// Largest page a list answers; larger `limit`s are capped.
pub const MAX_PAGE_SIZE: i64 = 100;

/// `(page, limit, offset)` from optional query values: page from 1, limit 1–100.
pub fn page_params(page: Option<i64>, limit: Option<i64>) -> crate::error::Result<(i64, i64, i64)> {
    let page = page.unwrap_or(1);
    let limit = limit.unwrap_or(20);
    let mut e = qc_domain::ValidationErrors::new();
    if !(1..=1_000_000).contains(&page) {
        e.push("page", "must be 1 or more");
    }
    if limit < 1 {
        e.push("limit", "must be 1 or more");
    }
    e.into_result()?;
    let limit = limit.min(MAX_PAGE_SIZE);
    Ok((page, limit, (page - 1) * limit))
}

/// Run a change that revokes access (block, logout, password) to its end — the write,
/// then [`AppState::forget_user`] and the sockets closed — even if the request that asked
/// is dropped (its client gone, the 30-s timeout): the write may commit anyway (SQLite's
/// group commit finishes in its own task), and a cached copy of the account would then
/// outlive it by the cache's TTL.
pub async fn to_the_end<T: Send + 'static>(
    change: impl std::future::Future<Output = crate::error::Result<T>> + Send + 'static,
) -> crate::error::Result<T> {
    match tokio::spawn(change).await {
        Ok(done) => done,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Only when the runtime shuts down.
        Err(_) => Err(crate::error::AppError::Unavailable),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn a_revoking_change_finishes_when_its_request_is_dropped() {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let request = tokio::spawn(super::to_the_end(async move {
            // The write, still committing when the client goes...
            tokio::time::sleep(Duration::from_millis(50)).await;
            // ...then the cached account forgotten.
            flag.store(true, Ordering::SeqCst);
            Ok(())
        }));
        tokio::time::sleep(Duration::from_millis(10)).await;
        request.abort();
        assert!(request.await.unwrap_err().is_cancelled());
        assert!(!done.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            done.load(Ordering::SeqCst),
            "the change stopped with its request"
        );
    }
}
