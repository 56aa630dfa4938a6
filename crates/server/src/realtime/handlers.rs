//! Handshake authentication and client → server events. Each handler parses, calls the
//! service the REST route calls, and answers the acknowledgement with
//! `{success: true, data}` or the error envelope.

use super::{ADMINS, AVAILABLE_PARTNERS, StateCell, presence_room, role_room, user_room};
use crate::api::{AvailabilityRequest, LocationUpdate};
use crate::app::{AppState, delivery};
use crate::auth::{AuthUser, verify_bearer};
use crate::error::AppError;
use qc_domain::Role;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, Extension, SocketRef, State, TryData};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
/// active account, or no connection.
pub async fn authenticate<A: Adapter>(
    s: SocketRef<A>,
    TryData(auth): TryData<HandshakeAuth>,
    State(cell): State<StateCell>,
) -> Result<(), Refused> {
    let state = cell
        .get()
        .ok_or_else(|| Refused("service_unavailable: starting up".into()))?;
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
        .ok()
        .and_then(|a| a.token)
        .filter(|t| !t.is_empty())
        .or(header_token);
    let Some(token) = token else {
        return Err(Refused(
            "missing_token: send auth: { token } in the handshake".into(),
        ));
    };
    let user = verify_bearer(state, &token).await?;
    setup(&s, state, &user).await;
    s.extensions.insert(user);
    s.extensions.insert(Arc::new(Limiter::default()));
    Ok(())
}

/// Rooms, event handlers and presence, done in the middleware: it runs before the
/// connect packet goes out, so nothing the client sends next can miss a handler.
async fn setup<A: Adapter>(s: &SocketRef<A>, state: &AppState, user: &AuthUser) {
    s.join(user_room(&user.id));
    s.join(role_room(user.role));
    s.join(presence_room(user.role, &user.id));
    match user.role {
        Role::Admin => s.join(ADMINS),
        Role::Delivery => {
            let available = matches!(
                state.store.partner_profile(&user.id).await,
                Ok(Some(p)) if p.is_available && p.status == "active"
            );
            if available {
                s.join(AVAILABLE_PARTNERS);
            }
            register_partner_events(s);
        }
        Role::Customer => {}
    }
    state.realtime.presence.connect(&user.id, user.role);
    state.realtime.stats_changed();
    let user_id = user.id.clone();
    s.on_disconnect(async move |State(cell): State<StateCell>| {
        if let Some(state) = cell.get() {
            state.realtime.presence.disconnect(&user_id);
            state.realtime.stats_changed();
        }
    });
}

/// Once connected: everything was prepared by the middleware.
pub async fn on_connect<A: Adapter>(s: SocketRef<A>) {
    if let Some(user) = s.extensions.get::<AuthUser>() {
        tracing::debug!(user_id = %user.id, role = user.role.as_str(), "socket connected");
    }
}

/// Per-socket fixed-window limits: locations and other events counted apart.
#[derive(Default)]
pub struct Limiter {
    windows: Mutex<[(Option<Instant>, u32); 2]>,
}

const LOCATIONS_PER_SEC: u32 = 5;
const EVENTS_PER_SEC: u32 = 20;

impl Limiter {
    fn allow(&self, location: bool) -> bool {
        let (slot, max) = if location {
            (0, LOCATIONS_PER_SEC)
        } else {
            (1, EVENTS_PER_SEC)
        };
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let (start, count) = &mut w[slot];
        if start.is_none_or(|s| now.duration_since(s) >= Duration::from_secs(1)) {
            *start = Some(now);
            *count = 0;
        }
        *count += 1;
        *count <= max
    }
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

fn limited(limiter: &Limiter, location: bool) -> Result<(), AppError> {
    if limiter.allow(location) {
        Ok(())
    } else {
        Err(AppError::TooManyRequests {
            retry_after_secs: 1,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OrderRef {
    order_id: String,
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
struct CodeCheck {
    order_id: String,
    confirmation_code: String,
}

/// Register a partner event: rate-limit, parse the payload as `$ty`, run `$call` (the
/// same service the REST route calls) and answer the acknowledgement.
macro_rules! partner_event {
    ($s:expr, $event:literal, location: $location:expr, |$state:ident, $user:ident, $req:ident: $ty:ty| $call:expr) => {
        $s.on(
            $event,
            async |TryData(d): TryData<serde_json::Value>,
                   ack: AckSender<A>,
                   State(cell): State<StateCell>,
                   Extension(user): Extension<AuthUser>,
                   Extension(limiter): Extension<Arc<Limiter>>| {
                let result = async {
                    let $state = cell.get().ok_or(AppError::Unavailable)?;
                    $state.metrics.event_in();
                    limited(&limiter, $location)?;
                    let $req: $ty = parse(d)?;
                    let $user = &user;
                    $call.await
                }
                .await;
                reply(ack, result);
            },
        )
    };
}

fn register_partner_events<A: Adapter>(s: &SocketRef<A>) {
    partner_event!(s, "order:accept", location: false, |state, user, req: OrderRef| {
        delivery::accept(state, user, &req.order_id)
    });
    partner_event!(s, "order:status-update", location: false, |state, user, req: StatusChange| {
        delivery::update_status(state, user, &req.order_id, &req.status, req.confirmation_code.as_deref())
    });
    partner_event!(s, "order:confirm-delivery", location: false, |state, user, req: CodeCheck| {
        delivery::confirm_delivery(state, user, &req.order_id, &req.confirmation_code)
    });
    partner_event!(s, "delivery:location-update", location: true, |state, user, req: LocationUpdate| {
        delivery::record_location(state, user, req)
    });
    partner_event!(s, "delivery:availability", location: false, |state, user, req: AvailabilityRequest| {
        delivery::set_availability(state, user, req.available)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_caps_each_kind_per_second() {
        let l = Limiter::default();
        for _ in 0..LOCATIONS_PER_SEC {
            assert!(l.allow(true));
        }
        assert!(!l.allow(true));
        assert!(l.allow(false), "other events have their own budget");
    }
}
