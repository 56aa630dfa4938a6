//! Account services: register, login, profile, password, logout.

use super::AppState;
use crate::api::{
    AuthResponse, ChangePasswordRequest, LoginRequest, RegisterRequest, UpdateMeRequest, UserView,
};
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use qc_domain::{Email, Name, Password, Phone, Role, UserStatus, ValidationErrors};
use qc_store::{NewUser, ProfilePatch, StoreError, User};

fn session(state: &AppState, user: &User) -> Result<AuthResponse> {
    Ok(AuthResponse {
        success: true,
        token: state
            .tokens
            .issue(&user.id, user.role.as_str(), user.token_version)?,
        user: UserView::from(user),
    })
}

/// Create a customer or delivery-partner account and sign it in.
pub async fn register(state: &AppState, req: RegisterRequest) -> Result<AuthResponse> {
    let role = match req.role.as_deref().map(str::trim) {
        None | Some("") | Some("customer") => Role::Customer,
        Some("delivery") => Role::Delivery,
        Some("admin") => {
            return Err(AppError::forbidden(
                "admin_registration_forbidden",
                "Admin accounts cannot be self-registered. An operator creates them with \
                 `quickcommerce create-admin`.",
            ));
        }
        Some(_) => {
            return Err(ValidationErrors::one("role", "must be customer or delivery").into());
        }
    };
    let mut errors = ValidationErrors::new();
    let name = errors.take(Name::parse(&req.name));
    let email = errors.take(Email::parse(&req.email));
    let password = errors.take(Password::parse(&req.password, "password"));
    let phone = match req.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => errors.take(Phone::parse(p)),
    };
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let password_hash = state.passwords.hash(password.expose().to_owned()).await?;
    let user = state
        .store
        .create_user(NewUser {
            email: email.into_inner(),
            name: name.into_inner(),
            phone: phone.map(Phone::into_inner),
            role,
            password_hash,
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::conflict("email_taken", "An account with this e-mail already exists.")
            }
            other => other.into(),
        })?;
    tracing::info!(user_id = %user.id, role = role.as_str(), "account registered");
    session(state, &user)
}

/// Sign in. Unknown e-mail and wrong password get the same answer, in the same time.
pub async fn login(state: &AppState, req: LoginRequest, client_ip: &str) -> Result<AuthResponse> {
    let email = req.email.trim().to_lowercase();
    if let Err(retry_after_secs) = state.login_throttle.check_shared(&email, client_ip).await {
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
    if req.password.len() > 1024 {
        return Err(ValidationErrors::one("password", "is too long").into());
    }
    let user = state.store.user_by_email(&email).await?;
    let ok = state
        .passwords
        .verify(req.password, user.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    let user = match user {
        Some(u) if ok => u,
        _ => {
            state
                .login_throttle
                .record_failure_shared(&email, client_ip)
                .await;
            return Err(AppError::unauthorized(
                "invalid_credentials",
                "The e-mail or password is incorrect.",
            ));
        }
    };
    state.login_throttle.record_success_shared(&email).await;
    if user.status == UserStatus::Blocked {
        return Err(AppError::forbidden(
            "account_blocked",
            "This account has been blocked. Contact support.",
        ));
    }
    session(state, &user)
}

async fn load(state: &AppState, who: &AuthUser) -> Result<User> {
    state
        .store
        .user_by_id(&who.id)
        .await?
        .ok_or_else(crate::auth::invalid_token)
}

pub async fn me(state: &AppState, who: &AuthUser) -> Result<UserView> {
    Ok(UserView::from(&load(state, who).await?))
}

/// Change one's own name or phone. Role, e-mail and status are not editable here.
pub async fn update_me(state: &AppState, who: &AuthUser, req: UpdateMeRequest) -> Result<UserView> {
    let mut errors = ValidationErrors::new();
    let name = req
        .name
        .as_deref()
        .and_then(|n| errors.take(Name::parse(n)))
        .map(Name::into_inner);
    let phone = match req.phone.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(p) => errors.take(Phone::parse(p)).map(|p| Some(p.into_inner())),
    };
    errors.into_result()?;
    let user = state
        .store
        .update_profile(&who.id, ProfilePatch { name, phone })
        .await?;
    state.forget_user(&who.id);
    Ok(UserView::from(&user))
}

/// Change one's password: the current one is required, every old token is revoked and
/// a fresh token is returned.
pub async fn change_password(
    state: &AppState,
    who: &AuthUser,
    req: ChangePasswordRequest,
) -> Result<AuthResponse> {
    let new = Password::parse(&req.new_password, "newPassword")?;
    if req.new_password == req.current_password {
        return Err(
            ValidationErrors::one("newPassword", "must differ from the current password").into(),
        );
    }
    let user = load(state, who).await?;
    let ok = state
        .passwords
        .verify(req.current_password, Some(user.password_hash))
        .await?;
    if !ok {
        return Err(AppError::unauthorized(
            "invalid_credentials",
            "The current password is incorrect.",
        ));
    }
    let hash = state.passwords.hash(new.expose().to_owned()).await?;
    let user = state.store.set_password(&who.id, &hash).await?;
    state.forget_user(&who.id);
    session(state, &user)
}

/// Sign out everywhere: every token of this user stops working.
pub async fn logout(state: &AppState, who: &AuthUser) -> Result<()> {
    state.store.revoke_tokens(&who.id).await?;
    state.forget_user(&who.id);
    state.realtime.disconnect_user(&who.id).await;
    Ok(())
}
