//! Saved addresses on SQLite; every query is scoped by the owner's id.

use super::{SqliteStore, from_ms, new_id, now_ms};
use crate::models::SavedAddress;
use crate::{Addresses, StoreError, StoreResult};
use async_trait::async_trait;
use qc_domain::Address;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};

fn address_from_row(r: &SqliteRow) -> StoreResult<SavedAddress> {
    Ok(SavedAddress {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        address: Address {
            label: r.try_get("label")?,
            street: r.try_get("street")?,
            city: r.try_get("city")?,
            state: r.try_get("state")?,
            zip_code: r.try_get("zip_code")?,
            lat: r.try_get("lat")?,
            lng: r.try_get("lng")?,
        },
        is_default: r.try_get("is_default")?,
        created_at: from_ms(r.try_get("created_at")?),
    })
}

async fn one(
    tx: &mut Transaction<'_, Sqlite>,
    user_id: &str,
    id: &str,
) -> StoreResult<SavedAddress> {
    let row = sqlx::query("SELECT * FROM addresses WHERE id = ? AND user_id = ?")
        .bind(id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref()
        .map(address_from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

async fn make_default(
    tx: &mut Transaction<'_, Sqlite>,
    user_id: &str,
    id: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE addresses SET is_default = (id = ?) WHERE user_id = ?")
        .bind(id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl Addresses for SqliteStore {
    async fn list_addresses(&self, user_id: &str) -> StoreResult<Vec<SavedAddress>> {
        let rows = sqlx::query(
            "SELECT * FROM addresses WHERE user_id = ? ORDER BY is_default DESC, created_at DESC",
        )
        .bind(user_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(address_from_row).collect()
    }

    async fn address(&self, user_id: &str, id: &str) -> StoreResult<Option<SavedAddress>> {
        let row = sqlx::query("SELECT * FROM addresses WHERE id = ? AND user_id = ?")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(address_from_row).transpose()
    }

    async fn create_address(
        &self,
        user_id: &str,
        a: Address,
        make_default_flag: bool,
        max_per_user: i64,
    ) -> StoreResult<SavedAddress> {
        let mut tx = self.write_tx().await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE user_id = ?")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        if count >= max_per_user {
            return Err(StoreError::LimitReached(format!(
                "at most {max_per_user} saved addresses; delete one first"
            )));
        }
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO addresses (id, user_id, label, street, city, state, zip_code, lat, lng, \
             is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(&a.label)
        .bind(&a.street)
        .bind(&a.city)
        .bind(&a.state)
        .bind(&a.zip_code)
        .bind(a.lat)
        .bind(a.lng)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if make_default_flag || count == 0 {
            make_default(&mut tx, user_id, &id).await?;
        }
        let saved = one(&mut tx, user_id, &id).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn update_address(
        &self,
        user_id: &str,
        id: &str,
        a: Address,
    ) -> StoreResult<SavedAddress> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE addresses SET label = ?, street = ?, city = ?, state = ?, zip_code = ?, lat = ?, \
             lng = ?, updated_at = ? WHERE id = ? AND user_id = ?",
        )
        .bind(&a.label)
        .bind(&a.street)
        .bind(&a.city)
        .bind(&a.state)
        .bind(&a.zip_code)
        .bind(a.lat)
        .bind(a.lng)
        .bind(now_ms())
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let saved = one(&mut tx, user_id, id).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn delete_address(&self, user_id: &str, id: &str) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let was_default: Option<bool> = sqlx::query_scalar(
            "DELETE FROM addresses WHERE id = ? AND user_id = ? RETURNING is_default",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        match was_default {
            None => return Err(StoreError::NotFound),
            Some(true) => {
                let next: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM addresses WHERE user_id = ? ORDER BY created_at DESC LIMIT 1",
                )
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(next) = next {
                    make_default(&mut tx, user_id, &next).await?;
                }
            }
            Some(false) => {}
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_default_address(&self, user_id: &str, id: &str) -> StoreResult<SavedAddress> {
        let mut tx = self.write_tx().await?;
        one(&mut tx, user_id, id).await?;
        make_default(&mut tx, user_id, id).await?;
        let saved = one(&mut tx, user_id, id).await?;
        tx.commit().await?;
        Ok(saved)
    }
}
