//! Demo data: a real dark store's catalog (embedded) and demo accounts.

use crate::auth::password;
use anyhow::Context;
use qc_domain::{Money, Role};
use qc_store::{NewCategory, NewProduct, NewUser, SharedStore, StoreError};
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
}

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        role: Role::Admin,
        name: "Meera Admin",
        email: "admin@quickcommerce.dev",
        password: "Admin@12345",
    },
    DemoLogin {
        role: Role::Customer,
        name: "Asha Customer",
        email: "customer@quickcommerce.dev",
        password: "Customer@123",
    },
    DemoLogin {
        role: Role::Customer,
        name: "Rohan Customer",
        email: "customer2@quickcommerce.dev",
        password: "Customer@123",
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Ravi Rider",
        email: "rider1@quickcommerce.dev",
        password: "Rider@12345",
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Sana Rider",
        email: "rider2@quickcommerce.dev",
        password: "Rider@12345",
    },
    DemoLogin {
        role: Role::Delivery,
        name: "Vikram Rider",
        email: "rider3@quickcommerce.dev",
        password: "Rider@12345",
    },
];

/// Insert the catalog; products whose SKU exists are left as they are.
/// Returns how many products were added.
pub async fn catalog(store: &SharedStore) -> anyhow::Result<usize> {
    let catalog: Catalog =
        serde_json::from_str(CATALOG).context("the embedded catalog is invalid")?;
    for (i, c) in catalog.categories.into_iter().enumerate() {
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
    let mut added = 0;
    for p in catalog.products {
        let result = store
            .create_product(NewProduct {
                sku: p.sku,
                name: p.name,
                description: p.description,
                category: p.category,
                unit: p.unit,
                price: Money(p.price),
                mrp: Money(p.mrp),
                stock: p.stock,
                brand: p.brand,
                tags: p.tags,
            })
            .await;
        match result {
            Ok(_) => added += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(added)
}

/// Create the demo accounts that do not exist yet. Returns how many were created.
pub async fn demo_users(store: &SharedStore) -> anyhow::Result<usize> {
    let mut created = 0;
    for d in DEMO_LOGINS {
        if store.user_by_email(d.email).await?.is_some() {
            continue;
        }
        let pw = d.password.to_owned();
        let hash = tokio::task::spawn_blocking(move || password::hash_blocking(&pw))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let user = store
            .create_user(NewUser {
                email: d.email.to_owned(),
                name: d.name.to_owned(),
                phone: Some("+919820000000".to_owned()),
                role: d.role,
                password_hash: hash,
            })
            .await?;
        if d.role == Role::Delivery {
            // Demo riders are verified, as an admin would after checking their papers.
            store.set_partner_flags(&user.id, Some(true), None).await?;
        }
        created += 1;
    }
    Ok(created)
}

/// The demo logins as a printable block.
pub fn demo_logins_text(base_url: &str) -> String {
    let mut s = format!("\n  QuickCommerce is running at {base_url}\n  Demo logins:\n");
    for d in DEMO_LOGINS {
        s.push_str(&format!(
            "    {:<9} {:<30} {}\n",
            d.role.as_str(),
            d.email,
            d.password
        ));
    }
    s.push_str(&format!("  API docs: {base_url}/api/docs\n"));
    s
}
