//! The embedded SQLite backend: one file, WAL, `synchronous=FULL`.
//!
//! Writes go through a single-connection pool and start with `BEGIN IMMEDIATE`, so
//! writers queue fairly in-process instead of spinning on `SQLITE_BUSY`; reads use a
//! separate pool and never block writers (WAL). `busy_timeout` still covers a second
//! process (the CLI) writing to the same file.

use crate::models::*;
use crate::{ConnectOptions, Store, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use qc_domain::{Money, Role, UserStatus};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// SQLite implementation of [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

impl SqliteStore {
    /// Open (creating if missing) the database file named by `url`.
    pub async fn connect(url: &str, opts: ConnectOptions) -> StoreResult<SqliteStore> {
        let base = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(anyhow::anyhow!("invalid sqlite url: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-16000");
        if let Some(dir) = base.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Other(e.into()))?;
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(base.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(base)
            .await?;
        Ok(SqliteStore { writer, reader })
    }

    /// A write transaction that takes the write lock up front.
    async fn write_tx(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn user_where_id(&self, id: &str, tx: &mut Transaction<'_, Sqlite>) -> StoreResult<User> {
        let row = sqlx::query(USER_SELECT_BY_ID)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        row.map(|r| user_from_row(&r))
            .transpose()?
            .ok_or(StoreError::NotFound)
    }
}

const USER_SELECT_BY_ID: &str = "SELECT id, email, name, phone, role, status, password_hash, token_version, created_at, updated_at FROM users WHERE id = ?";
const USER_SELECT_BY_EMAIL: &str = "SELECT id, email, name, phone, role, status, password_hash, token_version, created_at, updated_at FROM users WHERE email = ?";

fn user_from_row(r: &SqliteRow) -> StoreResult<User> {
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

fn bad_value(column: &str, value: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!(
        "unexpected {column} value {value:?} in the database"
    ))
}

const PRODUCT_SELECT: &str = "SELECT p.id, p.sku, p.name, p.description, p.category_id, \
     c.slug AS category_slug, c.name AS category_name, c.color AS category_color, p.unit, \
     p.price, p.mrp, p.stock, p.brand, p.tags, p.is_active, p.created_at, p.updated_at \
     FROM products p JOIN categories c ON c.id = p.category_id";

fn product_from_row(r: &SqliteRow) -> StoreResult<Product> {
    let id: String = r.try_get("id")?;
    let tags: String = r.try_get("tags")?;
    Ok(Product {
        image_url: format!("/images/products/{id}.svg"),
        id,
        sku: r.try_get("sku")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        category_id: r.try_get("category_id")?,
        category_slug: r.try_get("category_slug")?,
        category_name: r.try_get("category_name")?,
        category_color: r.try_get("category_color")?,
        unit: r.try_get("unit")?,
        price: Money(r.try_get("price")?),
        mrp: Money(r.try_get("mrp")?),
        stock: r.try_get("stock")?,
        brand: r.try_get("brand")?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        is_active: r.try_get("is_active")?,
        created_at: from_ms(r.try_get("created_at")?),
        updated_at: from_ms(r.try_get("updated_at")?),
    })
}

fn category_from_row(r: &SqliteRow) -> StoreResult<Category> {
    Ok(Category {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        color: r.try_get("color")?,
        icon: r.try_get("icon")?,
        is_active: r.try_get("is_active")?,
        sort_order: r.try_get("sort_order")?,
    })
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(|e| StoreError::Other(anyhow::anyhow!("migration failed: {e}")))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn create_user(&self, u: NewUser) -> StoreResult<User> {
        let mut tx = self.write_tx().await?;
        let id = new_id();
        let now = now_ms();
        let inserted = sqlx::query(
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
            sqlx::query("INSERT INTO delivery_partners (user_id, created_at) VALUES (?, ?)")
                .bind(&id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let user = self.user_where_id(&id, &mut tx).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(USER_SELECT_BY_ID)
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(USER_SELECT_BY_EMAIL)
            .bind(email)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    async fn update_profile(&self, id: &str, patch: ProfilePatch) -> StoreResult<User> {
        let mut tx = self.write_tx().await?;
        let (set_phone, phone) = match patch.phone {
            Some(p) => (true, p),
            None => (false, None),
        };
        let done = sqlx::query(
            "UPDATE users SET name = COALESCE(?, name), \
             phone = CASE WHEN ? THEN ? ELSE phone END, updated_at = ? WHERE id = ?",
        )
        .bind(patch.name)
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
    }

    async fn set_password(&self, id: &str, password_hash: &str) -> StoreResult<User> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
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
    }

    async fn revoke_tokens(&self, id: &str) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
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
    }

    async fn count_users(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.reader)
            .await?)
    }

    async fn upsert_category(&self, c: NewCategory) -> StoreResult<Category> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO categories (id, slug, name, description, color, icon, sort_order, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET name = excluded.name, \
             description = excluded.description, color = excluded.color, icon = excluded.icon, \
             sort_order = excluded.sort_order",
        )
        .bind(new_id())
        .bind(&c.slug)
        .bind(&c.name)
        .bind(&c.description)
        .bind(&c.color)
        .bind(&c.icon)
        .bind(c.sort_order)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query("SELECT * FROM categories WHERE slug = ?")
            .bind(&c.slug)
            .fetch_one(&mut *tx)
            .await?;
        let cat = category_from_row(&row)?;
        tx.commit().await?;
        Ok(cat)
    }

    async fn create_product(&self, p: NewProduct) -> StoreResult<Product> {
        let mut tx = self.write_tx().await?;
        let category_id: Option<String> =
            sqlx::query_scalar("SELECT id FROM categories WHERE slug = ?")
                .bind(&p.category)
                .fetch_optional(&mut *tx)
                .await?;
        let category_id = category_id.ok_or(StoreError::NotFound)?;
        let id = new_id();
        let now = now_ms();
        let tags = serde_json::to_string(&p.tags).map_err(|e| StoreError::Other(e.into()))?;
        sqlx::query(
            "INSERT INTO products (id, sku, name, description, category_id, unit, price, mrp, \
             stock, brand, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&p.sku)
        .bind(&p.name)
        .bind(&p.description)
        .bind(&category_id)
        .bind(&p.unit)
        .bind(p.price.minor())
        .bind(p.mrp.minor())
        .bind(p.stock)
        .bind(&p.brand)
        .bind(tags)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("a product with this SKU already exists".into()),
            other => other,
        })?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PRODUCT_SELECT} WHERE p.id = ?"
        )))
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
        let product = product_from_row(&row)?;
        tx.commit().await?;
        Ok(product)
    }

    async fn product_by_id(&self, id: &str) -> StoreResult<Option<Product>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PRODUCT_SELECT} WHERE p.id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| product_from_row(&r)).transpose()
    }

    async fn count_products(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM products")
            .fetch_one(&self.reader)
            .await?)
    }
}
