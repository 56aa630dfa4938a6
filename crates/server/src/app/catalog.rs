//! The catalog: browsing (pages served from the catalog cache), categories, the live
//! cart check; and the admin's catalog and stock editor. Every write clears the cache
//! here, before it answers, and pushes stock changes as `inventory:updated`.

use super::{AppState, page_params, reason};
use crate::api::*;
use crate::auth::AuthUser;
use crate::broadcast::StockNews;
use crate::error::{AppError, Result};
use qc_domain::{
    Money, ValidationErrors,
    commerce::{normalise_cart, shown_stock},
};
use qc_store::{
    CategoryPatch, NewCategory, NewProduct, ProductPatch, ProductQuery, ProductSort, StockChange,
    StoreError,
};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

fn parse_sort(s: Option<&str>) -> Result<ProductSort> {
    Ok(match s.map(str::trim).unwrap_or("") {
        "" | "relevance" => ProductSort::Relevance,
        "popular" => ProductSort::Popular,
        "price" | "price_asc" => ProductSort::PriceAsc,
        "price_desc" | "-price" => ProductSort::PriceDesc,
        "name" => ProductSort::Name,
        "newest" => ProductSort::Newest,
        _ => {
            return Err(ValidationErrors::one(
                "sort",
                "must be relevance, popular, price, price_desc, name or newest",
            )
            .into());
        }
    })
}

/// Browse a store's catalog: filters, search, sort and pages, with that store's stock
/// (the store is resolved from the query, see [`super::stores::resolve`]). Pages are
/// served from the short-lived catalog cache, which every catalog or stock change made
/// through this instance clears (see [`super::cache`]).
pub async fn list_products(
    state: &AppState,
    who: &AuthUser,
    q: ProductListQuery,
) -> Result<Arc<ProductsPage>> {
    let hint = StoreHint {
        store_id: q.store_id.clone(),
        address_id: q.address_id.clone(),
        lat: q.lat,
        lng: q.lng,
    };
    let store = super::stores::resolve(state, who, &hint).await?;
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let mut errors = ValidationErrors::new();
    for (field, v) in [("minPrice", q.min_price), ("maxPrice", q.max_price)] {
        if v.is_some_and(|p| p < 0) {
            errors.push(field, "must not be negative");
        }
    }
    if let (Some(lo), Some(hi)) = (q.min_price, q.max_price)
        && lo > hi
    {
        errors.push("minPrice", "must not exceed maxPrice");
    }
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > 100) {
        errors.push("search", "must be at most 100 characters");
    }
    errors.into_result()?;
    let query = ProductQuery {
        category: q
            .category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        search: search.map(str::to_owned),
        in_stock: q.in_stock.unwrap_or(false),
        min_price: q.min_price.map(Money),
        max_price: q.max_price.map(Money),
        sort: parse_sort(q.sort.as_deref())?,
        include_inactive: false,
        store_id: Some(store.id().to_owned()),
        offset,
        limit,
    };
    let key = format!("{query:?}");
    let ticket = match state.catalog.get(&key) {
        Ok(hit) => {
            state.metrics.catalog_hits.fetch_add(1, Relaxed);
            return Ok(hit);
        }
        Err(ticket) => ticket,
    };
    state.metrics.catalog_misses.fetch_add(1, Relaxed);
    // Requests missing the same page at once share one query (single flight).
    let flight = format!("{}#{key}", ticket.generation());
    let page = state
        .catalog_flights
        .run(flight, || async {
            let store_ref = super::stores::store_ref(&store);
            let rendered = match state.search.query(state, &query).await {
                Some(found) => {
                    let (products, total) = found?;
                    state.metrics.catalog_index.fetch_add(1, Relaxed);
                    let pagination = Pagination::new(page, limit, total);
                    ProductsPage::assemble(&products, &pagination, Some(&store_ref))
                }
                None => {
                    // Database queries take turns (see `Config::catalog_max_queries`).
                    let wait = state.config.catalog_queue_wait;
                    let _turn = match tokio::time::timeout(wait, state.catalog_gate.acquire()).await
                    {
                        Ok(Ok(permit)) => permit,
                        _ => {
                            state.metrics.catalog_busy.fetch_add(1, Relaxed);
                            return Err(AppError::Limited {
                                code: "catalog_busy",
                                message: "Search is busy right now; try again in a moment.".into(),
                            });
                        }
                    };
                    let (products, total) = state.store.list_products(&query).await?;
                    state.metrics.catalog_database.fetch_add(1, Relaxed);
                    ProductsPage::new(&ProductsResponse {
                        success: true,
                        products: products.iter().map(ProductView::from).collect(),
                        pagination: Pagination::new(page, limit, total),
                        store: Some(store_ref),
                    })
                }
            };
            let page = Arc::new(rendered.map_err(|e| AppError::Internal(e.into()))?);
            // Kept unless the catalog changed meanwhile.
            state.catalog.insert(&key, ticket, Arc::clone(&page));
            Ok::<_, AppError>(page)
        })
        .await?;
    Ok(page)
}

