//! Services: one function per business operation. They decide (domain rules,
//! object-level authorization) and make one atomic store call; HTTP and Socket.io
//! handlers call these same functions.

pub mod admin_accounts;
pub mod auth;

use crate::auth::password::Passwords;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenService;
use crate::config::Config;
use qc_store::DynStore;
use std::sync::Arc;
use std::time::Instant;

/// Everything a service needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: DynStore,
    pub tokens: Arc<TokenService>,
    pub passwords: Passwords,
    pub login_throttle: Arc<LoginThrottle>,
    pub started: Instant,
}

impl AppState {
    pub fn new(config: Config, store: DynStore) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            tokens: Arc::new(TokenService::new(&config.jwt_secret, config.jwt_ttl)),
            passwords: Passwords::new(cores),
            login_throttle: Arc::new(LoginThrottle::new(
                config.login_max_failures,
                config.login_window,
            )),
            config: Arc::new(config),
            store,
            started: Instant::now(),
        }
    }
}
