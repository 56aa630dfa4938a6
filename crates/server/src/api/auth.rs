//! Accounts and sessions.

use qc_store::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/auth/register`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegisterRequest {
    #[schema(example = "Asha Patel")]
    pub name: String,
    #[schema(example = "asha@example.com")]
    pub email: String,
    #[schema(example = "password123")]
    pub password: String,
    #[schema(example = "9820012345")]
    pub phone: Option<String>,
    /// `customer` (default) or `delivery`. `admin` is refused with 403.
    #[schema(example = "customer")]
    pub role: Option<String>,
    /// Delivery partners: the home store whose orders they will be offered (one of
    /// `GET /api/stores`); required when there is more than one store.
    pub store_id: Option<String>,
}

/// `POST /api/auth/login`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "customer@quickcommerce.dev")]
    pub email: String,
    #[schema(example = "Customer@123")]
    pub password: String,
}

/// `PUT /api/auth/me`: only these fields can change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub name: Option<String>,
    /// An empty string clears the phone number.
    pub phone: Option<String>,
}

/// `PUT /api/auth/password`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// A user as clients see it (no hash, no token version).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    /// `customer`, `delivery` or `admin`.
    pub role: String,
    /// `active` or `blocked`.
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            phone: u.phone.clone(),
            role: u.role.as_str().to_owned(),
            status: u.status.as_str().to_owned(),
            created_at: u.created_at,
        }
    }
}

/// `{success, token, user}`: the brief's login answer (also register and password change).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    pub success: bool,
    /// HS256 JWT; send as `Authorization: Bearer <token>` or Socket.io `auth: {token}`.
    pub token: String,
    pub user: UserView,
}

/// `{success, user}`
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub success: bool,
    pub user: UserView,
}

/// `{success, message}`
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub success: bool,
    pub message: String,
}
