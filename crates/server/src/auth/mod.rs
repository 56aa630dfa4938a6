//! Authentication building blocks shared by REST and the Socket.io handshake:
//! tokens ([`tokens`]), password hashing ([`password`]), the one verifier
//! ([`verify_bearer`]) and the failed-login throttle ([`throttle`]).

pub mod password;
pub mod throttle;
pub mod tokens;

use crate::app::AppState;
use crate::error::AppError;
use qc_domain::{Role, UserStatus};

/// The caller, as the database knows them right now.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub role: Role,
    pub name: String,
    pub email: String,
}

/// What the database says about an account, as far as authentication needs it.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: AuthUser,
    pub token_version: i64,
    pub status: UserStatus,
}

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
    let claims = state.tokens.verify(token)?;
    let user = principal(state, &claims.sub).await?;
    // Version first: blocking, logout and password changes all bump it, so an old token
    // is simply revoked (401) whatever else happened to the account.
    if user.token_version != claims.ver {
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

pub(crate) fn invalid_token() -> AppError {
    AppError::unauthorized(
        "invalid_token",
        "The access token is invalid. Please sign in again.",
    )
}
