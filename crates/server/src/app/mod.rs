//! Services: one function per business operation. They decide (domain rules,
//! object-level authorization) and make one atomic store call; HTTP and Socket.io
//! handlers call these same functions.

pub mod accept_gate;
pub mod addresses;
pub mod admin;
pub mod admin_accounts;
pub mod auth;
pub mod cache;
pub mod catalog;
pub mod delivery;
pub mod locations;
pub mod orders;

use crate::auth::password::Passwords;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenService;
use crate::config::Config;
use qc_store::DynStore;
use std::sync::Arc;
use std::time::Instant;

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
    pub store: DynStore,
    pub tokens: Arc<TokenService>,
    pub passwords: Passwords,
    pub login_throttle: Arc<LoginThrottle>,
    pub realtime: Arc<crate::realtime::Realtime>,
    pub locations: Arc<locations::Locations>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The account behind a token, by user id (see [`cache`]).
    pub users: Arc<cache::TtlCache<crate::auth::Principal>>,
    /// Catalog pages, by normalised query (see [`cache`]).
    pub catalog: Arc<cache::TtlCache<Arc<catalog::ProductsPage>>>,
    /// Accept attempts on one order take turns (see [`accept_gate`]).
    pub accepting: Arc<accept_gate::AcceptGate>,
    pub started: Instant,
}

impl AppState {
    pub fn new(
        config: Config,
        store: DynStore,
        realtime: crate::realtime::Realtime,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState(Arc::new(Services {
            tokens: Arc::new(TokenService::new(&config.jwt_secret, config.jwt_ttl)),
            passwords: Passwords::new(cores),
            login_throttle: Arc::new(
                LoginThrottle::new(config.login_max_failures, config.login_window)
                    .with_redis(realtime.redis(), &config.redis_prefix),
            ),
            realtime: Arc::new(realtime),
            metrics,
            locations: Arc::new(locations::Locations::default()),
            users: Arc::new(cache::TtlCache::new(config.auth_cache_ttl, 100_000)),
            catalog: Arc::new(cache::TtlCache::new(config.catalog_cache_ttl, 2_048)),
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

    /// Products, prices, categories or stock changed: cached catalog pages are stale.
    pub fn catalog_changed(&self) {
        self.catalog.clear();
    }
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
