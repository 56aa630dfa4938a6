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

/// Verify a bearer token and load its user: signature, algorithm, expiry, account
/// status and token version are all checked. Role comes from the database.
pub async fn verify_bearer(state: &AppState, token: &str) -> Result<AuthUser, AppError> {
    let claims = state.tokens.verify(token)?;
    let user = state
        .store
        .user_by_id(&claims.sub)
        .await?
        .ok_or_else(invalid_token)?;
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
    Ok(AuthUser {
        id: user.id,
        role: user.role,
        name: user.name,
        email: user.email,
    })
}

pub(crate) fn invalid_token() -> AppError {
    AppError::unauthorized(
        "invalid_token",
        "The access token is invalid. Please sign in again.",
    )
}
