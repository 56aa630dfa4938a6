//! Concurrency: no oversell under a stampede, no deadlock with crossed carts, and
//! idempotent placement under retries and concurrent duplicates.

use crate::common::{order_body, spawn_all};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

async fn place(
    app: &crate::common::TestApp,
    token: &str,
    body: &Value,
    key: Option<&str>,
) -> (StatusCode, Value, bool) {
    let mut rb = app
        .client
        .post(format!("{}/api/customer/orders", app.base))
        .bearer_auth(token)
        .json(body);
    if let Some(k) = key {
        rb = rb.header("idempotency-key", k);
    }
    let res = rb.send().await.unwrap();
    let status = res.status();
    let replayed = res.headers().get("idempotent-replayed").is_some();
    (status, res.json().await.unwrap(), replayed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_customers_ten_in_stock_exactly_ten_win() {
    for app in spawn_all(&[]).await {
        stampede(Arc::new(app)).await;
    }
}

async fn stampede(app: Arc<crate::common::TestApp>) {
    let p = app.product("Last mangoes", 12_000, 10).await;
    let mut tokens = Vec::new();
    for i in 0..200 {
        tokens.push(app.customer(&format!("c{i}@example.com")).await);
    }
    let body = order_body(&[(&p, 1)]);
    let results = join_all(tokens.iter().map(|t| {
        let app = app.clone();
        let body = body.clone();
        let t = t.clone();
        tokio::spawn(async move { place(&app, &t, &body, None).await })
    }))
    .await;
    let mut won = 0;
    let mut short = 0;
    for r in results {
        let (status, body, _) = r.unwrap();
        match status {
            StatusCode::CREATED => won += 1,
            StatusCode::CONFLICT => {
                assert_eq!(body["error"]["code"], "insufficient_stock", "{body}");
                short += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((won, short), (10, 190), "{}", app.backend);
    assert_eq!(app.stock(&p).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crossed_carts_never_deadlock() {
    for app in spawn_all(&[]).await {
        crossed(Arc::new(app)).await;
    }
}

async fn crossed(app: Arc<crate::common::TestApp>) {
    let a = app.product("A", 1_000, 1_000).await;
    let b = app.product("B", 1_000, 1_000).await;
    let mut jobs = Vec::new();
    for i in 0..60 {
        let t = app.customer(&format!("x{i}@example.com")).await;
        let body = if i % 2 == 0 {
            order_body(&[(&a, 2), (&b, 1)])
        } else {
            order_body(&[(&b, 1), (&a, 2)])
        };
        let app = app.clone();
        jobs.push(tokio::spawn(
            async move { place(&app, &t, &body, None).await },
        ));
    }
    for j in join_all(jobs).await {
        let (status, body, _) = j.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert_eq!(app.stock(&a).await, 1_000 - 120);
    assert_eq!(app.stock(&b).await, 1_000 - 60);
}

#[tokio::test]
async fn same_key_twenty_times_in_a_row_is_one_order() {
    for app in spawn_all(&[]).await {
        in_a_row(app).await;
    }
}

async fn in_a_row(app: crate::common::TestApp) {
    let t = app.customer("a@example.com").await;
    let p = app.product("Milk", 3_000, 100).await;
    let body = order_body(&[(&p, 2)]);
    let (s0, first, r0) = place(&app, &t, &body, Some("key-123")).await;
    assert_eq!(s0, StatusCode::CREATED);
    assert!(!r0);
    for _ in 0..19 {
        let (s, again, replayed) = place(&app, &t, &body, Some("key-123")).await;
        assert_eq!(s, StatusCode::CREATED);
        assert!(replayed);
        assert_eq!(again, first, "the first answer, replayed exactly");
    }
    assert_eq!(app.stock(&p).await, 98);
    assert_eq!(
        app.get("/api/customer/orders", Some(&t)).await.body["pagination"]["total"],
        1
    );

    // Same key, other body → 422, nothing placed.
    let other = order_body(&[(&p, 3)]);
    let (s, err, _) = place(&app, &t, &other, Some("key-123")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["code"], "idempotency_key_reused");
    assert_eq!(app.stock(&p).await, 98);

    // Another user with the same key gets their own order.
    let t2 = app.customer("b@example.com").await;
    let (s, theirs, replayed) = place(&app, &t2, &body, Some("key-123")).await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(!replayed);
    assert_ne!(theirs["order"]["id"], first["order"]["id"]);
    assert_eq!(app.stock(&p).await, 96);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn same_key_twenty_at_once_is_one_order() {
    for app in spawn_all(&[]).await {
        at_once(Arc::new(app)).await;
    }
}

async fn at_once(app: Arc<crate::common::TestApp>) {
    let t = app.customer("a@example.com").await;
    let p = app.product("Milk", 3_000, 100).await;
    let body = order_body(&[(&p, 1)]);
    let results = join_all((0..20).map(|_| {
        let (app, t, body) = (app.clone(), t.clone(), body.clone());
        tokio::spawn(async move { place(&app, &t, &body, Some("burst-1")).await })
    }))
    .await;
    let mut order_ids = std::collections::HashSet::new();
    for r in results {
        let (status, body, _) = r.unwrap();
        match status {
            StatusCode::CREATED => {
                order_ids.insert(body["order"]["id"].as_str().unwrap().to_owned());
            }
            StatusCode::CONFLICT => {
                assert_eq!(body["error"]["code"], "idempotency_in_progress", "{body}")
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(order_ids.len(), 1, "every success names the same order");
    assert_eq!(app.stock(&p).await, 99);
    assert_eq!(
        app.get("/api/customer/orders", Some(&t)).await.body["pagination"]["total"],
        1
    );
}

#[tokio::test]
async fn a_failed_attempt_does_not_burn_the_key() {
    let app = crate::common::spawn().await;
    let t = app.customer("a@example.com").await;
    let p = app.product("Milk", 3_000, 1).await;
    let body = order_body(&[(&p, 2)]);
    let (s, _, _) = place(&app, &t, &body, Some("retry-me")).await;
    assert_eq!(s, StatusCode::CONFLICT);
    app.state
        .store
        .set_store_stock(&app.main_store(), &p, 5, None)
        .await
        .unwrap();
    let (s, ok, replayed) = place(&app, &t, &body, Some("retry-me")).await;
    assert_eq!(s, StatusCode::CREATED, "{ok}");
    assert!(!replayed);
    let bad_key = app
        .client
        .post(format!("{}/api/customer/orders", app.base))
        .bearer_auth(&t)
        .header("idempotency-key", "")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), StatusCode::BAD_REQUEST);
}
