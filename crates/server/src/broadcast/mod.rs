//! The broadcaster: the Socket.io server (v4 protocol, socketioxide) seen from the
//! services. It emits to rooms, moves sockets between rooms, closes a user's sockets and
//! counts who is online — and nothing else: it never calls a service. The socket event
//! handlers that call services live in `crate::socket`, above the services.
//!
//! Rooms are joined by the server only: `user:{id}` (every socket of a user),
//! `role:{role}`, `admins`, `partners:available:{store}` (a store's available partners),
//! `shoppers:{store}` (customers who watch a store's catalog; `shoppers:all` those who
//! watch none) and `presence:{role}:{id}` (for online counts). Order events are addressed to the order's customer and partner through their
//! user rooms, so membership never has to follow an order's state.
//!
//! One instance uses the in-process adapter; with `REDIS_URL` set, the Redis adapter
//! carries room emits, joins and room listings to every instance.

mod emit;
pub use emit::StockNews;
mod presence;
pub mod redis_driver;
mod window;

use crate::api::OnlineCounts;
pub use presence::Presence;

use qc_domain::Role;
use redis_driver::ReconnectingDriver;
use socketioxide::SocketIo;
use socketioxide::adapter::{Emitter, LocalAdapter};
use socketioxide::layer::SocketIoLayer;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub const ADMINS: &str = "admins";
/// The room of a store's available partners: where its new orders are offered.
pub fn available_room(store_id: &str) -> String {
    format!("partners:available:{store_id}")
}

/// The room of a store's pickers: its fulfilment queue.
pub fn pickers_room(store_id: &str) -> String {
    format!("pickers:{store_id}")
}

/// The room of the customers who watch one store's catalog (`catalog:watch`): that
/// store's stock changes reach them, nobody else's.
pub fn shoppers_room(store_id: &str) -> String {
    format!("shoppers:{store_id}")
}

/// Customers who have not said which store they watch (clients of the first protocol):
/// they hear every store's stock changes, as before.
pub const SHOPPERS_ALL: &str = "shoppers:all";

pub type RedisAdapter = socketioxide_redis::CustomRedisAdapter<Emitter, ReconnectingDriver>;

pub fn user_room(user_id: &str) -> String {
    format!("user:{user_id}")
}

pub fn role_room(role: Role) -> String {
    format!("role:{}", role.as_str())
}

/// One room per connected user, named with the role, for cross-instance counts.
pub fn presence_room(role: Role, user_id: &str) -> String {
    format!("presence:{}:{user_id}", role.as_str())
}

/// The Socket.io server on either adapter.
#[derive(Clone)]
pub enum Io {
    Local(SocketIo<LocalAdapter>),
    Redis(SocketIo<RedisAdapter>),
}

/// The tower layer that serves `/socket.io/`.
#[derive(Clone)]
pub enum Layer {
    Local(SocketIoLayer<LocalAdapter>),
    Redis(SocketIoLayer<RedisAdapter>),
}

/// Run the same expression on whichever adapter is in use.
macro_rules! on_io {
    ($io:expr, $name:ident => $body:expr) => {
        match $io {
            $crate::broadcast::Io::Local($name) => $body,
            $crate::broadcast::Io::Redis($name) => $body,
        }
    };
}
pub(crate) use on_io;

/// The Socket.io server and what it knows about live connections.
pub struct Broadcaster {
    io: Io,
    layer: Layer,
    /// Sockets of this instance (the pusher and socket counts use it).
    pub presence: Presence,
    stats_dirty: Arc<Notify>,
    metrics: Arc<crate::metrics::Metrics>,
    redis: Option<ReconnectingDriver>,
    redis_prefix: String,
    /// Stock changes held for each store's watchers and for admins, a group per room
    /// (`QC_INVENTORY_WINDOW_MS`).
    shelf_news: Arc<window::Window<crate::api::StockLevel>>,
    /// Riders' positions held for admins (`QC_FLEET_WINDOW_MS`).
    fleet: Arc<window::Window<crate::api::FleetPosition>>,
}

