//! Rating a delivery and tipping the rider, on both backends: only the order's customer,
//! only once, only after delivery; the tip reaches the rider's earnings and the rider
//! hears of it; admins see the partner's rating.

use crate::admin::{accept, deliver};
use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn customers_rate_and_tip_after_delivery() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let milk = app.product("Milk", 5_000, 10).await;
        let customer = app.customer("c@example.com").await;
        let (rider, rider_id) = app.partner("r@example.com").await;
        let mut rider_sock = app.socket(&rider).await;
        let order = app.place(&customer, &milk, 1).await;
        let id = order["id"].as_str().unwrap();
        let path = format!("/api/customer/orders/{id}/rating");

        // Not before delivery.
        let r = app.post(&path, Some(&customer), json!({"rating": 5})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(r.code(), "order_not_delivered");
        accept(&app, &order, &rider).await;
        deliver(&app, &order, &rider).await;
        let before = app.get("/api/delivery/earnings", Some(&rider)).await;
        let earned = before.body["earnings"]["total"]
            .as_i64()
            .unwrap_or_else(|| {
                panic!("{b}: {}", before.body);
            });

        // Bad input is refused with the field named, and nothing changes.
        let r = app
            .post(&path, Some(&customer), json!({"rating": 6, "tip": -1}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        // Only the order's customer.
        let stranger = app.customer("s@example.com").await;
        let r = app.post(&path, Some(&stranger), json!({"rating": 1})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.body);

        let r = app
            .post(
                &path,
                Some(&customer),
                json!({"rating": 4, "tip": 3_000, "comment": "Quick and kind"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.body["order"]["rating"]["rating"], 4, "{b}: {}", r.body);
        assert_eq!(r.body["order"]["rating"]["tip"], 3_000, "{b}");
        let ev = rider_sock
            .expect("order:rated", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(ev["tip"], 3_000, "{b}: {ev}");
        // Once only.
        let r = app.post(&path, Some(&customer), json!({"rating": 1})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(r.code(), "already_rated");

        // The tip is part of the rider's earnings.
        let after = app.get("/api/delivery/earnings", Some(&rider)).await;
        assert_eq!(
            after.body["earnings"]["total"].as_i64().unwrap(),
            earned + 3_000,
            "{b}: {}",
            after.body
        );
        // Admins see the rating.
        let partners = app.get("/api/admin/partners", Some(&admin)).await;
        let me = partners.body["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == json!(rider_id))
            .unwrap_or_else(|| panic!("{b}: {}", partners.body))
            .clone();
        assert_eq!(me["rating"], json!(4.0), "{b}: {me}");
        assert_eq!(me["ratingCount"], 1, "{b}: {me}");
    }
}
