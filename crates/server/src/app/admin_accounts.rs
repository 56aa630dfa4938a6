//! Operator-only account creation: the one way to make an admin (from the CLI).

use super::AppState;
use crate::error::{AppError, Result};
use qc_domain::{Email, Name, Password, Role, ValidationErrors};
use qc_store::{NewUser, StoreError, User};

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
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::conflict("email_taken", "An account with this e-mail already exists.")
            }
            other => other.into(),
        })
}
