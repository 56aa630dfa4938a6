//! One-time password links: a new staff member's first password (`setup`, 48 h) and
//! "forgot password" (`reset`, 1 h, sent by mail). The token is shown once (in the
//! admin's answer, or the mail) and kept only as its SHA-256; using it sets the password
//! and ends every session of the account.

use super::AppState;
use crate::api::{ForgotPasswordRequest, SetPasswordRequest};
use crate::auth::{random_hex, sha256_hex};
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use qc_domain::{Email, Password, UserStatus};
use qc_store::StoreError;

/// How long a staff member's setup link works.
pub const SETUP_TTL: chrono::Duration = chrono::Duration::hours(48);
/// How long a password reset link works.
pub const RESET_TTL: chrono::Duration = chrono::Duration::hours(1);

/// A new one-time link for `user_id` (`purpose`: `setup` or `reset`): the token (shown
/// once, kept only as a hash) and when it stops working. Earlier unused links of the
/// same purpose stop working.
pub async fn new_link(
    state: &AppState,
    user_id: &str,
    purpose: &str,
) -> Result<(String, DateTime<Utc>)> {
    let token = random_hex(32);
    let ttl = if purpose == "reset" {
        RESET_TTL
    } else {
        SETUP_TTL
    };
    let expires = Utc::now() + ttl;
    state
        .store
        .create_password_token(user_id, purpose, &sha256_hex(&token), expires)
        .await?;
    Ok((token, expires))
}

/// Use a one-time link: set the password (every session ends).
pub async fn set_password(state: &AppState, req: SetPasswordRequest) -> Result<()> {
    let password = Password::parse(&req.password, "password")?;
    let hash = state.passwords.hash(password.expose().to_owned()).await?;
    let (st, token) = (state.clone(), sha256_hex(req.token.trim()));
    super::to_the_end(async move {
        let user = st
            .store
            .redeem_password_token(&token, &hash, Utc::now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => AppError::bad_request(
                    "invalid_link",
                    "This link is invalid, already used or expired. Ask for a new one.",
                ),
                other => other.into(),
            })?;
        st.end_sessions(&user.id, "password_changed", "Your password was changed.")
            .await;
        Ok(())
    })
    .await
}

/// "Forgot password": a reset link by mail to an active account. The answer is the same
/// whether or not the account exists (nobody learns who has one); throttled per e-mail
/// and per client address.
pub async fn forgot_password(
    state: &AppState,
    req: ForgotPasswordRequest,
    client_ip: &str,
) -> Result<()> {
    let email = Email::parse(&req.email)?;
    let limited = |retry_after_secs| AppError::TooManyRequests { retry_after_secs };
    state
        .limits
        .password_reset_ips
        .hit(client_ip)
        .map_err(limited)?;
    state
        .limits
        .password_resets
        .hit(email.as_str())
        .map_err(limited)?;
    let Some(user) = state.store.user_by_email(email.as_str()).await? else {
        tracing::info!("password reset asked for an unknown e-mail");
        return Ok(());
    };
    if user.status != UserStatus::Active {
        return Ok(());
    }
    let (token, _) = new_link(state, &user.id, "reset").await?;
    let link = format!("{}/set-password?token={token}", state.config.public_url);
    let body = format!(
        "Hello {},\n\nSomeone (we hope you) asked to reset your QuickCommerce password. \
         Open this link within an hour to choose a new one:\n\n{link}\n\n\
         If it was not you, ignore this mail: your password stays as it is.\n",
        user.name
    );
    // Sent in the background: the answer does not wait for (or reveal) the mail server.
    let (mailer, to) = (state.mailer.clone(), user.email.clone());
    tokio::spawn(async move {
        if let Err(e) = mailer
            .send(&to, "Reset your QuickCommerce password", body)
            .await
        {
            tracing::warn!(error = %e, "could not send the password reset mail");
        }
    });
    Ok(())
}
