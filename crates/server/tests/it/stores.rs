//! Many dark stores, on both backends: zones (inside, outside, edge, hole), zip codes,
//! overlaps, per-store stock and catalogs, the store an order goes to and the refusals
//! (not serviceable, closed, paused, busy, mismatch), the promise moving with the queue
//! and the riders, partners hearing only their store, admin store editing, and a
//! single-store database migrating into one store.

use crate::common::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(400);

/// Kothrud, Pune: a square with a hole (a lake nobody delivers to).
fn kothrud_zone() -> Value {
    json!({"type": "Polygon", "coordinates": [
        [[73.78, 18.49], [73.83, 18.49], [73.83, 18.53], [73.78, 18.53], [73.78, 18.49]],
        [[73.80, 18.50], [73.81, 18.50], [73.81, 18.51], [73.80, 18.51], [73.80, 18.50]]
    ]})
}

/// Shivajinagar, Pune: overlaps Kothrud between 73.825 and 73.83.
fn shivajinagar_zone() -> Value {
    json!({"type": "Polygon", "coordinates": [
        [[73.825, 18.51], [73.87, 18.51], [73.87, 18.55], [73.825, 18.55], [73.825, 18.51]]
    ]})
}

const KOTHRUD: (f64, f64) = (18.5074, 73.8077);
const SHIVAJINAGAR: (f64, f64) = (18.5308, 73.8475);
/// In both zones: about 2.6 km from Kothrud, 2.4 km from Shivajinagar.
const OVERLAP: (f64, f64) = (18.52, 73.828);
/// Only in Shivajinagar's zone.
const DECCAN: (f64, f64) = (18.517, 73.842);

