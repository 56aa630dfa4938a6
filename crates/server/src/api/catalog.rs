//! Catalog and cart wire types.

use super::Pagination;
use qc_store::{Category, CategoryWithCount, Product};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of `GET /api/customer/products`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProductListQuery {
    /// Category slug (e.g. `dairy-bread-eggs`) or id.
    pub category: Option<String>,
    /// Case-insensitive match on name, description and brand.
    pub search: Option<String>,
    /// Only products with stock.
    pub in_stock: Option<bool>,
    /// Minimum price in minor units.
    pub min_price: Option<i64>,
    /// Maximum price in minor units.
    pub max_price: Option<i64>,
    /// `popular` (default), `price` / `price_asc`, `price_desc`, `name`, `newest`.
    pub sort: Option<String>,
    /// From 1.
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20; larger values are capped at 100).
    pub limit: Option<i64>,
    /// Whose stock: a store; or a saved address (`addressId`) or a point (`lat`, `lng`),
    /// whose serving store is used. Without any: the store of the customer's default
    /// address, else the first store.
    pub store_id: Option<String>,
    pub address_id: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryRef {
    pub id: String,
    pub slug: String,
    pub name: String,
}

/// A product as customers see it. Prices are minor units (paise).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category: CategoryRef,
    #[schema(example = "500 g")]
    pub unit: String,
    #[schema(example = 4900)]
    pub price: i64,
    /// Maximum retail price (the struck-through price).
    #[schema(example = 5500)]
    pub mrp: i64,
    /// Stock at the store the catalog was read for.
    pub stock: i64,
    pub in_stock: bool,
    pub brand: Option<String>,
    pub tags: Vec<String>,
    pub image_url: String,
    pub is_active: bool,
    /// Where it is shelved at that store (admins and pickers), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    /// Its EAN (pickers scan or type it), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
}

impl From<&Product> for ProductView {
    fn from(p: &Product) -> Self {
        ProductView {
            id: p.id.clone(),
            sku: p.sku.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            category: CategoryRef {
                id: p.category_id.clone(),
                slug: p.category_slug.clone(),
                name: p.category_name.clone(),
            },
            unit: p.unit.clone(),
            price: p.price.minor(),
            mrp: p.mrp.minor(),
            stock: p.stock,
            in_stock: p.stock > 0 && p.orderable(),
            brand: p.brand.clone(),
            tags: p.tags.clone(),
            image_url: p.image_url.clone(),
            is_active: p.is_active,
            bin: p.bin.clone(),
            barcode: p.barcode.clone(),
        }
    }
}

/// `{success, products, pagination}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductsResponse {
    pub success: bool,
    pub products: Vec<ProductView>,
    pub pagination: Pagination,
    /// The store whose stock `stock` and `inStock` are (absent for admins' all-stores view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<super::StoreRef>,
}

/// `{success, product}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductResponse {
    pub success: bool,
    pub product: ProductView,
    /// The store whose stock `product.stock` is.
    pub store: super::StoreRef,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub color: String,
    pub icon: String,
    /// Active products in the category.
    pub product_count: i64,
}

impl CategoryView {
    pub fn new(c: &Category, product_count: i64) -> Self {
        CategoryView {
            id: c.id.clone(),
            slug: c.slug.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            color: c.color.clone(),
            icon: c.icon.clone(),
            product_count,
        }
    }
}

impl From<&CategoryWithCount> for CategoryView {
    fn from(c: &CategoryWithCount) -> Self {
        CategoryView::new(&c.category, c.product_count)
    }
}

/// `{success, categories}`
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoriesResponse {
    pub success: bool,
    pub categories: Vec<CategoryView>,
}

/// A requested line: `{productId, quantity}`. Other fields a cart may carry (`price`,
/// `name`) are ignored: prices always come from the server.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CartLineRequest {
    pub product_id: String,
    #[schema(example = 2)]
    pub quantity: i64,
    /// What to do if the store runs short of this line (stores that pick and pack):
    /// `best_match` (default: a similar product; a dearer one needs your yes) or `refund`.
    #[schema(example = "best_match")]
    pub substitution: Option<String>,
}

/// `POST /api/customer/cart/validate`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CartValidateRequest {
    pub items: Vec<CartLineRequest>,
    /// Which store's stock (see the product list); by default the store of the
    /// customer's default address.
    pub store_id: Option<String>,
    pub address_id: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// What the store can do for one cart line right now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CartLineCheck {
    pub product_id: String,
    pub name: Option<String>,
    pub requested: u32,
    /// Units available now (0 when unknown or inactive).
    pub available: i64,
    /// Current unit price in minor units.
    pub price: Option<i64>,
    pub line_total: Option<i64>,
    /// The line can be ordered as it is.
    pub ok: bool,
    /// `out_of_stock`, `insufficient_stock` or `unavailable` when not ok.
    pub reason: Option<String>,
}

/// Live inventory check of a cart, with server-computed totals.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CartValidateResponse {
    pub success: bool,
    /// Every line can be ordered.
    pub valid: bool,
    pub items: Vec<CartLineCheck>,
    pub subtotal: i64,
    pub delivery_fee: i64,
    pub total: i64,
    /// The store the cart was checked against.
    pub store: super::StoreRef,
}

/// A catalog page as served: the response, and its JSON once rendered (a cached page is
/// rendered once, not on every hit).
pub struct ProductsPage {
    pub response: ProductsResponse,
    json: std::sync::OnceLock<axum::body::Bytes>,
}

impl ProductsPage {
    pub fn new(response: ProductsResponse) -> ProductsPage {
        ProductsPage {
            response,
            json: std::sync::OnceLock::new(),
        }
    }

    /// The response as JSON bytes.
    pub fn json(&self) -> serde_json::Result<axum::body::Bytes> {
        if let Some(b) = self.json.get() {
            return Ok(b.clone());
        }
        let b = axum::body::Bytes::from(serde_json::to_vec(&self.response)?);
        Ok(self.json.get_or_init(|| b).clone())
    }
}
