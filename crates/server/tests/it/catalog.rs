//! The customer catalog over HTTP: filters, search, sort, pages, categories, images,
//! the live cart check, and the role guard in front of it.

use crate::common::{spawn, spawn_with};
use qc_domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn names(body: &Value) -> Vec<String> {
    body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn browse_filter_search_sort_and_page() {
    let app = spawn().await;
    app.seed_catalog().await;
    let t = app.customer("c@example.com").await;

    let all = app.get("/api/customer/products", Some(&t)).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(all.body["success"], true);
    assert_eq!(all.body["pagination"]["total"], 180);
    assert_eq!(all.body["pagination"]["limit"], 20);
    assert_eq!(all.body["products"].as_array().unwrap().len(), 20);
    let p = &all.body["products"][0];
    for field in [
        "id", "name", "unit", "price", "mrp", "stock", "inStock", "imageUrl", "category",
    ] {
        assert!(!p[field].is_null(), "{field} missing in {p}");
    }
    assert!(p["price"].is_i64(), "money must be integer minor units");

    let capped = app.get("/api/customer/products?limit=500", Some(&t)).await;
    assert_eq!(capped.body["products"].as_array().unwrap().len(), 100);
    assert_eq!(capped.body["pagination"]["limit"], 100);

    let last = app
        .get("/api/customer/products?limit=100&page=2", Some(&t))
        .await;
    assert_eq!(last.body["products"].as_array().unwrap().len(), 80);
    assert_eq!(last.body["pagination"]["hasMore"], false);

    // Case-insensitive search over name and description.
    let s1 = app
        .get("/api/customer/products?search=AMUL", Some(&t))
        .await;
    let s2 = app
        .get("/api/customer/products?search=amul", Some(&t))
        .await;
    assert!(s1.body["pagination"]["total"].as_i64().unwrap() > 0);
    assert_eq!(
        s1.body["pagination"]["total"],
        s2.body["pagination"]["total"]
    );
    for n in names(&s1.body) {
        let p = s1.body["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n.as_str())
            .unwrap();
        let hay = format!("{} {} {}", p["name"], p["description"], p["brand"]).to_lowercase();
        assert!(hay.contains("amul"), "{hay}");
    }
    // `%` is matched literally, not as a LIKE wildcard.
    let pct = app
        .get("/api/customer/products?search=%25&limit=100", Some(&t))
        .await;
    let hits = pct.body["products"].as_array().unwrap();
    assert!(hits.len() < 180, "`%` matched everything");
    for p in hits {
        let hay = format!("{} {} {}", p["name"], p["description"], p["brand"]);
        assert!(hay.contains('%'), "{hay}");
    }

    let cat = app
        .get(
            "/api/customer/products?category=dairy-bread-eggs&limit=100",
            Some(&t),
        )
        .await;
    assert!(cat.body["pagination"]["total"].as_i64().unwrap() >= 12);
    for p in cat.body["products"].as_array().unwrap() {
        assert_eq!(p["category"]["slug"], "dairy-bread-eggs");
    }

    let in_stock = app
        .get(
            "/api/customer/products?inStock=true&limit=100&page=1",
            Some(&t),
        )
        .await;
    assert_eq!(
        in_stock.body["pagination"]["total"], 175,
        "5 demo products are out of stock"
    );

    let range = app
        .get(
            "/api/customer/products?minPrice=5000&maxPrice=10000&limit=100",
            Some(&t),
        )
        .await;
    for p in range.body["products"].as_array().unwrap() {
        let price = p["price"].as_i64().unwrap();
        assert!((5000..=10000).contains(&price), "{price}");
    }

    let by_price = app
        .get("/api/customer/products?sort=price&limit=100", Some(&t))
        .await;
    let prices: Vec<i64> = by_price.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"].as_i64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));
    let desc = app
        .get("/api/customer/products?sort=price_desc&limit=5", Some(&t))
        .await;
    let top: Vec<i64> = desc.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"].as_i64().unwrap())
        .collect();
    assert_eq!(top[0], *prices.iter().max().unwrap_or(&0).max(&top[0]));
    assert!(top.windows(2).all(|w| w[0] >= w[1]));
    let by_name = names(
        &app.get("/api/customer/products?sort=name&limit=50", Some(&t))
            .await
            .body,
    );
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);
}

#[tokio::test]
async fn bad_catalog_queries_are_refused_clearly() {
    let app = spawn().await;
    let t = app.customer("c@example.com").await;
    for q in [
        "sort=cheapest",
        "minPrice=500&maxPrice=100",
        "page=0",
        "limit=0",
        "minPrice=-1",
        "page=abc",
        "inStock=maybe",
        "colour=red",
    ] {
        let r = app
            .get(&format!("/api/customer/products?{q}"), Some(&t))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.body);
        r.code();
    }
}

