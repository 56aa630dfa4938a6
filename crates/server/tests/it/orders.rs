//! Customer orders over HTTP: server-side pricing, snapshots, history, timeline,
//! cancellation with restock, object-level access and bad input.

use crate::common::{order_body, spawn};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn place_order_computes_prices_on_the_server() {
    let app = spawn().await;
    let t = app.customer("a@example.com").await;
    let milk = app.product("Milk", 3_000, 10).await;
    let eggs = app.product("Eggs", 8_000, 10).await;
    let mut body = order_body(&[(&milk, 2), (&eggs, 1)]);
    body["items"][0]["price"] = json!(1);
    body["notes"] = json!("Ring the bell twice");
    let r = app.post("/api/customer/orders", Some(&t), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let o = &r.body["order"];
    assert_eq!(o["status"], "pending");
    assert_eq!(o["subtotal"], 14_000);
    assert_eq!(o["deliveryFee"], 2_500);
    assert_eq!(o["total"], 16_500);
    assert_eq!(o["items"].as_array().unwrap().len(), 2);
    assert_eq!(o["deliveryAddress"]["zipCode"], "400001");
    assert_eq!(o["notes"], "Ring the bell twice");
    assert_eq!(o["lastSeq"], 1);
    let code = o["confirmationCode"].as_str().unwrap();
    assert!(
        code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()),
        "{code}"
    );
    assert_eq!(app.stock(&milk).await, 8);
    assert_eq!(app.stock(&eggs).await, 9);

    // Free delivery above the threshold.
    let big = app
        .post("/api/customer/orders", Some(&t), order_body(&[(&eggs, 3)]))
        .await;
    assert_eq!(big.body["order"]["deliveryFee"], 0);
    assert_eq!(big.body["order"]["total"], 24_000);
}

