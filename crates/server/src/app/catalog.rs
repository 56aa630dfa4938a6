//! Catalog services: browse, categories, the live cart check.

use super::{AppState, page_params};
use crate::api::{
    CartLineCheck, CartValidateRequest, CartValidateResponse, CategoryView, Pagination,
    ProductListQuery, ProductView, ProductsResponse,
};
use crate::error::{AppError, Result};
use axum::body::Bytes;
use qc_domain::{Money, ValidationErrors, commerce::normalise_cart};
use qc_store::{ProductQuery, ProductSort};
use std::sync::{Arc, OnceLock};

fn parse_sort(s: Option<&str>) -> Result<ProductSort> {
    Ok(match s.map(str::trim).unwrap_or("popular") {
        "" | "popular" => ProductSort::Popular,
        "price" | "price_asc" => ProductSort::PriceAsc,
        "price_desc" | "-price" => ProductSort::PriceDesc,
        "name" => ProductSort::Name,
        "newest" => ProductSort::Newest,
        _ => {
            return Err(ValidationErrors::one(
                "sort",
                "must be popular, price, price_desc, name or newest",
            )
            .into());
        }
    })
}

/// A catalog page as served: the response, and its JSON once rendered (a cached page
/// is rendered once, not on every hit).
pub struct ProductsPage {
    pub response: ProductsResponse,
    json: OnceLock<Bytes>,
}

impl ProductsPage {
    fn new(response: ProductsResponse) -> ProductsPage {
        ProductsPage {
            response,
            json: OnceLock::new(),
        }
    }

    /// The response as JSON bytes.
    pub fn json(&self) -> Result<Bytes> {
        if let Some(b) = self.json.get() {
            return Ok(b.clone());
        }
        let b = Bytes::from(
            serde_json::to_vec(&self.response).map_err(|e| AppError::Internal(e.into()))?,
        );
        Ok(self.json.get_or_init(|| b).clone())
    }
}

/// Browse the catalog: filters, search, sort and pages. Pages are served from the
/// short-lived catalog cache, which every catalog or stock change made through this
/// instance clears (see [`super::cache`]).
pub async fn list_products(state: &AppState, q: ProductListQuery) -> Result<Arc<ProductsPage>> {
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
        offset,
        limit,
    };
    let key = format!("{query:?}");
    let ticket = match state.catalog.get(&key) {
        Ok(hit) => return Ok(hit),
        Err(ticket) => ticket,
    };
    let (products, total) = state.store.list_products(&query).await?;
    let page = Arc::new(ProductsPage::new(ProductsResponse {
        success: true,
        products: products.iter().map(ProductView::from).collect(),
        pagination: Pagination::new(page, limit, total),
    }));
    state.catalog.insert(&key, ticket, Arc::clone(&page));
    Ok(page)
}

/// One active product.
pub async fn product(state: &AppState, id: &str) -> Result<ProductView> {
    match state.store.product_by_id(id).await? {
        Some(p) if p.is_active => Ok(ProductView::from(&p)),
        _ => Err(AppError::not_found("product_not_found", "No such product.")),
    }
}

/// Active categories with product counts.
pub async fn categories(state: &AppState) -> Result<Vec<CategoryView>> {
    let cats = state.store.list_categories().await?;
    Ok(cats.iter().map(CategoryView::from).collect())
}

/// The live inventory check behind the cart: per line, whether it can be had, how many
/// are left and the current price; plus server-computed totals of what can be had.
pub async fn validate_cart(
    state: &AppState,
    req: CartValidateRequest,
) -> Result<CartValidateResponse> {
    let raw: Vec<(String, i64)> = req
        .items
        .into_iter()
        .map(|l| (l.product_id, l.quantity))
        .collect();
    let lines = normalise_cart(&raw, state.config.order_limits)?;
    let ids: Vec<String> = lines.iter().map(|l| l.product_id.clone()).collect();
    let products = state.store.products_by_ids(&ids).await?;
    let mut subtotal = Money::ZERO;
    let mut items = Vec::with_capacity(lines.len());
    for line in &lines {
        let p = products
            .iter()
            .find(|p| p.id == line.product_id && p.is_active);
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
                let line_total = p.price * line.quantity;
                if ok {
                    subtotal = subtotal + line_total;
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
    let totals = state.config.fees.totals(subtotal);
    Ok(CartValidateResponse {
        success: true,
        valid: items.iter().all(|i| i.ok),
        items,
        subtotal: totals.subtotal.minor(),
        delivery_fee: totals.delivery_fee.minor(),
        total: totals.total.minor(),
    })
}
