//! Scenario 8, Catalog search at scale: 20 stores × 10,000 products (generated from the
//! demo catalog), customers searching as they type — random words and prefixes of them,
//! random category, in-stock, sort, page and page size, at a random store. Every URL is
//! new, so this measures the database path; the catalog cache's hits and misses (from
//! `/metrics`) are reported beside it. Then a small set of queries repeated (the cached
//! path, through the cache's expiries) in the same run, for the ratio.

use super::catalog::job;
use super::{HttpJob, run_http};
use crate::ctx::Bench;
use crate::report::Row;
use crate::setup::{self, call, par_map};
use anyhow::{anyhow, bail};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NAME: &str = "8 catalog search";
/// Brands the generated products are sold under, beside the demo catalog's own.
const BRANDS: [&str; 14] = [
    "Amul",
    "Tata",
    "Fortune",
    "Aashirvaad",
    "Britannia",
    "Haldiram",
    "Mother Dairy",
    "Nestle",
    "Dabur",
    "Patanjali",
    "Organic Tattva",
    "24 Mantra",
    "Himalaya",
    "Godrej",
];
const SIZES: [(&str, i64); 4] = [
    ("Small", 8),
    ("Regular", 10),
    ("Family Pack", 18),
    ("Value Pack", 25),
];
const SORTS: [&str; 4] = ["relevance", "relevance", "price_asc", "popular"];
const LIMITS: [u32; 4] = [10, 20, 20, 50];

/// A small deterministic generator (splitmix64): the same run, the same queries.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One demo product the generated ones are variations of.
pub struct Base {
    name: String,
    description: String,
    category: String,
    unit: String,
    price: i64,
    tags: Vec<String>,
}

