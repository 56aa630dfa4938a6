//! The catalog: categories and products, and the customer's product search.

use crate::db::{Executor, Row, Sql, sql, sql_built};
use crate::models::*;
use crate::orders::{from_ms, new_id, now_ms};
use crate::{Store, StoreError, StoreResult};
use qc_domain::Money;

/// The product columns with the stock of one store (placeholder `$n`), or of all stores
/// together when `store_param` is `None`.
pub(crate) fn product_select(store_param: Option<usize>) -> String {
    product_select_totals(store_param, None)
}

/// [`product_select`]; with all stores together and `only_product` (the placeholder of
/// a product id), the totals are summed for that product alone instead of for the whole
/// catalog (reading one product must not cost a pass over every store's stock).
fn product_select_totals(store_param: Option<usize>, only_product: Option<usize>) -> String {
    let stock = match (store_param, only_product) {
        (Some(n), _) => {
            format!("LEFT JOIN store_stock ss ON ss.product_id = p.id AND ss.store_id = ${n}")
        }
        (None, only) => format!(
            "LEFT JOIN (SELECT product_id, SUM(stock) AS stock, SUM(sold) AS sold, \
             MIN(bin) AS bin FROM store_stock {} GROUP BY product_id) ss ON ss.product_id = p.id",
            only.map(|n| format!("WHERE product_id = ${n}"))
                .unwrap_or_default()
        ),
    };
    format!(
        "{} {stock}",
        product_columns("CAST(COALESCE(ss.stock, 0) AS BIGINT)", "ss.bin")
    )
}

/// The product columns, with `stock` and `bin` as given, from products and categories.
fn product_columns(stock: &str, bin: &str) -> String {
    format!(
        "SELECT p.id, p.sku, p.name, p.description, p.category_id, \
         c.slug AS category_slug, c.name AS category_name, c.color AS category_color, p.unit, \
         p.price, p.mrp, {stock} AS stock, {bin} AS bin, \
         p.brand, p.tags, p.is_active, c.is_active AS category_active, p.created_at, p.updated_at, \
         p.barcode FROM products p JOIN categories c ON c.id = p.category_id"
    )
}

pub(crate) fn product_from_row(r: &Row) -> StoreResult<Product> {
    let id: String = r.get("id")?;
    let tags: String = r.get("tags")?;
    Ok(Product {
        image_url: format!("/images/products/{id}.svg"),
        id,
        sku: r.get("sku")?,
        name: r.get("name")?,
        description: r.get("description")?,
        category_id: r.get("category_id")?,
        category_slug: r.get("category_slug")?,
        category_name: r.get("category_name")?,
        category_color: r.get("category_color")?,
        unit: r.get("unit")?,
        price: Money(r.get("price")?),
        mrp: Money(r.get("mrp")?),
        stock: r.get("stock")?,
        bin: r.get("bin")?,
        barcode: r.get("barcode")?,
        brand: r.get("brand")?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        is_active: r.get("is_active")?,
        category_active: r.get("category_active")?,
        created_at: from_ms(r.get("created_at")?),
        updated_at: from_ms(r.get("updated_at")?),
    })
}

fn shelf_line(r: &Row) -> StoreResult<ShelfLine> {
    Ok(ShelfLine {
        product_id: r.get("product_id")?,
        stock: r.get("stock")?,
        sold: r.get("sold")?,
        bin: r.get("bin")?,
    })
}

pub(crate) fn category_from_row(r: &Row) -> StoreResult<Category> {
    Ok(Category {
        id: r.get("id")?,
        slug: r.get("slug")?,
        name: r.get("name")?,
        description: r.get("description")?,
        color: r.get("color")?,
        icon: r.get("icon")?,
        is_active: r.get("is_active")?,
        sort_order: r.get("sort_order")?,
    })
}

