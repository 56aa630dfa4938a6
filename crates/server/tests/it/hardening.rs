//! The holes an attack pass found, each closed: socket handshakes that held memory,
//! sockets that outlived their session, unverified partners accepting, offers that
//! showed customer data, unbounded payouts and addresses, hoarding, per-socket event
//! limits, unthrottled account endpoints, quantity overflow, products of hidden
//! categories, a locked delivery code with no way forward, and GPS jumps. Every test
//! here failed before its fix.

use crate::common::{HOME, TestApp, order_body, spawn, spawn_all, spawn_with};
use qc_sioclient::{Client, Error, Options};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

async fn bad_handshake(app: &TestApp) -> String {
    match Client::connect(
        &app.base,
        Options {
            auth: Some(json!({"token": "forged"})),
            ..Default::default()
        },
    )
    .await
    {
        Err(Error::Refused(m)) => m,
        Err(e) => format!("error: {e}"),
        Ok(_) => panic!("a forged token connected"),
    }
}

/// An engine.io polling handshake: the status and the session id.
async fn polling_open(app: &TestApp) -> (StatusCode, Option<String>) {
    let r = app
        .client
        .get(format!("{}/socket.io/?EIO=4&transport=polling", app.base))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    let sid = text
        .find('{')
        .and_then(|i| serde_json::from_str::<Value>(&text[i..]).ok())
        .and_then(|v| v["sid"].as_str().map(str::to_owned));
    (status, sid)
}

