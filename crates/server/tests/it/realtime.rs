//! Real-time delivery over a real Socket.io connection against the running app:
//! handshake auth, single-winner acceptance (socket and REST racing), the full order
//! life with per-order `seq`, who hears what, refusals, locations and earnings.

use crate::common::{TestApp, spawn, spawn_with};
use futures::future::join_all;
use qc_domain::Role;
use qc_sioclient::{Client, Error, Options};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

async fn refused(app: &TestApp, auth: Option<Value>) -> String {
    match Client::connect(
        &app.base,
        Options {
            auth,
            ..Default::default()
        },
    )
    .await
    {
        Err(Error::Refused(m)) => m,
        Err(e) => panic!("expected a refusal, got {e}"),
        Ok(_) => panic!("connected without valid credentials"),
    }
}

#[tokio::test]
async fn handshake_needs_a_valid_token_of_an_active_user() {
    let app = spawn().await;
    assert!(refused(&app, None).await.contains("missing_token"));
    assert!(
        refused(&app, Some(json!({"token": "nonsense"})))
            .await
            .contains("invalid_token")
    );
    let other_key = {
        use jsonwebtoken::{EncodingKey, Header, encode};
        let now = chrono::Utc::now().timestamp();
        encode(
            &Header::default(),
            &json!({"sub": "x", "role": "admin", "ver": 0, "iat": now, "exp": now + 60}),
            &EncodingKey::from_secret(b"not-the-server-secret-not-the-server"),
        )
        .unwrap()
    };
    assert!(
        refused(&app, Some(json!({"token": other_key})))
            .await
            .contains("invalid_token")
    );

    // A Bearer header works like auth.token.
    let (token, id) = app.user("c@example.com", Role::Customer).await;
    let by_header = Client::connect(
        &app.base,
        Options {
            headers: vec![("authorization".into(), format!("Bearer {token}"))],
            ..Default::default()
        },
    )
    .await;
    assert!(by_header.is_ok());

    // Logout revokes the token: the live socket is closed and the token is refused.
    let mut live = app.socket(&token).await;
    app.post("/api/auth/logout", Some(&token), json!({})).await;
    assert!(
        live.closed_within(WAIT).await,
        "socket still open after logout"
    );
    assert!(
        refused(&app, Some(json!({"token": token})))
            .await
            .contains("token_revoked")
    );

    // A blocked user is refused, and blocking closes a live socket at once.
    let admin = quickcommerce::auth::AuthUser {
        id: "admin".into(),
        role: Role::Admin,
        name: "A".into(),
        email: "a@x.io".into(),
    };
    let (t2, id2) = app.user("d@example.com", Role::Delivery).await;
    let mut rider = app.socket(&t2).await;
    quickcommerce::app::accounts::set_blocked(&app.state, &admin, &id2, true)
        .await
        .unwrap();
    assert!(
        rider.closed_within(WAIT).await,
        "blocked user's socket still open"
    );
    let m = refused(&app, Some(json!({"token": t2}))).await;
    assert!(
        m.contains("token_revoked") || m.contains("account_blocked"),
        "{m}"
    );
    let _ = id;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_partners_race_for_one_order_over_socket_and_rest() {
    for app in crate::common::spawn_all(&[]).await {
        accept_race(Arc::new(app)).await;
    }
}

async fn accept_race(app: Arc<TestApp>) {
    let product = app.product("Mangoes", 20_000, 10).await;
    let customer = app.customer("c@example.com").await;
    let mut partners = Vec::new();
    for i in 0..50 {
        let (t, id) = app.partner(&format!("p{i}@example.com")).await;
        partners.push((t, id));
    }
    let mut sockets = Vec::new();
    for (t, _) in partners.iter().take(25) {
        sockets.push(app.socket(t).await);
    }
    let order = app.place(&customer, &product, 1).await;
    let order_id = order["id"].as_str().unwrap().to_owned();

    let socket_attempts = sockets.iter().map(|s| {
        let id = order_id.clone();
        async move {
            s.emit_with_ack("order:accept", &json!({"orderId": id}), WAIT)
                .await
                .unwrap()
        }
    });
    let rest_attempts = partners.iter().skip(25).map(|(t, _)| {
        let app = app.clone();
        let (t, id) = (t.clone(), order_id.clone());
        async move {
            let r = app
                .post(
                    &format!("/api/delivery/orders/{id}/accept"),
                    Some(&t),
                    json!({}),
                )
                .await;
            r.body
        }
    });
    let (over_socket, over_rest) = tokio::join!(join_all(socket_attempts), join_all(rest_attempts));
    let all: Vec<Value> = over_socket.into_iter().chain(over_rest).collect();
    let winners: Vec<&Value> = all.iter().filter(|a| a["success"] == true).collect();
    assert_eq!(
        winners.len(),
        1,
        "{}: exactly one winner: {all:?}",
        app.backend
    );
    for loser in all.iter().filter(|a| a["success"] != true) {
        assert_eq!(loser["error"]["code"], "order_already_taken", "{loser}");
    }
    // The order row changed once: one acceptance event, one partner.
    let events = app
        .state
        .store
        .order_events(&order_id, 0, 100)
        .await
        .unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["order.created", "order.accepted"]
    );
    let stored = app
        .state
        .store
        .order_by_id(&order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status.as_str(), "accepted");
    assert!(
        partners
            .iter()
            .any(|(_, id)| Some(id) == stored.partner_id.as_ref())
    );
}