/// One product by id on any connection (inside a transaction too), with the stock of
/// `store` (all stores together when `None`).
pub(crate) async fn product_in(
    c: &mut impl Executor,
    id: &str,
    store: Option<&str>,
) -> StoreResult<Product> {
    let q = match store {
        Some(s) => sql_built(format!("{} WHERE p.id = $1", product_select(Some(2))))
            .bind(id)
            .bind(s),
        None => sql_built(format!(
            "{} WHERE p.id = $1",
            product_select_totals(None, Some(1))
        ))
        .bind(id),
    };
    product_from_row(&q.fetch_one(c).await?)
}

/// The words of a search, lower-cased: letters and digits only (so nothing a query
/// language could read), at most 8 of at most 40 characters.
pub(crate) fn search_terms(raw: &str) -> Vec<String> {
    qc_domain::search::terms(raw)
}

/// The placeholders of a product query, in order: $1 category, $2 search, $3/$4 price
/// bounds, $5 limit, $6 offset, $7 store.
fn bind_query<'a>(sql: Sql<'a>, q: &'a ProductQuery, search: &'a Option<String>) -> Sql<'a> {
    sql.bind(&q.category)
        .bind(search)
        .bind(q.min_price.map(Money::minor))
        .bind(q.max_price.map(Money::minor))
        .bind(q.limit)
        .bind(q.offset)
        .bind(&q.store_id)
}

