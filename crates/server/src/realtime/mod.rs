//! Socket.io (v4 protocol, socketioxide) on the same port as the API.
//!
//! The handshake is authenticated with the same verifier as REST. Rooms are joined by
//! the server only: `user:{id}` (every socket of a user), `role:{role}`, `admins` and
//! `partners:available`. Order events are addressed to the order's customer and
//! partner through their user rooms, so membership never has to follow an order's
//! state. Client events are thin: parse, call the same service as REST, ack.

mod emit;
mod handlers;
mod presence;

pub use presence::{OnlineCounts, Presence};

use crate::app::AppState;
use socketioxide::SocketIo;
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;

/// `stats:updated` is pushed at most this often, however busy the platform is.
const STATS_EVERY: Duration = Duration::from_secs(2);

pub const ADMINS: &str = "admins";
pub const AVAILABLE_PARTNERS: &str = "partners:available";

pub fn user_room(user_id: &str) -> String {
    format!("user:{user_id}")
}

pub fn role_room(role: qc_domain::Role) -> String {
    format!("role:{}", role.as_str())
}

/// The app state, handed to socket handlers once it exists.
#[derive(Clone, Default)]
pub struct StateCell(Arc<OnceLock<AppState>>);

impl StateCell {
    pub fn get(&self) -> Option<&AppState> {
        self.0.get()
    }
}

/// The Socket.io server and what it knows about live connections.
pub struct Realtime {
    io: SocketIo,
    layer: SocketIoLayer,
    cell: StateCell,
    pub presence: Presence,
    stats_dirty: Arc<Notify>,
    metrics: Arc<crate::metrics::Metrics>,
}

impl Realtime {
    /// `max_payload`: the largest packet accepted over WebSocket and polling alike.
    pub fn new(max_payload: usize, metrics: Arc<crate::metrics::Metrics>) -> Realtime {
        let cell = StateCell::default();
        let (layer, io) = SocketIo::builder()
            .with_state(cell.clone())
            .max_payload(max_payload as u64)
            .ws_max_message_size(max_payload)
            .ws_max_frame_size(max_payload)
            .build_layer();
        Realtime {
            io,
            layer,
            cell,
            presence: Presence::default(),
            stats_dirty: Arc::new(Notify::new()),
            metrics,
        }
    }

    /// Register the namespace; called once the state that handlers need exists.
    pub fn attach(&self, state: &AppState) {
        if self.cell.0.set(state.clone()).is_err() {
            return;
        }
        self.io
            .ns("/", handlers::on_connect.with(handlers::authenticate));
        tokio::spawn(push_stats(self.cell.clone(), self.stats_dirty.clone()));
    }

    /// Something the dashboard shows changed; admins get fresh stats within 2 s.
    pub fn stats_changed(&self) {
        self.stats_dirty.notify_one();
    }

    pub fn layer(&self) -> SocketIoLayer {
        self.layer.clone()
    }

    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    pub fn io(&self) -> &SocketIo {
        &self.io
    }
}

/// Coalesce changes into at most one `stats:updated` (and `presence:updated`) per
/// [`STATS_EVERY`], and only while an admin is connected.
async fn push_stats(cell: StateCell, dirty: Arc<Notify>) {
    loop {
        dirty.notified().await;
        let Some(state) = cell.get() else { continue };
        let online = state.realtime.presence.counts();
        if online.admin > 0 {
            match crate::app::admin::stats(state).await {
                Ok(stats) => {
                    let rooms = vec![ADMINS.to_owned()];
                    let io = &state.realtime.io;
                    let _ = io
                        .to(rooms.clone())
                        .emit("stats:updated", &serde_json::json!({ "stats": stats }))
                        .await;
                    let _ = io
                        .to(rooms)
                        .emit(
                            "presence:updated",
                            &serde_json::json!({ "onlineUsers": online }),
                        )
                        .await;
                }
                Err(e) => tracing::warn!(error = %e, "could not compute stats"),
            }
        }
        tokio::time::sleep(STATS_EVERY).await;
    }
}
