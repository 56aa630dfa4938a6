//! API keys, the bulk stock call and the order feed, on both backends: scopes enforced,
//! secrets hashed and revocable, the bulk call atomic (one bad line → nothing applied,
//! the error names the line) and idempotent, store-bound keys kept to their store, and
//! the feed paging by cursor through every change.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

async fn key(app: &TestApp, admin: &str, scopes: &[&str], store: Option<&str>) -> String {
    let r = app
        .post(
            "/api/admin/api-keys",
            Some(admin),
            json!({"name": "POS", "scopes": scopes, "storeId": store}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("qck_"), "{secret}");
    secret
}

async fn stock(app: &TestApp, key: &str, idem: Option<&str>, body: Value) -> Res {
    let mut rb = app
        .client
        .request(Method::PUT, format!("{}/api/integrations/stock", app.base))
        .bearer_auth(key)
        .json(&body);
    if let Some(k) = idem {
        rb = rb.header("Idempotency-Key", k);
    }
    let resp = rb.send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    Res {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn api_keys_bulk_stock_and_the_order_feed() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let main = app.main_store();
        let milk = app.product("Milk", 5_000, 10).await;
        let eggs = app.product("Eggs", 6_000, 10).await;
        let eggs_sku = app
            .state
            .store
            .product_by_id(&eggs, None)
            .await
            .unwrap()
            .unwrap()
            .sku;
        let writer = key(&app, &admin, &["stock:write"], None).await;
        let reader = key(&app, &admin, &["orders:read"], Some(&main)).await;

        // The list never shows a secret.
        let list = app.get("/api/admin/api-keys", Some(&admin)).await;
        assert!(!list.body.to_string().contains(&writer[12..]), "{b}");
        assert_eq!(list.body["apiKeys"].as_array().unwrap().len(), 2, "{b}");

        // No key, a wrong secret, or a user's JWT: 401.
        let good = json!({"lines": [{"storeId": main, "productId": milk, "set": 40}]});
        let customer = app.customer("c@example.com").await;
        for bad in ["", "qck_nope_nope", &writer[..writer.len() - 1], &customer] {
            let r = stock(&app, bad, None, good.clone()).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}: {bad}: {}", r.body);
        }
        // Scopes: the reader may not write, the writer may not read.
        let r = stock(&app, &reader, None, good.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        assert_eq!(r.code(), "missing_scope");
        let r = app.get("/api/integrations/orders", Some(&writer)).await;
        assert_eq!(r.code(), "missing_scope", "{b}");

        // Two lines, by id and by SKU, pushed to clients as inventory:updated.
        let mut sock = app.socket(&customer).await;
        let r = stock(
            &app,
            &writer,
            None,
            json!({"lines": [{"storeId": main, "productId": milk, "set": 40},
                             {"storeId": main, "sku": eggs_sku, "adjust": -3}]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.body["applied"], 2, "{b}");
        assert_eq!(
            (app.stock(&milk).await, app.stock(&eggs).await),
            (40, 7),
            "{b}"
        );
        let ev = sock
            .expect("inventory:updated", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(ev["products"].as_array().unwrap().len(), 2, "{b}: {ev}");

        // One bad line: nothing applied, and the error names it.
        for (bad_line, code) in [
            (
                json!({"storeId": main, "productId": "nope", "set": 1}),
                "product_not_found",
            ),
            (
                json!({"storeId": main, "productId": eggs, "adjust": -100}),
                "stock_below_zero",
            ),
            (
                json!({"storeId": "nope", "productId": eggs, "set": 1}),
                "store_not_found",
            ),
        ] {
            let r = stock(
                &app,
                &writer,
                None,
                json!({"lines": [{"storeId": main, "productId": milk, "set": 1}, bad_line]}),
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {}",
                r.body
            );
            assert_eq!(r.code(), code, "{b}");
            assert!(
                r.body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("lines[1]"),
                "{b}: {}",
                r.body
            );
            assert_eq!(app.stock(&milk).await, 40, "{b}: nothing applied");
        }
        // Malformed lines are refused before anything runs.
        let r = stock(
            &app,
            &writer,
            None,
            json!({"lines": [{"storeId": main, "productId": milk, "set": 1, "adjust": 1}]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        let many: Vec<Value> = (0..1_001)
            .map(|_| json!({"storeId": main, "productId": milk, "adjust": 1}))
            .collect();
        let r = stock(&app, &writer, None, json!({ "lines": many })).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        assert_eq!(app.stock(&milk).await, 40, "{b}");

        // Idempotent: a repeat changes nothing and answers the same.
        let plus = json!({"lines": [{"storeId": main, "productId": milk, "adjust": 5}]});
        let first = stock(&app, &writer, Some("sync-1"), plus.clone()).await;
        let again = stock(&app, &writer, Some("sync-1"), plus.clone()).await;
        assert_eq!(first.status, StatusCode::OK, "{b}: {}", first.body);
        assert_eq!(first.body, again.body, "{b}");
        assert_eq!(again.headers["idempotent-replayed"], "true", "{b}");
        assert_eq!(app.stock(&milk).await, 45, "{b}: applied once");
        let other = stock(
            &app,
            &writer,
            Some("sync-1"),
            json!({"lines": [{"storeId": main, "productId": milk, "adjust": 6}]}),
        )
        .await;
        assert_eq!(other.code(), "idempotency_key_reused", "{b}");

        // A store-bound key stays in its store.
        let other_store = app
            .post(
                "/api/admin/stores",
                Some(&admin),
                json!({"code": "PNQ", "name": "Pune", "location": {"lat": 18.52, "lng": 73.85},
                       "zipCodes": ["411001"]}),
            )
            .await;
        let pune = other_store.body["store"]["id"].as_str().unwrap().to_owned();
        let bound = key(&app, &admin, &["stock:write"], Some(&main)).await;
        let r = stock(
            &app,
            &bound,
            None,
            json!({"lines": [{"storeId": pune, "productId": milk, "set": 3}]}),
        )
        .await;
        assert_eq!(r.code(), "store_not_allowed", "{b}");

        // The order feed, page by page, then the changes after.
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(
                app.place(&customer, &milk, 1).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let page = app
            .get("/api/integrations/orders?limit=2", Some(&reader))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        let got: Vec<&str> = page.body["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert_eq!(got, ids[..2], "{b}");
        let cursor = page.body["nextCursor"].as_str().unwrap().to_owned();
        let page = app
            .get(
                &format!("/api/integrations/orders?cursor={cursor}"),
                Some(&reader),
            )
            .await;
        assert_eq!(
            page.body["orders"][0]["id"],
            json!(ids[2]),
            "{b}: {}",
            page.body
        );
        assert_eq!(page.body["orders"].as_array().unwrap().len(), 1, "{b}");
        let cursor = page.body["nextCursor"].as_str().unwrap().to_owned();
        let empty = app
            .get(
                &format!("/api/integrations/orders?cursor={cursor}"),
                Some(&reader),
            )
            .await;
        assert_eq!(empty.body["orders"], json!([]), "{b}");
        tokio::time::sleep(Duration::from_millis(5)).await;
        let r = app
            .post(
                &format!("/api/customer/orders/{}/cancel", ids[0]),
                Some(&customer),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let changed = app
            .get(
                &format!("/api/integrations/orders?cursor={cursor}"),
                Some(&reader),
            )
            .await;
        assert_eq!(
            changed.body["orders"][0]["id"],
            json!(ids[0]),
            "{b}: {}",
            changed.body
        );
        assert_eq!(changed.body["orders"][0]["status"], "cancelled", "{b}");
        let r = app
            .get("/api/integrations/orders?cursor=x", Some(&reader))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);

        // Revoked: 401 at once; last use recorded.
        let listed = app.get("/api/admin/api-keys", Some(&admin)).await;
        let writer_row = listed.body["apiKeys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| writer.contains(k["prefix"].as_str().unwrap()))
            .unwrap()
            .clone();
        assert!(writer_row["lastUsedAt"].is_string(), "{b}: {writer_row}");
        let id = writer_row["id"].as_str().unwrap();
        let r = app
            .req(
                Method::DELETE,
                &format!("/api/admin/api-keys/{id}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = stock(&app, &writer, None, good.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}: {}", r.body);
    }
}

/// Each key has its own rate limit (`QC_API_KEY_RATE_PER_MIN`): over it, 429 with
/// `Retry-After`; another key is not affected.
#[tokio::test]
async fn every_key_is_rate_limited() {
    let app = spawn_with(&[("QC_API_KEY_RATE_PER_MIN", "2")]).await;
    let admin = app.admin("ops@example.com").await;
    let a = key(&app, &admin, &["orders:read"], None).await;
    let b = key(&app, &admin, &["orders:read"], None).await;
    for _ in 0..2 {
        let r = app.get("/api/integrations/orders", Some(&a)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = app.get("/api/integrations/orders", Some(&a)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key("retry-after"));
    let r = app.get("/api/integrations/orders", Some(&b)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
