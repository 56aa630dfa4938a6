//! Accounts and sessions: users, their role and status, and the token version that ends
//! every session at once.

use crate::db::{Row, Tx, sql};
use crate::models::*;
use crate::orders::{bad_value, from_ms, new_id, now_ms};
use crate::{Store, StoreError, StoreResult};
use qc_domain::{Role, UserStatus};

const USER_BY_ID: &str = "SELECT id, email, name, phone, role, status, password_hash, \
    token_version, created_at, updated_at, store_id FROM users WHERE id = $1";
const USER_BY_EMAIL: &str = "SELECT id, email, name, phone, role, status, password_hash, \
    token_version, created_at, updated_at, store_id FROM users WHERE email = $1";

pub(crate) fn user_from_row(r: &Row) -> StoreResult<User> {
    let role: String = r.get("role")?;
    let status: String = r.get("status")?;
    Ok(User {
        id: r.get("id")?,
        email: r.get("email")?,
        name: r.get("name")?,
        phone: r.get("phone")?,
        role: Role::parse(&role).ok_or_else(|| bad_value("role", &role))?,
        status: UserStatus::parse(&status).ok_or_else(|| bad_value("status", &status))?,
        password_hash: r.get("password_hash")?,
        token_version: r.get("token_version")?,
        created_at: from_ms(r.get("created_at")?),
        updated_at: from_ms(r.get("updated_at")?),
        store_id: r.get("store_id")?,
    })
}

async fn user_in(tx: &mut Tx, id: &str) -> StoreResult<User> {
    let row = sql(USER_BY_ID).bind(id).fetch_one(tx).await?;
    user_from_row(&row)
}

impl Store {
    /// Create an account; a delivery account gets its partner profile in the same
    /// transaction. A taken e-mail → [`StoreError::Conflict`].
    pub async fn create_user(&self, u: NewUser) -> StoreResult<User> {
        let u = &u;
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let id = new_id();
            let now = now_ms();
            let inserted = sql(
                "INSERT INTO users (id, email, name, phone, role, status, password_hash, \
                 token_version, created_at, updated_at, store_id) \
                 VALUES ($1, $2, $3, $4, $5, 'active', $6, 0, $7, $7, $8) \
                 ON CONFLICT (email) DO NOTHING",
            )
            .bind(&id)
            .bind(&u.email)
            .bind(&u.name)
            .bind(&u.phone)
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(now)
            .bind(if u.role == Role::Picker {
                u.home_store_id.as_deref()
            } else {
                None
            })
            .execute(&mut tx)
            .await?;
            if inserted == 0 {
                return Err(StoreError::Conflict(
                    "an account with this e-mail already exists".into(),
                ));
            }
            if u.role == Role::Delivery {
                sql(
                    "INSERT INTO delivery_partners (user_id, created_at, home_store_id) \
                     VALUES ($1, $2, $3)",
                )
                .bind(&id)
                .bind(now)
                .bind(&u.home_store_id)
                .execute(&mut tx)
                .await?;
            }
            let user = user_in(&mut tx, &id).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    pub async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        let row = sql(USER_BY_ID)
            .bind(id)
            .fetch_optional(&mut self.read().await?)
            .await?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    /// `email` must already be normalised.
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sql(USER_BY_EMAIL)
            .bind(email)
            .fetch_optional(&mut self.read().await?)
            .await?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    pub async fn update_profile(&self, id: &str, patch: ProfilePatch) -> StoreResult<User> {
        let (set_phone, phone) = match patch.phone {
            Some(p) => (true, p),
            None => (false, None),
        };
        let (name, phone) = (&patch.name, &phone);
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("UPDATE users SET name = COALESCE($1, name), \
                 phone = CASE WHEN $2 THEN $3 ELSE phone END, updated_at = $4 WHERE id = $5")
            .bind(name)
            .bind(set_phone)
            .bind(phone)
            .bind(now_ms())
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            let user = user_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    /// Replace the password hash and bump the token version (old tokens stop working).
    pub async fn set_password(&self, id: &str, password_hash: &str) -> StoreResult<User> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE users SET password_hash = $1, token_version = token_version + 1, \
                 updated_at = $2 WHERE id = $3",
            )
            .bind(password_hash)
            .bind(now_ms())
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            let user = user_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    /// Bump the token version: every token issued before stops working.
    pub async fn revoke_tokens(&self, id: &str) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE users SET token_version = token_version + 1, updated_at = $1 WHERE id = $2",
            )
            .bind(now_ms())
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            tx.commit().await
        })
        .await
    }

    pub async fn count_users(&self) -> StoreResult<i64> {
        sql("SELECT COUNT(*) FROM users")
            .scalar(&mut self.read().await?)
            .await
    }

    /// Block or unblock; blocking also bumps the token version (old tokens die) and turns
    /// a partner's availability off.
    pub async fn set_user_status(&self, id: &str, status: UserStatus) -> StoreResult<User> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let bump = i64::from(status == UserStatus::Blocked);
            sql(
                "UPDATE users SET status = $1, token_version = token_version + $2, updated_at = $3 \
                 WHERE id = $4",
            )
            .bind(status.as_str())
            .bind(bump)
            .bind(now_ms())
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            if status == UserStatus::Blocked {
                sql("UPDATE delivery_partners SET is_available = FALSE WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut tx)
                    .await?;
            }
            let user = user_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    /// Keep a one-time password link (only its hash), valid until `expires_at`; earlier
    /// unused links of the same user and purpose stop working.
    pub async fn create_password_token(
        &self,
        user_id: &str,
        purpose: &str,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let now = now_ms();
            sql("UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 \
                 AND used_at IS NULL")
            .bind(now)
            .bind(user_id)
            .bind(purpose)
            .execute(&mut tx)
            .await?;
            sql("INSERT INTO password_tokens (token_hash, user_id, purpose, expires_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(purpose)
            .bind(expires_at.timestamp_millis())
            .bind(now)
            .execute(&mut tx)
            .await?;
            tx.commit().await
        })
        .await
    }

    /// Use a one-time link: set the password and end every session, once. An unknown,
    /// used or expired link → [`StoreError::NotFound`].
    pub async fn redeem_password_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<User> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let user_id: Option<String> = sql(
                "UPDATE password_tokens SET used_at = $1 WHERE token_hash = $2 \
                 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
            )
            .bind(at.timestamp_millis())
            .bind(token_hash)
            .scalar_optional(&mut tx)
            .await?;
            let user_id = user_id.ok_or(StoreError::NotFound)?;
            sql(
                "UPDATE users SET password_hash = $1, token_version = token_version + 1, \
                 updated_at = $2 WHERE id = $3",
            )
            .bind(password_hash)
            .bind(at.timestamp_millis())
            .bind(&user_id)
            .execute(&mut tx)
            .await?;
            let user = user_in(&mut tx, &user_id).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    /// Staff (pickers), of one store or all, newest first.
    pub async fn list_staff(&self, store_id: Option<&str>) -> StoreResult<Vec<User>> {
        let rows = sql(
            "SELECT id, email, name, phone, role, status, password_hash, token_version, \
             created_at, updated_at, store_id FROM users WHERE role = 'picker' \
             AND ($1 IS NULL OR store_id = $1) ORDER BY created_at DESC LIMIT 500",
        )
        .bind(store_id)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(user_from_row).collect()
    }
}
