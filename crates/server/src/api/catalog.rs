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
    pub brand: Option<String>,
    pub tags: Vec<String>,
    pub image_url: String,
    pub is_active: bool,
    /// Its EAN (pickers scan or type it), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    // The fields of one store come last: the catalog index renders the rest of a
    // product once (`json_head`) and appends these per page (`finish_json`).
    /// Stock at the store the catalog was read for.
    pub stock: i64,
    pub in_stock: bool,
    /// Where it is shelved at that store (admins and pickers), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
}

impl ProductView {
    /// This product as JSON without the fields of one store (`stock`, `inStock`, `bin`)
    /// and without the closing brace: what [`ProductView::finish_json`] completes.
    pub fn json_head(self) -> serde_json::Result<Box<str>> {
        let plain = ProductView {
            stock: 0,
            in_stock: false,
            bin: None,
            ..self
        };
        let json = serde_json::to_string(&plain)?;
        match json.strip_suffix(r#","stock":0,"inStock":false}"#) {
            Some(head) => Ok(head.into()),
            None => Err(serde::ser::Error::custom("store fields are not last")),
        }
    }

    /// Append to `out` the product whose [`ProductView::json_head`] is `head`, with one
    /// store's fields: the same JSON as serializing the whole view.
    pub fn finish_json(
        head: &str,
        stock: i64,
        in_stock: bool,
        bin: Option<&str>,
        out: &mut Vec<u8>,
    ) -> serde_json::Result<()> {
        use std::io::Write;
        out.extend_from_slice(head.as_bytes());
        write!(out, r#","stock":{stock},"inStock":{in_stock}"#).map_err(serde_json::Error::io)?;
        if let Some(bin) = bin {
            out.extend_from_slice(br#","bin":"#);
            serde_json::to_writer(&mut *out, bin)?;
        }
        out.push(b'}');
        Ok(())
    }
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

/// A catalog page as served: its JSON, rendered once (a cached page is not rendered
/// again on every hit).
pub struct ProductsPage {
    json: axum::body::Bytes,
}

impl ProductsPage {
    pub fn new(response: &ProductsResponse) -> serde_json::Result<ProductsPage> {
        Ok(ProductsPage {
            json: serde_json::to_vec(response)?.into(),
        })
    }

    /// The page whose products are already rendered as a JSON array (the search index
    /// renders them from each product's [`ProductView::json_head`]): the same JSON as
    /// [`ProductsPage::new`] of the whole response.
    pub fn assemble(
        products: &[u8],
        pagination: &Pagination,
        store: Option<&super::StoreRef>,
    ) -> serde_json::Result<ProductsPage> {
        let mut out = Vec::with_capacity(products.len() + 200);
        out.extend_from_slice(br#"{"success":true,"products":"#);
        out.extend_from_slice(products);
        out.extend_from_slice(br#","pagination":"#);
        serde_json::to_writer(&mut out, pagination)?;
        if let Some(store) = store {
            out.extend_from_slice(br#","store":"#);
            serde_json::to_writer(&mut out, store)?;
        }
        out.push(b'}');
        Ok(ProductsPage { json: out.into() })
    }

    /// The response as JSON bytes.
    pub fn json(&self) -> axum::body::Bytes {
        self.json.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(name: &str, bin: Option<&str>, barcode: Option<&str>, stock: i64) -> ProductView {
        ProductView {
            id: format!("p-{name}"),
            sku: "SKU-1".into(),
            name: name.into(),
            description: "Line one\nwith \"quotes\" and ₹ and \\".into(),
            category: CategoryRef {
                id: "c1".into(),
                slug: "dairy".into(),
                name: "Dairy".into(),
            },
            unit: "500 g".into(),
            price: 4900,
            mrp: 5500,
            brand: None,
            tags: vec!["a\"b".into(), "milk".into()],
            image_url: "/img/x.png".into(),
            is_active: true,
            barcode: barcode.map(str::to_owned),
            stock,
            in_stock: stock > 0,
            bin: bin.map(str::to_owned),
        }
    }

    #[test]
    fn a_page_assembled_from_rendered_products_is_the_page_serialized_whole() {
        let products = vec![
            view("Milk \"Gold\"", Some("A-3 \"top\""), Some("8901"), 7),
            view("Bread", None, None, 0),
            view("Eggs", Some("B-1"), None, -2),
        ];
        let pagination = Pagination::new(2, 3, 40);
        let store = super::super::StoreRef {
            id: "s1".into(),
            name: "Koramangala \"1\"".into(),
            code: "KOR".into(),
        };
        let mut rendered = b"[".to_vec();
        for (i, p) in products.iter().enumerate() {
            if i > 0 {
                rendered.push(b',');
            }
            let head = p.clone().json_head().unwrap();
            ProductView::finish_json(&head, p.stock, p.in_stock, p.bin.as_deref(), &mut rendered)
                .unwrap();
        }
        rendered.push(b']');
        for store in [Some(store), None] {
            let whole = ProductsPage::new(&ProductsResponse {
                success: true,
                products: products.clone(),
                pagination: pagination.clone(),
                store: store.clone(),
            })
            .unwrap();
            let assembled = ProductsPage::assemble(&rendered, &pagination, store.as_ref()).unwrap();
            assert_eq!(
                std::str::from_utf8(&assembled.json()).unwrap(),
                std::str::from_utf8(&whole.json()).unwrap()
            );
        }
    }
}
