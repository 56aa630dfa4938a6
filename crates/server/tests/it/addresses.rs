//! Saved addresses: validation, defaults, cap, and strict per-owner access.

use crate::common::{spawn, spawn_with};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn home() -> serde_json::Value {
    json!({"label": "Home", "street": "12 Hill Road, Bandra", "city": "Mumbai", "state": "Maharashtra",
           "zipCode": "400050", "lat": 19.0544, "lng": 72.8406})
}

#[tokio::test]
async fn create_list_update_default_delete() {
    let app = spawn().await;
    let t = app.customer("a@example.com").await;
    let a1 = app.post("/api/customer/addresses", Some(&t), home()).await;
    assert_eq!(a1.status, StatusCode::CREATED, "{}", a1.body);
    assert_eq!(
        a1.body["address"]["isDefault"], true,
        "first address is the default"
    );
    let id1 = a1.body["address"]["id"].as_str().unwrap().to_owned();

    let mut work = home();
    work["label"] = json!("Work");
    work["street"] = json!("1 BKC Tower");
    let a2 = app
        .post("/api/customer/addresses", Some(&t), work.clone())
        .await;
    let id2 = a2.body["address"]["id"].as_str().unwrap().to_owned();
    assert_eq!(a2.body["address"]["isDefault"], false);

    let d = app
        .put(
            &format!("/api/customer/addresses/{id2}/default"),
            Some(&t),
            json!({}),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK);
    let list = app.get("/api/customer/addresses", Some(&t)).await;
    let list = list.body["addresses"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], id2.as_str(), "default first");
    assert_eq!(list.iter().filter(|a| a["isDefault"] == true).count(), 1);

    work["city"] = json!("Navi Mumbai");
    let u = app
        .put(&format!("/api/customer/addresses/{id2}"), Some(&t), work)
        .await;
    assert_eq!(u.status, StatusCode::OK);
    assert_eq!(u.body["address"]["city"], "Navi Mumbai");

    let del = app
        .req(
            Method::DELETE,
            &format!("/api/customer/addresses/{id2}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::OK);
    let list = app.get("/api/customer/addresses", Some(&t)).await;
    let list = list.body["addresses"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id1.as_str());
    assert_eq!(
        list[0]["isDefault"], true,
        "the remaining address became the default"
    );
}

#[tokio::test]
async fn invalid_addresses_are_refused_field_by_field() {
    let app = spawn().await;
    let t = app.customer("a@example.com").await;
    let r = app
        .post("/api/customer/addresses", Some(&t),
              json!({"street": "", "city": "Mumbai", "state": "MH", "zipCode": "??", "lat": 95.0, "lng": 72.0}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "validation_error");
    let fields: Vec<String> = r.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_owned())
        .collect();
    assert!(fields.contains(&"street".to_owned()));
    assert!(fields.contains(&"zipCode".to_owned()));
    assert!(fields.contains(&"lat".to_owned()));
    let lone = app.post("/api/customer/addresses", Some(&t),
        json!({"street": "12 Hill Road", "city": "Mumbai", "state": "MH", "zipCode": "400050", "lat": 19.0})).await;
    assert_eq!(lone.status, StatusCode::BAD_REQUEST);
    assert!(
        app.get("/api/customer/addresses", Some(&t)).await.body["addresses"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn addresses_are_capped_per_user() {
    let app = spawn_with(&[("QC_MAX_ADDRESSES", "2")]).await;
    let t = app.customer("a@example.com").await;
    for _ in 0..2 {
        assert_eq!(
            app.post("/api/customer/addresses", Some(&t), home())
                .await
                .status,
            StatusCode::CREATED
        );
    }
    let r = app.post("/api/customer/addresses", Some(&t), home()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "address_limit_reached");
}

#[tokio::test]
async fn another_customers_address_is_invisible() {
    let app = spawn().await;
    let a = app.customer("a@example.com").await;
    let b = app.customer("b@example.com").await;
    let created = app.post("/api/customer/addresses", Some(&a), home()).await;
    let id = created.body["address"]["id"].as_str().unwrap().to_owned();

    assert!(
        app.get("/api/customer/addresses", Some(&b)).await.body["addresses"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let upd = app
        .put(&format!("/api/customer/addresses/{id}"), Some(&b), home())
        .await;
    assert_eq!(upd.status, StatusCode::NOT_FOUND);
    assert_eq!(upd.code(), "address_not_found");
    let def = app
        .put(
            &format!("/api/customer/addresses/{id}/default"),
            Some(&b),
            json!({}),
        )
        .await;
    assert_eq!(def.status, StatusCode::NOT_FOUND);
    let del = app
        .req(
            Method::DELETE,
            &format!("/api/customer/addresses/{id}"),
            Some(&b),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NOT_FOUND);
    // Ordering to someone else's saved address is refused the same way.
    let p = app.product("Milk", 3000, 5).await;
    let order = app
        .post(
            "/api/customer/orders",
            Some(&b),
            json!({"items": [{"productId": p, "quantity": 1}], "addressId": id}),
        )
        .await;
    assert_eq!(order.status, StatusCode::NOT_FOUND);
    assert_eq!(app.stock(&p).await, 5);
    // A's address is untouched.
    let mine = app.get("/api/customer/addresses", Some(&a)).await;
    assert_eq!(mine.body["addresses"][0]["street"], "12 Hill Road, Bandra");
}
