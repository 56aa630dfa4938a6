//! Demo data: three Mumbai dark stores, a real dark store's catalog (embedded) with
//! each store's stock and shelf, and demo accounts.

use crate::app::AppState;
use crate::auth::password;
use anyhow::Context;
use qc_domain::store::{Interval, OpeningHours};
use qc_domain::{Address, GeoPoint, Money, Role};
use qc_store::{NewCategory, NewProduct, NewStore, NewUser, StoreError};
use serde::Deserialize;

const CATALOG: &str = include_str!("../seed/catalog.json");

#[derive(Deserialize)]
struct Catalog {
    categories: Vec<SeedCategory>,
    products: Vec<SeedProduct>,
}

#[derive(Deserialize)]
struct SeedCategory {
    slug: String,
    name: String,
    description: String,
    color: String,
    icon: String,
}

#[derive(Deserialize)]
struct SeedProduct {
    sku: String,
    name: String,
    description: String,
    category: String,
    unit: String,
    price: i64,
    mrp: i64,
    stock: i64,
    brand: Option<String>,
    tags: Vec<String>,
}

/// A demo account and the password printed for it.
pub struct DemoLogin {
    pub role: Role,
    pub name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    /// A rider's home store (its code).
    pub store: Option<&'static str>,
}

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        role: Role::Admin,
        name: "Meera Admin",
        email: "admin@quickcommerce.dev",
        password: "Admin@12345",
        store: None,
    },
    DemoLogin {
        role: Role::Customer,
        name: "Asha Customer",
        email: "customer@quickcommerce.dev",
        password: "Customer@123",
        store: None,
    },
    DemoLogin {
        role: Role::Customer,
        name: "Rohan Customer",
        email: "customer2@quickcommerce.dev",
        password: "Customer@123",
        store: None,
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Ravi Rider",
        email: "rider1@quickcommerce.dev",
        password: "Rider@12345",
        store: Some("BDW"),
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Sana Rider",
        email: "rider2@quickcommerce.dev",
        password: "Rider@12345",
        store: Some("BDW"),
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Vikram Rider",
        email: "rider3@quickcommerce.dev",
        password: "Rider@12345",
        store: Some("ADW"),
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Imran Rider",
        email: "rider4@quickcommerce.dev",
        password: "Rider@12345",
        store: Some("ADW"),
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Kavya Rider",
        email: "rider5@quickcommerce.dev",
        password: "Rider@12345",
        store: Some("LPL"),
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Arjun Rider",
        email: "rider6@quickcommerce.dev",
        password: "Rider@12345",
        store: Some("LPL"),
    },
    DemoLogin {
        role: Role::Picker,
        name: "Sana Picker",
        email: "picker1@quickcommerce.dev",
        password: "Picker@12345",
        store: Some("BDW"),
    },
    DemoLogin {
        role: Role::Picker,
        name: "Imran Picker",
        email: "picker2@quickcommerce.dev",
        password: "Picker@12345",
        store: Some("ADW"),
    },
    DemoLogin {
        role: Role::Picker,
        name: "Leela Picker",
        email: "picker3@quickcommerce.dev",
        password: "Picker@12345",
        store: Some("LPL"),
    },
];

/// A demo dark store: Mumbai, a zone drawn around its neighbourhood (longitude,
/// latitude), zip codes, and its hours (`None`: always open).
struct DemoStore {
    code: &'static str,
    name: &'static str,
    street: &'static str,
    at: (f64, f64),
    zone: &'static [(f64, f64)],
    zips: &'static [&'static str],
    hours: Option<(&'static str, &'static str)>,
    /// Share of the catalog's stock it holds, in percent.
    stock_percent: i64,
}

/// Three stores with a gap between Bandra and Andheri (Vile Parle is not served) and
/// an overlap between Bandra and Lower Parel (Mahim: the faster promise wins). Bandra
/// and Andheri never close; Lower Parel closes from 01:00 to 06:00 (IST).
const DEMO_STORES: &[DemoStore] = &[
    DemoStore {
        code: "BDW",
        name: "Bandra West",
        street: "14 Hill Road, Bandra West, Mumbai 400050",
        at: (19.0596, 72.8295),
        zone: &[
            (72.8150, 19.0250),
            (72.8450, 19.0250),
            (72.8680, 19.0450),
            (72.8700, 19.0700),
            (72.8550, 19.0860),
            (72.8200, 19.0860),
            (72.8120, 19.0600),
            (72.8150, 19.0250),
        ],
        zips: &["400050", "400052"],
        hours: None,
        stock_percent: 100,
    },
    DemoStore {
        code: "ADW",
        name: "Andheri West",
        street: "7 Lokhandwala Complex Road, Andheri West, Mumbai 400053",
        at: (19.1364, 72.8296),
        zone: &[
            (72.8150, 19.1000),
            (72.8550, 19.1000),
            (72.8750, 19.1250),
            (72.8650, 19.1650),
            (72.8250, 19.1700),
            (72.8130, 19.1400),
            (72.8150, 19.1000),
        ],
        zips: &["400053", "400058"],
        hours: None,
        stock_percent: 70,
    },
    DemoStore {
        code: "LPL",
        name: "Lower Parel",
        street: "2 Senapati Bapat Marg, Lower Parel, Mumbai 400013",
        at: (18.9953, 72.8302),
        zone: &[
            (72.8080, 18.9650),
            (72.8450, 18.9650),
            (72.8520, 18.9950),
            (72.8450, 19.0350),
            (72.8150, 19.0350),
            (72.8050, 19.0000),
            (72.8080, 18.9650),
        ],
        zips: &["400013", "400011"],
        hours: Some(("06:00", "01:00")),
        stock_percent: 45,
    },
];

