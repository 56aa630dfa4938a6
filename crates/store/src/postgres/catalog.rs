//! Categories and products on PostgreSQL.

use super::{PgStore, from_ms, new_id, now_ms, q, qs, retry};
use crate::models::*;
use crate::{Catalog, StoreError, StoreResult};
use async_trait::async_trait;
use qc_domain::Money;
use sqlx::Row;
use sqlx::postgres::PgRow;

pub(crate) const PRODUCT_SELECT: &str = "SELECT p.id, p.sku, p.name, p.description, p.category_id, \
     c.slug AS category_slug, c.name AS category_name, c.color AS category_color, p.unit, \
     p.price, p.mrp, p.stock, p.brand, p.tags, p.is_active, p.created_at, p.updated_at \
     FROM products p JOIN categories c ON c.id = p.category_id";

pub(crate) fn product_from_row(r: &PgRow) -> StoreResult<Product> {
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

pub(crate) fn category_from_row(r: &PgRow) -> StoreResult<Category> {
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

/// One product by id on any connection (inside a transaction too).
pub(crate) async fn product_in(conn: &mut sqlx::PgConnection, id: &str) -> StoreResult<Product> {
    let row = q(&(format!("{PRODUCT_SELECT} WHERE p.id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref()
        .map(product_from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

#[async_trait]
impl Catalog for PgStore {
    async fn products_by_ids(&self, ids: &[String]) -> StoreResult<Vec<Product>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = q(&(format!("{PRODUCT_SELECT} WHERE p.id = ANY(?) ORDER BY p.id")))
            .bind(ids)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(product_from_row).collect()
    }

    async fn set_product_active(&self, id: &str, active: bool) -> StoreResult<Product> {
        retry(|| async move {
            let mut tx = self.tx().await?;
            let done = q("UPDATE products SET is_active = ?, updated_at = ? WHERE id = ?")
                .bind(active)
                .bind(now_ms())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let product = product_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(product)
        })
        .await
    }

    async fn set_stock(&self, id: &str, stock: i64) -> StoreResult<Product> {
        if stock < 0 {
            return Err(StoreError::InvalidState("stock cannot be negative".into()));
        }
        let mut tx = self.tx().await?;
        let done = q("UPDATE products SET stock = ?, updated_at = ? WHERE id = ?")
            .bind(stock)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let product = product_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(product)
    }

    async fn list_products(&self, q: &ProductQuery) -> StoreResult<(Vec<Product>, i64)> {
        self.list_products_impl(q).await
    }

    async fn list_categories(&self) -> StoreResult<Vec<CategoryWithCount>> {
        let rows = q(
            "SELECT c.*, (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.is_active = TRUE) \
             AS product_count FROM categories c WHERE c.is_active = TRUE ORDER BY c.sort_order, c.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CategoryWithCount {
                    category: category_from_row(r)?,
                    product_count: r.try_get("product_count")?,
                })
            })
            .collect()
    }

    async fn upsert_category(&self, c: NewCategory) -> StoreResult<Category> {
        let c = &c;
        retry(|| async move {
        let mut tx = self.tx().await?;
        q(
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
        let row = q("SELECT * FROM categories WHERE slug = ?")
            .bind(&c.slug)
            .fetch_one(&mut *tx)
            .await?;
        let cat = category_from_row(&row)?;
        tx.commit().await?;
        Ok(cat)
        })
        .await
    }

    async fn create_product(&self, p: NewProduct) -> StoreResult<Product> {
        let p = &p;
        retry(|| async move {
        let mut tx = self.tx().await?;
        let category_id: Option<String> =
            qs("SELECT id FROM categories WHERE slug = ?")
                .bind(&p.category)
                .fetch_optional(&mut *tx)
                .await?;
        let category_id = category_id.ok_or(StoreError::NotFound)?;
        let id = new_id();
        let now = now_ms();
        let tags = serde_json::to_string(&p.tags).map_err(|e| StoreError::Other(e.into()))?;
        q(
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
        let product = product_in(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(product)
        })
        .await
    }

    async fn product_by_id(&self, id: &str) -> StoreResult<Option<Product>> {
        let row = q(&(format!("{PRODUCT_SELECT} WHERE p.id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| product_from_row(&r)).transpose()
    }

    async fn count_products(&self) -> StoreResult<i64> {
        Ok(qs("SELECT COUNT(*) FROM products")
            .fetch_one(&self.pool)
            .await?)
    }
}

fn sort_sql(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Popular => "p.sold_count DESC, p.name ASC",
        ProductSort::PriceAsc => "p.price ASC, p.name ASC",
        ProductSort::PriceDesc => "p.price DESC, p.name ASC",
        ProductSort::Name => "p.name ASC",
        ProductSort::Newest => "p.created_at DESC, p.id DESC",
    }
}

/// `%term%` with LIKE's wildcards escaped.
pub(crate) fn like_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl PgStore {
    pub(super) async fn list_products_impl(
        &self,
        q: &ProductQuery,
    ) -> StoreResult<(Vec<Product>, i64)> {
        let mut filter = String::from(" WHERE TRUE");
        if !q.include_inactive {
            filter.push_str(" AND p.is_active = TRUE AND c.is_active = TRUE");
        }
        if q.category.is_some() {
            filter.push_str(" AND (c.slug = ?1 OR c.id = ?1)");
        }
        if q.search.is_some() {
            // LIKE is case-insensitive for ASCII; lower() on both sides covers the rest.
            filter.push_str(
                " AND (lower(p.name) LIKE lower(?2) ESCAPE '\\' OR lower(p.description) LIKE lower(?2) ESCAPE '\\' \
                 OR lower(COALESCE(p.brand, '')) LIKE lower(?2) ESCAPE '\\')",
            );
        }
        if q.in_stock {
            filter.push_str(" AND p.stock > 0");
        }
        if q.min_price.is_some() {
            filter.push_str(" AND p.price >= ?3");
        }
        if q.max_price.is_some() {
            filter.push_str(" AND p.price <= ?4");
        }
        let search = q.search.as_deref().map(like_pattern);
        let count_sql = format!(
            "SELECT COUNT(*) FROM products p JOIN categories c ON c.id = p.category_id{filter}"
        );
        let total: i64 = qs(&(count_sql))
            .bind(&q.category)
            .bind(&search)
            .bind(q.min_price.map(Money::minor))
            .bind(q.max_price.map(Money::minor))
            .fetch_one(&self.pool)
            .await?;
        let page_sql = format!(
            "{PRODUCT_SELECT}{filter} ORDER BY {} LIMIT ?5 OFFSET ?6",
            sort_sql(q.sort)
        );
        let rows = super::q(&(page_sql))
            .bind(&q.category)
            .bind(&search)
            .bind(q.min_price.map(Money::minor))
            .bind(q.max_price.map(Money::minor))
            .bind(q.limit)
            .bind(q.offset)
            .fetch_all(&self.pool)
            .await?;
        let products = rows
            .iter()
            .map(product_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((products, total))
    }
}
