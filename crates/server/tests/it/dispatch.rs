//! Dispatch in `auto` mode, on both backends: offers in rank order, one partner at a
//! time; decline and expiry move on; `not_offered` for everyone else; escalation after
//! the last round and when nobody is eligible; three ignored offers pause a partner;
//! stacking only when both promises hold; the customer's timeline stays quiet. And a
//! restart in the middle of a cascade (a real process killed with SIGKILL).

use crate::common::*;
use qc_sioclient::Client;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(500);
/// The test store (the configured location).
const STORE: (f64, f64) = (19.0596, 72.8295);

/// A point `km` north (negative: south) of the store.
fn north(km: f64) -> (f64, f64) {
    (STORE.0 + km / 111.2, STORE.1)
}

/// The main store in `auto` mode with these figures.
async fn auto(app: &TestApp, admin: &str, timeout_secs: u32, rounds: u32) {
    let r = app
        .put(
            &format!("/api/admin/stores/{}", app.main_store()),
            Some(admin),
            json!({"settings": {"dispatchMode": "auto", "offerTimeoutSecs": timeout_secs,
                                "maxOfferRounds": rounds}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

struct Rider {
    token: String,
    id: String,
    socket: Client,
}

/// A verified, available partner with a socket, standing `km` north of the store.
async fn rider(app: &TestApp, email: &str, km: Option<f64>) -> Rider {
    let (token, id) = app.partner(email).await;
    let socket = app.socket(&token).await;
    if let Some(km) = km {
        stand(app, &token, north(km)).await;
    }
    // Promises count the store's riders: let them see this one at once.
    app.state.stores.refresh_loads().await.unwrap();
    Rider { token, id, socket }
}

async fn stand(app: &TestApp, token: &str, (lat, lng): (f64, f64)) {
    let r = app
        .put(
            "/api/delivery/location",
            Some(token),
            json!({"lat": lat, "lng": lng}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Place an order delivered `km` north of the store.
async fn order_at(app: &TestApp, customer: &str, product: &str, km: f64) -> String {
    let (lat, lng) = north(km);
    let mut body = order_body(&[(product, 1)]);
    body["deliveryAddress"]["lat"] = json!(lat);
    body["deliveryAddress"]["lng"] = json!(lng);
    let r = app.post("/api/customer/orders", Some(customer), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["order"]["id"].as_str().unwrap().to_owned()
}

async fn accept(app: &TestApp, token: &str, order: &str) -> crate::common::Res {
    app.post(
        &format!("/api/delivery/orders/{order}/accept"),
        Some(token),
        json!({}),
    )
    .await
}

/// Names of events received within the quiet window.
async fn heard(s: &mut Client) -> Vec<String> {
    s.drain(QUIET).await.into_iter().map(|e| e.name).collect()
}

#[tokio::test]
async fn offers_go_in_rank_order_and_move_on_after_decline_and_expiry() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        auto(&app, &admin, 3, 5).await;
        let c = app.customer("c@example.com").await;
        let mut cs = app.socket(&c).await;
        let product = app.product("Milk", 3_000, 50).await;
        let mut near = rider(&app, "near@example.com", Some(0.2)).await;
        let mut mid = rider(&app, "mid@example.com", Some(1.5)).await;
        let mut far = rider(&app, "far@example.com", Some(4.0)).await;
        let mut no_gps = rider(&app, "nogps@example.com", None).await;
        let mut ops = app.socket(&admin).await;

        let order = order_at(&app, &c, &product, 1.0).await;
        let offer = near.socket.expect("order:offer", WAIT).await.unwrap();
        assert_eq!(offer["order"]["id"], json!(order), "{b}: {offer}");
        assert_eq!(offer["round"], 1);
        assert!(
            offer["order"].get("customerId").is_none(),
            "no customer in an offer"
        );
        assert!(offer["expiresAt"].is_string());
        for other in [&mut mid, &mut far, &mut no_gps] {
            assert!(
                !heard(&mut other.socket)
                    .await
                    .contains(&"order:offer".to_owned()),
                "{b}: only the nearest is offered"
            );
        }
        let board = app.get("/api/admin/dispatch", Some(&admin)).await;
        assert_eq!(
            board.body["orders"][0]["state"], "offered",
            "{b}: {}",
            board.body
        );
        assert_eq!(
            board.body["orders"][0]["offer"]["partnerId"],
            json!(near.id)
        );
        // Not theirs: refused, and the order is not in anyone's open list.
        let r = accept(&app, &mid.token, &order).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "not_offered"),
            "{b}"
        );
        let r = app
            .get("/api/delivery/orders/available", Some(&mid.token))
            .await;
        assert_eq!(r.body["orders"], json!([]), "{b}");
        let r = app.get("/api/delivery/offers", Some(&near.token)).await;
        assert_eq!(
            r.body["offers"][0]["order"]["id"],
            json!(order),
            "{}",
            r.body
        );

        // Declined over the socket: the next in rank gets it.
        let ack = near
            .socket
            .emit_with_ack(
                "order:decline",
                &json!({"orderId": order, "reason": "flat tyre"}),
                WAIT,
            )
            .await
            .unwrap();
        assert_eq!(ack["success"], true, "{b}: {ack}");
        let offer = mid.socket.expect("order:offer", WAIT).await.unwrap();
        assert_eq!(
            (offer["order"]["id"].clone(), offer["round"].clone()),
            (json!(order), json!(2))
        );
        let r = app
            .post(
                &format!("/api/delivery/orders/{order}/decline"),
                Some(&near.token),
                json!({}),
            )
            .await;
        assert_eq!(r.code(), "offer_not_found", "{b}: a second decline");
        // Left to expire: told, and the next gets it.
        let gone = mid
            .socket
            .expect("order:offer-expired", WAIT)
            .await
            .unwrap();
        assert_eq!(
            (gone["orderId"].clone(), gone["reason"].clone()),
            (json!(order), json!("expired"))
        );
        let offer = far.socket.expect("order:offer", WAIT).await.unwrap();
        assert_eq!(offer["round"], 3, "{b}");
        let r = accept(&app, &far.token, &order).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let accepted = cs.expect("order:accepted", WAIT).await.unwrap();
        assert_eq!(accepted["partnerId"], json!(far.id));
        assert!(
            !heard(&mut no_gps.socket)
                .await
                .contains(&"order:offer".to_owned()),
            "{b}: a partner without a position is never offered"
        );

        // Admins saw every step; the customer's timeline is placed → accepted.
        let mut steps = Vec::new();
        while let Ok(e) = ops.expect("dispatch:updated", QUIET).await {
            steps.push(e["state"].as_str().unwrap().to_owned());
        }
        assert_eq!(
            steps,
            [
                "offered", "declined", "offered", "expired", "offered", "accepted"
            ],
            "{b}"
        );
        let detail = app
            .get(&format!("/api/admin/orders/{order}"), Some(&admin))
            .await;
        let offers: Vec<(String, String)> = detail.body["offers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["partnerName"].as_str().unwrap().to_owned(),
                    o["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            offers,
            [
                ("User near@example.com".to_owned(), "declined".to_owned()),
                ("User mid@example.com".to_owned(), "expired".to_owned()),
                ("User far@example.com".to_owned(), "accepted".to_owned()),
            ],
            "{b}"
        );
        assert_eq!(detail.body["offers"][0]["reason"], "flat tyre");
        let events = app
            .get(
                &format!("/api/customer/orders/{order}/events?after=0"),
                Some(&c),
            )
            .await;
        let kinds: Vec<&str> = events.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["order.created", "order.accepted"],
            "{b}: {}",
            events.body
        );
    }
}

#[tokio::test]
async fn escalation_after_the_last_round_and_when_nobody_is_eligible() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        auto(&app, &admin, 1, 1).await;
        let c = app.customer("c@example.com").await;
        let product = app.product("Bread", 4_000, 50).await;
        let mut ops = app.socket(&admin).await;
        // Nobody has a position: broadcast at once to every available partner.
        let mut blind = rider(&app, "blind@example.com", None).await;
        let order = order_at(&app, &c, &product, 1.0).await;
        let offer = blind.socket.expect("order:created", WAIT).await.unwrap();
        assert_eq!(offer["order"]["id"], json!(order), "{b}");
        let e = ops.expect("dispatch:escalated", WAIT).await.unwrap();
        assert_eq!(
            (e["orderId"].clone(), e["reason"].clone()),
            (json!(order), json!("no_eligible_partner"))
        );
        assert_eq!(
            accept(&app, &blind.token, &order).await.status,
            StatusCode::OK
        );

        // One round: offered to the one with a position, then to everyone.
        let mut seen = rider(&app, "seen@example.com", Some(0.5)).await;
        let order = order_at(&app, &c, &product, 1.0).await;
        seen.socket.expect("order:offer", WAIT).await.unwrap();
        let e = ops
            .expect("dispatch:escalated", Duration::from_secs(4))
            .await
            .unwrap();
        assert_eq!(e["reason"], "rounds_exhausted", "{b}");
        let broadcast = seen.socket.expect("order:created", WAIT).await.unwrap();
        assert_eq!(broadcast["order"]["id"], json!(order));
        let r = app
            .get("/api/delivery/orders/available", Some(&seen.token))
            .await;
        assert_eq!(r.body["orders"][0]["id"], json!(order), "{b}: {}", r.body);
        let r = accept(&app, &seen.token, &order).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
    }
}

#[tokio::test]
async fn three_ignored_offers_pause_a_partner() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        auto(&app, &admin, 1, 1).await;
        let c = app.customer("c@example.com").await;
        let product = app.product("Eggs", 6_000, 50).await;
        let mut lazy = rider(&app, "lazy@example.com", Some(0.3)).await;
        for round in 0..3 {
            order_at(&app, &c, &product, 1.0).await;
            lazy.socket.expect("order:offer", WAIT).await.unwrap();
            lazy.socket
                .expect("order:offer-expired", WAIT)
                .await
                .unwrap();
            if round < 2 {
                let me = app.get("/api/delivery/profile", Some(&lazy.token)).await;
                assert_eq!(
                    me.body["partner"]["isAvailable"], true,
                    "{b}: round {round}"
                );
            }
        }
        let paused = lazy
            .socket
            .expect("partner:auto-paused", WAIT)
            .await
            .unwrap();
        assert_eq!(paused["code"], "offers_ignored", "{b}");
        let me = app.get("/api/delivery/profile", Some(&lazy.token)).await;
        assert_eq!(me.body["partner"]["isAvailable"], false, "{b}");
        // No more orders reach them until they switch availability on again.
        order_at(&app, &c, &product, 1.0).await;
        let events = heard(&mut lazy.socket).await;
        assert!(
            !events
                .iter()
                .any(|e| e == "order:offer" || e == "order:created"),
            "{b}: {events:?}"
        );
    }
}