#[tokio::test]
async fn one_order_from_offer_to_doorstep() {
    let app = spawn().await;
    let product = app.product("Paneer 200 g", 9_000, 10).await;
    let (c1, _) = app.user("c1@example.com", Role::Customer).await;
    let (c2, _) = app.user("c2@example.com", Role::Customer).await;
    let (p1, p1_id) = app.partner("p1@example.com").await;
    let (p2, _) = app.partner("p2@example.com").await;
    let (idle, idle_id) = app.user("idle@example.com", Role::Delivery).await;
    let _ = idle_id;
    let mut s_c1 = app.socket(&c1).await;
    let mut s_c2 = app.socket(&c2).await;
    let mut s_p1 = app.socket(&p1).await;
    let mut s_p2 = app.socket(&p2).await;
    let mut s_idle = app.socket(&idle).await;

    let order = app.place(&c1, &product, 2).await;
    let id = order["id"].as_str().unwrap().to_owned();
    let code = order["confirmationCode"].as_str().unwrap().to_owned();

    for s in [&mut s_p1, &mut s_p2] {
        let offer = s.expect("order:created", WAIT).await.unwrap();
        assert_eq!(offer["order"]["id"], id.as_str());
        assert!(
            offer["order"].get("confirmationCode").is_none(),
            "code leaked: {offer}"
        );
        assert!(
            offer["order"].get("customer").is_none(),
            "contact leaked: {offer}"
        );
        assert!(offer["order"]["estimatedPayout"].as_i64().unwrap() > 3_000);
    }

    let ack = s_p1
        .emit_with_ack("order:accept", &json!({"orderId": id}), WAIT)
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    assert_eq!(ack["data"]["customer"]["name"], "User c1@example.com");
    let mine = s_p1.expect("order:accepted-success", WAIT).await.unwrap();
    assert_eq!(mine["orderId"], id.as_str());
    let taken = s_p2.expect("order:taken", WAIT).await.unwrap();
    assert_eq!(taken["orderId"], id.as_str());

    let ack = s_p1
        .emit_with_ack(
            "order:status-update",
            &json!({"orderId": id, "status": "picked_up"}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    let r = app
        .put(
            &format!("/api/delivery/orders/{id}/status"),
            Some(&p1),
            json!({"status": "on_the_way"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Fixes a few metres apart, as a rider's phone sends them every second or two.
    for (lat, lng) in [(19.0552, 72.8399), (19.0551, 72.8400), (19.0550, 72.8400)] {
        let ack = s_p1
            .emit_with_ack(
                "delivery:location-update",
                &json!({"lat": lat, "lng": lng, "orderId": id}),
                WAIT,
            )
            .await
            .unwrap();
        assert_eq!(ack["success"], true, "{ack}");
    }
    let tracking = app
        .get(&format!("/api/customer/orders/{id}/tracking"), Some(&c1))
        .await;
    assert_eq!(tracking.status, StatusCode::OK, "{}", tracking.body);
    assert_eq!(tracking.body["tracking"]["location"]["lat"], 19.055);
    assert_eq!(tracking.body["tracking"]["status"], "on_the_way");
    assert!(tracking.body["tracking"]["etaSeconds"].as_u64().unwrap() >= 60);

    let ack = s_p1
        .emit_with_ack(
            "order:confirm-delivery",
            &json!({"orderId": id, "confirmationCode": code}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    assert_eq!(ack["data"]["status"], "delivered");

    // Nothing is relayed after delivery.
    let late = s_p1
        .emit_with_ack(
            "delivery:location-update",
            &json!({"lat": 19.0, "lng": 72.8, "orderId": id}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(late["error"]["code"], "order_not_active");

    // The customer heard every step, in seq order (stock news aside).
    let heard: Vec<_> = s_c1
        .drain(QUIET)
        .await
        .into_iter()
        .filter(|e| e.name != "inventory:updated")
        .collect();
    let names: Vec<&str> = heard.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "order:accepted",
            "order:status-updated",
            "order:status-updated",
            "delivery:location",
            "delivery:location",
            "delivery:location",
            "order:status-updated",
            "order:completed"
        ],
        "{heard:?}"
    );
    let seqs: Vec<i64> = heard
        .iter()
        .filter_map(|e| e.data["seq"].as_i64())
        .collect();
    assert_eq!(seqs, [2, 3, 4, 5, 5]);
    assert_eq!(heard[0].data["partnerName"], "User p1@example.com");
    assert_eq!(heard[1].data["status"], "picked_up");
    assert_eq!(heard[2].data["status"], "on_the_way");
    assert_eq!(heard[3].data["orderId"], id.as_str());
    assert!(heard[3].data["at"].is_string());
    assert_eq!(heard[6].data["status"], "delivered");
    assert!(heard[7].data["actualDeliveryTime"].is_string());

    // The timeline over REST matches, for a client that reconnects.
    let ev = app
        .get(
            &format!("/api/customer/orders/{id}/events?after=2"),
            Some(&c1),
        )
        .await;
    let rest: Vec<i64> = ev.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(rest, [3, 4, 5]);

    // Bystanders heard nothing of it.
    let c2_heard: Vec<String> = s_c2
        .drain(QUIET)
        .await
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(
        c2_heard,
        ["inventory:updated"],
        "another customer heard more than stock levels"
    );
    let p2_heard: Vec<String> = s_p2
        .drain(QUIET)
        .await
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(
        p2_heard.is_empty(),
        "the losing partner heard: {p2_heard:?}"
    );
    let idle_heard: Vec<String> = s_idle
        .drain(QUIET)
        .await
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(
        idle_heard.is_empty(),
        "an unavailable partner heard: {idle_heard:?}"
    );

    // Earnings: base + per km for the ~1.2 km trip.
    let e = app.get("/api/delivery/earnings", Some(&p1)).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    let total = e.body["earnings"]["total"].as_i64().unwrap();
    assert!((3_000 + 1_000..3_000 + 1_600).contains(&total), "{total}");
    assert_eq!(e.body["earnings"]["today"], total);
    assert_eq!(e.body["earnings"]["deliveriesTotal"], 1);
    assert_eq!(e.body["earnings"]["orders"][0]["orderId"], id.as_str());
    let profile = app.get("/api/delivery/profile", Some(&p1)).await;
    assert_eq!(profile.body["partner"]["totalDeliveries"], 1);
    assert_eq!(profile.body["partner"]["totalEarnings"], total);
    let history = app.get("/api/delivery/orders/history", Some(&p1)).await;
    assert_eq!(history.body["orders"][0]["id"], id.as_str());
    let _ = p1_id;
}

/// Admins hear riders in `fleet:positions`: the first position at once, later ones within
/// the window together at its end, each rider at its latest; the customer hears every
/// fix of its order at once, and admins no per-fix event.
#[tokio::test]
async fn admins_hear_the_fleet_at_most_once_a_window() {
    // A window long enough that a few requests always fall inside it.
    let app = spawn_with(&[("QC_FLEET_WINDOW_MS", "6000")]).await;
    let admin = app.admin("ops@example.com").await;
    let (c, _) = app.user("c@example.com", Role::Customer).await;
    let (p1, p1_id) = app.partner("p1@example.com").await;
    let (p2, p2_id) = app.partner("p2@example.com").await;
    let mut s_admin = app.socket(&admin).await;
    let mut s_c = app.socket(&c).await;
    let s_p1 = app.socket(&p1).await;
    let (id, _) = accepted_order(&app, &c, &p1).await;
    async fn send(s: &Client, id: &str, lat: f64) {
        let body = json!({"lat": lat, "lng": 72.84, "orderId": id});
        let ack = s
            .emit_with_ack("delivery:location-update", &body, WAIT)
            .await
            .unwrap();
        assert_eq!(ack["success"], true, "{ack}");
    }

    send(&s_p1, &id, 19.0552).await;
    let first = s_admin.expect("fleet:positions", WAIT).await.unwrap();
    assert_eq!(
        first["positions"],
        json!([{"partnerId": p1_id, "orderId": id, "lat": 19.0552, "lng": 72.84,
                "at": first["positions"][0]["at"]}]),
        "the first position is not held"
    );
    assert!(first["positions"][0]["at"].is_string());

    // Two more fixes and another rider's idle position, within the window.
    send(&s_p1, &id, 19.0551).await;
    send(&s_p1, &id, 19.0550).await;
    let r = app
        .put(
            "/api/delivery/location",
            Some(&p2),
            json!({"lat": 19.06, "lng": 72.83}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let held = s_admin
        .expect("fleet:positions", Duration::from_secs(15))
        .await
        .unwrap();
    let riders: Vec<(&str, Option<&str>, f64)> = held["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["partnerId"].as_str().unwrap(),
                p["orderId"].as_str(),
                p["lat"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        riders,
        [
            (p1_id.as_str(), Some(id.as_str()), 19.0550),
            (p2_id.as_str(), None, 19.06)
        ],
        "one frame, each rider at its latest: {held}"
    );
    let admin_heard: Vec<String> = s_admin
        .drain(QUIET)
        .await
        .into_iter()
        .map(|e| e.name)
        .filter(|n| n.contains("location") || n.starts_with("fleet"))
        .collect();
    assert_eq!(
        admin_heard,
        Vec::<String>::new(),
        "admins heard per-fix events"
    );

    // The customer heard every fix, at once.
    let fixes: Vec<f64> = s_c
        .drain(QUIET)
        .await
        .into_iter()
        .filter(|e| e.name == "delivery:location")
        .map(|e| e.data["lat"].as_f64().unwrap())
        .collect();
    assert_eq!(fixes, [19.0552, 19.0551, 19.0550]);
}

async fn accepted_order(app: &TestApp, customer: &str, partner: &str) -> (String, String) {
    let product = app.product("Curd", 5_000, 100).await;
    let order = app.place(customer, &product, 1).await;
    let id = order["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &format!("/api/delivery/orders/{id}/accept"),
            Some(partner),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (id, order["confirmationCode"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn wrong_actors_skips_and_bad_codes_are_refused() {
    let app = spawn().await;
    let (c, _) = app.user("c@example.com", Role::Customer).await;
    let (p1, _) = app.partner("p1@example.com").await;
    let (p2, _) = app.partner("p2@example.com").await;
    let (id, code) = accepted_order(&app, &c, &p1).await;
    let status = |t: &str, s: &str| {
        let (t, s, id) = (t.to_owned(), s.to_owned(), id.clone());
        let app = &app;
        async move {
            app.put(
                &format!("/api/delivery/orders/{id}/status"),
                Some(&t),
                json!({"status": s}),
            )
            .await
        }
    };

    let r = status(&p2, "picked_up").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "order_not_found")
    );
    let r = status(&p1, "on_the_way").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_status_transition")
    );
    let r = status(&p1, "cancelled").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(status(&p1, "picked_up").await.status, StatusCode::OK);
    let r = status(&p1, "picked_up").await;
    assert_eq!(r.code(), "invalid_status_transition");

    // Too late for the customer to cancel, and nothing changes.
    let cancel = app
        .post(
            &format!("/api/customer/orders/{id}/cancel"),
            Some(&c),
            json!({}),
        )
        .await;
    assert_eq!(
        (cancel.status, cancel.code()),
        (StatusCode::CONFLICT, "order_not_cancellable")
    );

    let r = app
        .put(
            &format!("/api/delivery/orders/{id}/status"),
            Some(&p1),
            json!({"status": "delivered", "confirmationCode": code}),
        )
        .await;
    assert_eq!(
        r.code(),
        "invalid_status_transition",
        "cannot skip on_the_way"
    );
    assert_eq!(status(&p1, "on_the_way").await.status, StatusCode::OK);
    let back = status(&p1, "picked_up").await;
    assert_eq!(back.code(), "invalid_status_transition", "no going back");

    // Someone else's order: no location relay, no code check.
    let s_p2 = app.socket(&p2).await;
    let ack = s_p2
        .emit_with_ack(
            "delivery:location-update",
            &json!({"lat": 19.0, "lng": 72.8, "orderId": id}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "order_not_found");
    let ack = s_p2
        .emit_with_ack(
            "order:confirm-delivery",
            &json!({"orderId": id, "confirmationCode": code}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "order_not_found");
    let s_p1 = app.socket(&p1).await;
    let ack = s_p1
        .emit_with_ack(
            "delivery:location-update",
            &json!({"lat": 95.0, "lng": 72.8, "orderId": id}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "validation_error");
    let ack = s_p1
        .emit_with_ack("order:accept", &json!({"order": id}), WAIT)
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "invalid_payload");

    let wrong = if code == "0000" { "1111" } else { "0000" };
    for left in (1..5).rev() {
        let ack = s_p1
            .emit_with_ack(
                "order:confirm-delivery",
                &json!({"orderId": id, "confirmationCode": wrong}),
                WAIT,
            )
            .await
            .unwrap();
        assert_eq!(ack["error"]["code"], "invalid_confirmation_code");
        assert!(
            ack["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} attempts")),
            "{ack}"
        );
    }
    let ack = s_p1
        .emit_with_ack(
            "order:confirm-delivery",
            &json!({"orderId": id, "confirmationCode": wrong}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "confirmation_locked");
    let ack = s_p1
        .emit_with_ack(
            "order:confirm-delivery",
            &json!({"orderId": id, "confirmationCode": code}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(
        ack["error"]["code"], "confirmation_locked",
        "the right code after lock-out is refused too"
    );
    let stored = app.state.store.order_by_id(&id).await.unwrap().unwrap();
    assert_eq!(stored.status.as_str(), "on_the_way");
}

#[tokio::test]
async fn availability_decides_who_hears_new_orders() {
    let app = spawn().await;
    let product = app.product("Bread", 4_000, 50).await;
    let c = app.customer("c@example.com").await;
    let (p, pid) = app.user("p@example.com", Role::Delivery).await;
    app.state
        .store
        .set_partner_flags(&pid, Some(true), None)
        .await
        .unwrap();
    let mut s = app.socket(&p).await;
    app.place(&c, &product, 1).await;
    assert!(
        s.drain(QUIET).await.is_empty(),
        "offline partner got an offer"
    );

    let ack = s
        .emit_with_ack("delivery:availability", &json!({"available": true}), WAIT)
        .await
        .unwrap();
    assert_eq!(ack["data"]["isAvailable"], true, "{ack}");
    let second = app.place(&c, &product, 1).await;
    let offer = s.expect("order:created", WAIT).await.unwrap();
    assert_eq!(offer["order"]["id"], second["id"]);

    let r = app
        .put(
            "/api/delivery/availability",
            Some(&p),
            json!({"available": false}),
        )
        .await;
    assert_eq!(r.body["partner"]["isAvailable"], false);
    app.place(&c, &product, 1).await;
    assert!(
        s.drain(QUIET).await.is_empty(),
        "unavailable partner got an offer"
    );

    // The list, like the offers, is for partners whose availability is on.
    let list = app.get("/api/delivery/orders/available", Some(&p)).await;
    assert_eq!(list.code(), "partner_unavailable");
    app.put(
        "/api/delivery/availability",
        Some(&p),
        json!({"available": true}),
    )
    .await;
    let list = app.get("/api/delivery/orders/available", Some(&p)).await;
    assert_eq!(list.body["orders"].as_array().unwrap().len(), 3);
    assert!(list.body["orders"][0].get("confirmationCode").is_none());
}

#[tokio::test]
async fn partners_are_limited_to_their_active_order_count() {
    let app = crate::common::spawn_with(&[("QC_MAX_ACTIVE_ORDERS", "1")]).await;
    let c = app.customer("c@example.com").await;
    let (p, _) = app.partner("p@example.com").await;
    accepted_order(&app, &c, &p).await;
    let product = app.product("Eggs", 7_000, 10).await;
    let second = app.place(&c, &product, 1).await;
    let r = app
        .post(
            &format!(
                "/api/delivery/orders/{}/accept",
                second["id"].as_str().unwrap()
            ),
            Some(&p),
            json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "too_many_active_orders")
    );
}

#[tokio::test]
async fn customer_cancellation_reaches_partners_and_customers_see_stock() {
    let app = spawn().await;
    let product = app.product("Bananas", 4_900, 5).await;
    let (c, _) = app.user("c@example.com", Role::Customer).await;
    let (watcher, _) = app.user("w@example.com", Role::Customer).await;
    let (p, _) = app.partner("p@example.com").await;
    let mut s_p = app.socket(&p).await;
    let mut s_w = app.socket(&watcher).await;
    let order = app.place(&c, &product, 2).await;
    let stock = s_w.expect("inventory:updated", WAIT).await.unwrap();
    assert_eq!(stock["products"][0]["stock"], 3);
    s_p.expect("order:created", WAIT).await.unwrap();
    let id = order["id"].as_str().unwrap();
    app.post(
        &format!("/api/customer/orders/{id}/cancel"),
        Some(&c),
        json!({"reason": "ordered twice"}),
    )
    .await;
    let gone = s_p.expect("order:cancelled", WAIT).await.unwrap();
    assert_eq!(gone["orderId"], id);
    assert_eq!(gone["by"], "customer");
    let back = s_w.expect("inventory:updated", WAIT).await.unwrap();
    assert_eq!(back["products"][0]["stock"], 5);
}

#[tokio::test]
async fn oversized_payloads_and_floods_are_cut_off() {
    let app = spawn().await;
    let c = app.customer("c@example.com").await;
    let (p, _) = app.partner("p@example.com").await;
    let (id, _) = accepted_order(&app, &c, &p).await;
    app.req(
        Method::PUT,
        &format!("/api/delivery/orders/{id}/status"),
        Some(&p),
        Some(json!({"status": "picked_up"})),
    )
    .await;

    // A burst of locations beyond the per-socket rate is refused, not relayed.
    let s = app.socket(&p).await;
    let mut results = Vec::new();
    for _ in 0..12 {
        results.push(
            s.emit_with_ack(
                "delivery:location-update",
                &json!({"lat": 19.05, "lng": 72.83, "orderId": id}),
                WAIT,
            )
            .await
            .unwrap(),
        );
    }
    let limited = results
        .iter()
        .filter(|a| a["error"]["code"] == "too_many_requests")
        .count();
    assert!(limited >= 5, "{results:?}");

    // A packet over the payload limit closes the connection.
    let mut big = app.socket(&p).await;
    let huge = "x".repeat(64 * 1024);
    let _ = big.emit("order:accept", &json!({"orderId": huge}));
    assert!(big.closed_within(WAIT).await, "oversized packet accepted");
}