#[tokio::test]
async fn refused_handshakes_are_rate_limited_per_address() {
    let app = spawn_with(&[("QC_SOCKET_REFUSED_PER_MIN", "5")]).await;
    for _ in 0..5 {
        let m = bad_handshake(&app).await;
        assert!(m.contains("invalid_token"), "{m}");
    }
    // The budget is spent: the next handshake is refused before any session exists.
    let r = app
        .client
        .get(format!("{}/socket.io/?EIO=4&transport=polling", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    // REST is not affected.
    assert_eq!(app.get("/health/live", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_session_that_never_completes_the_handshake_is_released() {
    let app = spawn_with(&[("QC_SOCKET_CONNECT_TIMEOUT_MS", "300")]).await;
    let (status, sid) = polling_open(&app).await;
    assert_eq!(status, StatusCode::OK);
    let sid = sid.expect("an engine.io session id");
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    // The session is gone: polling it is refused (it used to live for 45 s).
    let r = app
        .client
        .get(format!(
            "{}/socket.io/?EIO=4&transport=polling&sid={sid}",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "the half-open session should have been released"
    );
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_sockets_included() {
    let app = spawn().await;
    let (token, _) = app.register("rider@example.com", "delivery").await;
    let mut old = app.socket(&token).await;
    let r = app
        .put(
            "/api/auth/password",
            Some(&token),
            json!({"currentPassword": "password123", "newPassword": "new-password-456"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let ended = old.expect("session:ended", WAIT).await.unwrap();
    assert_eq!(ended["code"], "token_revoked");
    assert!(old.closed_within(WAIT).await, "the old socket stays open");
    let ack = old
        .emit_with_ack(
            "delivery:availability",
            &json!({"available": true}),
            Duration::from_millis(500),
        )
        .await;
    assert!(
        ack.is_err(),
        "an event on the old socket was answered: {ack:?}"
    );
    // The new token works; the old one does not.
    let fresh = r.body["token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/auth/me", Some(fresh)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.code(),
        "token_revoked"
    );
}

#[tokio::test]
async fn every_socket_event_rechecks_the_session() {
    // No account cache: a change made elsewhere (another instance) shows at once.
    let app = spawn_with(&[("QC_AUTH_CACHE_MS", "0")]).await;
    let (token, id) = app.partner("p@example.com").await;
    let mut s = app.socket(&token).await;
    let ack = s
        .emit_with_ack("delivery:availability", &json!({"available": true}), WAIT)
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    // Revoked behind the instance's back (no socket was told).
    app.state.store.revoke_tokens(&id).await.unwrap();
    let ack = s
        .emit_with_ack("delivery:availability", &json!({"available": false}), WAIT)
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "token_revoked", "{ack}");
    assert!(
        s.closed_within(WAIT).await,
        "the socket outlived its session"
    );
    let profile = app.state.store.partner_profile(&id).await.unwrap().unwrap();
    assert!(profile.is_available, "the refused event changed nothing");
}

#[tokio::test]
async fn a_socket_is_closed_when_its_token_expires() {
    let app = spawn_with(&[("JWT_EXPIRES_IN", "1")]).await;
    let (token, _) = app.register("c@example.com", "customer").await;
    let mut s = app.socket(&token).await;
    // exp + the 5 s leeway: closed well within 10 s of issue, with the reason.
    let ended = s
        .expect("session:ended", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(ended["code"], "token_expired");
    assert!(s.closed_within(WAIT).await);
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.code(),
        "token_expired"
    );
}

#[tokio::test]
async fn only_verified_available_partners_get_offers_and_accept() {
    for app in spawn_all(&[]).await {
        let product = app.product("Milk", 3_000, 10).await;
        let customer = app.customer("c@example.com").await;
        // A self-registered partner is not verified.
        let (newbie, newbie_id) = app.register("new@example.com", "delivery").await;
        let r = app
            .put(
                "/api/delivery/availability",
                Some(&newbie),
                json!({"available": true}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "partner_not_verified")
        );
        let mut newbie_socket = app.socket(&newbie).await;
        let ack = newbie_socket
            .emit_with_ack("delivery:availability", &json!({"available": true}), WAIT)
            .await
            .unwrap();
        assert_eq!(
            ack["error"]["code"], "partner_not_verified",
            "{}",
            app.backend
        );
        // Even forced available in the database, it is not verified.
        app.state
            .store
            .set_availability(&newbie_id, true)
            .await
            .ok();
        let order = app.place(&customer, &product, 1).await;
        let order_id = order["id"].as_str().unwrap();
        assert!(
            newbie_socket
                .drain(Duration::from_millis(300))
                .await
                .iter()
                .all(|e| e.name != "order:created"),
            "an unverified partner heard an offer"
        );
        let r = app
            .post(
                &format!("/api/delivery/orders/{order_id}/accept"),
                Some(&newbie),
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "partner_not_verified")
        );
        let ack = newbie_socket
            .emit_with_ack("order:accept", &json!({"orderId": order_id}), WAIT)
            .await
            .unwrap();
        assert_eq!(ack["error"]["code"], "partner_not_verified");
        assert_eq!(
            app.get("/api/delivery/orders/available", Some(&newbie))
                .await
                .code(),
            "partner_not_verified"
        );

        // Verified but availability off: 409 partner_unavailable on both paths.
        let (off, off_id) = app.partner("off@example.com").await;
        app.state
            .store
            .set_availability(&off_id, false)
            .await
            .unwrap();
        let r = app
            .post(
                &format!("/api/delivery/orders/{order_id}/accept"),
                Some(&off),
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "partner_unavailable")
        );
        let off_socket = app.socket(&off).await;
        let ack = off_socket
            .emit_with_ack("order:accept", &json!({"orderId": order_id}), WAIT)
            .await
            .unwrap();
        assert_eq!(ack["error"]["code"], "partner_unavailable");
        assert_eq!(
            app.get("/api/delivery/orders/available", Some(&off))
                .await
                .code(),
            "partner_unavailable"
        );
        // The order is still there for an eligible partner.
        let (ok, _) = app.partner("ok@example.com").await;
        let r = app
            .post(
                &format!("/api/delivery/orders/{order_id}/accept"),
                Some(&ok),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", app.backend, r.body);
    }
}

#[tokio::test]
async fn offers_carry_no_customer_data_until_accepted() {
    let app = spawn().await;
    let product = app.product("Milk", 3_000, 10).await;
    let (customer, customer_id) = app.user("c@example.com", qc_domain::Role::Customer).await;
    let (rider, _) = app.partner("p@example.com").await;
    let mut rider_socket = app.socket(&rider).await;
    let mut body = order_body(&[(&product, 2)]);
    body["deliveryAddress"]["street"] = json!("Flat 12B, Sea Breeze, 16th Road");
    body["deliveryAddress"]["lat"] = json!(HOME.0);
    body["deliveryAddress"]["lng"] = json!(HOME.1);
    body["notes"] = json!("Gate code 4321");
    let r = app
        .post("/api/customer/orders", Some(&customer), body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let order_id = r.body["order"]["id"].as_str().unwrap().to_owned();

    let offer = rider_socket.expect("order:created", WAIT).await.unwrap();
    let listed = app
        .get("/api/delivery/orders/available", Some(&rider))
        .await;
    for seen in [offer["order"].clone(), listed.body["orders"][0].clone()] {
        let text = seen.to_string();
        for secret in [
            "Sea Breeze",
            "Gate code",
            "4321",
            &customer_id,
            "User c@example.com",
            "19.0544",
            "72.8406",
        ] {
            assert!(!text.contains(secret), "an offer shows {secret:?}: {text}");
        }
        assert_eq!(seen["id"], order_id.as_str());
        assert_eq!(seen["itemCount"], 2);
        assert_eq!(seen["dropoff"]["zipCode"], "400001");
        assert_eq!(
            seen["dropoff"]["point"],
            json!({"lat": 19.055, "lng": 72.84})
        );
        assert!(seen["estimatedPayout"].as_i64().unwrap() > 0);
        assert!(seen["distanceMeters"].as_i64().is_some());
    }
    // The winner gets everything needed to deliver.
    let won = app
        .post(
            &format!("/api/delivery/orders/{order_id}/accept"),
            Some(&rider),
            json!({}),
        )
        .await;
    assert_eq!(won.status, StatusCode::OK);
    assert_eq!(
        won.body["order"]["deliveryAddress"]["street"],
        "Flat 12B, Sea Breeze, 16th Road"
    );
    assert_eq!(won.body["order"]["notes"], "Gate code 4321");
    assert_eq!(won.body["order"]["customer"]["name"], "User c@example.com");
}

#[tokio::test]
async fn addresses_outside_the_service_area_are_refused() {
    let app = spawn().await;
    let product = app.product("Milk", 3_000, 10).await;
    let customer = app.customer("c@example.com").await;
    // The other side of the Earth.
    let far = json!({"street": "1 Far St", "city": "Santiago", "state": "RM", "zipCode": "8320000",
                     "lat": -33.45, "lng": -70.66});
    let r = app
        .post("/api/customer/addresses", Some(&customer), far.clone())
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_serviceable")
    );
    let mut body = order_body(&[(&product, 1)]);
    body["deliveryAddress"] = far;
    let r = app
        .post("/api/customer/orders", Some(&customer), body)
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_serviceable")
    );
    assert_eq!(app.stock(&product).await, 10, "nothing was taken");
    // 9 km away is outside the default 8 km; 1.3 km is inside.
    let mut body = order_body(&[(&product, 1)]);
    body["deliveryAddress"]["lat"] = json!(19.14);
    body["deliveryAddress"]["lng"] = json!(72.8295);
    let r = app
        .post("/api/customer/orders", Some(&customer), body)
        .await;
    assert_eq!(r.code(), "not_serviceable");
    app.place(&customer, &product, 1).await;
}

#[tokio::test]
async fn payouts_are_bounded() {
    // A store that serves the whole planet still never pays more than QC_PAYOUT_MAX.
    let app = spawn_with(&[("QC_SERVICE_RADIUS_KM", "30000"), ("QC_PAYOUT_MAX", "9000")]).await;
    let product = app.product("Milk", 3_000, 10).await;
    let customer = app.customer("c@example.com").await;
    let (rider, _) = app.partner("p@example.com").await;
    let mut body = order_body(&[(&product, 1)]);
    body["deliveryAddress"]["lat"] = json!(-33.45);
    body["deliveryAddress"]["lng"] = json!(-70.66);
    let r = app
        .post("/api/customer/orders", Some(&customer), body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let order_id = r.body["order"]["id"].as_str().unwrap();
    let code = r.body["order"]["confirmationCode"].as_str().unwrap();
    let won = app
        .post(
            &format!("/api/delivery/orders/{order_id}/accept"),
            Some(&rider),
            json!({}),
        )
        .await;
    assert_eq!(won.body["order"]["estimatedPayout"], 9_000);
    for status in ["picked_up", "on_the_way"] {
        app.put(
            &format!("/api/delivery/orders/{order_id}/status"),
            Some(&rider),
            json!({"status": status}),
        )
        .await;
    }
    let done = app
        .put(
            &format!("/api/delivery/orders/{order_id}/status"),
            Some(&rider),
            json!({"status": "delivered", "confirmationCode": code}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let earnings = app.get("/api/delivery/earnings", Some(&rider)).await;
    assert_eq!(earnings.body["earnings"]["total"], 9_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_customer_cannot_hoard_stock() {
    for app in spawn_all(&[("QC_MAX_OPEN_ORDERS", "3"), ("QC_ORDERS_PER_MIN", "100")]).await {
        let product = app.product("Gold", 10_000, 500).await;
        let customer = app.customer("hoarder@example.com").await;
        let attempts = futures::future::join_all((0..10).map(|_| {
            let mut body = order_body(&[(&product, 50)]);
            body["deliveryAddress"]["lat"] = json!(HOME.0);
            body["deliveryAddress"]["lng"] = json!(HOME.1);
            app.post("/api/customer/orders", Some(&customer), body)
        }))
        .await;
        let placed = attempts
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .count();
        let refused: Vec<&str> = attempts
            .iter()
            .filter(|r| r.status != StatusCode::CREATED)
            .map(|r| r.code())
            .collect();
        assert_eq!(placed, 3, "{}: {refused:?}", app.backend);
        assert!(
            refused.iter().all(|c| *c == "too_many_open_orders"),
            "{refused:?}"
        );
        assert!(
            attempts
                .iter()
                .all(|r| r.status == StatusCode::CREATED
                    || r.status == StatusCode::TOO_MANY_REQUESTS)
        );
        assert_eq!(app.stock(&product).await, 500 - 150, "{}", app.backend);
    }
}

#[tokio::test]
async fn order_placement_is_rate_limited_per_customer() {
    let app = spawn_with(&[("QC_ORDERS_PER_MIN", "2"), ("QC_MAX_OPEN_ORDERS", "0")]).await;
    let product = app.product("Milk", 3_000, 100).await;
    let customer = app.customer("c@example.com").await;
    app.place(&customer, &product, 1).await;
    app.place(&customer, &product, 1).await;
    let r = app
        .post(
            "/api/customer/orders",
            Some(&customer),
            order_body(&[(&product, 1)]),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
    );
    assert!(r.headers.get("retry-after").is_some());
    // Another customer is not affected.
    let other = app.customer("d@example.com").await;
    app.place(&other, &product, 1).await;
}

#[tokio::test]
async fn an_order_nobody_accepts_is_cancelled_by_the_platform() {
    let app = spawn_with(&[("QC_PENDING_TIMEOUT_MIN", "0.01")]).await;
    let product = app.product("Milk", 3_000, 10).await;
    let (customer, _) = app.user("c@example.com", qc_domain::Role::Customer).await;
    let admin = app.admin("ops@example.com").await;
    let mut cust_socket = app.socket(&customer).await;
    let mut admin_socket = app.socket(&admin).await;
    let order = app.place(&customer, &product, 3).await;
    assert_eq!(app.stock(&product).await, 7);
    let cancelled = cust_socket.expect("order:cancelled", WAIT).await.unwrap();
    assert_eq!(cancelled["orderId"], order["id"]);
    assert_eq!(cancelled["reason"], "no_partner_available");
    assert_eq!(cancelled["by"], "system");
    admin_socket.expect("order:cancelled", WAIT).await.unwrap();
    assert_eq!(app.stock(&product).await, 10, "stock restored");
    let id = order["id"].as_str().unwrap();
    let view = app
        .get(&format!("/api/customer/orders/{id}"), Some(&customer))
        .await;
    assert_eq!(view.body["order"]["status"], "cancelled");
    assert_eq!(view.body["order"]["cancelReason"], "no_partner_available");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_cancel_each_stale_order_exactly_once() {
    let timeout = [("QC_PENDING_TIMEOUT_MIN", "0.01")];
    for app in spawn_all(&timeout).await {
        // A second instance on the same database runs its own sweeper.
        let twin = crate::common::spawn_on_same_db(&app, &timeout).await;
        let product = app.product("Milk", 3_000, 40).await;
        let customer = app.customer("c@example.com").await;
        let mut ids = Vec::new();
        for _ in 0..8 {
            ids.push(
                app.place(&customer, &product, 2).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        for _ in 0..100 {
            let open = app
                .state
                .store
                .stale_pending_orders(chrono::Utc::now(), 10)
                .await
                .unwrap();
            if open.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Both sweepers have had several more turns since.
        tokio::time::sleep(Duration::from_millis(600)).await;
        for id in &ids {
            let events = app.state.store.order_events(id, 0, 10).await.unwrap();
            let cancels = events
                .iter()
                .filter(|e| e.kind == qc_domain::OrderEventKind::Cancelled)
                .count();
            assert_eq!(cancels, 1, "{}: order {id} {events:?}", app.backend);
        }
        assert_eq!(
            app.stock(&product).await,
            40,
            "{}: restocked exactly once",
            app.backend
        );
        drop(twin);
    }
}

#[tokio::test]
async fn event_limits_are_per_user_and_sockets_per_user_are_capped() {
    let app = spawn_with(&[("QC_MAX_SOCKETS_PER_USER", "3")]).await;
    let (token, _) = app.partner("p@example.com").await;
    let mut first = app.socket(&token).await;
    let _second = app.socket(&token).await;
    let _third = app.socket(&token).await;
    let fourth = app.socket(&token).await;
    let ended = first.expect("session:ended", WAIT).await.unwrap();
    assert_eq!(ended["code"], "too_many_sockets");
    assert!(
        first.closed_within(WAIT).await,
        "the oldest socket stays open"
    );

    // 20 availability events a second across sockets: the user's budget, not each
    // socket's.
    let sockets = [_second, _third, fourth];
    let payload = json!({"available": true});
    let acks = futures::future::join_all(
        (0..30).map(|i| sockets[i % 3].emit_with_ack("delivery:availability", &payload, WAIT)),
    )
    .await;
    let ok = acks
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|a| a["success"] == true))
        .count();
    let limited = acks
        .iter()
        .filter(|a| {
            a.as_ref()
                .is_ok_and(|a| a["error"]["code"] == "too_many_requests")
        })
        .count();
    assert!(ok <= 20 && ok + limited == 30, "ok {ok}, limited {limited}");
}

#[tokio::test]
async fn registration_and_password_guesses_are_throttled() {
    let app = spawn_with(&[("QC_REGISTRATIONS_PER_HOUR", "3")]).await;
    for i in 0..3 {
        app.register(&format!("u{i}@example.com"), "customer").await;
    }
    let r = app
        .post(
            "/api/auth/register",
            None,
            json!({"name": "Late", "email": "late@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
    );
    assert!(r.headers.get("retry-after").is_some());

    let (token, _) = app.user("p@example.com", qc_domain::Role::Customer).await;
    let guess = |pw: &str| {
        app.put(
            "/api/auth/password",
            Some(&token),
            json!({"currentPassword": pw, "newPassword": "a-new-password-1"}),
        )
    };
    for i in 0..5 {
        let r = guess(&format!("wrong-{i}-guess")).await;
        assert_eq!(r.code(), "invalid_credentials");
    }
    let r = guess("wrong-6-guess").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
    );
    // Even the right password waits now.
    assert_eq!(
        guess("password123").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn quantities_that_overflow_are_a_validation_error() {
    let app = spawn().await;
    let product = app.product("Milk", 3_000, 500).await;
    let customer = app.customer("c@example.com").await;
    let lines = json!([
        {"productId": product, "quantity": i64::MAX},
        {"productId": product, "quantity": i64::MAX},
        {"productId": product, "quantity": 7}
    ]);
    let mut body = order_body(&[]);
    body["items"] = lines.clone();
    let r = app
        .post("/api/customer/orders", Some(&customer), body)
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "validation_error"),
        "{}",
        r.body
    );
    let r = app
        .post(
            "/api/customer/cart/validate",
            Some(&customer),
            json!({"items": lines}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "validation_error")
    );
    assert_eq!(app.stock(&product).await, 500);
}

#[tokio::test]
async fn products_of_a_deactivated_category_are_hidden_and_not_orderable() {
    for app in spawn_all(&[]).await {
        let product = app.product("Milk", 3_000, 10).await;
        let customer = app.customer("c@example.com").await;
        let category = app
            .state
            .store
            .product_by_id(&product, None)
            .await
            .unwrap()
            .unwrap()
            .category_id;
        app.state
            .store
            .update_category(
                &category,
                qc_store::CategoryPatch {
                    is_active: Some(false),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        app.state.catalog_changed();
        let r = app
            .get(
                &format!("/api/customer/products/{product}"),
                Some(&customer),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "product_not_found")
        );
        let r = app
            .post(
                "/api/customer/orders",
                Some(&customer),
                order_body(&[(&product, 1)]),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "product_unavailable"),
            "{}",
            app.backend
        );
        let r = app
            .post(
                "/api/customer/cart/validate",
                Some(&customer),
                json!({"items": [{"productId": product, "quantity": 1}]}),
            )
            .await;
        assert_eq!(r.body["items"][0]["reason"], "unavailable");
        assert_eq!(app.stock(&product).await, 10);
    }
}

#[tokio::test]
async fn a_locked_delivery_code_has_a_way_forward() {
    for app in spawn_all(&[]).await {
        let product = app.product("Milk", 3_000, 10).await;
        let (customer, _) = app.user("c@example.com", qc_domain::Role::Customer).await;
        let (rider, _) = app.partner("p@example.com").await;
        let admin = app.admin("ops@example.com").await;
        let mut cust_socket = app.socket(&customer).await;
        let mut rider_socket = app.socket(&rider).await;
        let order = app.place(&customer, &product, 1).await;
        let id = order["id"].as_str().unwrap().to_owned();
        let old_code = order["confirmationCode"].as_str().unwrap().to_owned();
        app.post(
            &format!("/api/delivery/orders/{id}/accept"),
            Some(&rider),
            json!({}),
        )
        .await;
        for status in ["picked_up", "on_the_way"] {
            app.put(
                &format!("/api/delivery/orders/{id}/status"),
                Some(&rider),
                json!({"status": status}),
            )
            .await;
        }
        let wrong = if old_code == "0000" { "1111" } else { "0000" };
        let mut last = Value::Null;
        for _ in 0..5 {
            last = rider_socket
                .emit_with_ack(
                    "order:confirm-delivery",
                    &json!({"orderId": id, "confirmationCode": wrong}),
                    WAIT,
                )
                .await
                .unwrap();
        }
        assert_eq!(last["error"]["code"], "confirmation_locked", "{last}");
        assert!(last["error"]["message"].as_str().unwrap().contains("wait"));
        let locked = cust_socket.expect("order:code-locked", WAIT).await.unwrap();
        assert_eq!(locked["orderId"], id.as_str());
        let view = app
            .get(&format!("/api/customer/orders/{id}"), Some(&customer))
            .await;
        assert_eq!(view.body["order"]["codeLocked"], true);

        // Support resets it: a new code for the customer only.
        let r = app
            .post(
                &format!("/api/admin/orders/{id}/reset-code"),
                Some(&admin),
                json!({"reason": "customer called support"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", app.backend, r.body);
        let to_customer = cust_socket.expect("order:code-reset", WAIT).await.unwrap();
        let new_code = to_customer["confirmationCode"].as_str().unwrap().to_owned();
        assert_eq!(new_code.len(), 4);
        let to_rider = rider_socket.expect("order:code-reset", WAIT).await.unwrap();
        assert!(
            to_rider.get("confirmationCode").is_none(),
            "the rider got the code: {to_rider}"
        );
        let detail = app
            .get(&format!("/api/admin/orders/{id}"), Some(&admin))
            .await;
        let reset = detail.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["type"] == "order.code_reset")
            .cloned()
            .unwrap();
        assert_eq!(reset["actorRole"], "admin");
        assert_eq!(reset["data"]["reason"], "customer called support");
        assert!(!reset.to_string().contains(&new_code) || new_code == "0000");
        assert!(
            detail.body["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["type"] == "order.code_locked")
        );
        // Attempts start again and the new code delivers.
        let done = rider_socket
            .emit_with_ack(
                "order:confirm-delivery",
                &json!({"orderId": id, "confirmationCode": new_code}),
                WAIT,
            )
            .await
            .unwrap();
        assert_eq!(done["success"], true, "{}: {done}", app.backend);
    }
}

#[tokio::test]
async fn gps_jumps_are_kept_out_of_the_trail() {
    let app = spawn().await;
    let product = app.product("Milk", 3_000, 10).await;
    let (customer, _) = app.user("c@example.com", qc_domain::Role::Customer).await;
    let (rider, _) = app.partner("p@example.com").await;
    let admin = app.admin("ops@example.com").await;
    let mut cust_socket = app.socket(&customer).await;
    let rider_socket = app.socket(&rider).await;
    let id = app.place(&customer, &product, 1).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/delivery/orders/{id}/accept"),
        Some(&rider),
        json!({}),
    )
    .await;
    let fix = |lat: f64, lng: f64| {
        let payload = json!({"lat": lat, "lng": lng, "orderId": id});
        let s = &rider_socket;
        async move {
            s.emit_with_ack("delivery:location-update", &payload, WAIT)
                .await
        }
    };
    assert_eq!(fix(90.0, 0.0).await.unwrap()["success"], true);
    cust_socket.expect("delivery:location", WAIT).await.unwrap();
    let jump = fix(-90.0, 0.0).await.unwrap();
    assert_eq!(jump["error"]["code"], "implausible_location", "{jump}");
    assert!(
        cust_socket
            .drain(Duration::from_millis(300))
            .await
            .iter()
            .all(|e| e.name != "delivery:location"),
        "the jump reached the customer"
    );
    let detail = app
        .get(&format!("/api/admin/orders/{id}"), Some(&admin))
        .await;
    let trail = detail.body["trail"].as_array().unwrap();
    assert!(trail.iter().all(|p| p["lat"] == 90.0), "{trail:?}");
    // A plausible next fix is fine.
    assert_eq!(fix(89.9999, 0.0).await.unwrap()["success"], true);
}

/// An order of `qty` × `product` to the test's home address (in the main store's area).
fn order_at_home(product: &str, qty: i64) -> Value {
    let mut body = order_body(&[(product, qty)]);
    body["deliveryAddress"]["lat"] = json!(HOME.0);
    body["deliveryAddress"]["lng"] = json!(HOME.1);
    body
}

/// Waits until `app`'s queueing delay satisfies `ok`, or fails the test after 30 s.
async fn until_lag(app: &TestApp, what: &str, ok: impl Fn(Duration) -> bool) {
    let waited = tokio::time::timeout(Duration::from_secs(30), async {
        while !ok(app.state.pressure.lag()) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the queueing delay never became {what}: {:?}",
        app.state.pressure.lag()
    );
}

/// While the instance is behind (its runtime held here by a task that blocks it for
/// 250 ms at a time, as a saturated core would), browsing and new orders are refused
/// with `503 overloaded` before any work, and nothing is written; the steps of an order
/// already placed (accepting it, reading it), signing in, and a rider's first position
/// still go through. When the load goes, so do the refusals.
#[tokio::test(flavor = "current_thread")]
async fn an_overloaded_instance_refuses_new_work_and_keeps_orders_moving() {
    let app = spawn_with(&[("QC_OVERLOAD_LAG_MS", "60")]).await;
    let product = app.product("Milk", 3_000, 10).await;
    let customer = app.customer("c@example.com").await;
    let (rider, _) = app.partner("rider@example.com").await;
    let socket = app.socket(&rider).await;
    let placed = app.place(&customer, &product, 1).await;
    let order_id = placed["id"].as_str().unwrap().to_owned();
    // Set-up (argon2, the first writes of a debug build) is itself a busy moment: let it
    // pass, then a search goes through.
    until_lag(&app, "quiet", |lag| lag < Duration::from_millis(10)).await;
    let r = app
        .get("/api/customer/products?search=mil", Some(&customer))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let hog = tokio::spawn(async {
        loop {
            std::thread::sleep(Duration::from_millis(250));
            tokio::task::yield_now().await;
        }
    });
    // The probe sees it: past three times the target, every new start is refused.
    until_lag(&app, "over 3T", |lag| lag >= Duration::from_millis(200)).await;
    let r = app
        .get("/api/customer/products?search=mil", Some(&customer))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "overloaded")
    );
    assert_eq!(r.headers["retry-after"], "1");
    let body = order_at_home(&product, 2);
    let r = app
        .post("/api/customer/orders", Some(&customer), body.clone())
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "overloaded")
    );
    // Signing in is never refused (the role is not known before the password).
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "rider@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A rider's position without an order: the first is taken (dispatch needs one), the
    // next, while that one is fresh, gives way; over the socket, in the ack.
    let idle = json!({"lat": HOME.0, "lng": HOME.1});
    let long = Duration::from_secs(30);
    let ack = socket
        .emit_with_ack("delivery:location-update", &idle, long)
        .await
        .unwrap();
    assert_eq!(ack["success"], json!(true), "{ack}");
    let ack = socket
        .emit_with_ack("delivery:location-update", &idle, long)
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "overloaded", "{ack}");
    // The order already placed moves on.
    let ack = socket
        .emit_with_ack("order:accept", &json!({"orderId": order_id}), long)
        .await
        .unwrap();
    assert_eq!(ack["success"], json!(true), "{ack}");
    let r = app
        .get(&format!("/api/customer/orders/{order_id}"), Some(&customer))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["order"]["status"], "accepted");
    hog.abort();

    // Nothing of the refused order was kept: one order, stock 10 - 1.
    until_lag(&app, "quiet", |lag| lag < Duration::from_millis(10)).await;
    let r = app.get("/api/customer/orders", Some(&customer)).await;
    assert_eq!(
        r.body["orders"].as_array().map(Vec::len),
        Some(1),
        "{}",
        r.body
    );
    assert_eq!(app.stock(&product).await, 9);
    let r = app
        .get("/api/customer/products?search=mil", Some(&customer))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post("/api/customer/orders", Some(&customer), body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let refused = app
        .state
        .pressure
        .refused(quickcommerce::pressure::Work::Browse);
    assert!(refused >= 2, "{refused}");
}

/// The queue that stands in front of the database counts too: while another connection
/// holds SQLite's write lock, a placement waits for the writer, the wait grows, and the
/// next placement is refused at once instead of queueing behind it. When the lock goes,
/// the waiting order is placed and new ones are taken again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_writer_refuses_new_orders_instead_of_queueing_them() {
    use sqlx::Connection as _;
    let app = spawn_with(&[("QC_OVERLOAD_LAG_MS", "60")]).await;
    let product = app.product("Milk", 3_000, 10).await;
    let customer = app.customer("c@example.com").await;
    until_lag(&app, "quiet", |lag| lag < Duration::from_millis(10)).await;

    let url = format!("sqlite://{}/qc.db", app.dir.display());
    let mut blocker = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut blocker)
        .await
        .unwrap();
    let first = tokio::spawn({
        let (base, token, product) = (app.base.clone(), customer.clone(), product.clone());
        async move {
            let body = order_at_home(&product, 1);
            reqwest::Client::new()
                .post(format!("{base}/api/customer/orders"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    until_lag(&app, "over 3T", |lag| lag >= Duration::from_millis(200)).await;
    let body = order_at_home(&product, 2);
    let r = app
        .post("/api/customer/orders", Some(&customer), body.clone())
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "overloaded")
    );

    sqlx::raw_sql("ROLLBACK")
        .execute(&mut blocker)
        .await
        .unwrap();
    assert_eq!(first.await.unwrap(), StatusCode::CREATED);
    until_lag(&app, "quiet", |lag| lag < Duration::from_millis(10)).await;
    let r = app
        .post("/api/customer/orders", Some(&customer), body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(app.stock(&product).await, 7);
}