#[tokio::test]
async fn categories_products_and_images() {
    let app = spawn().await;
    app.seed_catalog().await;
    let t = app.customer("c@example.com").await;
    let cats = app.get("/api/customer/categories", Some(&t)).await;
    let cats = cats.body["categories"].as_array().unwrap().clone();
    assert!(cats.len() >= 8);
    let sum: i64 = cats
        .iter()
        .map(|c| c["productCount"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, 180);

    let list = app.get("/api/customer/products?limit=1", Some(&t)).await;
    let p = list.body["products"][0].clone();
    let one = app
        .get(
            &format!("/api/customer/products/{}", p["id"].as_str().unwrap()),
            Some(&t),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["product"]["id"], p["id"]);
    let missing = app.get("/api/customer/products/nope", Some(&t)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "product_not_found");

    let img = app
        .client
        .get(format!("{}{}", app.base, p["imageUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(img.status(), StatusCode::OK);
    assert_eq!(img.headers()["content-type"], "image/svg+xml");
    assert!(img.text().await.unwrap().starts_with("<svg"));
}

#[tokio::test]
async fn customer_routes_need_a_customer() {
    let app = spawn().await;
    let (rider, _) = app.user("r@example.com", Role::Delivery).await;
    let none = app.get("/api/customer/products", None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    let wrong = app.get("/api/customer/orders", Some(&rider)).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(wrong.code(), "forbidden_role");
    let post = app
        .post("/api/customer/orders", Some(&rider), json!({}))
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn cart_check_reports_each_line() {
    let app = spawn().await;
    let t = app.customer("c@example.com").await;
    let plenty = app.product("Milk", 3000, 10).await;
    let few = app.product("Eggs", 9000, 2).await;
    let gone = app.product("Bread", 4500, 0).await;
    let off = app.product("Old", 100, 5).await;
    app.state
        .store
        .set_product_active(&off, false)
        .await
        .unwrap();

    let r = app
        .post(
            "/api/customer/cart/validate",
            Some(&t),
            json!({"items": [
                {"productId": plenty, "quantity": 3, "price": 1},
                {"productId": few, "quantity": 5},
                {"productId": gone, "quantity": 1},
                {"productId": off, "quantity": 1},
                {"productId": "no-such", "quantity": 1}
            ]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["valid"], false);
    let line = |id: &str| {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["productId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(line(&plenty)["ok"], true);
    assert_eq!(
        line(&plenty)["price"],
        3000,
        "the server's price, not the client's"
    );
    assert_eq!(line(&few)["reason"], "insufficient_stock");
    assert_eq!(line(&few)["available"], 2);
    assert_eq!(line(&gone)["reason"], "out_of_stock");
    assert_eq!(line(&off)["reason"], "unavailable");
    assert_eq!(line("no-such")["reason"], "unavailable");
    assert_eq!(r.body["subtotal"], 9000);
    assert_eq!(r.body["deliveryFee"], 2500);
    assert_eq!(r.body["total"], 11500);

    let ok = app
        .post(
            "/api/customer/cart/validate",
            Some(&t),
            json!({"items": [{"productId": plenty, "quantity": 10}]}),
        )
        .await;
    assert_eq!(ok.body["valid"], true);
    assert_eq!(ok.body["subtotal"], 30000);
    assert_eq!(ok.body["deliveryFee"], 0, "free delivery from 199.00");
    let empty = app
        .post(
            "/api/customer/cart/validate",
            Some(&t),
            json!({"items": []}),
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
}

/// Catalog pages are cached briefly, but never past a change made through this instance:
/// an order, an admin stock change or a price change shows on the very next read.
#[tokio::test]
async fn cached_pages_follow_every_stock_and_price_change() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let c = app.customer("c@example.com").await;
    let id = app.product("Basmati Rice", 20_000, 3).await;
    let first = |body: &Value| body["products"][0].clone();
    let read = || app.get("/api/customer/products?search=basmati", Some(&c));

    for _ in 0..2 {
        let r = read().await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(first(&r.body)["stock"], 3);
    }
    app.place(&c, &id, 1).await;
    assert_eq!(
        first(&read().await.body)["stock"],
        2,
        "the order shows at once"
    );

    let r = app
        .post(
            &format!("/api/admin/products/{id}/stock"),
            Some(&admin),
            json!({"set": 40, "reason": "delivery from the warehouse"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        first(&read().await.body)["stock"],
        40,
        "restock shows at once"
    );

    let r = app
        .put(
            &format!("/api/admin/products/{id}"),
            Some(&admin),
            json!({"price": 18_500}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        first(&read().await.body)["price"],
        18_500,
        "new price at once"
    );
}

/// Search ranks by relevance on both backends, with the index and without: a word in the name beats the same word in
/// a description, words are prefixes (search as you type), every word must match, and
/// punctuation alone finds nothing (and breaks nothing).
#[tokio::test]
async fn search_is_ranked_by_relevance_on_both_backends() {
    // The in-memory index, and each database's own full-text search.
    let mut apps = crate::common::spawn_all(&[]).await;
    apps.extend(crate::common::spawn_all(&[("QC_SEARCH_INDEX", "0")]).await);
    for app in apps {
        let b = format!("{} (index {})", app.backend, app.state.config.search_index);
        app.seed_catalog().await;
        let token = app.customer("c@example.com").await;
        let store = app.main_store();
        let names = |body: &serde_json::Value| -> Vec<String> {
            body["products"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect()
        };
        let search =
            |q: &str| format!("/api/customer/products?storeId={store}&limit=50&search={q}");
        let r = app.get(&search("milk"), Some(&token)).await;
        assert_eq!(r.status, reqwest::StatusCode::OK, "{b}: {}", r.body);
        let found = names(&r.body);
        let in_name = |n: &String| n.to_lowercase().split(' ').any(|w| w == "milk");
        let first_other = found
            .iter()
            .position(|n| !in_name(n))
            .unwrap_or(found.len());
        assert!(first_other >= 4, "{b}: name matches first: {found:?}");
        assert!(
            found[first_other..].iter().all(|n| !in_name(n)),
            "{b}: no name match after a description match: {found:?}"
        );
        assert!(
            found.iter().any(|n| n.contains("Shampoo")),
            "{b}: {found:?}"
        );
        // A prefix finds the word; every word must match.
        let r = app.get(&search("mil"), Some(&token)).await;
        assert!(
            names(&r.body)
                .iter()
                .any(|n| n == "Amul Gold Full Cream Milk"),
            "{b}"
        );
        let r = app.get(&search("amul%20milk"), Some(&token)).await;
        let both = names(&r.body);
        assert!(!both.is_empty(), "{b}");
        assert!(both.iter().all(|n| n.starts_with("Amul")), "{b}: {both:?}");
        assert_eq!(
            r.body["pagination"]["total"],
            json!(both.len()),
            "{b}: {}",
            r.body
        );
        // Query syntax is not passed through.
        for q in ["%22%2A%22", "%21%21%21", "milk%22%20OR%20%22", "NEAR(a"] {
            let r = app.get(&search(q), Some(&token)).await;
            assert_eq!(r.status, reqwest::StatusCode::OK, "{b}: {q}: {}", r.body);
        }
        let r = app.get(&search("%21%21%21"), Some(&token)).await;
        assert_eq!(r.body["products"], json!([]), "{b}: {}", r.body);
        // An explicit sort still wins over relevance.
        let r = app
            .get(&format!("{}&sort=price", search("milk")), Some(&token))
            .await;
        let prices: Vec<i64> = r.body["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["price"].as_i64().unwrap())
            .collect();
        assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{b}: {prices:?}");
    }
}

/// Catalog queries the cache cannot answer take turns: with every turn taken, a search
/// is answered 429 `catalog_busy` at once (no query runs, nothing else waits on it), and
/// served again as soon as a turn is free. (The turns guard the database's search; the
/// in-memory index, on by default, needs none, so it is off here.)
#[tokio::test]
async fn a_flood_of_searches_is_refused_not_queued_without_end() {
    let app = spawn_with(&[
        ("QC_SEARCH_INDEX", "0"),
        ("QC_CATALOG_MAX_QUERIES", "1"),
        ("QC_CATALOG_QUEUE_MS", "0"),
    ])
    .await;
    app.product("Milk 1 L", 9_500, 10).await;
    let c = app.customer("c@example.com").await;
    let held = app.state.catalog_gate.clone().try_acquire_owned().unwrap();
    let r = app
        .get("/api/customer/products?search=milk", Some(&c))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.code(), "catalog_busy");
    assert_eq!(r.body["success"], false);
    drop(held);
    let r = app
        .get("/api/customer/products?search=milk", Some(&c))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body["products"].as_array().unwrap().is_empty());
    // Cached now: served even while every turn is taken.
    let _held = app.state.catalog_gate.clone().try_acquire_owned().unwrap();
    let r = app
        .get("/api/customer/products?search=milk", Some(&c))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Customers' searches are answered from the in-memory index; with it off
/// (`QC_SEARCH_INDEX=0`) the database answers. Both must agree: the same matches and
/// totals for every filter, and the same order for every explicit sort (relevance ties
/// and weights differ between bm25 and the index's field tiers, so relevance is
/// compared as the set of matches, with name matches first on both).
#[tokio::test]
async fn the_search_index_answers_as_the_database_does() {
    for app in crate::common::spawn_all(&[]).await {
        let b = app.backend;
        app.seed_catalog().await;
        let t = app.customer("c@example.com").await;
        let store = app.main_store();
        // Sales for the `popular` order, and two products out of stock, before the index
        // first reads the store's shelf (units sold reach a loaded shelf within the TTL).
        let sql = crate::common::spawn_on_same_db(&app, &[("QC_SEARCH_INDEX", "0")]).await;
        let all = sql
            .get(
                &format!("/api/customer/products?storeId={store}&limit=99"),
                Some(&t),
            )
            .await;
        // (A page the comparison below does not ask for: the SQL side caches it.)
        let ids: Vec<String> = all.body["products"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["stock"].as_i64().unwrap() >= 3)
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect();
        for (i, id) in ids.iter().take(6).enumerate() {
            app.place(&t, id, 1 + i as i64 % 3).await;
        }
        let admin = app.admin("ops@example.com").await;
        for id in &ids[10..12] {
            app.set_stock(&admin, &store, id, 0).await;
        }
        let binned = all.body["products"].as_array().unwrap();
        assert!(
            binned.iter().any(|p| p["bin"].is_string()),
            "{b}: no bins seeded"
        );
        let cats = app.get("/api/customer/categories", Some(&t)).await;
        let slug = cats.body["categories"][0]["slug"]
            .as_str()
            .unwrap()
            .to_owned();

        let filters = [
            String::new(),
            "&search=milk".into(),
            "&search=mil".into(),
            "&search=amul%20mi".into(),
            "&search=a".into(),
            "&search=zzzz".into(),
            "&search=%21%21".into(),
            format!("&category={slug}"),
            format!("&category={slug}&search=a"),
            "&category=nope".into(),
            "&inStock=true".into(),
            "&minPrice=5000&maxPrice=20000".into(),
            "&inStock=true&search=s&maxPrice=30000".into(),
        ];
        let sorts = [
            "",
            "&sort=popular",
            "&sort=price",
            "&sort=price_desc",
            "&sort=name",
            "&sort=newest",
        ];
        let pages = ["&page=1&limit=100", "&page=2&limit=7", "&page=40&limit=5"];
        // Whole products: every field, the store's stock, `inStock` and bin (the seeded
        // catalog has bins) — the index renders them from its own copy.
        let id_list = |body: &Value| -> Vec<Value> { body["products"].as_array().unwrap().clone() };
        let by_id = |p: &Value| p["id"].as_str().unwrap().to_owned();
        for f in &filters {
            for s in sorts {
                for p in pages {
                    let url = format!("/api/customer/products?storeId={store}{f}{s}{p}");
                    let (a, d) = (app.get(&url, Some(&t)).await, sql.get(&url, Some(&t)).await);
                    assert_eq!(a.status, StatusCode::OK, "{b}: {url}: {}", a.body);
                    assert_eq!(a.body["pagination"], d.body["pagination"], "{b}: {url}");
                    let (mut x, mut y) = (id_list(&a.body), id_list(&d.body));
                    if s.is_empty() && f.contains("search=") {
                        // Every match on one page, or only the totals are compared.
                        if !p.contains("limit=100")
                            || a.body["pagination"]["total"].as_i64() > Some(100)
                        {
                            continue;
                        }
                        x.sort_by_key(by_id);
                        y.sort_by_key(by_id);
                    }
                    assert_eq!(x, y, "{b}: {url}");
                }
            }
        }
        // Each side answered its own way (the pages above were all new to the cache).
        let answered = |app: &crate::common::TestApp| {
            let m = &app.state.metrics;
            (
                m.catalog_index.load(std::sync::atomic::Ordering::Relaxed),
                m.catalog_database
                    .load(std::sync::atomic::Ordering::Relaxed),
            )
        };
        let ((index, db), (sql_index, sql_db)) = (answered(&app), answered(&sql));
        assert!(index > 200 && sql_index == 0, "{b}: {index} {sql_index}");
        assert!(sql_db > 200, "{b}: {db} {sql_db}");
    }
}

/// The names and stock of a search's products.
async fn found(
    app: &crate::common::TestApp,
    store: &str,
    token: &str,
    q: &str,
) -> Vec<(String, i64)> {
    let url = format!("/api/customer/products?storeId={store}&search={q}");
    let r = app.get(&url, Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["stock"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The index sees what this instance writes at once (new products, renames, stock from
/// orders and the admin, deactivation), and what another instance writes within
/// `QC_SEARCH_REFRESH_MS`.
#[tokio::test]
async fn searches_see_changes_made_here_at_once_and_elsewhere_within_the_ttl() {
    let ttl = [
        ("QC_CATALOG_CACHE_MS", "300"),
        ("QC_SEARCH_REFRESH_MS", "300"),
    ];
    for app in crate::common::spawn_all(&ttl).await {
        let b = app.backend;
        let other = crate::common::spawn_on_same_db(&app, &ttl).await;
        let t = app.customer("c@example.com").await;
        let admin = app.admin("ops@example.com").await;
        let store = app.main_store();
        // Polled on the other instance: it must get there within a few TTLs.
        async fn eventually<F, Fut>(what: &str, mut f: F)
        where
            F: FnMut() -> Fut,
            Fut: std::future::Future<Output = bool>,
        {
            let until = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
            while !f().await {
                assert!(tokio::time::Instant::now() < until, "{what}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }

        assert_eq!(found(&app, &store, &t, "zucc").await, vec![], "{b}");
        let c = app
            .post(
                "/api/admin/categories",
                Some(&admin),
                json!({"slug": "greens", "name": "Greens"}),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{b}: {}", c.body);
        let r = app
            .post(
                "/api/admin/products",
                Some(&admin),
                json!({"sku": "ZUC-1", "name": "Zucchini", "description": "Green",
                       "category": "greens", "unit": "500 g", "price": 4_000, "stock": 5,
                       "storeId": store}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let id = r.body["product"]["id"].as_str().unwrap().to_owned();
        let stock_of = |n: i64| vec![("Zucchini".to_owned(), n)];
        assert_eq!(
            found(&app, &store, &t, "zucc").await,
            stock_of(5),
            "{b}: a new product, at once"
        );
        assert_eq!(found(&other, &store, &t, "zucc").await, stock_of(5), "{b}");

        // Stock written here: at once here, within the TTL there.
        app.place(&t, &id, 2).await;
        assert_eq!(
            found(&app, &store, &t, "zucc").await,
            stock_of(3),
            "{b}: an order"
        );
        app.set_stock(&admin, &store, &id, 0).await;
        assert_eq!(
            found(&app, &store, &t, "zucc").await,
            stock_of(0),
            "{b}: the admin's count"
        );
        assert_eq!(
            found(&app, &store, &t, "zucc&inStock=true").await,
            vec![],
            "{b}"
        );
        eventually(
            &format!("{b}: the other instance sees the count"),
            || async { found(&other, &store, &t, "zucc").await == stock_of(0) },
        )
        .await;

        // Renamed there: here within the TTL; deactivated here: gone here at once.
        let r = other
            .put(
                &format!("/api/admin/products/{id}"),
                Some(&admin),
                json!({"name": "Courgette"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(
            found(&other, &store, &t, "zucc").await,
            vec![],
            "{b}: renamed, at once there"
        );
        eventually(
            &format!("{b}: the rename reaches this instance"),
            || async {
                found(&app, &store, &t, "courg").await == vec![("Courgette".to_owned(), 0)]
            },
        )
        .await;
        let r = app
            .put(
                &format!("/api/admin/products/{id}"),
                Some(&admin),
                json!({"isActive": false}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(
            found(&app, &store, &t, "courg").await,
            vec![],
            "{b}: deactivated, at once"
        );
    }
}