async fn create_store(app: &TestApp, admin: &str, body: Value) -> Value {
    let r = app.post("/api/admin/stores", Some(admin), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["store"].clone()
}

/// Kothrud and Shivajinagar, never busy unless a test says so; returns their ids.
async fn pune(app: &TestApp, admin: &str) -> (String, String) {
    let k = create_store(
        app,
        admin,
        json!({"code": "KTD", "name": "Kothrud", "address": "Karve Road",
               "location": {"lat": KOTHRUD.0, "lng": KOTHRUD.1}, "zone": kothrud_zone(),
               "settings": {"maxPromiseMinutes": 0}}),
    )
    .await;
    let s = create_store(
        app,
        admin,
        json!({"code": "SVN", "name": "Shivajinagar",
               "location": {"lat": SHIVAJINAGAR.0, "lng": SHIVAJINAGAR.1},
               "zone": shivajinagar_zone(), "zipCodes": ["411005"],
               "settings": {"maxPromiseMinutes": 0}}),
    )
    .await;
    (
        k["id"].as_str().unwrap().to_owned(),
        s["id"].as_str().unwrap().to_owned(),
    )
}

async fn check(app: &TestApp, token: &str, query: &str) -> Value {
    let r = app
        .get(
            &format!("/api/customer/serviceability?{query}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    r.body
}

async fn check_at(app: &TestApp, token: &str, (lat, lng): (f64, f64)) -> Value {
    check(app, token, &format!("lat={lat}&lng={lng}")).await
}

fn order_at(product: &str, qty: i64, (lat, lng): (f64, f64)) -> Value {
    json!({
        "items": [{"productId": product, "quantity": qty}],
        "deliveryAddress": {"street": "5 FC Road", "city": "Pune", "state": "Maharashtra",
                            "zipCode": "411004", "lat": lat, "lng": lng},
        "paymentMethod": "cash"
    })
}

/// The promise for an address in Deccan, polled until `ok` holds (loads are refreshed
/// in the background, within 200 ms of a change made here).
async fn promise_until(app: &TestApp, token: &str, what: &str, ok: impl Fn(u64) -> bool) -> u64 {
    let until = tokio::time::Instant::now() + WAIT;
    loop {
        let minutes = check_at(app, token, DECCAN).await["promise"]["minutes"]
            .as_u64()
            .unwrap();
        if ok(minutes) {
            return minutes;
        }
        assert!(
            tokio::time::Instant::now() < until,
            "timed out waiting until {what} (promise {minutes} min)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn serviceability_follows_zones_holes_edges_zips_and_overlaps() {
    for app in spawn_all(&[]).await {
        let admin = app.admin("ops@example.com").await;
        let c = app.customer("c@example.com").await;
        let (kothrud, shivajinagar) = pune(&app, &admin).await;
        let b = app.backend;

        let inside = check_at(&app, &c, (18.495, 73.79)).await;
        assert_eq!(
            (
                &inside["serviceable"],
                &inside["store"]["id"],
                &inside["state"]
            ),
            (&json!(true), &json!(kothrud), &json!("open")),
            "{b}: {inside}"
        );
        assert!(inside["promise"]["minutes"].as_u64().unwrap() > 0);
        assert!(inside["promise"]["deliverBy"].is_string());
        assert!(inside["reason"].is_null());

        for (what, at) in [
            ("outside every zone", (18.60, 73.70)),
            ("in the hole", (18.505, 73.805)),
        ] {
            let r = check_at(&app, &c, at).await;
            assert_eq!(
                (&r["serviceable"], &r["reason"], &r["store"]),
                (&json!(false), &json!("outside_service_area"), &Value::Null),
                "{b}: {what}: {r}"
            );
        }
        let edge = check_at(&app, &c, (18.49, 73.80)).await;
        assert_eq!(
            edge["store"]["id"],
            json!(kothrud),
            "{b}: on the edge is in"
        );

        // A zip code is enough (and spaces and case do not matter).
        let zip = check(&app, &c, "zipCode=%20411005%20").await;
        assert_eq!(zip["store"]["id"], json!(shivajinagar), "{b}: {zip}");
        let unknown = check(&app, &c, "zipCode=999999").await;
        assert_eq!(unknown["reason"], "outside_service_area");

        // Overlap: equal loads, so the nearer store (also the faster) serves.
        let both = check_at(&app, &c, OVERLAP).await;
        assert_eq!(both["store"]["id"], json!(shivajinagar), "{b}: {both}");
        // Shivajinagar paused: Kothrud serves the overlap; outside the overlap the
        // paused store answers `store_closed`.
        let r = app
            .put(
                &format!("/api/admin/stores/{shivajinagar}"),
                Some(&admin),
                json!({"paused": true}),
            )
            .await;
        assert_eq!(r.body["store"]["state"], "closed", "{}", r.body);
        let both = check_at(&app, &c, OVERLAP).await;
        assert_eq!(both["store"]["id"], json!(kothrud), "{b}: {both}");
        let closed = check_at(&app, &c, DECCAN).await;
        assert_eq!(
            (
                &closed["serviceable"],
                &closed["reason"],
                &closed["store"]["id"]
            ),
            (&json!(false), &json!("store_closed"), &json!(shivajinagar)),
            "{b}: {closed}"
        );

        // The public list, without signing in; and the public check.
        let r = app.get("/api/stores", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let states: Vec<(String, String)> = r.body["stores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["code"].as_str().unwrap().to_owned(),
                    s["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert!(
            states.contains(&("SVN".into(), "closed".into())),
            "{states:?}"
        );
        assert!(
            states.contains(&("KTD".into(), "open".into())),
            "{states:?}"
        );
        let r = app
            .get(
                &format!("/api/stores/serviceability?lat={}&lng={}", 18.495, 73.79),
                None,
            )
            .await;
        assert_eq!(r.body["store"]["code"], "KTD", "{}", r.body);
        let r = app
            .get("/api/stores/serviceability?addressId=x", None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let r = app.get("/api/customer/serviceability", Some(&c)).await;
        assert_eq!(r.code(), "validation_error");
    }
}

#[tokio::test]
async fn invalid_stores_are_refused_with_the_reason() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let base = json!({"code": "X1", "name": "X", "location": {"lat": 18.5, "lng": 73.8}});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let mut ring: Vec<[f64; 2]> = (0..2_001)
        .map(|i| {
            let a = std::f64::consts::TAU * f64::from(i) / 2_001.0;
            [73.8 + 0.01 * a.cos(), 18.5 + 0.01 * a.sin()]
        })
        .collect();
    ring.push(ring[0]);
    for (what, body, code, mentions) in [
        (
            "unclosed ring",
            with(
                "zone",
                json!({"type": "Polygon", "coordinates": [[[73.7, 18.4], [73.9, 18.4], [73.9, 18.6], [73.7, 18.6]]]}),
            ),
            "invalid_zone",
            "closed",
        ),
        (
            "bad coordinate",
            with(
                "zone",
                json!({"type": "Polygon", "coordinates": [[[73.7, 18.4], [273.9, 18.4], [73.9, 18.6], [73.7, 18.4]]]}),
            ),
            "invalid_zone",
            "longitude, latitude",
        ),
        (
            "self-intersection",
            with(
                "zone",
                json!({"type": "Polygon", "coordinates": [[[73.7, 18.4], [73.9, 18.6], [73.9, 18.4], [73.7, 18.6], [73.7, 18.4]]]}),
            ),
            "invalid_zone",
            "intersect",
        ),
        (
            "too many vertices",
            with("zone", json!({"type": "Polygon", "coordinates": [ring]})),
            "invalid_zone",
            "2000",
        ),
        (
            "not a polygon",
            with(
                "zone",
                json!({"type": "Point", "coordinates": [73.8, 18.5]}),
            ),
            "invalid_zone",
            "olygon",
        ),
        (
            "no zone and no zip codes",
            base.clone(),
            "invalid_zone",
            "zip",
        ),
        (
            "bad hours",
            with(
                "hours",
                json!({"mon": [{"open": "25:00", "close": "23:00"}]}),
            ),
            "invalid_hours",
            "",
        ),
        (
            "bad time zone",
            with("timezone", json!("Mars/Olympus")),
            "invalid_hours",
            "",
        ),
    ] {
        let mut body = body;
        if what == "bad hours" || what == "bad time zone" {
            body["zipCodes"] = json!(["411001"]);
        }
        let r = app.post("/api/admin/stores", Some(&admin), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}: {}", r.body);
        assert_eq!(r.code(), code, "{what}: {}", r.body);
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(mentions), "{what}: {message}");
    }
    let r = app
        .post(
            "/api/admin/stores",
            Some(&admin),
            with(
                "settings",
                json!({"pickCapacity": 0, "maxPromiseMinutes": "soon"}),
            ),
        )
        .await;
    assert_eq!(r.code(), "validation_error", "{}", r.body);
    let ok = with("zipCodes", json!(["411001"]));
    create_store(&app, &admin, ok.clone()).await;
    let r = app.post("/api/admin/stores", Some(&admin), ok).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "store_code_taken")
    );
    let customer = app.customer("c@example.com").await;
    let r = app.get("/api/admin/stores", Some(&customer)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.get("/api/admin/stores/nope", Some(&admin)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "store_not_found")
    );
}

#[tokio::test]
async fn catalogs_carts_and_orders_use_the_serving_stores_stock() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let (kothrud, shivajinagar) = pune(&app, &admin).await;
        let c = app.customer("c@example.com").await;
        let mango = app.product("Mango", 10_000, 0).await;
        app.set_stock(&admin, &kothrud, &mango, 2).await;
        app.set_stock(&admin, &shivajinagar, &mango, 9).await;

        // The catalog and one product, for a store, a point, or the default address.
        let r = app
            .get(
                &format!("/api/customer/products?storeId={kothrud}&search=Mango"),
                Some(&c),
            )
            .await;
        assert_eq!(
            (&r.body["products"][0]["stock"], &r.body["store"]["id"]),
            (&json!(2), &json!(kothrud)),
            "{b}: {}",
            r.body
        );
        let r = app
            .get(
                &format!(
                    "/api/customer/products?lat={}&lng={}&search=Mango",
                    DECCAN.0, DECCAN.1
                ),
                Some(&c),
            )
            .await;
        assert_eq!(r.body["products"][0]["stock"], 9, "{b}: {}", r.body);
        let r = app
            .get(
                &format!("/api/customer/products/{mango}?storeId={kothrud}"),
                Some(&c),
            )
            .await;
        assert_eq!(
            (&r.body["product"]["stock"], &r.body["store"]["code"]),
            (&json!(2), &json!("KTD"))
        );
        let r = app
            .post(
                "/api/customer/addresses",
                Some(&c),
                json!({"label": "Home", "street": "5 FC Road", "city": "Pune", "state": "MH",
                       "zipCode": "411004", "lat": DECCAN.0, "lng": DECCAN.1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = app
            .get("/api/customer/products?search=Mango", Some(&c))
            .await;
        assert_eq!(
            r.body["store"]["id"],
            json!(shivajinagar),
            "{b}: the default address decides"
        );
        let r = app
            .get("/api/customer/products?storeId=nope", Some(&c))
            .await;
        assert_eq!(r.code(), "store_not_found");

        // The cart check answers for the store asked about.
        let cart = json!({"items": [{"productId": mango, "quantity": 3}], "storeId": kothrud});
        let r = app
            .post("/api/customer/cart/validate", Some(&c), cart)
            .await;
        assert_eq!(
            (
                &r.body["valid"],
                &r.body["items"][0]["available"],
                &r.body["store"]["id"]
            ),
            (&json!(false), &json!(2), &json!(kothrud)),
            "{b}: {}",
            r.body
        );

        // Orders: the address decides the store; a cart built for another store is
        // refused; stock leaves that store only, also under concurrent orders at both.
        let mut wrong = order_at(&mango, 1, DECCAN);
        wrong["storeId"] = json!(kothrud);
        let r = app.post("/api/customer/orders", Some(&c), wrong).await;
        assert_eq!(
            (
                r.status,
                r.code(),
                &r.body["error"]["details"]["store"]["id"]
            ),
            (StatusCode::CONFLICT, "store_mismatch", &json!(shivajinagar)),
            "{b}: {}",
            r.body
        );
        let results = join_all((0..12).map(|i| {
            let at = if i % 2 == 0 { (18.495, 73.79) } else { DECCAN };
            app.post("/api/customer/orders", Some(&c), order_at(&mango, 1, at))
        }))
        .await;
        let placed: Vec<&Value> = results
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .map(|r| &r.body["order"])
            .collect();
        let from = |id: &str| placed.iter().filter(|o| o["store"]["id"] == id).count();
        assert_eq!((from(&kothrud), from(&shivajinagar)), (2, 6), "{b}");
        for r in &results {
            assert!(
                r.status == StatusCode::CREATED || r.code() == "insufficient_stock",
                "{b}: {}",
                r.body
            );
        }
        assert_eq!(app.stock_at(&kothrud, &mango).await, 0, "{b}");
        assert_eq!(app.stock_at(&shivajinagar, &mango).await, 3, "{b}");
        let order = placed[0];
        assert!(order["promisedMinutes"].as_u64().unwrap() > 0, "{order}");
        let promised_at = order["promisedAt"].as_str().unwrap();
        let created = order["createdAt"].as_str().unwrap();
        assert!(promised_at > created, "{order}");
        assert!(order["late"] == false, "{order}");

        // The customer's view of the order keeps the store and the promise.
        let id = order["id"].as_str().unwrap();
        let r = app
            .get(&format!("/api/customer/orders/{id}"), Some(&c))
            .await;
        assert_eq!(r.body["order"]["store"], order["store"]);
        assert_eq!(r.body["order"]["promisedAt"], order["promisedAt"]);
        let r = app
            .get(&format!("/api/customer/orders/{id}/tracking"), Some(&c))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.to_string().contains("promisedAt"), "{}", r.body);

        // Admin stock needs a store once there are several.
        let r = app
            .post(
                &format!("/api/admin/products/{mango}/stock"),
                Some(&admin),
                json!({"set": 5, "reason": "count"}),
            )
            .await;
        assert_eq!(r.code(), "validation_error", "{}", r.body);
    }
}

#[tokio::test]
async fn refusals_not_serviceable_closed_paused_and_busy() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let (kothrud, shivajinagar) = pune(&app, &admin).await;
        let c = app.customer("c@example.com").await;
        let milk = app.product("Milk", 3_000, 0).await;
        app.set_stock(&admin, &kothrud, &milk, 50).await;
        app.set_stock(&admin, &shivajinagar, &milk, 50).await;

        let r = app
            .post(
                "/api/customer/orders",
                Some(&c),
                order_at(&milk, 1, (18.60, 73.70)),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "not_serviceable"),
            "{b}: {}",
            r.body
        );
        // A pin far outside Shivajinagar's drawn zone is not served because its zip
        // code is listed there: the pin wins (the zip code is for addresses without
        // one, or for stores without a drawn zone).
        let mut far = order_at(&milk, 1, (18.60, 73.70));
        far["deliveryAddress"]["zipCode"] = json!("411005");
        let r = app.post("/api/customer/orders", Some(&c), far).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "not_serviceable"),
            "{b}: {}",
            r.body
        );
        let mut no_pin = order_at(&milk, 1, (0.0, 0.0));
        no_pin["deliveryAddress"]["zipCode"] = json!("411005");
        no_pin["deliveryAddress"]
            .as_object_mut()
            .unwrap()
            .retain(|k, _| k != "lat" && k != "lng");
        let r = app.post("/api/customer/orders", Some(&c), no_pin).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        assert_eq!(r.body["order"]["store"]["id"], json!(shivajinagar), "{b}");

        // Closed by its hours: open only an hour that is not now (UTC).
        let now = chrono::Utc::now();
        let later = (now + chrono::Duration::hours(3))
            .format("%H:00")
            .to_string();
        let after = (now + chrono::Duration::hours(4))
            .format("%H:00")
            .to_string();
        let day = |d: &str| (d.to_owned(), json!([{"open": later, "close": after}]));
        let hours: serde_json::Map<String, Value> =
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .iter()
                .map(|d| day(d))
                .collect();
        let r = app
            .put(
                &format!("/api/admin/stores/{kothrud}"),
                Some(&admin),
                json!({"timezone": "UTC", "hours": hours}),
            )
            .await;
        assert_eq!(r.body["store"]["state"], "closed", "{b}: {}", r.body);
        let r = app
            .post(
                "/api/customer/orders",
                Some(&c),
                order_at(&milk, 1, (18.495, 73.79)),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "store_closed"),
            "{b}: {}",
            r.body
        );
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Kothrud")
        );

        // Paused: closed at once; resumed: open at once.
        let store_path = format!("/api/admin/stores/{shivajinagar}");
        let pause = |paused: bool| app.put(&store_path, Some(&admin), json!({"paused": paused}));
        pause(true).await;
        let r = app
            .post("/api/customer/orders", Some(&c), order_at(&milk, 1, DECCAN))
            .await;
        assert_eq!(r.code(), "store_closed", "{b}: {}", r.body);
        let r = pause(false).await;
        assert_eq!(r.body["store"]["state"], "open");
        let r = app
            .post("/api/customer/orders", Some(&c), order_at(&milk, 1, DECCAN))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);

        // Busy: a promise over the store's maximum is refused with the promise.
        app.put(
            &format!("/api/admin/stores/{shivajinagar}"),
            Some(&admin),
            json!({"settings": {"maxPromiseMinutes": 5}}),
        )
        .await;
        let r = app
            .post("/api/customer/orders", Some(&c), order_at(&milk, 1, DECCAN))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "store_busy"),
            "{b}: {}",
            r.body
        );
        assert!(
            r.body["error"]["details"]["promise"]["minutes"]
                .as_u64()
                .unwrap()
                > 5
        );
        let s = check_at(&app, &c, DECCAN).await;
        assert_eq!(
            (&s["serviceable"], &s["reason"], &s["state"]),
            (&json!(false), &json!("store_busy"), &json!("busy")),
            "{b}: {s}"
        );
        assert!(s["promise"]["minutes"].as_u64().unwrap() > 5, "{s}");
        // Other settings were kept when one changed.
        let r = app
            .get(&format!("/api/admin/stores/{shivajinagar}"), Some(&admin))
            .await;
        assert_eq!(r.body["store"]["settings"], json!({"maxPromiseMinutes": 5}));
    }
}