#[tokio::test]
async fn a_second_order_is_stacked_only_when_both_promises_hold() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        auto(&app, &admin, 5, 5).await;
        // Promises of pick (2 min) + travel (+ 2 min at the door): a queue of orders or
        // a wait for riders does not loosen them.
        let r = app
            .put(
                &format!("/api/admin/stores/{}", app.main_store()),
                Some(&admin),
                json!({"settings": {"pickBaseMinutes": 2, "pickPerItemSeconds": 0,
                    "pickCapacity": 1000, "riderCycleMinutes": 1, "travelBufferMinutes": 2}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let c = app.customer("c@example.com").await;
        let product = app.product("Curd", 4_000, 50).await;
        let mut carrier = rider(&app, "carrier@example.com", Some(0.0)).await;
        let mut spare = rider(&app, "spare@example.com", Some(1.5)).await;
        // The carrier takes an order 2 km north (and is still at the store).
        let first = order_at(&app, &c, &product, 2.0).await;
        carrier.socket.expect("order:offer", WAIT).await.unwrap();
        assert_eq!(
            accept(&app, &carrier.token, &first).await.status,
            StatusCode::OK
        );
        stand(&app, &carrier.token, north(0.0)).await;
        // 2.3 km north, on the way: stacked with the carrier.
        let on_the_way = order_at(&app, &c, &product, 2.3).await;
        let offer = carrier.socket.expect("order:offer", WAIT).await.unwrap();
        assert_eq!(offer["order"]["id"], json!(on_the_way), "{b}");
        assert_eq!(
            accept(&app, &carrier.token, &on_the_way).await.status,
            StatusCode::OK
        );
        let active = app
            .get("/api/delivery/orders/active", Some(&carrier.token))
            .await;
        assert_eq!(
            active.body["orders"].as_array().unwrap().len(),
            2,
            "{}",
            active.body
        );
        // Listed in stop order: 2 km north first, then on to 2.3 km.
        let stops: Vec<(String, i64)> = active.body["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["id"].as_str().unwrap().to_owned(),
                    o["stop"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(
            stops,
            [(first.clone(), 1), (on_the_way.clone(), 2)],
            "{b}: {}",
            active.body
        );
        // At the limit (two orders): the next goes to the spare partner.
        let third = order_at(&app, &c, &product, 2.1).await;
        let offer = spare.socket.expect("order:offer", WAIT).await.unwrap();
        assert_eq!(offer["order"]["id"], json!(third), "{b}");
        app.post(
            &format!("/api/delivery/orders/{third}/decline"),
            Some(&spare.token),
            json!({}),
        )
        .await;
        app.put(
            "/api/delivery/availability",
            Some(&spare.token),
            json!({"available": false}),
        )
        .await;

        // A fresh carrier with an order 2 km north is not given one 3 km south: one of
        // the two would be late.
        let mut north_rider = rider(&app, "north@example.com", Some(0.0)).await;
        let theirs = order_at(&app, &c, &product, 2.0).await;
        let offer = north_rider
            .socket
            .expect("order:offer", WAIT)
            .await
            .unwrap();
        assert_eq!(offer["order"]["id"], json!(theirs));
        accept(&app, &north_rider.token, &theirs).await;
        let mut fresh = rider(&app, "fresh@example.com", Some(3.0)).await;
        let south = order_at(&app, &c, &product, -3.0).await;
        let offer = fresh.socket.expect("order:offer", WAIT).await.unwrap();
        assert_eq!(
            offer["order"]["id"],
            json!(south),
            "{b}: went to the free partner"
        );
        let events = heard(&mut north_rider.socket).await;
        assert!(
            !events.contains(&"order:offer".to_owned()),
            "{b}: {events:?}"
        );
    }
}

#[tokio::test]
async fn an_order_left_without_its_first_offer_gets_it_from_the_sweeper() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        auto(&app, &admin, 30, 5).await;
        let c = app.customer("c@example.com").await;
        let product = app.product("Curd", 4_000, 50).await;
        let mut r = rider(&app, "r@example.com", Some(0.5)).await;
        let placed = order_at(&app, &c, &product, 1.0).await;
        r.socket.expect("order:offer", WAIT).await.unwrap();
        let d = app
            .post(
                &format!("/api/delivery/orders/{placed}/decline"),
                Some(&r.token),
                json!({}),
            )
            .await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.body);
        // The same order again, committed as an instance that stopped right after
        // placement would leave it: waiting for offers, none ever made.
        let mut o = app.state.store.order_by_id(&placed).await.unwrap().unwrap();
        o.id = format!("{placed}x");
        o.status = qc_domain::OrderStatus::Pending;
        o.partner_id = None;
        o.dispatch = qc_store::DispatchState::Offering;
        o.created_at = chrono::Utc::now() - chrono::Duration::seconds(10);
        o.updated_at = o.created_at;
        o.last_seq = 0;
        app.state.store.place_order(&o, None, 100).await.unwrap();
        let offer = r
            .socket
            .expect("order:offer", Duration::from_secs(8))
            .await
            .unwrap();
        assert_eq!(offer["order"]["id"], json!(o.id), "{b}: {offer}");
        assert_eq!(accept(&app, &r.token, &o.id).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn broadcast_stores_still_race() {
    let app = spawn().await;
    let c = app.customer("c@example.com").await;
    let product = app.product("Tea", 2_000, 50).await;
    let mut one = rider(&app, "one@example.com", Some(0.2)).await;
    let mut two = rider(&app, "two@example.com", None).await;
    let order = order_at(&app, &c, &product, 1.0).await;
    for r in [&mut one, &mut two] {
        let e = r.socket.expect("order:created", WAIT).await.unwrap();
        assert_eq!(e["order"]["id"], json!(order));
    }
    assert_eq!(
        accept(&app, &two.token, &order).await.status,
        StatusCode::OK
    );
    assert_eq!(
        accept(&app, &one.token, &order).await.code(),
        "order_already_taken"
    );
}

#[tokio::test]
async fn bad_dispatch_settings_are_refused() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    for bad in [
        json!({"dispatchMode": "fastest"}),
        json!({"offerTimeoutSecs": 0}),
        json!({"maxOfferRounds": 100}),
    ] {
        let r = app
            .put(
                &format!("/api/admin/stores/{}", app.main_store()),
                Some(&admin),
                json!({"settings": bad}),
            )
            .await;
        assert_eq!(r.code(), "validation_error", "{bad}: {}", r.body);
    }
    let c = app.customer("c@example.com").await;
    let r = app
        .put(
            "/api/delivery/location",
            Some(&c),
            json!({"lat": 19.0, "lng": 72.8}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "customers have no position to send"
    );
    let (p, _) = app.partner("p@example.com").await;
    let r = app
        .put(
            "/api/delivery/location",
            Some(&p),
            json!({"lat": 91.0, "lng": 72.8}),
        )
        .await;
    assert_eq!(r.code(), "validation_error");
}

/// A cascade survives a restart: the offer made before SIGKILL expires after the
/// restart (no instance's timer is left: the sweeper ends it) and the next partner gets
/// the order, exactly once.
#[tokio::test]
async fn a_restart_in_the_middle_of_a_cascade_continues_it() {
    let dir = std::env::temp_dir().join(format!("qc-restart-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/qc.db", dir.display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start_process(&dir, &db, port).await;
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, token: Option<&str>, body: Value| {
        let mut rb = http.request(method, format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        async move {
            let r = rb.send().await.unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // Set-up through the public API and the admin command.
    let admin = admin_token(&dir, &db, port, &call).await;
    let (_, stores) = call(
        reqwest::Method::GET,
        "/api/admin/stores",
        Some(&admin),
        Value::Null,
    )
    .await;
    let store = stores["stores"][0]["id"].as_str().unwrap().to_owned();
    let (s, r) = call(
        reqwest::Method::PUT,
        &format!("/api/admin/stores/{store}"),
        Some(&admin),
        json!({"settings": {"dispatchMode": "auto", "offerTimeoutSecs": 3, "maxOfferRounds": 5,
                            "maxPromiseMinutes": 0}}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let mut riders = Vec::new();
    for (i, km) in [0.2, 1.0].iter().enumerate() {
        let (_, r) = call(
            reqwest::Method::POST,
            "/api/auth/register",
            None,
            json!({"name": format!("Rider {i}"), "email": format!("r{i}@example.com"),
                   "password": "password123", "role": "delivery"}),
        )
        .await;
        let (token, id) = (
            r["token"].as_str().unwrap().to_owned(),
            r["user"]["id"].as_str().unwrap().to_owned(),
        );
        call(
            reqwest::Method::POST,
            &format!("/api/admin/partners/{id}/verify"),
            Some(&admin),
            json!({"verified": true}),
        )
        .await;
        call(
            reqwest::Method::PUT,
            "/api/delivery/availability",
            Some(&token),
            json!({"available": true}),
        )
        .await;
        let (lat, lng) = north(*km);
        call(
            reqwest::Method::PUT,
            "/api/delivery/location",
            Some(&token),
            json!({"lat": lat, "lng": lng}),
        )
        .await;
        riders.push((token, *km));
    }
    let (s, r) = call(
        reqwest::Method::POST,
        "/api/admin/categories",
        Some(&admin),
        json!({"slug": "staples", "name": "Staples"}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let (_, r) = call(
        reqwest::Method::POST,
        "/api/admin/products",
        Some(&admin),
        json!({"sku": "RS-1", "name": "Rice", "category": "staples", "unit": "1 kg",
               "price": 9000, "stock": 20}),
    )
    .await;
    let product = r["product"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{r}"));
    let (_, r) = call(
        reqwest::Method::POST,
        "/api/auth/register",
        None,
        json!({"name": "Cust", "email": "c@example.com", "password": "password123"}),
    )
    .await;
    let customer = r["token"].as_str().unwrap().to_owned();
    let (lat, lng) = north(1.0);
    let (s, r) = call(
        reqwest::Method::POST,
        "/api/customer/orders",
        Some(&customer),
        json!({"items": [{"productId": product, "quantity": 1}],
               "deliveryAddress": {"street": "1 Hill Rd", "city": "Mumbai", "state": "MH",
                                   "zipCode": "400050", "lat": lat, "lng": lng}}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let order = r["order"]["id"].as_str().unwrap().to_owned();
    let (_, offers) = call(
        reqwest::Method::GET,
        "/api/delivery/offers",
        Some(&riders[0].0),
        Value::Null,
    )
    .await;
    assert_eq!(offers["offers"][0]["order"]["id"], json!(order), "{offers}");

    // Killed with the offer live; started again on the same database.
    server.kill9();
    server = start_process(&dir, &db, port).await;
    // The second rider's socket, then positions again (as the app sends them).
    let mut second = qc_sioclient::Client::connect(
        &base,
        qc_sioclient::Options {
            auth: Some(json!({"token": riders[1].0})),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (token, km) in &riders {
        let (lat, lng) = north(*km);
        call(
            reqwest::Method::PUT,
            "/api/delivery/location",
            Some(token),
            json!({"lat": lat, "lng": lng}),
        )
        .await;
    }
    let offer = second
        .expect("order:offer", Duration::from_secs(8))
        .await
        .unwrap();
    assert_eq!(
        (offer["order"]["id"].clone(), offer["round"].clone()),
        (json!(order), json!(2))
    );
    let more = second.drain(Duration::from_millis(800)).await;
    assert!(
        more.iter().all(|e| e.name != "order:offer"),
        "offered twice: {more:?}"
    );
    let (s, r) = call(
        reqwest::Method::POST,
        &format!("/api/delivery/orders/{order}/accept"),
        Some(&riders[1].0),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (_, detail) = call(
        reqwest::Method::GET,
        &format!("/api/admin/orders/{order}"),
        Some(&admin),
        Value::Null,
    )
    .await;
    let states: Vec<&str> = detail["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["expired", "accepted"]);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Process(std::process::Child);

impl Process {
    fn kill9(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn command(dir: &std::path::Path, db: &str, port: u16) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_quickcommerce"));
    cmd.env("PORT", port.to_string())
        .env("DATABASE_URL", db)
        .env("JWT_SECRET", JWT_SECRET)
        .env("APP_ENV", "test")
        .env("QC_WEB_DIR", dir.join("no-web"))
        .env("QC_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .env("QC_REGISTRATIONS_PER_HOUR", "0")
        .env("QC_ADMIN_PASSWORD", "password123");
    cmd
}

async fn start_process(dir: &std::path::Path, db: &str, port: u16) -> Process {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .unwrap();
    // Owned by `Process` at once: its drop kills and waits for it on every path.
    let process = Process(
        command(dir, db, port)
            .arg("serve")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}/health/ready");
    for _ in 0..200 {
        if reqwest::get(&url)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return process;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

async fn admin_token<F, Fut>(dir: &std::path::Path, db: &str, port: u16, call: &F) -> String
where
    F: Fn(reqwest::Method, &str, Option<&str>, Value) -> Fut,
    Fut: std::future::Future<Output = (reqwest::StatusCode, Value)>,
{
    let status = command(dir, db, port)
        .args(["create-admin", "--email", "ops@example.com"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let (_, r) = call(
        reqwest::Method::POST,
        "/api/auth/login",
        None,
        json!({"email": "ops@example.com", "password": "password123"}),
    )
    .await;
    r["token"].as_str().unwrap().to_owned()
}