pub async fn demo_products(b: &mut Bench, admin: &str) -> anyhow::Result<Vec<Base>> {
    let mut out = Vec::new();
    for page in 1..=20 {
        let url = format!("{}/api/admin/products?page={page}&limit=100", b.base);
        let v = call(&b.http, Method::GET, &url, Some(admin), None, 200).await?;
        let list = v["products"].as_array().cloned().unwrap_or_default();
        for p in &list {
            let sku = p["sku"].as_str().unwrap_or_default();
            // Only the demo catalog's own products, not other scenarios' bench ones.
            if ["BS-", "BX-", "BG-"].iter().any(|p| sku.starts_with(p)) {
                continue;
            }
            let text = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
            out.push(Base {
                name: text("name"),
                description: text("description"),
                category: p["category"]["slug"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                unit: text("unit"),
                price: p["price"].as_i64().unwrap_or(1000),
                tags: p["tags"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        if list.len() < 100 {
            break;
        }
    }
    out.retain(|p| !p.name.is_empty() && !p.category.is_empty());
    if out.is_empty() {
        bail!("the server has no demo products to vary");
    }
    Ok(out)
}

/// Product `i` of the generated catalog: a demo product under another brand and size.
fn product_body(run: &str, i: usize, bases: &[Base]) -> Value {
    let base = &bases[i % bases.len()];
    let v = i / bases.len();
    let brand = BRANDS[v % BRANDS.len()];
    let (size, factor) = SIZES[(v / BRANDS.len()) % SIZES.len()];
    let price = (base.price.max(100) * factor / 10).max(100);
    let mut tags = base.tags.clone();
    tags.push(brand.to_lowercase());
    json!({
        "sku": format!("BG-{run}-{i}"),
        "name": format!("{brand} {} {size}", base.name),
        "description": base.description,
        "category": base.category,
        "unit": base.unit,
        "price": price,
        "mrp": price + price / 10,
        "stock": 0,
        "brand": brand,
        "tags": tags,
    })
}

/// The words customers type: every word of the generated names, brands and tags.
pub fn vocabulary(bases: &[Base]) -> Vec<String> {
    let mut words: HashSet<String> = HashSet::new();
    let texts = bases
        .iter()
        .flat_map(|b| std::iter::once(b.name.as_str()).chain(b.tags.iter().map(String::as_str)))
        .chain(BRANDS)
        .chain(SIZES.iter().map(|s| s.0));
    for text in texts {
        for w in text.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().count() >= 2 {
                words.insert(w.to_lowercase());
            }
        }
    }
    let mut v: Vec<String> = words.into_iter().collect();
    v.sort();
    v
}

/// A search as typed: a whole word, a prefix of one (2 letters or more), or a word and
/// the beginning of the next.
fn typed(rng: &mut Rng, words: &[String]) -> String {
    let w = &words[rng.below(words.len())];
    let prefix = |rng: &mut Rng, w: &str| -> String {
        let n = w.chars().count();
        let k = 2 + rng.below(n.saturating_sub(1).max(1));
        w.chars().take(k.min(n)).collect()
    };
    match rng.below(10) {
        0..=3 => w.clone(),
        4..=8 => prefix(rng, w),
        _ => {
            let next = &words[rng.below(words.len())];
            format!("{w} {}", prefix(rng, next))
        }
    }
}

pub fn url(
    rng: &mut Rng,
    base: &str,
    stores: &[String],
    cats: &[String],
    words: &[String],
) -> String {
    let mut u = format!(
        "{base}/api/customer/products?storeId={}&search={}",
        stores[rng.below(stores.len())],
        typed(rng, words).replace(' ', "%20")
    );
    if rng.below(10) < 3 {
        u.push_str(&format!("&category={}", cats[rng.below(cats.len())]));
    }
    if rng.below(2) == 0 {
        u.push_str("&inStock=true");
    }
    let sort = SORTS[rng.below(SORTS.len())];
    if sort != "relevance" {
        u.push_str(&format!("&sort={sort}"));
    }
    let page = 1 + [0, 0, 0, 1, 2][rng.below(5)];
    u.push_str(&format!(
        "&page={page}&limit={}",
        LIMITS[rng.below(LIMITS.len())]
    ));
    u
}

/// Catalog cache hits and misses so far, from `/metrics`.
async fn cache_counts(b: &mut Bench) -> Option<(f64, f64)> {
    let text = b.metrics_text().await.ok()?;
    let read = |label: &str| -> Option<f64> {
        let key = format!("qc_catalog_cache_total{{result=\"{label}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(key.as_str()))
            .and_then(|v| v.trim().parse().ok())
    };
    Some((read("hit")?, read("miss")?))
}

struct Catalog {
    stores: Vec<String>,
    categories: Vec<String>,
    words: Vec<String>,
    products: usize,
}

async fn seed(b: &mut Bench) -> anyhow::Result<Catalog> {
    let t0 = Instant::now();
    b.setup_mode();
    let admin = b.admin_token().await?;
    let bases = demo_products(b, &admin).await?;
    let n_stores: usize = b.pick(20, 2);
    let n_products: usize = b.args.search_products.unwrap_or(b.pick(10_000, 300));
    // Stores far from every other scenario's (the Bengaluru area).
    let mut stores = Vec::new();
    for i in 0..n_stores {
        let at = (12.0 + (i / 5) as f64 * 0.2, 77.0 + (i % 5) as f64 * 0.2);
        let body = setup::square_store(&b.run_id, "S", i, at, 0.05, json!({}));
        let url = format!("{}/api/admin/stores", b.base);
        let v = call(&b.http, Method::POST, &url, Some(&admin), Some(&body), 201).await?;
        let id = v["store"]["id"]
            .as_str()
            .ok_or_else(|| anyhow!("no store id in {v}"))?;
        stores.push(id.to_owned());
    }
    let bodies = (0..n_products)
        .map(|i| product_body(&b.run_id, i, &bases))
        .collect();
    let ids = setup::create_products(&b.http, &b.base, &admin, bodies).await?;
    // Each store's stock, 1,000 lines a call, through the integration API (one in eight
    // products out of stock at each store).
    let url = format!("{}/api/admin/api-keys", b.base);
    let body = json!({"name": format!("bench {}", b.run_id), "scopes": ["stock:write"]});
    let v = call(&b.http, Method::POST, &url, Some(&admin), Some(&body), 201).await?;
    let key = v["secret"]
        .as_str()
        .ok_or_else(|| anyhow!("no key secret in {v}"))?;
    let mut rng = Rng(7);
    let mut calls: Vec<Value> = Vec::new();
    for s in &stores {
        for chunk in ids.chunks(1000) {
            let lines: Vec<Value> = chunk
                .iter()
                .map(|p| {
                    let set = if rng.below(8) == 0 {
                        0
                    } else {
                        1 + rng.below(200)
                    };
                    json!({"storeId": s, "productId": p, "set": set})
                })
                .collect();
            calls.push(json!({ "lines": lines }));
        }
    }
    let (http, url, key, calls) = (
        b.http.clone(),
        format!("{}/api/integrations/stock", b.base),
        key.to_owned(),
        Arc::new(calls),
    );
    let n_calls = calls.len();
    let res = par_map(n_calls, 2, move |i| {
        let (http, url, key, calls) = (http.clone(), url.clone(), key.clone(), calls.clone());
        async move {
            let r = call(&http, Method::PUT, &url, Some(&key), Some(&calls[i]), 200).await;
            Some(r.map(|_| ()).map_err(|e| e.to_string()))
        }
    })
    .await;
    let (_, failed, first) = setup::split(res);
    if failed > 0 {
        bail!("{failed} stock calls failed: {}", first.unwrap_or_default());
    }
    b.ensure_categories(&admin).await?;
    let categories = b.categories.clone();
    b.note_setup(
        format!(
            "search catalog: {n_stores} stores, {n_products} products, {} stock lines",
            n_stores * n_products
        ),
        t0,
    );
    b.measure_mode();
    Ok(Catalog {
        stores,
        categories,
        words: vocabulary(&bases),
        products: n_products,
    })
}

/// Run `job`, with the cache's hit ratio over it.
async fn measure(b: &mut Bench, job: HttpJob, row: &mut Row) {
    let before = cache_counts(b).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m = b.meters(b.server_pid);
    run_http(&b.http, job, row).await;
    m.finish(row);
    if let (Some((h0, m0)), Some((h1, m1))) = (before, cache_counts(b).await) {
        let (hits, misses) = (h1 - h0, m1 - m0);
        row.set("cacheHits", json!(hits));
        row.set("cacheMisses", json!(misses));
        if hits + misses > 0.0 {
            row.notes.push(format!(
                "catalog cache: {:.1} % of these requests were hits",
                hits / (hits + misses) * 100.0
            ));
        }
    }
}

/// One search at each store, untimed: the index is built after the catalog was created
/// and each store's shelf is read on its first search (a one-off after a start or a
/// catalog change, reported as `firstSearchesMs`), not per query.
async fn warm_up(b: &Bench, cat: &Catalog, row: &mut Row) -> anyhow::Result<()> {
    let token = b
        .customers
        .first()
        .map(|c| c.token.clone())
        .ok_or_else(|| anyhow!("no customer"))?;
    let t0 = Instant::now();
    for store in &cat.stores {
        let url = format!("{}/api/customer/products?storeId={store}&limit=1", b.base);
        let r = b.http.get(&url).bearer_auth(&token).send().await?;
        if !r.status().is_success() {
            bail!("warm-up search at {store}: {}", r.status());
        }
    }
    let ms = t0.elapsed().as_millis();
    row.set("firstSearchesMs", json!(ms));
    row.notes.push(format!(
        "before timing, one search per store built the index and read the {} shelves: {ms} ms",
        cat.stores.len()
    ));
    Ok(())
}

/// The mean size of the answers to `urls` (each fetched once, after the timed run): the
/// two rows compare like with like only when their pages are alike in size.
async fn body_size(b: &Bench, urls: &[String], row: &mut Row) {
    let Some(token) = b.customers.first().map(|c| c.token.clone()) else {
        return;
    };
    let mut bytes = 0_usize;
    for u in urls {
        let body = match b.http.get(u).bearer_auth(&token).send().await {
            Ok(r) => r.bytes().await.map(|b| b.len()).unwrap_or(0),
            Err(_) => return,
        };
        bytes += body;
    }
    if !urls.is_empty() {
        row.set("meanBodyBytes", json!(bytes / urls.len()));
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<Vec<Row>> {
    b.ensure_users("customer", 4).await?;
    let cat = seed(b).await?;
    let mut rng = Rng(0x5EED);
    // Distinct URLs, each sent once (the driver walks them in a fixed permutation).
    let want: usize = b.pick(400_000, 20_000);
    let mut seen = HashSet::with_capacity(want);
    let mut tries = 0;
    while seen.len() < want && tries < want * 3 {
        seen.insert(url(
            &mut rng,
            &b.base,
            &cat.stores,
            &cat.categories,
            &cat.words,
        ));
        tries += 1;
    }
    let fresh: Vec<String> = seen.into_iter().collect();
    let scale = format!("{} stores × {} products", cat.stores.len(), cat.products);

    let mut uncached = Row::new(
        NAME,
        "uncached (every query new)",
        "req/s",
        ">= 10000 req/s, p99 <= 10 ms, >= 40% of cached",
    );
    uncached.set("catalog", json!(scale));
    uncached.set("distinctQueries", json!(fresh.len()));
    uncached.set("vocabulary", json!(cat.words.len()));
    let cap = fresh.len() as u64;
    let sample: Vec<String> = fresh.iter().take(256).cloned().collect();
    warm_up(b, &cat, &mut uncached).await?;
    measure(b, job(b, fresh, cap), &mut uncached).await;
    body_size(b, &sample, &mut uncached).await;

    let repeated: Vec<String> = (0..64)
        .map(|_| url(&mut rng, &b.base, &cat.stores, &cat.categories, &cat.words))
        .collect();
    let mut cached = Row::new(
        NAME,
        "cached (64 queries repeated)",
        "req/s",
        "p99 <= 10 ms through expiries",
    );
    cached.set("catalog", json!(scale));
    cached.set("distinctQueries", json!(repeated.len()));
    measure(
        b,
        job(b, repeated.clone(), b.pick(2_000_000, 20_000)),
        &mut cached,
    )
    .await;
    body_size(b, &repeated, &mut cached).await;
    cached.goal_met = Some(cached.errors == 0 && cached.p99().is_some_and(|p| p <= 10.0));

    uncached.judge(10_000.0, 10.0);
    if let (Some(u), Some(c)) = (uncached.throughput, cached.throughput) {
        let ratio = u / c * 100.0;
        uncached.set("percentOfCached", json!(ratio));
        uncached.notes.push(format!(
            "uncached reaches {ratio:.0}% of the cached throughput"
        ));
        if ratio < 40.0 {
            uncached.goal_met = Some(false);
        }
    }
    Ok(vec![uncached, cached])
}