#[tokio::test]
async fn the_promise_grows_with_the_queue_and_shrinks_with_riders() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let (_, shivajinagar) = pune(&app, &admin).await;
        let c = app.customer("c@example.com").await;
        let rice = app.product("Rice", 9_000, 0).await;
        app.set_stock(&admin, &shivajinagar, &rice, 500).await;
        let idle = promise_until(&app, &c, "a first answer", |_| true).await;
        for _ in 0..4 {
            let r = app
                .post("/api/customer/orders", Some(&c), order_at(&rice, 1, DECCAN))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let queued = promise_until(&app, &c, "the queue shows", |m| m > idle).await;

        // Riders of the store come online: the wait for one shrinks.
        for i in 0..6 {
            let (t, id) = app.partner(&format!("r{i}@example.com")).await;
            let r = app
                .put(
                    &format!("/api/admin/partners/{id}/store"),
                    Some(&admin),
                    json!({"storeId": shivajinagar}),
                )
                .await;
            assert_eq!(r.body["partner"]["homeStore"]["code"], "SVN", "{}", r.body);
            let r = app
                .put(
                    "/api/delivery/availability",
                    Some(&t),
                    json!({"available": true}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        promise_until(&app, &c, "riders shorten the promise", |m| m < queued).await;
        // Loads refresh within 200 ms of a change: the promise may shrink on the first
        // riders' refresh, before the last ones are counted.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let r = loop {
            let r = app
                .get(
                    &format!("/api/admin/stores/{shivajinagar}/load"),
                    Some(&admin),
                )
                .await;
            if r.body["load"]["partnersAvailable"] == json!(6)
                || tokio::time::Instant::now() > deadline
            {
                break r;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let load = &r.body["load"];
        assert_eq!(
            (
                &load["openOrders"],
                &load["waitingForRider"],
                &load["partnersAvailable"]
            ),
            (&json!(4), &json!(4), &json!(6)),
            "{b}: {}",
            r.body
        );
        assert!(load["currentPromiseMinutes"].as_u64().unwrap() > 0);
        assert_eq!(load["deliveredToday"], 0);
        assert!(load["onTimeRateToday"].is_null());
    }
}

/// The `inventory:updated` entries of a store, as one socket heard them.
async fn heard_stock(sock: &mut qc_sioclient::Client) -> Vec<(String, i64)> {
    heard_by(sock, "storeId", WAIT).await
}

/// The next `inventory:updated`: each entry's `key` field and stock.
async fn heard_by(
    sock: &mut qc_sioclient::Client,
    key: &str,
    wait: Duration,
) -> Vec<(String, i64)> {
    let ev = sock.expect("inventory:updated", wait).await.unwrap();
    ev["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l[key].as_str().unwrap().to_owned(),
                l["stock"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn quiet(sock: &mut qc_sioclient::Client) -> Vec<String> {
    sock.drain(QUIET)
        .await
        .into_iter()
        .filter(|e| e.name == "inventory:updated")
        .map(|e| e.data.to_string())
        .collect()
}

#[tokio::test]
async fn shoppers_hear_the_stock_of_the_store_they_watch_only() {
    // Every change at once: this test is about who hears, the next one about how often.
    for app in spawn_all(&[("QC_INVENTORY_WINDOW_MS", "0")]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let (kothrud, shivajinagar) = pune(&app, &admin).await;
        let mango = app.product("Mango", 10_000, 0).await;
        let (k_token, s_token, old_token) = (
            app.customer("k@example.com").await,
            app.customer("s@example.com").await,
            app.customer("old@example.com").await,
        );
        let mut at_k = app.socket(&k_token).await;
        let mut at_s = app.socket(&s_token).await;
        let mut old = app.socket(&old_token).await;
        let mut ops = app.socket(&admin).await;
        let watch = |store: &str| json!({"storeId": store});

        let ack = at_k
            .emit_with_ack("catalog:watch", &watch(&kothrud), WAIT)
            .await
            .unwrap();
        assert_eq!(
            (&ack["success"], &ack["data"]["id"], &ack["data"]["code"]),
            (&json!(true), &json!(kothrud), &json!("KTD")),
            "{b}: {ack}"
        );
        // Switching stores leaves the first one.
        at_s.emit_with_ack("catalog:watch", &watch(&kothrud), WAIT)
            .await
            .unwrap();
        let ack = at_s
            .emit_with_ack("catalog:watch", &watch(&shivajinagar), WAIT)
            .await
            .unwrap();
        assert_eq!(ack["data"]["id"], json!(shivajinagar), "{b}: {ack}");
        // A store nobody has, or no store at all: refused, and the old socket still
        // watches every store.
        let ack = old
            .emit_with_ack("catalog:watch", &watch("nope"), WAIT)
            .await
            .unwrap();
        assert_eq!(ack["error"]["code"], "store_not_found", "{b}: {ack}");
        let ack = old
            .emit_with_ack("catalog:watch", &json!({"store": kothrud}), WAIT)
            .await
            .unwrap();
        assert_eq!(ack["error"]["code"], "invalid_payload", "{b}: {ack}");

        app.set_stock(&admin, &kothrud, &mango, 5).await;
        let k = vec![(kothrud.clone(), 5)];
        assert_eq!(heard_stock(&mut at_k).await, k, "{b}");
        assert_eq!(heard_stock(&mut old).await, k, "{b}");
        assert_eq!(heard_stock(&mut ops).await, k, "{b}");
        assert_eq!(
            quiet(&mut at_s).await,
            Vec::<String>::new(),
            "{b}: not its store"
        );

        app.set_stock(&admin, &shivajinagar, &mango, 7).await;
        let s = vec![(shivajinagar.clone(), 7)];
        assert_eq!(heard_stock(&mut at_s).await, s, "{b}");
        assert_eq!(heard_stock(&mut old).await, s, "{b}");
        assert_eq!(heard_stock(&mut ops).await, s, "{b}");
        assert_eq!(
            quiet(&mut at_k).await,
            Vec::<String>::new(),
            "{b}: not its store"
        );

        // One push across both stores: each watcher hears its store's line, the old
        // socket and admins hear both in one event.
        let key = stock_key(&app, &admin).await;
        let r = app
            .client
            .put(format!("{}/api/integrations/stock", app.base))
            .bearer_auth(&key)
            .json(
                &json!({"lines": [{"storeId": kothrud, "productId": mango, "set": 11},
                                    {"storeId": shivajinagar, "productId": mango, "set": 12}]}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        assert_eq!(
            heard_stock(&mut at_k).await,
            vec![(kothrud.clone(), 11)],
            "{b}"
        );
        assert_eq!(
            heard_stock(&mut at_s).await,
            vec![(shivajinagar.clone(), 12)],
            "{b}"
        );
        let both = vec![(kothrud.clone(), 11), (shivajinagar.clone(), 12)];
        assert_eq!(heard_stock(&mut old).await, both, "{b}");
        assert_eq!(heard_stock(&mut ops).await, both, "{b}");
        for sock in [&mut at_k, &mut at_s, &mut old, &mut ops] {
            assert_eq!(
                quiet(sock).await,
                Vec::<String>::new(),
                "{b}: one event each"
            );
        }
    }
}

/// A customer's socket that watches `store`, one that watches none (an app from before
/// `catalog:watch`), and an admin's socket.
async fn shoppers_and_admin(
    app: &TestApp,
    admin: &str,
    store: &str,
) -> (
    qc_sioclient::Client,
    qc_sioclient::Client,
    qc_sioclient::Client,
) {
    let watcher = app.socket(&app.customer("w@example.com").await).await;
    let old = app.socket(&app.customer("old@example.com").await).await;
    let ops = app.socket(admin).await;
    let ack = watcher
        .emit_with_ack("catalog:watch", &json!({"storeId": store}), WAIT)
        .await
        .unwrap();
    assert_eq!(ack["success"], json!(true), "{}: {ack}", app.backend);
    (watcher, old, ops)
}

/// An integration key that may write stock (`PUT /api/integrations/stock`).
async fn stock_key(app: &TestApp, admin: &str) -> String {
    let r = app
        .post(
            "/api/admin/api-keys",
            Some(admin),
            json!({"name": "ERP", "scopes": ["stock:write"]}),
        )
        .await;
    r.body["secret"].as_str().unwrap().to_owned()
}

/// The products and levels of the next `inventory:updated` the socket hears.
async fn heard_levels(sock: &mut qc_sioclient::Client, wait: Duration) -> Vec<(String, i64)> {
    heard_by(sock, "productId", wait).await
}

#[tokio::test]
async fn a_stores_shoppers_and_admins_hear_its_stock_at_most_once_a_window() {
    // A window long enough that three admin requests always fall inside it.
    for app in spawn_all(&[("QC_INVENTORY_WINDOW_MS", "3000")]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let (kothrud, _) = pune(&app, &admin).await;
        let mango = app.product("Mango", 10_000, 0).await;
        let apple = app.product("Apple", 8_000, 0).await;
        let (mut at_k, mut old, mut ops) = shoppers_and_admin(&app, &admin, &kothrud).await;

        // The first change goes at once...
        app.set_stock(&admin, &kothrud, &mango, 5).await;
        // ...the next three within the window wait and leave together, each product at
        // its latest level.
        app.set_stock(&admin, &kothrud, &mango, 6).await;
        app.set_stock(&admin, &kothrud, &apple, 3).await;
        app.set_stock(&admin, &kothrud, &mango, 7).await;
        let long = Duration::from_secs(10);
        // The store's watchers, and admins (who watch every store) the same way.
        for sock in [&mut at_k, &mut ops] {
            assert_eq!(
                heard_levels(sock, long).await,
                vec![(mango.clone(), 5)],
                "{b}: the first change is not held"
            );
            assert_eq!(
                heard_levels(sock, long).await,
                vec![(mango.clone(), 7), (apple.clone(), 3)],
                "{b}: one event with the latest levels"
            );
            assert_eq!(quiet(sock).await, Vec::<String>::new(), "{b}: nothing more");
        }
        // Shoppers who watch no store hear every change.
        for want in [(&mango, 5), (&mango, 6), (&apple, 3), (&mango, 7)] {
            assert_eq!(
                heard_levels(&mut old, WAIT).await,
                vec![(want.0.clone(), want.1)],
                "{b}"
            );
        }
    }
}

#[tokio::test]
async fn shoppers_hear_only_the_stock_changes_their_screen_shows() {
    // Every change at once: this test is about which changes, not how often.
    for app in spawn_all(&[("QC_INVENTORY_WINDOW_MS", "0")]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let (_, shivajinagar) = pune(&app, &admin).await;
        let tea = app.product("Tea", 2_000, 0).await;
        let c = app.customer("c@example.com").await;
        let (mut watcher, mut old, mut ops) = shoppers_and_admin(&app, &admin, &shivajinagar).await;
        // An admin's change is always told.
        app.set_stock(&admin, &shivajinagar, &tea, 53).await;
        for sock in [&mut watcher, &mut old, &mut ops] {
            assert_eq!(
                heard_levels(sock, WAIT).await,
                vec![(tea.clone(), 53)],
                "{b}"
            );
        }
        let place = |quantity: i64| {
            app.post(
                "/api/customer/orders",
                Some(&c),
                order_at(&tea, quantity, DECCAN),
            )
        };
        // 53 → 51: still "In stock", still up to 50 in a line. Admins hear it; a
        // shopper's screen would not change, so shoppers hear nothing.
        let r = place(2).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        assert_eq!(
            heard_levels(&mut ops, WAIT).await,
            vec![(tea.clone(), 51)],
            "{b}"
        );
        for sock in [&mut watcher, &mut old] {
            assert_eq!(quiet(sock).await, Vec::<String>::new(), "{b}: not shown");
        }
        // 51 → 49: the stepper's limit drops below a line's limit; everyone hears it.
        let r = place(2).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        for sock in [&mut watcher, &mut old, &mut ops] {
            assert_eq!(
                heard_levels(sock, WAIT).await,
                vec![(tea.clone(), 49)],
                "{b}"
            );
        }
        // An order cancelled puts its stock back: 49 → 51 shows (49 → 50 on screen).
        let order = r.body["order"]["id"].as_str().unwrap().to_owned();
        let r = app
            .post(
                &format!("/api/customer/orders/{order}/cancel"),
                Some(&c),
                json!({"reason": "changed my mind"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        for sock in [&mut watcher, &mut old, &mut ops] {
            assert_eq!(
                heard_levels(sock, WAIT).await,
                vec![(tea.clone(), 51)],
                "{b}"
            );
        }
        // A supplier's feed: 51 → 400 is news for admins only.
        let key = stock_key(&app, &admin).await;
        let feed = |set: i64| {
            app.client
                .put(format!("{}/api/integrations/stock", app.base))
                .bearer_auth(&key)
                .json(&json!({"lines": [{"storeId": shivajinagar, "productId": tea, "set": set}]}))
                .send()
        };
        assert_eq!(feed(400).await.unwrap().status(), StatusCode::OK, "{b}");
        assert_eq!(
            heard_levels(&mut ops, WAIT).await,
            vec![(tea.clone(), 400)],
            "{b}"
        );
        for sock in [&mut watcher, &mut old] {
            assert_eq!(quiet(sock).await, Vec::<String>::new(), "{b}: not shown");
        }
        // 400 → 0: sold out, everyone hears it.
        assert_eq!(feed(0).await.unwrap().status(), StatusCode::OK, "{b}");
        for sock in [&mut watcher, &mut old, &mut ops] {
            assert_eq!(
                heard_levels(sock, WAIT).await,
                vec![(tea.clone(), 0)],
                "{b}"
            );
        }
    }
}

#[tokio::test]
async fn partners_hear_and_take_only_their_stores_orders() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let (kothrud, shivajinagar) = pune(&app, &admin).await;
        let c = app.customer("c@example.com").await;
        let tea = app.product("Tea", 2_000, 0).await;
        app.set_stock(&admin, &kothrud, &tea, 20).await;
        app.set_stock(&admin, &shivajinagar, &tea, 20).await;
        let mut riders = Vec::new();
        for (email, store) in [
            ("k@example.com", &kothrud),
            ("s@example.com", &shivajinagar),
        ] {
            let (t, id) = app.partner(email).await;
            let r = app
                .put(
                    &format!("/api/admin/partners/{id}/store"),
                    Some(&admin),
                    json!({"storeId": store}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let s = app.socket(&t).await;
            let ack = s
                .emit_with_ack("delivery:availability", &json!({"available": true}), WAIT)
                .await
                .unwrap();
            assert_eq!(ack["data"]["isAvailable"], true, "{ack}");
            riders.push((t, id, s));
        }
        let r = app
            .post("/api/customer/orders", Some(&c), order_at(&tea, 1, DECCAN))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let order = r.body["order"]["id"].as_str().unwrap().to_owned();
        let offer = riders[1].2.expect("order:created", WAIT).await.unwrap();
        assert_eq!(offer["order"]["id"], json!(order), "{b}");
        assert!(
            riders[0].2.drain(QUIET).await.is_empty(),
            "{b}: Kothrud's rider heard Shivajinagar's order"
        );
        let list = app
            .get("/api/delivery/orders/available", Some(&riders[0].0))
            .await;
        assert_eq!(list.body["orders"], json!([]), "{b}: {}", list.body);
        let list = app
            .get("/api/delivery/orders/available", Some(&riders[1].0))
            .await;
        assert_eq!(list.body["orders"][0]["id"], json!(order));
        let r = app
            .post(
                &format!("/api/delivery/orders/{order}/accept"),
                Some(&riders[0].0),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.body);

        // Moved to Shivajinagar: offered its orders from now on.
        let kid = riders[0].1.clone();
        let r = app
            .put(
                &format!("/api/admin/partners/{kid}/store"),
                Some(&admin),
                json!({"storeId": shivajinagar}),
            )
            .await;
        assert_eq!(r.body["partner"]["homeStore"]["id"], json!(shivajinagar));
        let r = app.get("/api/delivery/profile", Some(&riders[0].0)).await;
        assert_eq!(r.body["partner"]["homeStore"]["code"], "SVN", "{}", r.body);
        let r = app
            .post("/api/customer/orders", Some(&c), order_at(&tea, 1, DECCAN))
            .await;
        let second = r.body["order"]["id"].clone();
        let offer = riders[0].2.expect("order:created", WAIT).await.unwrap();
        assert_eq!(offer["order"]["id"], second, "{b}");
        let r = app
            .post(
                &format!("/api/delivery/orders/{order}/accept"),
                Some(&riders[0].0),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);

        // Admin filters by store.
        let r = app
            .get(
                &format!("/api/admin/partners?storeId={shivajinagar}"),
                Some(&admin),
            )
            .await;
        assert_eq!(
            r.body["partners"].as_array().map(Vec::len),
            Some(2),
            "{}",
            r.body
        );
        let r = app
            .get(
                &format!("/api/admin/orders?storeId={kothrud}"),
                Some(&admin),
            )
            .await;
        assert_eq!(r.body["orders"], json!([]), "{}", r.body);
        let r = app
            .get(
                &format!("/api/admin/stats?storeId={shivajinagar}"),
                Some(&admin),
            )
            .await;
        assert_eq!(
            (
                &r.body["stats"]["ordersToday"]["total"],
                &r.body["stats"]["storeId"]
            ),
            (&json!(2), &json!(shivajinagar)),
            "{}",
            r.body
        );
        let r = app.get("/api/admin/stats?storeId=nope", Some(&admin)).await;
        assert_eq!(r.code(), "store_not_found");
        for (_, _, s) in &riders {
            s.close();
        }
    }
}

#[tokio::test]
async fn partners_register_for_a_store() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    // One store: it is the partner's without asking.
    let r = app
        .post(
            "/api/auth/register",
            None,
            json!({"name": "Ravi", "email": "ravi@example.com", "password": "password123", "role": "delivery"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (_, shivajinagar) = pune(&app, &admin).await;
    let body = |email: &str, store: Option<&str>| {
        let mut b =
            json!({"name": "Sana", "email": email, "password": "password123", "role": "delivery"});
        if let Some(s) = store {
            b["storeId"] = json!(s);
        }
        b
    };
    let r = app
        .post("/api/auth/register", None, body("a@example.com", None))
        .await;
    assert_eq!(r.code(), "validation_error", "{}", r.body);
    let r = app
        .post(
            "/api/auth/register",
            None,
            body("a@example.com", Some("nope")),
        )
        .await;
    assert_eq!(r.code(), "store_not_found", "{}", r.body);
    let r = app
        .post(
            "/api/auth/register",
            None,
            body("a@example.com", Some(&shivajinagar)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = r.body["token"].as_str().unwrap();
    let me = app.get("/api/delivery/profile", Some(token)).await;
    assert_eq!(me.body["partner"]["homeStore"]["id"], json!(shivajinagar));
}

/// The schema before many stores (migrations 0001–0005), with a catalog, stock, an
/// order and its events in it.
async fn legacy_database(url: &str) {
    let dir = std::env::temp_dir().join(format!("qc-legacy-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let backend = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/migrations")
        .join(backend);
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < "0006" {
            std::fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap();
    let t = 1_780_000_000_000_i64;
    let address = r#"{"label":"Home","street":"12 Hill Road","city":"Mumbai","state":"MH","zipCode":"400050","lat":19.0544,"lng":72.8406}"#;
    let statements = vec![
        format!("INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES ('u1', 'old@example.com', 'Old Customer', 'customer', 'x', {t}, {t})"),
        format!("INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES ('d1', 'rider@example.com', 'Old Rider', 'delivery', 'x', {t}, {t})"),
        format!("INSERT INTO delivery_partners (user_id, is_available, is_verified, created_at) VALUES ('d1', FALSE, TRUE, {t})"),
        format!("INSERT INTO categories (id, slug, name, created_at) VALUES ('c1', 'dairy', 'Dairy', {t})"),
        format!("INSERT INTO products (id, sku, name, category_id, unit, price, mrp, stock, sold_count, created_at, updated_at) VALUES ('p1', 'MILK', 'Milk', 'c1', '1 l', 6000, 6500, 37, 5, {t}, {t})"),
        format!("INSERT INTO products (id, sku, name, category_id, unit, price, mrp, stock, sold_count, created_at, updated_at) VALUES ('p2', 'CURD', 'Curd', 'c1', '400 g', 4000, 4000, 0, 2, {t}, {t})"),
        format!("INSERT INTO orders (id, customer_id, partner_id, status, subtotal, delivery_fee, total, payment_method, address, dest_lat, dest_lng, confirmation_code, last_seq, created_at, delivered_at, updated_at) VALUES ('o1', 'u1', 'd1', 'delivered', 12000, 2500, 14500, 'cash', '{address}', 19.0544, 72.8406, '1234', 2, {t}, {t}, {t})"),
        "INSERT INTO order_items (order_id, line, product_id, sku, name, unit, unit_price, quantity, line_total) VALUES ('o1', 0, 'p1', 'MILK', 'Milk', '1 l', 6000, 2, 12000)".to_owned(),
        format!("INSERT INTO order_events (order_id, seq, kind, payload, at) VALUES ('o1', 1, 'order.created', '{{}}', {t})"),
        format!("INSERT INTO order_events (order_id, seq, kind, payload, at) VALUES ('o1', 2, 'order.delivered', '{{}}', {t})"),
        format!("INSERT INTO stock_movements (product_id, delta, stock_after, reason, at) VALUES ('p1', 7, 37, 'delivery', {t})"),
    ];
    if backend == "postgres" {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        for s in &statements {
            sqlx::query(sqlx::AssertSqlSafe(s.as_str()))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    } else {
        let opts: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
        let pool = sqlx::SqlitePool::connect_with(opts.create_if_missing(true))
            .await
            .unwrap();
        migrator.run(&pool).await.unwrap();
        for s in &statements {
            sqlx::query(sqlx::AssertSqlSafe(s.as_str()))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_single_store_database_becomes_one_store_keeping_everything() {
    let mut apps = Vec::new();
    let dir = std::env::temp_dir().join(format!("qc-legacy-db-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite_url = format!("sqlite://{}/old.db", dir.display());
    legacy_database(&sqlite_url).await;
    let extra = [
        ("QC_STORE_LAT", "19.0596"),
        ("QC_STORE_LNG", "72.8295"),
        ("QC_SERVICE_RADIUS_KM", "5"),
    ];
    let mut vars = extra.to_vec();
    vars.push(("DATABASE_URL", sqlite_url.as_str()));
    apps.push(spawn_with(&vars).await);
    if let Ok(base) = std::env::var("QC_TEST_POSTGRES_URL")
        && !base.is_empty()
    {
        let db = qc_store::testing::TempDatabase::create(&base)
            .await
            .unwrap();
        legacy_database(&db.url).await;
        apps.push(spawn_pg(db, &extra).await);
    }
    for app in apps {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let r = app.get("/api/admin/stores", Some(&admin)).await;
        let stores = r.body["stores"].as_array().unwrap();
        assert_eq!(stores.len(), 1, "{b}: {}", r.body);
        let main = &stores[0];
        assert_eq!(
            (&main["id"], &main["code"], &main["location"]),
            (
                &json!("main"),
                &json!("MAIN"),
                &json!({"lat": 19.0596, "lng": 72.8295})
            ),
            "{b}: {main}"
        );
        assert_eq!(main["zone"]["type"], "Polygon", "{b}: a circle of 5 km");
        assert_eq!(main["state"], "open");
        // Stock, sales, the order, its items and events are all still there.
        assert_eq!(app.stock_at("main", "p1").await, 37, "{b}");
        assert_eq!(app.stock_at("main", "p2").await, 0, "{b}");
        let r = app.get("/api/admin/orders/o1", Some(&admin)).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.body["order"]["store"]["id"], "main", "{b}: {}", r.body);
        assert_eq!(r.body["order"]["items"][0]["quantity"], 2);
        assert_eq!(
            r.body["timeline"].as_array().unwrap().len(),
            2,
            "{}",
            r.body
        );
        let r = app.get("/api/admin/partners", Some(&admin)).await;
        assert_eq!(
            r.body["partners"][0]["homeStore"]["id"], "main",
            "{}",
            r.body
        );
        // Within 5 km it is served; 8 km away it is not.
        let c = app.customer("new@example.com").await;
        let near = check_at(&app, &c, (19.0544, 72.8406)).await;
        assert_eq!(near["store"]["id"], "main", "{b}: {near}");
        let far = check_at(&app, &c, (19.13, 72.83)).await;
        assert_eq!(far["reason"], "outside_service_area", "{b}: {far}");
        // Popularity survived: the product with more sales sorts first.
        let r = app
            .get("/api/customer/products?sort=popular", Some(&c))
            .await;
        assert_eq!(r.body["products"][0]["id"], "p1", "{b}: {}", r.body);
    }
    let _ = std::fs::remove_dir_all(dir);
}