#[tokio::test]
async fn history_details_and_timeline() {
    let app = spawn().await;
    let t = app.customer("a@example.com").await;
    let p = app.product("Milk", 3_000, 50).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let r = app
            .post("/api/customer/orders", Some(&t), order_body(&[(&p, 1)]))
            .await;
        ids.push(r.body["order"]["id"].as_str().unwrap().to_owned());
    }
    let list = app.get("/api/customer/orders?limit=2", Some(&t)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["pagination"]["total"], 3);
    assert_eq!(list.body["orders"].as_array().unwrap().len(), 2);
    assert_eq!(
        list.body["orders"][0]["id"],
        ids[2].as_str(),
        "newest first"
    );

    app.post(
        &format!("/api/customer/orders/{}/cancel", ids[0]),
        Some(&t),
        json!({"reason": "changed my mind"}),
    )
    .await;
    let cancelled = app
        .get("/api/customer/orders?status=cancelled", Some(&t))
        .await;
    assert_eq!(cancelled.body["pagination"]["total"], 1);
    let bad = app.get("/api/customer/orders?status=lost", Some(&t)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let one = app
        .get(&format!("/api/customer/orders/{}", ids[0]), Some(&t))
        .await;
    assert_eq!(one.body["order"]["status"], "cancelled");
    assert_eq!(one.body["order"]["cancelReason"], "changed my mind");

    let ev = app
        .get(&format!("/api/customer/orders/{}/events", ids[0]), Some(&t))
        .await;
    assert_eq!(ev.status, StatusCode::OK, "{}", ev.body);
    let events = ev.body["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["seq"], 1);
    assert_eq!(events[0]["type"], "order.created");
    assert_eq!(events[1]["seq"], 2);
    assert_eq!(events[1]["type"], "order.cancelled");
    assert_eq!(ev.body["lastSeq"], 2);
    let after = app
        .get(
            &format!("/api/customer/orders/{}/events?after=1", ids[0]),
            Some(&t),
        )
        .await;
    assert_eq!(after.body["events"].as_array().unwrap().len(), 1);
    assert_eq!(after.body["events"][0]["seq"], 2);
}

#[tokio::test]
async fn cancelling_restores_stock_exactly_once() {
    let app = spawn().await;
    let t = app.customer("a@example.com").await;
    let a = app.product("A", 1_000, 10).await;
    let b = app.product("B", 2_000, 5).await;
    let r = app
        .post(
            "/api/customer/orders",
            Some(&t),
            order_body(&[(&a, 3), (&b, 5)]),
        )
        .await;
    let id = r.body["order"]["id"].as_str().unwrap().to_owned();
    assert_eq!((app.stock(&a).await, app.stock(&b).await), (7, 0));

    let c = app
        .post(
            &format!("/api/customer/orders/{id}/cancel"),
            Some(&t),
            json!({}),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    assert_eq!(c.body["order"]["status"], "cancelled");
    assert_eq!((app.stock(&a).await, app.stock(&b).await), (10, 5));

    let again = app
        .post(
            &format!("/api/customer/orders/{id}/cancel"),
            Some(&t),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "order_not_cancellable");
    assert_eq!(
        (app.stock(&a).await, app.stock(&b).await),
        (10, 5),
        "no double restock"
    );
}

#[tokio::test]
async fn another_customers_order_is_invisible() {
    let app = spawn().await;
    let a = app.customer("a@example.com").await;
    let b = app.customer("b@example.com").await;
    let p = app.product("Milk", 3_000, 10).await;
    let r = app
        .post("/api/customer/orders", Some(&a), order_body(&[(&p, 2)]))
        .await;
    let id = r.body["order"]["id"].as_str().unwrap().to_owned();

    for path in [
        format!("/api/customer/orders/{id}"),
        format!("/api/customer/orders/{id}/events"),
    ] {
        let g = app.get(&path, Some(&b)).await;
        assert_eq!(g.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(g.code(), "order_not_found");
    }
    let c = app
        .post(
            &format!("/api/customer/orders/{id}/cancel"),
            Some(&b),
            json!({}),
        )
        .await;
    assert_eq!(c.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/customer/orders", Some(&b)).await.body["pagination"]["total"],
        0
    );
    // Still A's, still pending, stock still taken.
    let mine = app
        .get(&format!("/api/customer/orders/{id}"), Some(&a))
        .await;
    assert_eq!(mine.body["order"]["status"], "pending");
    assert_eq!(app.stock(&p).await, 8);
    let missing = app
        .get("/api/customer/orders/does-not-exist", Some(&a))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn short_stock_names_every_short_item_and_changes_nothing() {
    let app = spawn().await;
    let t = app.customer("a@example.com").await;
    let a = app.product("Atta 5 kg", 25_000, 2).await;
    let b = app.product("Basmati 1 kg", 15_000, 1).await;
    let c = app.product("Chana", 9_000, 10).await;
    let r = app
        .post(
            "/api/customer/orders",
            Some(&t),
            order_body(&[(&a, 3), (&b, 2), (&c, 1)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.code(), "insufficient_stock");
    let details = r.body["error"]["details"].as_array().unwrap();
    assert_eq!(details.len(), 2);
    let short = |id: &str| {
        details
            .iter()
            .find(|d| d["productId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(short(&a)["available"], 2);
    assert_eq!(short(&a)["requested"], 3);
    assert_eq!(short(&b)["available"], 1);
    let msg = r.body["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("Atta 5 kg") && msg.contains("Basmati 1 kg"),
        "{msg}"
    );
    assert_eq!(
        (
            app.stock(&a).await,
            app.stock(&b).await,
            app.stock(&c).await
        ),
        (2, 1, 10)
    );
    assert_eq!(
        app.get("/api/customer/orders", Some(&t)).await.body["pagination"]["total"],
        0
    );
}

#[tokio::test]
async fn bad_orders_are_refused_and_lose_nothing() {
    let app = spawn().await;
    let t = app.customer("a@example.com").await;
    let p = app.product("Milk", 3_000, 10).await;
    let off = app.product("Discontinued", 1_000, 10).await;
    app.state
        .store
        .set_product_active(&off, false)
        .await
        .unwrap();
    let with_items = |items: serde_json::Value| {
        let mut b = order_body(&[]);
        b["items"] = items;
        b
    };
    let thousand: Vec<_> = (0..1000)
        .map(|_| json!({"productId": p, "quantity": 1}))
        .collect();
    let cases = vec![
        (
            "zero",
            with_items(json!([{"productId": p, "quantity": 0}])),
            "validation_error",
        ),
        (
            "negative",
            with_items(json!([{"productId": p, "quantity": -3}])),
            "validation_error",
        ),
        (
            "fractional",
            with_items(json!([{"productId": p, "quantity": 1.5}])),
            "invalid_body",
        ),
        (
            "huge",
            with_items(json!([{"productId": p, "quantity": 1e12}])),
            "invalid_body",
        ),
        (
            "over the per-line cap",
            with_items(json!([{"productId": p, "quantity": 51}])),
            "validation_error",
        ),
        (
            "string quantity",
            with_items(json!([{"productId": p, "quantity": "2"}])),
            "invalid_body",
        ),
        ("empty cart", with_items(json!([])), "validation_error"),
        (
            "1000 lines",
            with_items(json!(thousand)),
            "validation_error",
        ),
        (
            "unknown product",
            with_items(json!([{"productId": "nope", "quantity": 1}])),
            "product_unavailable",
        ),
        (
            "inactive product",
            with_items(json!([{"productId": off, "quantity": 1}])),
            "product_unavailable",
        ),
        (
            "items not a list",
            with_items(json!("milk")),
            "invalid_body",
        ),
        (
            "no address",
            json!({"items": [{"productId": p, "quantity": 1}]}),
            "validation_error",
        ),
        (
            "bad zip",
            {
                let mut b = order_body(&[(&p, 1)]);
                b["deliveryAddress"]["zipCode"] = json!("!");
                b
            },
            "validation_error",
        ),
        (
            "bad payment",
            {
                let mut b = order_body(&[(&p, 1)]);
                b["paymentMethod"] = json!("bitcoin");
                b
            },
            "validation_error",
        ),
        (
            "unknown field",
            {
                let mut b = order_body(&[(&p, 1)]);
                b["customerId"] = json!("someone-else");
                b
            },
            "invalid_body",
        ),
    ];
    for (name, body, code) in cases {
        let r = app.post("/api/customer/orders", Some(&t), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.body);
        assert_eq!(r.code(), code, "{name}");
    }
    assert_eq!(app.stock(&p).await, 10);
    assert_eq!(app.stock(&off).await, 10);
    assert_eq!(
        app.get("/api/customer/orders", Some(&t)).await.body["pagination"]["total"],
        0
    );
}
