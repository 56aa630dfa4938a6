//! Accounts: register, sign in and out, one's own profile and password; and what
//! admins do to accounts: list users, block and unblock, list, verify and suspend
//! partners, and (from the command line only) create admins.

use super::{AppState, page_params};
use crate::api::*;
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use qc_domain::{Email, Name, Password, Phone, Role, UserStatus, ValidationErrors};
use qc_store::{NewUser, ProfilePatch, StoreError, User, UserFilter};

fn session(state: &AppState, user: &User) -> Result<AuthResponse> {
    Ok(AuthResponse {
        success: true,
        token: state
            .tokens
            .issue(&user.id, user.role.as_str(), user.token_version)?,
        user: UserView::from(user),
    })
}

/// Create a customer or delivery-partner account and sign it in. Throttled per client
/// address (`QC_REGISTRATIONS_PER_HOUR`).
pub async fn register(
    state: &AppState,
    req: RegisterRequest,
    client_ip: &str,
) -> Result<AuthResponse> {
    state
        .limits
        .registrations
        .hit(client_ip)
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
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
    // A partner works for one store: the one chosen, or the only one.
    let home_store_id = match role {
        Role::Delivery => Some(
            super::stores::given_or_only(state, req.store_id.as_deref())
                .await?
                .id()
                .to_owned(),
        ),
        _ => None,
    };
    let password_hash = state.passwords.hash(password.expose().to_owned()).await?;
    let user = state
        .store
        .create_user(NewUser {
            email: email.into_inner(),
            name: name.into_inner(),
            phone: phone.map(Phone::into_inner),
            role,
            password_hash,
            home_store_id,
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

/// Change one's password: the current one is required (wrong ones are throttled like
/// logins), every old token is revoked, every socket of the user is closed on every
/// instance, and a fresh token is returned.
pub async fn change_password(
    state: &AppState,
    who: &AuthUser,
    req: ChangePasswordRequest,
    client_ip: &str,
) -> Result<AuthResponse> {
    let throttle = &state.password_throttle;
    if let Err(retry_after_secs) = throttle.check_shared(&who.id, client_ip).await {
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
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
        throttle.record_failure_shared(&who.id, client_ip).await;
        return Err(AppError::unauthorized(
            "invalid_credentials",
            "The current password is incorrect.",
        ));
    }
    throttle.record_success_shared(&who.id).await;
    let hash = state.passwords.hash(new.expose().to_owned()).await?;
    let (st, id) = (state.clone(), who.id.clone());
    let user = super::to_the_end(async move {
        let user = st.store.set_password(&id, &hash).await?;
        // Every other session ends now: old tokens by the version bump, sockets here.
        st.end_sessions(
            &id,
            "token_revoked",
            "The password was changed. Sign in again with the new password.",
        )
        .await;
        Ok(user)
    })
    .await?;
    session(state, &user)
}

/// Sign out everywhere: every token of this user stops working.
pub async fn logout(state: &AppState, who: &AuthUser) -> Result<()> {
    let (st, id) = (state.clone(), who.id.clone());
    super::to_the_end(async move {
        st.store.revoke_tokens(&id).await?;
        st.end_sessions(&id, "signed_out", "Signed out on every device.")
            .await;
        Ok(())
    })
    .await
}

pub async fn users(state: &AppState, q: UserQuery) -> Result<UsersResponse> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let mut e = ValidationErrors::new();
    let role = q.role.as_deref().filter(|s| !s.is_empty()).map(|r| {
        Role::parse(r)
            .ok_or(())
            .map_err(|()| e.push("role", "must be customer, delivery or admin"))
    });
    let status = q.status.as_deref().filter(|s| !s.is_empty()).map(|s| {
        UserStatus::parse(s)
            .ok_or(())
            .map_err(|()| e.push("status", "must be active or blocked"))
    });
    e.into_result()?;
    let filter = UserFilter {
        role: role.and_then(Result::ok),
        status: status.and_then(Result::ok),
        search: q.search.filter(|s| !s.trim().is_empty()),
        offset,
        limit,
    };
    let (users, total) = state.store.list_users(&filter).await?;
    let online = state.broadcast.online_users().await;
    Ok(UsersResponse {
        success: true,
        users: users
            .iter()
            .map(|u| AdminUserView {
                user: UserView::from(u),
                online: online.contains_key(&u.id),
            })
            .collect(),
        pagination: Pagination::new(page, limit, total),
    })
}

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
    let (st, id, admin_id) = (state.clone(), user_id.to_owned(), admin.id.clone());
    let user = super::to_the_end(async move {
        let user = st
            .store
            .set_user_status(&id, status)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => AppError::not_found("user_not_found", "No such user."),
                other => other.into(),
            })?;
        if blocked {
            st.end_sessions(
                &id,
                "account_blocked",
                "This account has been blocked. Contact support.",
            )
            .await;
            tracing::info!(user_id = %id, %admin_id, "user blocked");
        } else {
            st.forget_user(&id);
        }
        Ok(user)
    })
    .await?;
    Ok(UserView::from(&user))
}

