//! Socket.io handlers: the handshake (authenticated with the same verifier as REST) and
//! the client → server events. Each event handler re-checks the session, applies the
//! user's rate limits, parses, calls the service the REST route calls, and answers the
//! acknowledgement with `{success: true, data}` or the error envelope. Handlers hold the
//! app state they were registered with; the broadcaster below the services only emits.
//!
//! A socket lives no longer than its session: each event checks it (expiry, token
//! version, account status, through the account cache), and once a second the sockets
//! whose token has expired are told (`session:ended` `{code: "token_expired"}`) and
//! closed. A user holds at most `QC_MAX_SOCKETS_PER_USER` sockets per instance; a new
//! one closes the oldest.

use crate::api::{AvailabilityRequest, LocationUpdate};
use crate::app::{AppState, delivery, dispatch, sessions, stores};
use crate::auth::Session;
use crate::broadcast::{
    ADMINS, Io, SHOPPERS_ALL, available_room, presence_room, role_room, shoppers_room, user_room,
};
use crate::error::AppError;
use qc_domain::{PartnerStatus, Role};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, Extension, SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Register the namespace on the broadcaster's Socket.io server, and start closing the
/// sockets whose session has expired.
pub async fn attach(state: &AppState) -> anyhow::Result<()> {
    match state.broadcast.io() {
        Io::Local(io) => io.ns("/", handlers(state)),
        Io::Redis(io) => io
            .ns("/", handlers(state))
            .await
            .map_err(|e| anyhow::anyhow!("could not subscribe to Redis: {e}"))?,
    }
    let st = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let ended = st.broadcast.presence.ended(chrono::Utc::now().timestamp());
            if !ended.is_empty() {
                let e = sessions::expired();
                st.broadcast
                    .close_sockets(&ended, e.code(), &e.public_message());
            }
        }
    });
    Ok(())
}

/// The client's address, as the listener saw it.
fn client_ip<A: Adapter>(s: &SocketRef<A>) -> Option<String> {
    s.req_parts()
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| crate::limits::client_key(c.0.ip()))
}

fn handlers<A: Adapter>(state: &AppState) -> impl ConnectHandler<A, (SocketRef<A>,)> {
    let st = state.clone();
    let on_connect = async |s: SocketRef<A>| {
        if let Some(session) = s.extensions.get::<Arc<Session>>() {
            let user = &session.user;
            tracing::debug!(user_id = %user.id, role = user.role.as_str(), "socket connected");
        }
    };
    on_connect.with(
        async move |s: SocketRef<A>, TryData(auth): TryData<HandshakeAuth>| {
            authenticate(&st, s, auth.ok()).await
        },
    )
}

/// `auth: {token}` in the Socket.io handshake.
#[derive(Debug, Default, Deserialize)]
pub struct HandshakeAuth {
    token: Option<String>,
}

/// Why a handshake was refused; the text reaches the client as `connect_error`.
#[derive(Debug)]
pub struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Refused(format!("{}: {}", e.code(), e.public_message()))
    }
}

/// Connect middleware: a valid token (handshake `auth.token` or a Bearer header) of an
/// active account, or no connection. A refusal counts against the client's address
/// (`QC_SOCKET_REFUSED_PER_MIN`): past it, the HTTP gate in front of Socket.io answers
/// its new handshakes 429 without opening a session.
async fn authenticate<A: Adapter>(
    state: &AppState,
    s: SocketRef<A>,
    auth: Option<HandshakeAuth>,
) -> Result<(), Refused> {
    let result = admit(state, &s, auth).await;
    if result.is_err()
        && let Some(ip) = client_ip(&s)
    {
        let _ = state.limits.refused_handshakes.hit(&ip);
    }
    result
}

async fn admit<A: Adapter>(
    state: &AppState,
    s: &SocketRef<A>,
    auth: Option<HandshakeAuth>,
) -> Result<(), Refused> {
    let header_token = s
        .req_parts()
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());
    let token = auth
        .and_then(|a| a.token)
        .filter(|t| !t.is_empty())
        .or(header_token);
    let Some(token) = token else {
        return Err(Refused(
            "missing_token: send auth: { token } in the handshake".into(),
        ));
    };
    let session = sessions::open(state, &token).await?;
    setup(s, state, &session).await;
    // The session (its user inside) is the socket's one copy of who it is.
    s.extensions.insert(Arc::new(session));
    Ok(())
}

/// Rooms, event handlers and presence, done in the middleware: it runs before the
/// connect packet goes out, so nothing the client sends next can miss a handler.
async fn setup<A: Adapter>(s: &SocketRef<A>, state: &AppState, session: &Session) {
    let user = &session.user;
    s.join(user_room(&user.id));
    s.join(role_room(user.role));
    s.join(presence_room(user.role, &user.id));
    match user.role {
        Role::Admin => s.join(ADMINS),
        Role::Delivery => {
            // Offers of the partner's home store, when they may take them.
            if let Ok(Some(p)) = state.store.partner_profile(&user.id).await
                && p.is_available
                && p.is_verified
                && p.status == PartnerStatus::Active
                && let Some(store) = &p.home_store_id
            {
                s.join(available_room(store));
            }
            register_partner_events(s, state);
        }
        Role::Picker => {
            if let Ok(Some(u)) = state.store.user_by_id(&user.id).await
                && let Some(store) = &u.store_id
            {
                s.join(crate::broadcast::pickers_room(store));
            }
        }
        Role::Customer => {
            // Every store's stock changes until the client says which store it shows.
            s.join(SHOPPERS_ALL);
            register_customer_events(s, state);
        }
    }
    let evicted = state.broadcast.presence.connect(
        &user.id,
        user.role,
        s.id,
        session.ends_at,
        state.config.max_sockets_per_user,
    );
    if !evicted.is_empty() {
        state.broadcast.close_sockets(
            &evicted,
            "too_many_sockets",
            "Signed in on too many tabs or devices: this one was closed.",
        );
    }
    state.broadcast.stats_changed();
    let (user_id, sid, ends_at) = (user.id.clone(), s.id, session.ends_at);
    let st = state.clone();
    s.on_disconnect(async move || {
        st.broadcast.presence.disconnect(&user_id, sid, ends_at);
        st.broadcast.stats_changed();
    });
}