/// One product customers may see, with the stock of the store the hint resolves to.
pub async fn product(
    state: &AppState,
    who: &AuthUser,
    id: &str,
    hint: &StoreHint,
) -> Result<(ProductView, StoreRef)> {
    let store = super::stores::resolve(state, who, hint).await?;
    match state.store.product_by_id(id, Some(store.id())).await? {
        Some(p) if p.orderable() => Ok((ProductView::from(&p), super::stores::store_ref(&store))),
        _ => Err(AppError::not_found("product_not_found", "No such product.")),
    }
}

/// Active categories with product counts.
pub async fn categories(state: &AppState) -> Result<Vec<CategoryView>> {
    let cats = state.store.list_categories().await?;
    Ok(cats.iter().map(CategoryView::from).collect())
}

/// An amount that does not fit: refused, never wrapped or saturated.
fn too_large() -> AppError {
    ValidationErrors::one("items", "the cart total is too large").into()
}

/// The live inventory check behind the cart: per line, whether it can be had, how many
/// are left and the current price; plus server-computed totals of what can be had.
pub async fn validate_cart(
    state: &AppState,
    who: &AuthUser,
    req: CartValidateRequest,
) -> Result<CartValidateResponse> {
    let hint = StoreHint {
        store_id: req.store_id,
        address_id: req.address_id,
        lat: req.lat,
        lng: req.lng,
    };
    let store = super::stores::resolve(state, who, &hint).await?;
    let raw: Vec<(String, i64)> = req
        .items
        .into_iter()
        .map(|l| (l.product_id, l.quantity))
        .collect();
    let lines = normalise_cart(&raw, state.config.order_limits)?;
    let ids: Vec<String> = lines.iter().map(|l| l.product_id.clone()).collect();
    let products = state.store.products_by_ids(&ids, store.id()).await?;
    let mut subtotal = Money::ZERO;
    let mut items = Vec::with_capacity(lines.len());
    for line in &lines {
        let p = products
            .iter()
            .find(|p| p.id == line.product_id && p.orderable());
        let check = match p {
            None => CartLineCheck {
                product_id: line.product_id.clone(),
                name: None,
                requested: line.quantity,
                available: 0,
                price: None,
                line_total: None,
                ok: false,
                reason: Some("unavailable".into()),
            },
            Some(p) => {
                let ok = p.stock >= i64::from(line.quantity);
                let line_total = p.price.checked_times(line.quantity).ok_or_else(too_large)?;
                if ok {
                    subtotal = subtotal.checked_add(line_total).ok_or_else(too_large)?;
                }
                CartLineCheck {
                    product_id: p.id.clone(),
                    name: Some(p.name.clone()),
                    requested: line.quantity,
                    available: p.stock,
                    price: Some(p.price.minor()),
                    line_total: Some(line_total.minor()),
                    ok,
                    reason: match (ok, p.stock) {
                        (true, _) => None,
                        (false, 0) => Some("out_of_stock".into()),
                        (false, _) => Some("insufficient_stock".into()),
                    },
                }
            }
        };
        items.push(check);
    }
    let totals = state.config.fees.totals(subtotal).ok_or_else(too_large)?;
    Ok(CartValidateResponse {
        success: true,
        valid: items.iter().all(|i| i.ok),
        items,
        subtotal: totals.subtotal.minor(),
        delivery_fee: totals.delivery_fee.minor(),
        total: totals.total.minor(),
        store: super::stores::store_ref(&store),
    })
}

