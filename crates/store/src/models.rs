//! Plain data crossing the [`crate::Store`] trait. Times are UTC, money is minor units.

use chrono::{DateTime, Utc};
use qc_domain::{Money, Role, UserStatus};

/// An account as stored.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub status: UserStatus,
    pub password_hash: String,
    /// Bumped by logout, password change and blocking; tokens carry the version they
    /// were issued under.
    pub token_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub password_hash: String,
}

/// Fields a user may change on their own profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub name: Option<String>,
    /// `Some(None)` clears the phone number.
    pub phone: Option<Option<String>>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub color: String,
    pub icon: String,
    pub is_active: bool,
    pub sort_order: i64,
}

#[derive(Debug, Clone)]
pub struct NewCategory {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub color: String,
    pub icon: String,
    pub sort_order: i64,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category_id: String,
    pub category_slug: String,
    pub category_name: String,
    pub category_color: String,
    pub unit: String,
    pub price: Money,
    pub mrp: Money,
    pub stock: i64,
    pub brand: Option<String>,
    pub tags: Vec<String>,
    pub image_url: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub description: String,
    /// The category's slug.
    pub category: String,
    pub unit: String,
    pub price: Money,
    pub mrp: Money,
    pub stock: i64,
    pub brand: Option<String>,
    pub tags: Vec<String>,
}
