//! Sessions: the one bearer-token verifier, used by REST (extractor, guards, metrics)
//! and the Socket.io handshake alike.

use super::AppState;
use crate::auth::tokens::LEEWAY_SECS;
use crate::auth::{AuthUser, Principal, Session, invalid_token};
use crate::error::AppError;
use qc_domain::UserStatus;

/// The account `id` as the database knows it, through the short-lived user cache
/// (invalidated by every account change made through this instance).
async fn principal(state: &AppState, id: &str) -> Result<Principal, AppError> {
    let ticket = match state.users.get(id) {
        Ok(p) => return Ok(p),
        Err(ticket) => ticket,
    };
    let user = state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(invalid_token)?;
    let p = Principal {
        user: AuthUser {
            id: user.id,
            role: user.role,
            name: user.name,
            email: user.email,
        },
        token_version: user.token_version,
        status: user.status,
    };
    state.users.insert(id, ticket, p.clone());
    Ok(p)
}

/// Verify a bearer token and load its user: signature, algorithm, expiry, account
/// status and token version are all checked. Role comes from the database.
pub async fn verify_bearer(state: &AppState, token: &str) -> Result<AuthUser, AppError> {
    Ok(open(state, token).await?.user)
}

/// Verify a bearer token and keep what later checks of the same session need (the
/// Socket.io handshake does this; see [`recheck`]).
pub async fn open(state: &AppState, token: &str) -> Result<Session, AppError> {
    let claims = state.tokens.verify(token)?;
    let session = Session {
        user: AuthUser {
            id: claims.sub,
            role: qc_domain::Role::Customer,
            name: String::new(),
            email: String::new(),
        },
        version: claims.ver,
        // The first second in which REST refuses the token too.
        ends_at: claims
            .exp
            .saturating_add(i64::try_from(LEEWAY_SECS).unwrap_or(0))
            .saturating_add(1),
    };
    let user = current(state, &session).await?;
    Ok(Session { user, ..session })
}

/// Is a session opened earlier still good: not expired, not revoked (logout, password
/// change, block bump the token version), the account not blocked? Cheap: the account
/// comes from the short-lived account cache. Every socket event calls it.
pub async fn recheck(state: &AppState, session: &Session) -> Result<(), AppError> {
    if chrono::Utc::now().timestamp() >= session.ends_at {
        return Err(expired());
    }
    current(state, session).await.map(|_| ())
}

pub use crate::auth::tokens::expired;

/// The account behind a session, if the session still stands.
async fn current(state: &AppState, session: &Session) -> Result<AuthUser, AppError> {
    let user = principal(state, &session.user.id).await?;
    // Version first: blocking, logout and password changes all bump it, so an old token
    // is simply revoked (401) whatever else happened to the account.
    if user.token_version != session.version {
        return Err(AppError::unauthorized(
            "token_revoked",
            "This session has ended. Please sign in again.",
        ));
    }
    if user.status == UserStatus::Blocked {
        return Err(AppError::unauthorized(
            "account_blocked",
            "This account has been blocked. Contact support.",
        ));
    }
    Ok(user.user)
}