pub async fn products(state: &AppState, q: AdminProductQuery) -> Result<ProductsResponse> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let store = match q.store_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => Some(
            state
                .stores
                .find(id)
                .await?
                .ok_or_else(|| AppError::not_found("store_not_found", "No such store."))?,
        ),
        None => None,
    };
    let query = ProductQuery {
        category: q.category.filter(|c| !c.trim().is_empty()),
        search: q.search.filter(|s| !s.trim().is_empty()),
        include_inactive: true,
        sort: qc_store::ProductSort::Name,
        store_id: store.as_ref().map(|s| s.id().to_owned()),
        offset,
        limit,
        ..Default::default()
    };
    let (products, total) = state.store.list_products(&query).await?;
    Ok(ProductsResponse {
        success: true,
        products: products.iter().map(ProductView::from).collect(),
        pagination: Pagination::new(page, limit, total),
        store: store.map(|s| super::stores::store_ref(&s)),
    })
}

fn check_text(e: &mut ValidationErrors, field: &str, v: &str, max: usize) {
    let n = v.trim().chars().count();
    if n == 0 || n > max {
        e.push(field, format!("must be 1 to {max} characters"));
    }
}

fn check_money(e: &mut ValidationErrors, field: &str, v: Option<i64>) {
    if v.is_some_and(|p| !(1..=10_000_000).contains(&p)) {
        e.push(field, "must be between 1 and 10000000 minor units");
    }
}

pub async fn create_product(state: &AppState, req: CreateProductRequest) -> Result<ProductView> {
    let mut e = ValidationErrors::new();
    check_text(&mut e, "sku", &req.sku, 40);
    check_text(&mut e, "name", &req.name, 120);
    check_text(&mut e, "unit", &req.unit, 40);
    check_money(&mut e, "price", Some(req.price));
    check_money(&mut e, "mrp", req.mrp);
    if req.mrp.is_some_and(|m| m < req.price) {
        e.push("mrp", "must be at least the price");
    }
    if !(0..=1_000_000).contains(&req.stock) {
        e.push("stock", "must be between 0 and 1000000");
    }
    e.into_result()?;
    // The initial stock goes to the given store, or to every store.
    let stores: Vec<String> = match req.store_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => vec![
            state
                .stores
                .find(id)
                .await?
                .ok_or_else(|| AppError::not_found("store_not_found", "No such store."))?
                .id()
                .to_owned(),
        ],
        None => state
            .stores
            .all()
            .iter()
            .map(|s| s.id().to_owned())
            .collect(),
    };
    let product = state
        .store
        .create_product(NewProduct {
            sku: req.sku.trim().to_owned(),
            name: req.name.trim().to_owned(),
            description: req.description.trim().to_owned(),
            category: req.category.trim().to_owned(),
            unit: req.unit.trim().to_owned(),
            price: Money(req.price),
            mrp: Money(req.mrp.unwrap_or(req.price)),
            stock: req.stock,
            stores,
            brand: req.brand.filter(|b| !b.trim().is_empty()),
            tags: req.tags,
        })
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::from(ValidationErrors::one("category", "no such category"))
            }
            StoreError::Conflict(m) => AppError::conflict("sku_taken", m),
            other => other.into(),
        })?;
    state.catalog_changed();
    Ok(ProductView::from(&product))
}

fn product_err(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => AppError::not_found("product_not_found", "No such product."),
        StoreError::Conflict(m) => AppError::bad_request("invalid_product", m),
        StoreError::InvalidState(m) => AppError::conflict("invalid_stock", m),
        other => other.into(),
    }
}

pub async fn update_product(
    state: &AppState,
    id: &str,
    req: UpdateProductRequest,
) -> Result<ProductView> {
    let mut e = ValidationErrors::new();
    if let Some(n) = &req.name {
        check_text(&mut e, "name", n, 120);
    }
    if let Some(u) = &req.unit {
        check_text(&mut e, "unit", u, 40);
    }
    check_money(&mut e, "price", req.price);
    check_money(&mut e, "mrp", req.mrp);
    e.into_result()?;
    let deactivating = req.is_active == Some(false);
    let product = state
        .store
        .update_product(
            id,
            ProductPatch {
                name: req.name.map(|s| s.trim().to_owned()),
                description: req.description,
                unit: req.unit.map(|s| s.trim().to_owned()),
                price: req.price.map(Money),
                mrp: req.mrp.map(Money),
                is_active: req.is_active,
                brand: req.brand.map(|b| Some(b).filter(|b| !b.trim().is_empty())),
                tags: req.tags,
                category: req.category,
            },
        )
        .await
        .map_err(product_err)?;
    // Clear cached pages before anyone is told: a client that refetches on the event
    // must not get the old page.
    state.catalog_changed();
    if deactivating || req.is_active == Some(true) {
        publish_everywhere(state, &product.id).await;
    }
    Ok(ProductView::from(&product))
}