/// The sort keys (expression, direction), most significant first.
fn sort_keys(sort: ProductSort) -> Vec<(&'static str, &'static str)> {
    match sort {
        ProductSort::Relevance | ProductSort::Popular => {
            vec![("COALESCE(ss.sold, 0)", "DESC"), ("p.name", "ASC")]
        }
        ProductSort::PriceAsc => vec![("p.price", "ASC"), ("p.name", "ASC")],
        ProductSort::PriceDesc => vec![("p.price", "DESC"), ("p.name", "ASC")],
        ProductSort::Name => vec![("p.name", "ASC")],
        ProductSort::Newest => vec![("p.created_at", "DESC"), ("p.id", "DESC")],
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

impl Store {
    /// A product, with the stock of `store` (all stores together when `None`).
    pub async fn product_by_id(
        &self,
        id: &str,
        store: Option<&str>,
    ) -> StoreResult<Option<Product>> {
        match product_in(&mut self.read().await?, id, store).await {
            Err(StoreError::NotFound) => Ok(None),
            other => other.map(Some),
        }
    }

    /// Products by id, with the stock of `store`.
    pub async fn products_by_ids(&self, ids: &[String], store: &str) -> StoreResult<Vec<Product>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        match &self.product_reader {
            Some(reader) => reader.read(ids, store).await,
            None => self.products_by_ids_now(ids, store).await,
        }
    }

    /// [`Store::products_by_ids`] in a statement of its own.
    pub(crate) async fn products_by_ids_now(
        &self,
        ids: &[String],
        store: &str,
    ) -> StoreResult<Vec<Product>> {
        let mut conn = self.read().await?;
        let wanted = self.backend().in_list("p.id", 1);
        let rows = sql_built(format!(
            "{} WHERE {wanted} ORDER BY p.id",
            product_select(Some(2))
        ))
        .bind_list(ids)?
        .bind(store)
        .fetch_all(&mut conn)
        .await?;
        rows.iter().map(product_from_row).collect()
    }

    pub async fn set_product_active(&self, id: &str, active: bool) -> StoreResult<Product> {
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql("UPDATE products SET is_active = $1, updated_at = $2 WHERE id = $3")
                .bind(active)
                .bind(now_ms())
                .bind(id)
                .execute_found(&mut tx)
                .await?;
            let product = product_in(&mut tx, id, None).await?;
            tx.commit().await?;
            Ok(product)
        })
        .await
    }

    /// A page of products and the total number matching.
    pub async fn list_products(&self, q: &ProductQuery) -> StoreResult<(Vec<Product>, i64)> {
        let mut filter = String::from(" WHERE TRUE");
        if !q.include_inactive {
            filter.push_str(" AND p.is_active = TRUE AND c.is_active = TRUE");
        }
        if q.category.is_some() {
            filter.push_str(" AND (c.slug = $1 OR c.id = $1)");
        }
        // Search: the full-text index, every word as a prefix ("mil" finds milk), ranked
        // name before brand, tags and description.
        let terms = q.search.as_deref().map(search_terms);
        if terms.as_ref().is_some_and(Vec::is_empty) {
            // Only punctuation: nothing can match.
            return Ok((Vec::new(), 0));
        }
        let backend = self.backend();
        let (join, search_filter, relevance) = match &terms {
            Some(_) => backend.search_sql(2),
            None => Default::default(),
        };
        filter.push_str(&search_filter);
        if q.in_stock {
            filter.push_str(" AND COALESCE(ss.stock, 0) > 0");
        }
        if q.min_price.is_some() {
            filter.push_str(" AND p.price >= $3");
        }
        if q.max_price.is_some() {
            filter.push_str(" AND p.price <= $4");
        }
        // $1–$4 are always bound, in this order, whether the filter mentions them or not:
        // both databases accept typed parameters a statement does not use.
        let search = terms.as_deref().map(|t| backend.search_query(t));
        let mut conn = self.read().await?;
        // One store's stock ($7), or all stores together; the search join after it.
        let select = format!("{}{join}", product_select(q.store_id.as_ref().map(|_| 7)));
        let (columns, from) = select.split_once(" FROM ").unwrap_or_default();
        let keys: Vec<(String, &str)> = match (q.sort, terms.is_some()) {
            (ProductSort::Relevance, true) => {
                let (expr, dir) = relevance.rsplit_once(' ').unwrap_or((&relevance, "ASC"));
                vec![(expr.to_owned(), dir), ("p.name".to_owned(), "ASC")]
            }
            (sort, _) => sort_keys(sort)
                .into_iter()
                .map(|(e, d)| (e.to_owned(), d))
                .collect(),
        };
        // One pass over the matches keeping only the id and the sort keys (narrow rows,
        // cheap to count and sort); then the page's own rows, joined for those ids only.
        let key_columns: String = keys
            .iter()
            .enumerate()
            .map(|(i, (e, _))| format!(", {e} AS k{i}"))
            .collect();
        let key_order = |prefix: &str| -> String {
            keys.iter()
                .enumerate()
                .map(|(i, (_, d))| format!("{prefix}k{i} {d}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let page = product_select(q.store_id.as_ref().map(|_| 7));
        let page_from = page
            .split_once(" FROM ")
            .map(|(_, f)| f.replacen("products p ", "products p ON p.id = t.mid ", 1))
            .unwrap_or_default();
        let page_sql = sql_built(format!(
            "WITH m AS MATERIALIZED (SELECT p.id AS mid{key_columns} FROM {from}{filter}) \
             {columns}, (SELECT COUNT(*) FROM m) AS total_matching \
             FROM (SELECT * FROM m ORDER BY {} LIMIT $5 OFFSET $6) t \
             JOIN {page_from} ORDER BY {}",
            key_order(""),
            key_order("t.")
        ));
        let rows = bind_query(page_sql, q, &search)
            .fetch_all(&mut conn)
            .await?;
        let total: i64 = match rows.first() {
            Some(r) => r.get("total_matching")?,
            // Past the last page (or nothing matches): count on its own.
            None if q.offset > 0 => {
                bind_query(
                    sql_built(format!("SELECT COUNT(*) FROM {from}{filter}")),
                    q,
                    &search,
                )
                .scalar(&mut conn)
                .await?
            }
            None => 0,
        };
        let products = rows
            .iter()
            .map(product_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((products, total))
    }

    /// Every product customers may see (active, in an active category), in name order,
    /// without stock: what the in-memory search index is built from.
    pub async fn visible_products(&self) -> StoreResult<Vec<Product>> {
        // Without stock: each store's shelf is read apart (`store_shelf`).
        let rows = sql_built(format!(
            "{} WHERE p.is_active = TRUE AND c.is_active = TRUE ORDER BY p.name, p.id",
            product_columns("CAST(0 AS BIGINT)", "CAST(NULL AS TEXT)")
        ))
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(product_from_row).collect()
    }

    /// One store's shelf: every product it has a stock line for, with the stock, the
    /// units sold and the bin.
    pub async fn store_shelf(&self, store_id: &str) -> StoreResult<Vec<ShelfLine>> {
        let rows = sql(
            "SELECT product_id, CAST(stock AS BIGINT) AS stock, CAST(sold AS BIGINT) AS sold, bin \
             FROM store_stock WHERE store_id = $1",
        )
        .bind(store_id)
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter().map(shelf_line).collect()
    }

    /// The stock lines of these products at every store: `(store, line)`.
    pub async fn stock_lines_of(&self, ids: &[String]) -> StoreResult<Vec<(String, ShelfLine)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let wanted = self.backend().in_list("product_id", 1);
        let rows = sql_built(format!(
            "SELECT store_id, product_id, CAST(stock AS BIGINT) AS stock, \
             CAST(sold AS BIGINT) AS sold, bin FROM store_stock WHERE {wanted}"
        ))
        .bind_list(ids)?
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter()
            .map(|r| Ok((r.get("store_id")?, shelf_line(r)?)))
            .collect()
    }

    /// Active categories with their active product counts.
    pub async fn list_categories(&self) -> StoreResult<Vec<CategoryWithCount>> {
        let rows = sql(
            "SELECT c.*, (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.is_active = TRUE) \
             AS product_count FROM categories c WHERE c.is_active = TRUE ORDER BY c.sort_order, c.name",
        )
        .fetch_all(&mut self.read().await?)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CategoryWithCount {
                    category: category_from_row(r)?,
                    product_count: r.get("product_count")?,
                })
            })
            .collect()
    }

    /// Insert or update a category by slug.
    pub async fn upsert_category(&self, c: NewCategory) -> StoreResult<Category> {
        let c = &c;
        self.write(|| async move {
            let mut tx = self.begin().await?;
            sql(
                "INSERT INTO categories (id, slug, name, description, color, icon, sort_order, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (slug) DO UPDATE SET name = excluded.name, \
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
            .execute(&mut tx)
            .await?;
            let row = sql("SELECT * FROM categories WHERE slug = $1")
                .bind(&c.slug)
                .fetch_one(&mut tx)
                .await?;
            let cat = category_from_row(&row)?;
            tx.commit().await?;
            Ok(cat)
        })
        .await
    }

    pub async fn create_product(&self, p: NewProduct) -> StoreResult<Product> {
        let tags = serde_json::to_string(&p.tags).map_err(|e| StoreError::Other(e.into()))?;
        let (p, tags) = (&p, &tags);
        self.write(|| async move {
            let mut tx = self.begin().await?;
            let category_id: String = sql("SELECT id FROM categories WHERE slug = $1")
                .bind(&p.category)
                .scalar_optional(&mut tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let id = new_id();
            let now = now_ms();
            sql(
                "INSERT INTO products (id, sku, name, description, category_id, unit, price, mrp, \
                 brand, tags, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(&id)
            .bind(&p.sku)
            .bind(&p.name)
            .bind(&p.description)
            .bind(&category_id)
            .bind(&p.unit)
            .bind(p.price.minor())
            .bind(p.mrp.minor())
            .bind(&p.brand)
            .bind(tags)
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    StoreError::Conflict("a product with this SKU already exists".into())
                }
                other => other,
            })?;
            for store in &p.stores {
                sql("INSERT INTO store_stock (store_id, product_id, stock) VALUES ($1, $2, $3)")
                    .bind(store)
                    .bind(&id)
                    .bind(p.stock)
                    .execute(&mut tx)
                    .await?;
            }
            let product = product_in(&mut tx, &id, None).await?;
            tx.commit().await?;
            Ok(product)
        })
        .await
    }

    pub async fn count_products(&self) -> StoreResult<i64> {
        sql("SELECT COUNT(*) FROM products")
            .scalar(&mut self.read().await?)
            .await
    }
}
