//! QuickCommerce server: configuration, HTTP API, realtime, services and start-up.
//!
//! Data flows one way: `http` (REST handlers) and `socket` (Socket.io event handlers)
//! → `app` (services) → the store and `broadcast` (emits only). `api` holds the wire
//! types, `auth` the building blocks of sessions, `error` the one error type; they sit
//! below everything that uses them. `tests/it/layers.rs` checks that no module imports
//! one above it.
//!
//! `main.rs` only parses the command line; tests call [`build_state`] and [`launch`] on
//! port 0 exactly as `quickcommerce serve` does.

pub mod api;
pub mod app;
pub mod auth;
pub mod broadcast;
pub mod config;
pub mod error;
pub mod http;
pub mod limits;
pub mod mail;
pub mod memory;
pub mod metrics;
pub mod pressure;
pub mod seed;
pub mod socket;

use anyhow::Context;
use app::AppState;
use config::Config;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Open the database, apply migrations and build the shared state.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    let store = qc_store::connect(
        config.database_url.as_str(),
        qc_store::ConnectOptions {
            max_connections: config.db_max_connections,
            acquire_timeout: config.db_acquire_timeout,
            group_commit: config.db_group_commit,
        },
    )
    .await
    .context("could not open the database")?;
    store
        .migrate()
        .await
        .context("could not migrate the database")?;
    let metrics = std::sync::Arc::new(metrics::Metrics::default());
    let broadcast = broadcast::Broadcaster::connect(
        config.socket_max_payload,
        config.socket_connect_timeout,
        config.inventory_window,
        config.fleet_window,
        config.redis_url.as_ref().map(config::Dsn::as_str),
        &config.redis_prefix,
        metrics.clone(),
    )
    .await?;
    let demo = config.demo;
    let mailer = mail::Mailer::from_config(&config)?;
    let state = AppState::new(config, store, broadcast, metrics, mailer);
    socket::attach(&state).await?;
    if !demo {
        // With --demo, the demo data creates the stores first (see `seed::demo`).
        app::stores::ensure_default(&state).await?;
    }
    Ok(state)
}

/// Serve the platform on `listener` until `shutdown` resolves, then drain.
pub async fn launch(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    use axum::serve::ListenerExt as _;
    // The background work of a serving instance.
    app::stats::spawn_pusher(&state);
    app::orders::spawn_pending_sweeper(&state);
    app::dispatch::spawn_sweeper(&state);
    app::fulfilment::spawn_sweeper(&state);
    app::webhooks::spawn_worker(&state);
    state.stores.spawn_refresh();
    let store = state.store.clone();
    state.pressure.spawn_probe(move || store.least_wait());
    memory::spawn_trimmer(state.metrics.clone(), state.config.socket_connect_timeout);
    let app = http::app(state);
    // TCP_NODELAY: a Socket.io ack or a small response written right after another
    // small write must not wait for the peer's delayed ACK (up to 40 ms on Linux).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            SocketAddr,
        >(app),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("server error")
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; draining connections");
}