/// Tell open catalogs and carts a product's stock at one store (an admin's change: always
/// told, whatever it was before).
async fn publish(state: &AppState, store_id: &str, p: &qc_store::Product) {
    state
        .broadcast
        .inventory(vec![StockNews {
            level: StockLevel {
                store_id: store_id.to_owned(),
                product_id: p.id.clone(),
                stock: p.stock,
                in_stock: p.stock > 0 && p.orderable(),
            },
            shown: true,
        }])
        .await;
}

/// Stock changes as news: admins hear each level, shoppers only the levels their screen
/// shows differently from before (`shown_stock`: addable, and up to a line's limit).
pub(crate) fn stock_news(state: &AppState, levels: &[qc_store::StockLevel]) -> Vec<StockNews> {
    let limits = state.config.order_limits;
    levels
        .iter()
        .map(|l| StockNews {
            level: StockLevel {
                store_id: l.store_id.clone(),
                product_id: l.product_id.clone(),
                stock: l.stock,
                in_stock: l.stock > 0 && l.active,
            },
            shown: shown_stock(l.before, l.active, limits)
                != shown_stock(l.stock, l.active, limits),
        })
        .collect()
}

/// Tell open catalogs and carts a product's stock at every store (it was switched on
/// or off).
async fn publish_everywhere(state: &AppState, product_id: &str) {
    for store in state.stores.all() {
        match state
            .store
            .product_by_id(product_id, Some(store.id()))
            .await
        {
            Ok(Some(p)) => publish(state, store.id(), &p).await,
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read stock for inventory:updated"),
        }
    }
}

/// Set or adjust stock with a reason; open catalogs and carts hear `inventory:updated`.
pub async fn change_stock(
    state: &AppState,
    admin: &AuthUser,
    id: &str,
    req: StockRequest,
) -> Result<ProductView> {
    let reason = reason(&req.reason)?;
    let store = super::stores::given_or_only(state, req.store_id.as_deref()).await?;
    let change = match (req.set, req.adjust) {
        (Some(n), None) if (0..=1_000_000).contains(&n) => StockChange::Set(n),
        (None, Some(d)) if d != 0 && d.abs() <= 1_000_000 => StockChange::Adjust(d),
        _ => {
            return Err(ValidationErrors::one(
                "set",
                "give either set (0 to 1000000) or a non-zero adjust, not both",
            )
            .into());
        }
    };
    let product = state
        .store
        .change_stock(store.id(), id, change, &reason, &admin.id)
        .await
        .map_err(product_err)?;
    state.stock_changed(&[super::search::StockWrite {
        store_id: store.id(),
        product_id: &product.id,
        stock: product.stock,
    }]);
    publish(state, store.id(), &product).await;
    Ok(ProductView::from(&product))
}

pub async fn create_category(state: &AppState, req: CategoryRequest) -> Result<CategoryView> {
    let mut e = ValidationErrors::new();
    let slug = req.slug.trim().to_lowercase();
    if slug.is_empty()
        || slug.len() > 40
        || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        e.push(
            "slug",
            "must be 1 to 40 lowercase letters, digits and dashes",
        );
    }
    check_text(&mut e, "name", &req.name, 60);
    e.into_result()?;
    let c = state
        .store
        .upsert_category(NewCategory {
            slug,
            name: req.name.trim().to_owned(),
            description: req.description.trim().to_owned(),
            color: req.color.unwrap_or_else(|| "#607d8b".into()),
            icon: req.icon.unwrap_or_default(),
            sort_order: 100,
        })
        .await?;
    state.catalog_changed();
    Ok(CategoryView::new(&c, 0))
}

pub async fn update_category(
    state: &AppState,
    id: &str,
    req: UpdateCategoryRequest,
) -> Result<CategoryView> {
    let c = state
        .store
        .update_category(
            id,
            CategoryPatch {
                name: req.name,
                description: req.description,
                color: req.color,
                icon: req.icon,
                is_active: req.is_active,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::not_found("category_not_found", "No such category."),
            other => other.into(),
        })?;
    state.catalog_changed();
    Ok(CategoryView::new(&c, 0))
}
