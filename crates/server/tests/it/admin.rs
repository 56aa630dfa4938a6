//! Admin operations over HTTP and Socket.io: the role wall, stats that match a scripted
//! day, online users, blocking, stock pushes, interventions, catalog, metrics.

use crate::common::{TestApp, spawn, spawn_with};
use qc_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn every_admin_route_is_walled_off() {
    let app = spawn().await;
    let customer = app.customer("c@example.com").await;
    let (partner, _) = app.partner("p@example.com").await;
    let doc = quickcommerce::http::openapi_document(&app.state);
    let doc = serde_json::to_value(doc).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/admin") {
            continue;
        }
        let concrete = path.replace("{orderId}", "x").replace("{id}", "x");
        for method in item.as_object().unwrap().keys() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (m != Method::GET).then(|| json!({}));
            let anon = app.req(m.clone(), &concrete, None, body.clone()).await;
            assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            for token in [&customer, &partner] {
                let r = app
                    .req(m.clone(), &concrete, Some(token), body.clone())
                    .await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
                assert_eq!(r.code(), "forbidden_role");
            }
            checked += 1;
        }
    }
    assert!(checked >= 19, "only {checked} admin routes found");
}

async fn drive(app: &TestApp, order_id: &str, partner: &str, to: &[&str]) {
    for s in to {
        let r = app
            .put(
                &format!("/api/delivery/orders/{order_id}/status"),
                Some(partner),
                json!({"status": s}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

pub async fn deliver(app: &TestApp, order: &Value, partner: &str) {
    let id = order["id"].as_str().unwrap();
    drive(app, id, partner, &["picked_up", "on_the_way"]).await;
    let r = app
        .put(
            &format!("/api/delivery/orders/{id}/status"),
            Some(partner),
            json!({"status": "delivered", "confirmationCode": order["confirmationCode"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

pub async fn accept(app: &TestApp, order: &Value, partner: &str) {
    let r = app
        .post(
            &format!(
                "/api/delivery/orders/{}/accept",
                order["id"].as_str().unwrap()
            ),
            Some(partner),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn stats_and_online_counts_match_a_scripted_day() {
    let app = spawn_with(&[("QC_MAX_ACTIVE_ORDERS", "10")]).await;
    let admin = app.admin("ops@example.com").await;
    let product = app.product("Tea", 10_000, 100).await;
    let low = app.product("Saffron", 50_000, 2).await;
    let (c1, _) = app.user("c1@example.com", Role::Customer).await;
    let (c2, _) = app.user("c2@example.com", Role::Customer).await;
    let (p1, _) = app.partner("p1@example.com").await;
    let (p2, _) = app.partner("p2@example.com").await;
    app.user("p3@example.com", Role::Delivery).await;

    // 7 orders: 2 pending, 1 accepted, 1 picked up, 2 delivered, 1 cancelled.
    let mut orders = Vec::new();
    for i in 0..7 {
        orders.push(
            app.place(if i % 2 == 0 { &c1 } else { &c2 }, &product, 1)
                .await,
        );
    }
    accept(&app, &orders[2], &p1).await;
    accept(&app, &orders[3], &p1).await;
    drive(&app, orders[3]["id"].as_str().unwrap(), &p1, &["picked_up"]).await;
    for o in &orders[4..6] {
        accept(&app, o, &p2).await;
        deliver(&app, o, &p2).await;
    }
    app.post(
        &format!(
            "/api/customer/orders/{}/cancel",
            orders[6]["id"].as_str().unwrap()
        ),
        Some(&c1),
        json!({}),
    )
    .await;

    // Presence: c1 with three tabs, c2 with one, p1 online, the admin online.
    let mut sockets = Vec::new();
    for t in [&c1, &c1, &c1, &c2, &p1, &admin] {
        sockets.push(app.socket(t).await);
    }
    let online = app.get("/api/admin/online-users", Some(&admin)).await;
    assert_eq!(online.status, StatusCode::OK);
    assert_eq!(
        online.body,
        json!({"success": true, "onlineUsers": {"customers": 2, "delivery": 1, "admin": 1, "pickers": 0, "total": 4}})
    );

    let s = app.get("/api/admin/stats", Some(&admin)).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let st = &s.body["stats"];
    assert_eq!(
        st["ordersToday"],
        json!({"total": 7, "pending": 2, "accepted": 1, "picked_up": 1,
        "on_the_way": 0, "delivered": 2, "cancelled": 1})
    );
    let delivered_total =
        orders[4]["total"].as_i64().unwrap() + orders[5]["total"].as_i64().unwrap();
    assert_eq!(st["revenueToday"], delivered_total);
    assert!(st["averageDeliverySeconds"].as_i64().unwrap() >= 0);
    assert!(
        st["p90DeliverySeconds"].as_i64().unwrap()
            >= st["averageDeliverySeconds"].as_i64().unwrap()
    );
    assert_eq!(
        st["partners"],
        json!({"total": 3, "online": 1, "available": 2, "busy": 1})
    );
    assert_eq!(st["customersOnline"], 2);
    let low_ids: Vec<&str> = st["lowStock"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["productId"].as_str().unwrap())
        .collect();
    assert!(low_ids.contains(&low.as_str()));

    // Closing tabs: c1 still counts once until the last tab goes.
    sockets[0].close();
    sockets[1].close();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let online = app.get("/api/admin/online-users", Some(&admin)).await;
    assert_eq!(online.body["onlineUsers"]["customers"], 2);
    sockets[2].close();
    let mut customers = 2;
    for _ in 0..50 {
        customers =
            app.get("/api/admin/online-users", Some(&admin)).await.body["onlineUsers"]["customers"]
                .as_i64()
                .unwrap();
        if customers == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(customers, 1);

    // The table filters.
    let pending = app
        .get("/api/admin/orders?status=pending", Some(&admin))
        .await;
    assert_eq!(pending.body["pagination"]["total"], 2);
    let by_p2 = app
        .get(
            &format!(
                "/api/admin/orders?partnerId={}",
                orders[4]["partner"]["id"].as_str().unwrap_or("")
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(by_p2.status, StatusCode::OK);
    let search = app
        .get("/api/admin/orders?search=c2@example", Some(&admin))
        .await;
    assert_eq!(search.body["pagination"]["total"], 3);
    let today = chrono::Utc::now().date_naive().to_string();
    let dated = app
        .get(
            &format!("/api/admin/orders?from={today}&to={today}"),
            Some(&admin),
        )
        .await;
    assert_eq!(dated.body["pagination"]["total"], 7);
    let bad = app
        .get("/api/admin/orders?from=yesterday", Some(&admin))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn stats_are_pushed_to_admin_sockets() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let product = app.product("Tea", 10_000, 100).await;
    let c = app.customer("c@example.com").await;
    let mut s = app.socket(&admin).await;
    app.place(&c, &product, 1).await;
    let mut pending = 0;
    for _ in 0..5 {
        let pushed = s.expect("stats:updated", WAIT).await.unwrap();
        pending = pushed["stats"]["ordersToday"]["pending"].as_i64().unwrap();
        if pending == 1 {
            break;
        }
    }
    assert_eq!(pending, 1);
}

#[tokio::test]
async fn blocking_a_connected_partner_cuts_them_off() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let (p, pid) = app.partner("p@example.com").await;
    let mut s = app.socket(&p).await;
    let r = app
        .post(
            &format!("/api/admin/users/{pid}/block"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["user"]["status"], "blocked");
    assert!(s.closed_within(WAIT).await, "socket still open");
    let next = app.get("/api/delivery/orders/available", Some(&p)).await;
    assert_eq!(next.status, StatusCode::UNAUTHORIZED);
    let login = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "p@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(
        (login.status, login.code()),
        (StatusCode::FORBIDDEN, "account_blocked")
    );
    let blocked = app
        .get("/api/admin/users?status=blocked", Some(&admin))
        .await;
    assert_eq!(blocked.body["users"][0]["id"], pid.as_str());
    let r = app
        .post(
            &format!("/api/admin/users/{pid}/unblock"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.body["user"]["status"], "active");
    let login = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "p@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
}

#[tokio::test]
async fn stock_changes_reach_open_catalogs() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let product = app.product("Ghee", 60_000, 4).await;
    let c = app.customer("c@example.com").await;
    let mut s = app.socket(&c).await;
    let r = app
        .post(
            &format!("/api/admin/products/{product}/stock"),
            Some(&admin),
            json!({"set": 25, "reason": "delivery from supplier"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["product"]["stock"], 25);
    let pushed = s.expect("inventory:updated", WAIT).await.unwrap();
    assert_eq!(
        pushed["products"][0],
        json!({"productId": product, "stock": 25, "inStock": true, "storeId": app.main_store()})
    );
    let r = app
        .post(
            &format!("/api/admin/products/{product}/stock"),
            Some(&admin),
            json!({"adjust": -5, "reason": "damaged"}),
        )
        .await;
    assert_eq!(r.body["product"]["stock"], 20);
    let r = app
        .post(
            &format!("/api/admin/products/{product}/stock"),
            Some(&admin),
            json!({"adjust": -50, "reason": "count"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_stock")
    );
    let r = app
        .post(
            &format!("/api/admin/products/{product}/stock"),
            Some(&admin),
            json!({"set": 5, "adjust": 1, "reason": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &format!("/api/admin/products/{product}/stock"),
            Some(&admin),
            json!({"set": 5, "reason": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.stock(&product).await, 20);
}

#[tokio::test]
async fn admin_cancel_of_an_accepted_order_restocks_and_tells_everyone() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let product = app.product("Atta", 30_000, 10).await;
    let c = app.customer("c@example.com").await;
    let (p, _) = app.partner("p@example.com").await;
    let order = app.place(&c, &product, 3).await;
    accept(&app, &order, &p).await;
    let mut sc = app.socket(&c).await;
    let mut sp = app.socket(&p).await;
    let id = order["id"].as_str().unwrap();
    let r = app
        .post(
            &format!("/api/admin/orders/{id}/cancel"),
            Some(&admin),
            json!({"reason": "store closed early"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["order"]["status"], "cancelled");
    assert_eq!(app.stock(&product).await, 10);
    for s in [&mut sc, &mut sp] {
        let e = s.expect("order:cancelled", WAIT).await.unwrap();
        assert_eq!(e["orderId"], id);
        assert_eq!(e["by"], "admin");
        assert_eq!(e["reason"], "store closed early");
    }
    let again = app
        .post(
            &format!("/api/admin/orders/{id}/cancel"),
            Some(&admin),
            json!({"reason": "again"}),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "invalid_order_state")
    );
    let detail = app
        .get(&format!("/api/admin/orders/{id}"), Some(&admin))
        .await;
    let kinds: Vec<&str> = detail.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["order.created", "order.accepted", "order.cancelled"]
    );
    assert_eq!(detail.body["customer"]["email"], "c@example.com");
}

#[tokio::test]
async fn unassign_and_reassign_move_orders_between_partners() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let product = app.product("Rice", 20_000, 10).await;
    let c = app.customer("c@example.com").await;
    let (p1, _) = app.partner("p1@example.com").await;
    let (p2, p2_id) = app.partner("p2@example.com").await;
    let order = app.place(&c, &product, 1).await;
    let id = order["id"].as_str().unwrap();
    accept(&app, &order, &p1).await;
    let mut s1 = app.socket(&p1).await;
    let mut s2 = app.socket(&p2).await;
    let fix = json!({"lat": 19.057, "lng": 72.835, "orderId": id});
    let ack = s1
        .emit_with_ack("delivery:location-update", &fix, WAIT)
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");

    let r = app
        .post(
            &format!("/api/admin/orders/{id}/unassign"),
            Some(&admin),
            json!({"reason": "rider's bike broke"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["order"]["status"], "pending");
    assert_eq!(
        s1.expect("order:unassigned", WAIT).await.unwrap()["orderId"],
        id
    );
    // The old rider's fixes are refused at once, not after a cached route expires.
    let ack = s1
        .emit_with_ack("delivery:location-update", &fix, WAIT)
        .await
        .unwrap();
    assert_eq!(ack["error"]["code"], "order_not_found", "{ack}");
    assert_eq!(
        s2.expect("order:created", WAIT).await.unwrap()["order"]["id"],
        id,
        "re-offered"
    );

    let r = app
        .post(
            &format!("/api/admin/orders/{id}/reassign"),
            Some(&admin),
            json!({"partnerId": p2_id, "reason": "closest rider"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["order"]["partner"]["id"], p2_id.as_str());
    assert_eq!(
        s2.expect("order:assigned", WAIT).await.unwrap()["orderId"],
        id
    );
    // The new partner can now work the order; the old one cannot.
    drive(&app, id, &p2, &["picked_up"]).await;
    let r = app
        .put(
            &format!("/api/delivery/orders/{id}/status"),
            Some(&p1),
            json!({"status": "on_the_way"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let bad = app
        .post(
            &format!("/api/admin/orders/{id}/reassign"),
            Some(&admin),
            json!({"partnerId": "nobody", "reason": "x"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn partners_table_and_suspension() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let (p, pid) = app.partner("p@example.com").await;
    let _s = app.socket(&p).await;
    let list = app.get("/api/admin/partners", Some(&admin)).await;
    let row = &list.body["partners"][0];
    assert_eq!(row["id"], pid.as_str());
    assert_eq!(row["online"], true);
    assert_eq!(row["isAvailable"], true);
    let v = app
        .post(
            &format!("/api/admin/partners/{pid}/verify"),
            Some(&admin),
            json!({"verified": true}),
        )
        .await;
    assert_eq!(v.body["partner"]["isVerified"], true);
    let s = app
        .post(
            &format!("/api/admin/partners/{pid}/suspend"),
            Some(&admin),
            json!({"suspended": true}),
        )
        .await;
    assert_eq!(s.body["partner"]["status"], "suspended");
    assert_eq!(s.body["partner"]["isAvailable"], false);
    let product = app.product("Dal", 9_000, 10).await;
    let c = app.customer("c@example.com").await;
    let order = app.place(&c, &product, 1).await;
    let r = app
        .post(
            &format!(
                "/api/delivery/orders/{}/accept",
                order["id"].as_str().unwrap()
            ),
            Some(&p),
            json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "partner_suspended")
    );
    let on = app
        .put(
            "/api/delivery/availability",
            Some(&p),
            json!({"available": true}),
        )
        .await;
    assert_eq!(on.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn catalog_editing() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    let c = app.customer("c@example.com").await;
    let cat = app
        .post(
            "/api/admin/categories",
            Some(&admin),
            json!({"slug": "frozen", "name": "Frozen Food", "color": "#0288d1"}),
        )
        .await;
    assert_eq!(cat.status, StatusCode::CREATED, "{}", cat.body);
    let created = app
        .post(
            "/api/admin/products",
            Some(&admin),
            json!({"sku": "FZ-001", "name": "Frozen Peas 500 g",
            "category": "frozen", "unit": "500 g", "price": 9_500, "mrp": 11_000, "stock": 30}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["product"]["id"].as_str().unwrap().to_owned();
    let dup = app.post("/api/admin/products", Some(&admin), json!({"sku": "FZ-001", "name": "Dup", "category": "frozen", "unit": "1", "price": 100})).await;
    assert_eq!(
        (dup.status, dup.code()),
        (StatusCode::CONFLICT, "sku_taken")
    );
    let bad = app.post("/api/admin/products", Some(&admin), json!({"sku": "FZ-002", "name": "Bad", "category": "frozen", "unit": "1", "price": 100, "mrp": 50})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let seen = app
        .get("/api/customer/products?category=frozen", Some(&c))
        .await;
    assert_eq!(seen.body["pagination"]["total"], 1);
    let up = app
        .req(
            Method::PUT,
            &format!("/api/admin/products/{id}"),
            Some(&admin),
            Some(json!({"price": 8_900, "isActive": false})),
        )
        .await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.body);
    assert_eq!(up.body["product"]["price"], 8_900);
    let hidden = app
        .get("/api/customer/products?category=frozen", Some(&c))
        .await;
    assert_eq!(
        hidden.body["pagination"]["total"], 0,
        "deactivated products are hidden from customers"
    );
    let all = app
        .get("/api/admin/products?search=peas", Some(&admin))
        .await;
    assert_eq!(
        all.body["products"][0]["isActive"], false,
        "admins still see it"
    );
    let cat_id = cat.body["category"]["id"].as_str().unwrap();
    let off = app
        .req(
            Method::PUT,
            &format!("/api/admin/categories/{cat_id}"),
            Some(&admin),
            Some(json!({"isActive": false})),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK);
    let cats = app.get("/api/customer/categories", Some(&c)).await;
    assert!(
        !cats.body["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["slug"] == "frozen")
    );
}

#[tokio::test]
async fn metrics_for_admins_and_the_scraper_only() {
    let app = spawn_with(&[("QC_METRICS_TOKEN", "scrape-secret-0123456789")]).await;
    let admin = app.admin("ops@example.com").await;
    let c = app.customer("c@example.com").await;
    // The same page twice: the first misses the catalog cache, the second is a hit.
    app.get("/api/customer/products", Some(&c)).await;
    app.get("/api/customer/products", Some(&c)).await;
    let m = app.get("/api/admin/metrics", Some(&admin)).await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.body);
    let customer = m.body["metrics"]["http"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "customer")
        .unwrap()
        .clone();
    assert!(customer["requests"].as_u64().unwrap() >= 1);
    assert!(customer["p99Ms"].as_f64().is_some());
    assert_eq!(m.body["metrics"]["database"]["backend"], "sqlite");

    let url = format!("{}/metrics", app.base);
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client
            .get(&url)
            .bearer_auth(&c)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client
            .get(&url)
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    for token in [admin.as_str(), "scrape-secret-0123456789"] {
        let r = app
            .client
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let text = r.text().await.unwrap();
        assert!(
            text.contains("qc_http_request_duration_seconds_bucket{group=\"customer\""),
            "{text}"
        );
        assert!(text.contains("qc_socket_connections"));
        assert!(
            text.contains("qc_catalog_cache_total{result=\"hit\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("qc_catalog_cache_total{result=\"miss\"} 1\n"),
            "{text}"
        );
        // SQLite's group commit: the sign-ups above were write transactions, each
        // carried by a commit (never more commits than transactions).
        let value = |name: &str| -> f64 {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{name} ")))
                .unwrap_or_else(|| panic!("{name} missing: {text}"))
                .parse()
                .unwrap()
        };
        assert!(
            text.contains("# TYPE qc_db_commits_total counter"),
            "{text}"
        );
        let (transactions, commits) = (
            value("qc_db_write_transactions_total"),
            value("qc_db_commits_total"),
        );
        assert!(
            commits >= 1.0 && commits <= transactions,
            "{commits} commits, {transactions} transactions"
        );
        // Nobody's socket queue overflowed here.
        assert_eq!(value("qc_socket_events_dropped_total"), 0.0, "{text}");
    }
}