fn parse<T: DeserializeOwned>(
    data: Result<serde_json::Value, impl std::fmt::Display>,
) -> Result<T, AppError> {
    let value = data
        .map_err(|e| AppError::bad_request("invalid_payload", format!("Invalid payload: {e}")))?;
    serde_json::from_value(value)
        .map_err(|e| AppError::bad_request("invalid_payload", format!("Invalid payload: {e}")))
}

fn reply<A: Adapter, T: serde::Serialize>(ack: AckSender<A>, result: Result<T, AppError>) {
    let sent = match result {
        Ok(data) => ack.send(&serde_json::json!({ "success": true, "data": data })),
        Err(e) => ack.send(&e.envelope()),
    };
    if let Err(e) = sent {
        tracing::debug!(error = %e, "ack failed");
    }
}

/// The user's event budget, over all their sockets on this instance: locations and
/// other events counted apart.
fn limited(state: &AppState, user_id: &str, location: bool) -> Result<(), AppError> {
    let limiter = if location {
        &state.limits.socket_locations
    } else {
        &state.limits.socket_events
    };
    limiter
        .hit(user_id)
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OrderRef {
    order_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Decline {
    order_id: String,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusChange {
    order_id: String,
    status: String,
    confirmation_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Watch {
    store_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CodeCheck {
    order_id: String,
    confirmation_code: String,
}

/// Register a client event: re-check the session (an ended one is answered with its
/// error and the socket closed), rate-limit, parse the payload as `$ty`, run `$call`
/// (the same service the REST route calls) and answer the acknowledgement.
macro_rules! client_event {
    ($s:expr, $st:expr, $event:literal, location: $location:expr, |$state:ident, $user:ident, $req:ident: $ty:ty $(, $sock:ident)?| $call:expr) => {{
        let st: AppState = $st.clone();
        $s.on(
            $event,
            async move |s: SocketRef<A>,
                        TryData(d): TryData<serde_json::Value>,
                        ack: AckSender<A>,
                        Extension(session): Extension<Arc<Session>>| {
                let $state = &st;
                $state.metrics.event_in();
                if let Err(e) = sessions::recheck($state, &session).await {
                    let (code, message) = (e.code(), e.public_message());
                    reply(ack, Err::<(), _>(e));
                    $state.broadcast.close_sockets(&[s.id], code, &message);
                    return;
                }
                let result = async {
                    limited($state, &session.user.id, $location)?;
                    let $req: $ty = parse(d)?;
                    let $user = &session.user;
                    $(let $sock = &s;)?
                    $call.await
                }
                .await;
                reply(ack, result);
            },
        )
    }};
}

/// `catalog:watch {storeId}`: this socket hears that store's stock changes only (it
/// leaves `shoppers:all` and the store it watched before). Sent again after a reconnect.
fn register_customer_events<A: Adapter>(s: &SocketRef<A>, st: &AppState) {
    client_event!(s, st, "catalog:watch", location: false, |state, _user, req: Watch, sock| async {
        let store = stores::watched(state, &req.store_id).await?;
        let watching: Vec<_> = sock
            .rooms()
            .into_iter()
            .filter(|r| r.starts_with("shoppers:"))
            .collect();
        sock.leave(watching);
        sock.join(shoppers_room(&store.id));
        Ok::<_, AppError>(store)
    });
}

fn register_partner_events<A: Adapter>(s: &SocketRef<A>, st: &AppState) {
    client_event!(s, st, "order:accept", location: false, |state, user, req: OrderRef| {
        delivery::accept(state, user, &req.order_id)
    });
    client_event!(s, st, "order:decline", location: false, |state, user, req: Decline| {
        dispatch::decline(state, user, &req.order_id, req.reason.as_deref())
    });
    client_event!(s, st, "order:status-update", location: false, |state, user, req: StatusChange| {
        delivery::update_status(state, user, &req.order_id, &req.status, req.confirmation_code.as_deref())
    });
    client_event!(s, st, "order:confirm-delivery", location: false, |state, user, req: CodeCheck| {
        delivery::confirm_delivery(state, user, &req.order_id, &req.confirmation_code)
    });
    client_event!(s, st, "delivery:location-update", location: true, |state, user, req: LocationUpdate| {
        delivery::record_location(state, user, req)
    });
    client_event!(s, st, "delivery:availability", location: false, |state, user, req: AvailabilityRequest| {
        delivery::set_availability(state, user, req.available)
    });
}