impl Broadcaster {
    /// `redis_url`: switch to the Redis adapter. `max_payload`: the largest packet
    /// accepted over WebSocket and polling alike. `connect_timeout`: how long an
    /// engine.io session may wait for a completed Socket.io handshake.
    /// `inventory_window`: a store's watchers (and admins) hear its stock at most once
    /// per window; `fleet_window`: admins hear riders' positions at most once per window.
    pub async fn connect(
        max_payload: usize,
        connect_timeout: Duration,
        inventory_window: Duration,
        fleet_window: Duration,
        redis_url: Option<&str>,
        redis_prefix: &str,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> anyhow::Result<Broadcaster> {
        let builder = SocketIo::builder()
            .max_payload(max_payload as u64)
            // A session that never completes the Socket.io handshake (or was refused)
            // is released after this, not the default 45 s.
            .connect_timeout(connect_timeout)
            // Client messages are small (the handshake's token ~250 bytes, fixes ~100): a
            // 512-byte read buffer per WebSocket instead of 4 KiB (zero-filled, so all of
            // it resident); a larger message takes more reads (tungstenite grows the
            // buffer for it).
            .ws_read_buffer_size(512)
            .ws_max_message_size(max_payload)
            .ws_max_frame_size(max_payload);
        let (io, layer, redis) = match redis_url {
            None => {
                let (layer, io) = builder.build_layer();
                (Io::Local(io), Layer::Local(layer), None)
            }
            Some(url) => {
                let driver = connect_redis(url).await?;
                let config = socketioxide_redis::RedisAdapterConfig::new()
                    .with_prefix(format!("{redis_prefix}-sio"))
                    .with_request_timeout(Duration::from_secs(2));
                let ctr =
                    socketioxide_redis::RedisAdapterCtr::new_with_driver(driver.clone(), config);
                let (layer, io) = builder.with_adapter::<RedisAdapter>(ctr).build_layer();
                (Io::Redis(io), Layer::Redis(layer), Some(driver))
            }
        };
        Ok(Broadcaster {
            io,
            layer,
            presence: Presence::default(),
            stats_dirty: Arc::new(Notify::new()),
            metrics,
            redis,
            redis_prefix: redis_prefix.to_owned(),
            shelf_news: window::Window::new(inventory_window),
            fleet: window::Window::new(fleet_window),
        })
    }

    /// The Socket.io server, for registering the namespace (`crate::socket`).
    pub fn io(&self) -> &Io {
        &self.io
    }

    /// Something the dashboard shows changed; admins get fresh stats within 2 s (the
    /// pusher in `app::stats` waits on [`Broadcaster::stats_dirty`]).
    pub fn stats_changed(&self) {
        self.stats_dirty.notify_one();
    }

    /// Notified whenever [`Broadcaster::stats_changed`] is called.
    pub fn stats_dirty(&self) -> Arc<Notify> {
        self.stats_dirty.clone()
    }

    /// Admins connected to this instance get the stats and online counts.
    pub async fn admin_stats<S: serde::Serialize>(&self, stats: &S, online: OnlineCounts) {
        let stats = serde_json::json!({ "stats": stats });
        let presence = serde_json::json!({ "onlineUsers": online });
        on_io!(&self.io, io => {
            let _ = io.local().to(ADMINS).emit("stats:updated", &stats).await;
            let _ = io.local().to(ADMINS).emit("presence:updated", &presence).await;
        });
    }

    pub fn layer(&self) -> Layer {
        self.layer.clone()
    }

    /// A Redis key of this deployment: `{prefix}:{name}`.
    pub fn redis_key(&self, name: &str) -> String {
        format!("{}:{name}", self.redis_prefix)
    }

    /// The Redis connection, when running scaled out.
    pub fn redis(&self) -> Option<redis::aio::ConnectionManager> {
        self.redis.as_ref().map(ReconnectingDriver::connection)
    }

    /// Connected users on every instance (a user with many tabs once). One instance
    /// (the in-process adapter) knows them from its own presence map; with Redis they
    /// come from the presence rooms of every instance, and from this instance's own
    /// view if the adapter cannot answer (Redis down).
    pub async fn online_users(&self) -> HashMap<String, Role> {
        let rooms = match &self.io {
            Io::Local(_) => return self.presence.users(),
            Io::Redis(io) => io.rooms().await.map_err(|e| e.to_string()),
        };
        match rooms {
            Ok(rooms) => rooms
                .iter()
                .filter_map(|r| {
                    let rest = r.strip_prefix("presence:")?;
                    let (role, id) = rest.split_once(':')?;
                    Some((id.to_owned(), Role::parse(role)?))
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "room listing failed; counting this instance only");
                self.presence.users()
            }
        }
    }

    /// Connected users by role, on every instance. One instance counts its presence
    /// map without copying it: listing every room of a city (two per socket) cost the
    /// stats pusher a few percent of the core.
    pub async fn online_counts(&self) -> OnlineCounts {
        match &self.io {
            Io::Local(_) => OnlineCounts::of(self.presence.roles().into_iter()),
            Io::Redis(_) => OnlineCounts::of(self.online_users().await.values().copied()),
        }
    }
}

/// Connect to Redis, retrying for a while at start-up (a container may start first).
async fn connect_redis(url: &str) -> anyhow::Result<ReconnectingDriver> {
    let mut last = None;
    for attempt in 1..=15 {
        match ReconnectingDriver::connect(url).await {
            Ok(d) => return Ok(d),
            Err(e) => {
                tracing::warn!(attempt, error = %e, "Redis not reachable yet");
                last = Some(e);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    Err(anyhow::anyhow!(
        "REDIS_URL is set but Redis did not answer: {}",
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}