/// A demo customer's saved address.
struct DemoAddress {
    email: &'static str,
    label: &'static str,
    street: &'static str,
    zip: &'static str,
    at: (f64, f64),
}

const DEMO_ADDRESSES: &[DemoAddress] = &[
    DemoAddress {
        email: "customer@quickcommerce.dev",
        label: "Home",
        street: "21 Pali Hill Road, Bandra West",
        zip: "400050",
        at: (19.0668, 72.8282),
    },
    DemoAddress {
        email: "customer@quickcommerce.dev",
        label: "Office",
        street: "Kamala Mills, Lower Parel",
        zip: "400013",
        at: (19.0006, 72.8274),
    },
    DemoAddress {
        email: "customer@quickcommerce.dev",
        label: "Parents",
        street: "Lokhandwala Market, Andheri West",
        zip: "400053",
        at: (19.1310, 72.8340),
    },
];

/// Create the demo stores (on a database with none).
async fn demo_stores(state: &AppState) -> anyhow::Result<()> {
    for d in DEMO_STORES {
        let ring: Vec<Vec<f64>> = d.zone.iter().map(|&(lng, lat)| vec![lng, lat]).collect();
        let hours = match d.hours {
            None => OpeningHours::always(chrono_tz::Asia::Kolkata).week(),
            Some((open, close)) => ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .into_iter()
                .map(|day| {
                    (
                        day.to_owned(),
                        vec![Interval {
                            open: open.to_owned(),
                            close: close.to_owned(),
                        }],
                    )
                })
                .collect(),
        };
        state
            .store
            .create_store(NewStore {
                code: d.code.to_owned(),
                name: d.name.to_owned(),
                street: d.street.to_owned(),
                location: GeoPoint::parse(d.at.0, d.at.1)?,
                zone: Some(serde_json::json!({"type": "Polygon", "coordinates": [ring]})),
                zip_codes: d.zips.iter().map(|z| (*z).to_owned()).collect(),
                timezone: "Asia/Kolkata".to_owned(),
                hours,
                paused: false,
                // A demo starts with every rider off shift: the first orders still get
                // a promise (the wait for a rider is part of it) before riders sign in.
                // Lower Parel picks and packs before a rider may take an order.
                settings: if d.code == "LPL" {
                    serde_json::json!({"maxPromiseMinutes": 45, "dispatchMode": "auto",
                                       "fulfilment": "on"})
                } else {
                    serde_json::json!({"maxPromiseMinutes": 45, "dispatchMode": "auto"})
                },
            })
            .await?;
    }
    Ok(())
}

/// The stock a store holds of a product: its share of the catalog's figure, and a few
/// products (a different few per store) sold out, as real stores are.
fn store_stock(base: i64, percent: i64, sku: &str, store_index: usize) -> i64 {
    let h = sku.bytes().fold(store_index as u64 * 7 + 3, |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    if h % 23 == 0 {
        0
    } else {
        (base * percent / 100).max(1)
    }
}

/// Where a product sits in a store: aisle by category, then rack and shelf.
fn bin(category_index: usize, position: usize) -> String {
    let aisle = char::from(b'A' + (category_index % 26) as u8);
    format!("{aisle}{}-{:02}", position / 12 + 1, position % 12 + 1)
}

/// A demo EAN-13 for a product: India's 890 prefix, nine digits from the SKU, and the
/// check digit.
pub fn demo_barcode(sku: &str) -> String {
    let h = sku.bytes().fold(1_469_598_103_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1_099_511_628_211)
    });
    let body = format!("890{:09}", h % 1_000_000_000);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Insert the catalog and stock it at every store that is set up; products whose SKU
