//! Dark stores: their settings, their live load, the stock each holds, and the home
//! store of each partner.

use crate::db::{Row, sql, sql_built};
use crate::models::*;
use crate::orders::{ACTIVE, from_ms, new_id, now_ms};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use qc_domain::GeoPoint;

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Other(e.into())
}

fn store_from_row(r: &Row) -> StoreResult<StoreRecord> {
    let lat: Option<f64> = r.get("lat")?;
    let lng: Option<f64> = r.get("lng")?;
    let zone: Option<String> = r.get("zone")?;
    let zips: String = r.get("zip_codes")?;
    let hours: String = r.get("hours")?;
    let settings: String = r.get("settings")?;
    Ok(StoreRecord {
        id: r.get("id")?,
        code: r.get("code")?,
        name: r.get("name")?,
        street: r.get("street")?,
        location: match (lat, lng) {
            (Some(lat), Some(lng)) => Some(GeoPoint { lat, lng }),
            _ => None,
        },
        zone: zone
            .map(|z| serde_json::from_str(&z))
            .transpose()
            .map_err(json_err)?,
        zip_codes: serde_json::from_str(&zips).map_err(json_err)?,
        timezone: r.get("timezone")?,
        hours: serde_json::from_str(&hours).map_err(json_err)?,
        paused: r.get("paused")?,
        settings: serde_json::from_str(&settings).map_err(json_err)?,
        created_at: from_ms(r.get("created_at")?),
        updated_at: from_ms(r.get("updated_at")?),
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(json_err)
}

impl Store {
    /// Every store, by code.
    pub async fn list_stores(&self) -> StoreResult<Vec<StoreRecord>> {
        let rows = sql("SELECT * FROM stores ORDER BY code")
            .fetch_all(&mut self.read().await?)
            .await?;
        rows.iter().map(store_from_row).collect()
    }

    pub async fn store_by_id(&self, id: &str) -> StoreResult<Option<StoreRecord>> {
        let row = sql("SELECT * FROM stores WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut self.read().await?)
            .await?;
        row.as_ref().map(store_from_row).transpose()
    }

    /// A new store; a taken code → [`StoreError::Conflict`].
    pub async fn create_store(&self, s: NewStore) -> StoreResult<StoreRecord> {
        let zone = s.zone.as_ref().map(to_json).transpose()?;
        let (zips, hours, settings) = (
            to_json(&s.zip_codes)?,
            to_json(&s.hours)?,
            to_json(&s.settings)?,
        );
        let (s, zone, zips, hours, settings) = (&s, &zone, &zips, &hours, &settings);
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let id = new_id();
            let now = now_ms();
            sql(
                "INSERT INTO stores (id, code, name, street, lat, lng, zone, zip_codes, timezone, \
                 hours, paused, settings, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
            )
            .bind(&id)
            .bind(&s.code)
            .bind(&s.name)
            .bind(&s.street)
            .bind(s.location.lat)
            .bind(s.location.lng)
            .bind(zone)
            .bind(zips)
            .bind(&s.timezone)
            .bind(hours)
            .bind(s.paused)
            .bind(settings)
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    StoreError::Conflict("a store with this code already exists".into())
                }
                other => other,
            })?;
            let row = sql("SELECT * FROM stores WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut tx)
                .await?;
            tx.commit().await?;
            store_from_row(&row)
        })
        .await
    }

    pub async fn update_store(&self, id: &str, p: StorePatch) -> StoreResult<StoreRecord> {
        let zone = match &p.zone {
            None => None,
            Some(z) => Some(z.as_ref().map(to_json).transpose()?),
        };
        let zips = p.zip_codes.as_ref().map(to_json).transpose()?;
        let hours = p.hours.as_ref().map(to_json).transpose()?;
        let settings = p.settings.as_ref().map(to_json).transpose()?;
        let (p, zone, zips, hours, settings) = (&p, &zone, &zips, &hours, &settings);
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "UPDATE stores SET name = COALESCE($1, name), street = COALESCE($2, street), \
                 lat = COALESCE($3, lat), lng = COALESCE($4, lng), \
                 zone = CASE WHEN $5 THEN $6 ELSE zone END, zip_codes = COALESCE($7, zip_codes), \
                 timezone = COALESCE($8, timezone), hours = COALESCE($9, hours), \
                 paused = COALESCE($10, paused), settings = COALESCE($11, settings), \
                 updated_at = $12 WHERE id = $13",
            )
            .bind(&p.name)
            .bind(&p.street)
            .bind(p.location.map(|l| l.lat))
            .bind(p.location.map(|l| l.lng))
            .bind(zone.is_some())
            .bind(zone.clone().flatten())
            .bind(zips)
            .bind(&p.timezone)
            .bind(hours)
            .bind(p.paused)
            .bind(settings)
            .bind(now_ms())
            .bind(id)
            .execute_found(&mut tx)
            .await?;
            let row = sql("SELECT * FROM stores WHERE id = $1")
                .bind(id)
                .fetch_one(&mut tx)
                .await?;
            tx.commit().await?;
            store_from_row(&row)
        })
        .await
    }

    /// Give the store a migrated single-store database became its location and zone
    /// (from the configuration); stores that have one are left alone. Returns how many
    /// stores were completed.
    pub async fn complete_legacy_stores(
        &self,
        location: GeoPoint,
        zone: &serde_json::Value,
    ) -> StoreResult<u64> {
        let zone = to_json(zone)?;
        let zone = &zone;
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let n = sql(
                "UPDATE stores SET lat = $1, lng = $2, zone = COALESCE(zone, $3), \
                         updated_at = $4 WHERE lat IS NULL OR lng IS NULL",
            )
            .bind(location.lat)
            .bind(location.lng)
            .bind(zone)
            .bind(now_ms())
            .execute(&mut tx)
            .await?;
            tx.commit().await?;
            Ok(n)
        })
        .await
    }

    pub async fn count_stores(&self) -> StoreResult<i64> {
        sql("SELECT COUNT(*) FROM stores")
            .scalar(&mut self.read().await?)
            .await
    }

    /// Open orders and riders of every store that has any, in two grouped queries
    /// (open orders through the status index; partners by home store).
    pub async fn store_loads(&self) -> StoreResult<Vec<StoreLoadRow>> {
        let mut conn = self.read().await?;
        // Counted from the (status, store_id) index alone.
        let orders = sql("SELECT store_id, status, COUNT(*) AS n FROM orders \
             WHERE status IN ('pending', 'accepted') AND store_id IS NOT NULL \
             GROUP BY status, store_id")
        .fetch_all(&mut conn)
        .await?;
        let riders = sql_built(format!(
            "SELECT d.home_store_id AS store_id, \
               CAST(SUM(CASE WHEN b.partner_id IS NULL AND d.is_available = TRUE \
                 AND d.is_verified = TRUE AND d.status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS available, \
               CAST(SUM(CASE WHEN b.partner_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS busy \
             FROM delivery_partners d \
             LEFT JOIN (SELECT DISTINCT partner_id FROM orders WHERE status IN {ACTIVE}) b \
               ON b.partner_id = d.user_id \
             WHERE d.home_store_id IS NOT NULL GROUP BY d.home_store_id"
        ))
        .fetch_all(&mut conn)
        .await?;
        let mut by_store: std::collections::BTreeMap<String, StoreLoadRow> = Default::default();
        for r in &orders {
            let id: String = r.get("store_id")?;
            let status: String = r.get("status")?;
            let n: i64 = r.get("n")?;
            let e = by_store.entry(id.clone()).or_default();
            e.store_id = id;
            // Not picked up yet: pending (also waiting for a rider) and accepted.
            e.unpicked += n;
            if status == "pending" {
                e.waiting_for_rider += n;
            }
        }
        for r in &riders {
            let id: String = r.get("store_id")?;
            let e = by_store.entry(id.clone()).or_default();
            e.store_id = id;
            e.riders_available = r.get("available")?;
            e.riders_busy = r.get("busy")?;
        }
        Ok(by_store.into_values().collect())
    }

    /// Orders of a store delivered since `since`, and how many by their promised time.
    pub async fn on_time(&self, store_id: &str, since: DateTime<Utc>) -> StoreResult<OnTime> {
        let row = sql("SELECT COUNT(*) AS delivered, \
               CAST(COALESCE(SUM(CASE WHEN promised_at IS NULL OR delivered_at <= promised_at \
                 THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time \
             FROM orders WHERE store_id = $1 AND status = 'delivered' AND delivered_at >= $2")
        .bind(store_id)
        .bind(since.timestamp_millis())
        .fetch_one(&mut self.read().await?)
        .await?;
        Ok(OnTime {
            delivered: row.get("delivered")?,
            on_time: row.get("on_time")?,
        })
    }

    /// Set a partner's home store (the store whose orders they are offered).
    pub async fn set_partner_store(
        &self,
        partner_id: &str,
        store_id: &str,
    ) -> StoreResult<PartnerProfile> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("SELECT id FROM stores WHERE id = $1")
                .bind(store_id)
                .fetch_one(&mut tx)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => StoreError::Conflict("no such store".into()),
                    other => other,
                })?;
            sql("UPDATE delivery_partners SET home_store_id = $1 WHERE user_id = $2")
                .bind(store_id)
                .bind(partner_id)
                .execute_found(&mut tx)
                .await?;
            let row = sql(crate::delivery::PROFILE_SELECT)
                .bind(partner_id)
                .fetch_one(&mut tx)
                .await?;
            tx.commit().await?;
            crate::delivery::profile_from_row(&row)
        })
        .await
    }

    /// Set a product's stock (and optionally its bin) at a store, creating the row.
    pub async fn set_store_stock(
        &self,
        store_id: &str,
        product_id: &str,
        stock: i64,
        bin: Option<&str>,
    ) -> StoreResult<()> {
        if stock < 0 {
            return Err(StoreError::InvalidState("stock cannot be negative".into()));
        }
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("INSERT INTO store_stock (store_id, product_id, stock, bin) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (store_id, product_id) DO UPDATE SET stock = excluded.stock, \
                 bin = COALESCE(excluded.bin, store_stock.bin)")
            .bind(store_id)
            .bind(product_id)
            .bind(stock)
            .bind(bin)
            .execute(&mut tx)
            .await?;
            tx.commit().await
        })
        .await
    }
}
