//! Admin services.

use super::AppState;
use crate::api::UserView;
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use qc_domain::UserStatus;
use qc_store::StoreError;

/// Block or unblock an account. Blocking revokes every token and closes every socket of
/// the user at once.
pub async fn set_blocked(
    state: &AppState,
    admin: &AuthUser,
    user_id: &str,
    blocked: bool,
) -> Result<UserView> {
    if admin.id == user_id {
        return Err(AppError::conflict(
            "cannot_block_self",
            "Admins cannot block themselves.",
        ));
    }
    let status = if blocked {
        UserStatus::Blocked
    } else {
        UserStatus::Active
    };
    let user = state
        .store
        .set_user_status(user_id, status)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::not_found("user_not_found", "No such user."),
            other => other.into(),
        })?;
    if blocked {
        state.realtime.disconnect_user(user_id).await;
        tracing::info!(user_id, admin_id = %admin.id, "user blocked");
    }
    Ok(UserView::from(&user))
}