pub async fn partners(state: &AppState, q: PartnerQuery) -> Result<PartnersResponse> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let search = q.search.as_deref().filter(|s| !s.trim().is_empty());
    let store = q.store_id.as_deref().filter(|s| !s.is_empty());
    let (rows, total) = state
        .store
        .list_partners(search, store, offset, limit)
        .await?;
    let online = state.broadcast.online_users().await;
    Ok(PartnersResponse {
        success: true,
        partners: rows
            .into_iter()
            .map(|r| {
                let p = r.profile;
                let remembered = state.riders.get(&p.user_id);
                AdminPartnerView {
                    rating: p.mean_rating(),
                    rating_count: p.rating_count,
                    online: online.contains_key(&p.user_id),
                    id: p.user_id,
                    name: p.name,
                    email: r.email,
                    phone: p.phone,
                    is_available: p.is_available,
                    is_verified: p.is_verified,
                    status: p.status.as_str().to_owned(),
                    home_store: p
                        .home_store_id
                        .as_deref()
                        .and_then(|s| state.stores.get(s))
                        .map(|s| super::stores::store_ref(&s)),
                    active_orders: p.active_orders,
                    active_order_id: r.active_order_id,
                    // The freshest of the row and this instance's memory (idle
                    // positions reach the row only every 30 s).
                    last_location: {
                        let row =
                            p.last_location
                                .map(|(lat, lng, at)| LocationView { lat, lng, at });
                        match (row, remembered) {
                            (Some(r), Some((_, at))) if at <= r.at => Some(r),
                            (_, Some((pt, at))) => Some(LocationView {
                                lat: pt.lat,
                                lng: pt.lng,
                                at,
                            }),
                            (r, None) => r,
                        }
                    },
                    total_deliveries: p.total_deliveries,
                    total_earnings: p.total_earnings.minor(),
                }
            })
            .collect(),
        pagination: Pagination::new(page, limit, total),
    })
}

/// Verify or suspend a partner; a suspended partner stops receiving offers at once.
pub async fn set_partner_flags(
    state: &AppState,
    partner_id: &str,
    verified: Option<bool>,
    suspended: Option<bool>,
) -> Result<PartnerView> {
    let p = state
        .store
        .set_partner_flags(partner_id, verified, suspended)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::not_found("partner_not_found", "No such delivery partner.")
            }
            other => other.into(),
        })?;
    if !p.is_available {
        // Suspended or unverified: no more offers, at once.
        state
            .broadcast
            .set_partner_available(partner_id, p.home_store_id.as_deref(), None, false)
            .await;
    }
    state.broadcast.stats_changed();
    state.stores.load_changed();
    Ok(super::views::partner_profile_view(state, &p))
}

/// Move a partner to another home store: from now on they are offered its orders.
pub async fn set_partner_store(
    state: &AppState,
    partner_id: &str,
    store_id: &str,
) -> Result<PartnerView> {
    let before = state
        .store
        .partner_profile(partner_id)
        .await?
        .ok_or_else(|| AppError::not_found("partner_not_found", "No such delivery partner."))?;
    let p = state
        .store
        .set_partner_store(partner_id, store_id)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::not_found("store_not_found", "No such store."),
            StoreError::NotFound => {
                AppError::not_found("partner_not_found", "No such delivery partner.")
            }
            other => other.into(),
        })?;
    state
        .broadcast
        .set_partner_available(
            partner_id,
            p.home_store_id.as_deref(),
            before.home_store_id.as_deref(),
            p.is_available && p.is_verified,
        )
        .await;
    state.stores.load_changed();
    Ok(super::views::partner_profile_view(state, &p))
}

/// Create an admin account. Never reachable over HTTP.
pub async fn create_admin(
    state: &AppState,
    email: &str,
    name: &str,
    password: &str,
) -> Result<User> {
    let mut errors = ValidationErrors::new();
    let email = errors.take(Email::parse(email));
    let name = errors.take(Name::parse(name));
    let password = errors.take(Password::parse(password, "password"));
    let (Some(email), Some(name), Some(password)) = (email, name, password) else {
        return Err(errors.into());
    };
    let password_hash = state.passwords.hash(password.expose().to_owned()).await?;
    state
        .store
        .create_user(NewUser {
            email: email.into_inner(),
            name: name.into_inner(),
            phone: None,
            role: Role::Admin,
            password_hash,
            home_store_id: None,
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::conflict("email_taken", "An account with this e-mail already exists.")
            }
            other => other.into(),
        })
}