/// exists are left as they are. Returns how many products were added.
pub async fn catalog(state: &AppState) -> anyhow::Result<usize> {
    let store = &state.store;
    let catalog: Catalog =
        serde_json::from_str(CATALOG).context("the embedded catalog is invalid")?;
    let mut category_index = std::collections::HashMap::new();
    for (i, c) in catalog.categories.into_iter().enumerate() {
        category_index.insert(c.slug.clone(), i);
        store
            .upsert_category(NewCategory {
                slug: c.slug,
                name: c.name,
                description: c.description,
                color: c.color,
                icon: c.icon,
                sort_order: i64::try_from(i).unwrap_or(0),
            })
            .await?;
    }
    let stores = store.list_stores().await?;
    let mut added = 0;
    let mut position: std::collections::HashMap<String, usize> = Default::default();
    for p in catalog.products {
        let at = position.entry(p.category.clone()).or_default();
        let slot = *at;
        *at += 1;
        let shelf = bin(category_index.get(&p.category).copied().unwrap_or(0), slot);
        let result = store
            .create_product(NewProduct {
                sku: p.sku.clone(),
                name: p.name,
                description: p.description,
                category: p.category,
                unit: p.unit,
                price: Money(p.price),
                mrp: Money(p.mrp),
                stock: 0,
                stores: Vec::new(),
                brand: p.brand,
                tags: p.tags,
            })
            .await;
        let product = match result {
            Ok(product) => product,
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        added += 1;
        store
            .set_barcode(&product.id, &demo_barcode(&p.sku))
            .await?;
        for (i, s) in stores.iter().enumerate() {
            // A demo store holds its share, a few products sold out; others the figure.
            let stock = match DEMO_STORES.iter().find(|d| d.code == s.code) {
                Some(d) => store_stock(p.stock, d.stock_percent, &p.sku, i),
                None => p.stock,
            };
            store
                .set_store_stock(&s.id, &product.id, stock, Some(&shelf))
                .await?;
        }
    }
    state.catalog_changed();
    Ok(added)
}

/// Demo data for `serve --demo` and `seed --demo`: on an empty database the three
/// Mumbai stores, then (as on any start) the default store, the catalog when there is
/// none, and the demo accounts.
pub async fn demo(state: &AppState) -> anyhow::Result<()> {
    let fresh = state.store.count_stores().await? == 0 && state.store.count_products().await? == 0;
    if fresh {
        demo_stores(state).await?;
    }
    crate::app::stores::ensure_default(state).await?;
    if state.store.count_products().await? == 0 {
        let added = catalog(state).await?;
        tracing::info!(added, "loaded the demo catalog");
    }
    demo_users(state).await?;
    state.stores.refresh_loads().await?;
    Ok(())
}

/// Create the demo accounts that do not exist yet. Returns how many were created.
pub async fn demo_users(state: &AppState) -> anyhow::Result<usize> {
    let store = &state.store;
    let stores = store.list_stores().await?;
    let mut created = 0;
    for d in DEMO_LOGINS {
        if store.user_by_email(d.email).await?.is_some() {
            continue;
        }
        let pw = d.password.to_owned();
        let hash = tokio::task::spawn_blocking(move || password::hash_blocking(&pw))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        // A rider works at their demo store, or the first store there is.
        let home_store_id = match d.role {
            Role::Delivery | Role::Picker => d
                .store
                .and_then(|code| stores.iter().find(|s| s.code == code))
                .or(stores.first())
                .map(|s| s.id.clone()),
            _ => None,
        };
        let user = store
            .create_user(NewUser {
                email: d.email.to_owned(),
                name: d.name.to_owned(),
                phone: Some("+919820000000".to_owned()),
                role: d.role,
                password_hash: hash,
                home_store_id,
            })
            .await?;
        if d.role == Role::Delivery {
            // Demo riders are verified, as an admin would after checking their papers.
            store.set_partner_flags(&user.id, Some(true), None).await?;
        }
        for (i, a) in DEMO_ADDRESSES
            .iter()
            .filter(|a| a.email == d.email)
            .enumerate()
        {
            store
                .create_address(
                    &user.id,
                    Address {
                        label: a.label.to_owned(),
                        street: a.street.to_owned(),
                        city: "Mumbai".to_owned(),
                        state: "Maharashtra".to_owned(),
                        zip_code: a.zip.to_owned(),
                        lat: Some(a.at.0),
                        lng: Some(a.at.1),
                    },
                    i == 0,
                    state.config.max_addresses,
                )
                .await?;
        }
        created += 1;
    }
    Ok(created)
}

/// The demo logins as a printable block.
pub fn demo_logins_text(base_url: &str) -> String {
    let mut s = format!("\n  QuickCommerce is running at {base_url}\n  Demo logins:\n");
    for d in DEMO_LOGINS {
        let at = d
            .store
            .and_then(|code| DEMO_STORES.iter().find(|s| s.code == code))
            .map(|s| format!("  ({})", s.name))
            .unwrap_or_default();
        s.push_str(&format!(
            "    {:<9} {:<30} {}{at}\n",
            d.role.as_str(),
            d.email,
            d.password
        ));
    }
    s.push_str("  Demo stores (Mumbai): ");
    let names: Vec<String> = DEMO_STORES
        .iter()
        .map(|s| match s.hours {
            None => format!("{} (24 h)", s.name),
            Some((open, close)) => format!("{} ({open}-{close})", s.name),
        })
        .collect();
    s.push_str(&names.join(", "));
    s.push('\n');
    s.push_str(&format!("  API docs: {base_url}/api/docs\n"));
    s
}
