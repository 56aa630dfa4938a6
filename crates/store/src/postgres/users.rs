//! Accounts on PostgreSQL.

use super::{PgStore, bad_value, from_ms, new_id, now_ms, q, qs, retry};
use crate::models::*;
use crate::{Accounts, StoreError, StoreResult};
use async_trait::async_trait;
use qc_domain::{Role, UserStatus};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};

const USER_SELECT_BY_ID: &str = "SELECT id, email, name, phone, role, status, password_hash, token_version, created_at, updated_at FROM users WHERE id = ?";
const USER_SELECT_BY_EMAIL: &str = "SELECT id, email, name, phone, role, status, password_hash, token_version, created_at, updated_at FROM users WHERE email = ?";

pub(crate) fn user_from_row(r: &PgRow) -> StoreResult<User> {
    let role: String = r.try_get("role")?;
    let status: String = r.try_get("status")?;
    Ok(User {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        phone: r.try_get("phone")?,
        role: Role::parse(&role).ok_or_else(|| bad_value("role", &role))?,
        status: UserStatus::parse(&status).ok_or_else(|| bad_value("status", &status))?,
        password_hash: r.try_get("password_hash")?,
        token_version: r.try_get("token_version")?,
        created_at: from_ms(r.try_get("created_at")?),
        updated_at: from_ms(r.try_get("updated_at")?),
    })
}

impl PgStore {
    async fn user_where_id(
        &self,
        id: &str,
        tx: &mut Transaction<'_, Postgres>,
    ) -> StoreResult<User> {
        let row = q(USER_SELECT_BY_ID)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        row.map(|r| user_from_row(&r))
            .transpose()?
            .ok_or(StoreError::NotFound)
    }
}

#[async_trait]
impl Accounts for PgStore {
    async fn set_user_status(&self, id: &str, status: UserStatus) -> StoreResult<User> {
        retry(|| async move {
        let mut tx = self.tx().await?;
        let bump = i64::from(status == UserStatus::Blocked);
        let done = q(
            "UPDATE users SET status = ?, token_version = token_version + ?, updated_at = ? WHERE id = ?",
        )
        .bind(status.as_str())
        .bind(bump)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if status == UserStatus::Blocked {
            q("UPDATE delivery_partners SET is_available = FALSE WHERE user_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let user = self.user_where_id(id, &mut tx).await?;
        tx.commit().await?;
        Ok(user)
        })
        .await
    }

    async fn create_user(&self, u: NewUser) -> StoreResult<User> {
        let u = &u;
        retry(|| async move {
            let mut tx = self.tx().await?;
            let id = new_id();
            let now = now_ms();
            let inserted = q(
                "INSERT INTO users (id, email, name, phone, role, status, password_hash, \
             token_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'active', ?, 0, ?, ?) \
             ON CONFLICT (email) DO NOTHING",
            )
            .bind(&id)
            .bind(&u.email)
            .bind(&u.name)
            .bind(&u.phone)
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::Conflict(
                    "an account with this e-mail already exists".into(),
                ));
            }
            if u.role == Role::Delivery {
                q("INSERT INTO delivery_partners (user_id, created_at) VALUES (?, ?)")
                    .bind(&id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            let user = self.user_where_id(&id, &mut tx).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        let row = q(USER_SELECT_BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = q(USER_SELECT_BY_EMAIL)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    async fn update_profile(&self, id: &str, patch: ProfilePatch) -> StoreResult<User> {
        let patch = &patch;
        retry(|| async move {
            let mut tx = self.tx().await?;
            let (set_phone, phone) = match patch.phone.clone() {
                Some(p) => (true, p),
                None => (false, None),
            };
            let done = q("UPDATE users SET name = COALESCE(?, name), \
             phone = CASE WHEN ? THEN ? ELSE phone END, updated_at = ? WHERE id = ?")
            .bind(&patch.name)
            .bind(set_phone)
            .bind(phone)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let user = self.user_where_id(id, &mut tx).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    async fn set_password(&self, id: &str, password_hash: &str) -> StoreResult<User> {
        retry(|| async move {
            let mut tx = self.tx().await?;
            let done = q(
                "UPDATE users SET password_hash = ?, token_version = token_version + 1, \
             updated_at = ? WHERE id = ?",
            )
            .bind(password_hash)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let user = self.user_where_id(id, &mut tx).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    async fn revoke_tokens(&self, id: &str) -> StoreResult<()> {
        retry(|| async move {
            let mut tx = self.tx().await?;
            let done = q(
                "UPDATE users SET token_version = token_version + 1, updated_at = ? WHERE id = ?",
            )
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn count_users(&self) -> StoreResult<i64> {
        Ok(qs("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }
}
