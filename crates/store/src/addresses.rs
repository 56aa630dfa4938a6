//! Saved delivery addresses; every statement is scoped by the owner's id.

use crate::db::{Row, Tx, sql};
use crate::models::SavedAddress;
use crate::orders::{from_ms, new_id, now_ms};
use crate::{Store, StoreError, StoreResult};
use qc_domain::Address;

fn address_from_row(r: &Row) -> StoreResult<SavedAddress> {
    Ok(SavedAddress {
        id: r.get("id")?,
        user_id: r.get("user_id")?,
        address: Address {
            label: r.get("label")?,
            street: r.get("street")?,
            city: r.get("city")?,
            state: r.get("state")?,
            zip_code: r.get("zip_code")?,
            lat: r.get("lat")?,
            lng: r.get("lng")?,
        },
        is_default: r.get("is_default")?,
        created_at: from_ms(r.get("created_at")?),
    })
}

const ONE: &str = "SELECT * FROM addresses WHERE id = $1 AND user_id = $2";

async fn one(tx: &mut Tx, user_id: &str, id: &str) -> StoreResult<SavedAddress> {
    let row = sql(ONE).bind(id).bind(user_id).fetch_one(tx).await?;
    address_from_row(&row)
}

async fn make_default(tx: &mut Tx, user_id: &str, id: &str) -> StoreResult<()> {
    sql("UPDATE addresses SET is_default = (id = $1) WHERE user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(tx)
        .await?;
    Ok(())
}

impl Store {
    pub async fn list_addresses(&self, user_id: &str) -> StoreResult<Vec<SavedAddress>> {
        let rows = sql(
            "SELECT * FROM addresses WHERE user_id = $1 ORDER BY is_default DESC, created_at DESC",
        )
        .bind(user_id)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(address_from_row).collect()
    }

    pub async fn address(&self, user_id: &str, id: &str) -> StoreResult<Option<SavedAddress>> {
        let row = sql(ONE)
            .bind(id)
            .bind(user_id)
            .fetch_optional(&mut self.read().await?)
            .await?;
        row.as_ref().map(address_from_row).transpose()
    }

    /// Refuses with [`StoreError::LimitReached`] past `max_per_user`. The first address,
    /// or one saved as default, becomes the only default.
    pub async fn create_address(
        &self,
        user_id: &str,
        a: Address,
        make_default_flag: bool,
        max_per_user: i64,
    ) -> StoreResult<SavedAddress> {
        let a = &a;
        self.write(|| async move {
            let mut tx = self.begin().await?;
            // Two saves at once must not both pass the count below.
            tx.lock(sql("SELECT id FROM users WHERE id = $1 FOR UPDATE").bind(user_id))
                .await?;
            let count: i64 = sql("SELECT COUNT(*) FROM addresses WHERE user_id = $1")
                .bind(user_id)
                .scalar(&mut tx)
                .await?;
            if count >= max_per_user {
                return Err(StoreError::LimitReached(format!(
                    "at most {max_per_user} saved addresses; delete one first"
                )));
            }
            let id = new_id();
            let now = now_ms();
            sql(
                "INSERT INTO addresses (id, user_id, label, street, city, state, zip_code, lat, lng, \
                 is_default, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE, $10, $10)",
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
            .execute(&mut tx)
            .await?;
            if make_default_flag || count == 0 {
                make_default(&mut tx, user_id, &id).await?;
            }
            let saved = one(&mut tx, user_id, &id).await?;
            tx.commit().await?;
            Ok(saved)
        })
        .await
    }

    pub async fn update_address(
        &self,
        user_id: &str,
        id: &str,
        a: Address,
    ) -> StoreResult<SavedAddress> {
        let a = &a;
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE addresses SET label = $1, street = $2, city = $3, state = $4, zip_code = $5, \
                 lat = $6, lng = $7, updated_at = $8 WHERE id = $9 AND user_id = $10",
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
            .execute_found(&mut tx)
            .await?;
            let saved = one(&mut tx, user_id, id).await?;
            tx.commit().await?;
            Ok(saved)
        })
        .await
    }

    /// Deleting the default makes the newest remaining address the default.
    pub async fn delete_address(&self, user_id: &str, id: &str) -> StoreResult<()> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let was_default: Option<bool> =
                sql("DELETE FROM addresses WHERE id = $1 AND user_id = $2 RETURNING is_default")
                    .bind(id)
                    .bind(user_id)
                    .scalar_optional(&mut tx)
                    .await?;
            match was_default {
                None => return Err(StoreError::NotFound),
                Some(true) => {
                    let next: Option<String> = sql(
                        "SELECT id FROM addresses WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1",
                    )
                    .bind(user_id)
                    .scalar_optional(&mut tx)
                    .await?;
                    if let Some(next) = next {
                        make_default(&mut tx, user_id, &next).await?;
                    }
                }
                Some(false) => {}
            }
            tx.commit().await
        })
        .await
    }

    pub async fn set_default_address(&self, user_id: &str, id: &str) -> StoreResult<SavedAddress> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            one(&mut tx, user_id, id).await?;
            make_default(&mut tx, user_id, id).await?;
            let saved = one(&mut tx, user_id, id).await?;
            tx.commit().await?;
            Ok(saved)
        })
        .await
    }
}
