//! Dark-store fulfilment on both backends: pickers created by admins with a one-time
//! link, the claim race (one winner), steps refused out of order, another store's picker
//! gets 404, pickup refused before packing, short picks refunding exactly, dearer
//! substitutes needing the customer's yes (or timing out to a refund), stock corrected on
//! short picks and taken from substitutes, all-short cancelling, held dispatch released by
//! packing.

use crate::common::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

/// A picker of `store_id`, created by an admin and signed in through the setup link.
async fn picker(app: &TestApp, admin: &str, email: &str, store_id: &str) -> String {
    let r = app
        .post(
            "/api/admin/staff",
            Some(admin),
            json!({"email": email, "name": "Pat Picker", "role": "picker", "storeId": store_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let link = r.body["setupLink"].as_str().unwrap();
    let token = link.split("token=").nth(1).unwrap();
    // Before the link is used, no password works.
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": email, "password": "Picker@12345"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = app
        .post(
            "/api/auth/set-password",
            None,
            json!({"token": token, "password": "Picker@12345"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // One use only.
    let again = app
        .post(
            "/api/auth/set-password",
            None,
            json!({"token": token, "password": "Other@12345"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert_eq!(again.code(), "invalid_link");
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": email, "password": "Picker@12345"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["user"]["role"], "picker", "{}", r.body);
    r.body["token"].as_str().unwrap().to_owned()
}

async fn store_settings(app: &TestApp, admin: &str, store_id: &str, settings: Value) {
    let r = app
        .put(
            &format!("/api/admin/stores/{store_id}"),
            Some(admin),
            json!({ "settings": settings }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// An admin, and the main store picking with no pick time and broadcast dispatch.
async fn picking_main_store(app: &TestApp) -> (String, String) {
    let admin = app.admin("ops@example.com").await;
    let main = app.main_store();
    store_settings(
        app,
        &admin,
        &main,
        json!({"fulfilment": "on", "dispatchMode": "broadcast", "pickBaseMinutes": 0,
               "pickPerItemSeconds": 0, "maxPromiseMinutes": 0}),
    )
    .await;
    (admin, main)
}

async fn line(
    app: &TestApp,
    picker: &str,
    order: &str,
    line: i64,
    body: Value,
) -> crate::common::Res {
    app.post(
        &format!("/api/picker/orders/{order}/lines/{line}"),
        Some(picker),
        body,
    )
    .await
}

/// The line id of `product` in an order JSON.
fn line_of(order: &Value, product: &str) -> i64 {
    order["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(order["lines"].as_array().into_iter().flatten())
        .find(|i| i["productId"] == product)
        .unwrap()["lineId"]
        .as_i64()
        .unwrap()
}

/// The next `order:fulfilment-updated` of type `kind` (earlier steps skipped).
async fn fulfilment_event(sock: &mut qc_sioclient::Client, kind: &str) -> Value {
    loop {
        let ev = sock.expect("order:fulfilment-updated", WAIT).await.unwrap();
        if ev["type"] == kind {
            return ev;
        }
    }
}

async fn place_lines(app: &TestApp, token: &str, lines: Value) -> Value {
    let mut body = order_body(&[]);
    body["items"] = lines;
    body["deliveryAddress"]["lat"] = json!(HOME.0);
    body["deliveryAddress"]["lng"] = json!(HOME.1);
    let r = app.post("/api/customer/orders", Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["order"].clone()
}

async fn customer_order(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app
        .get(&format!("/api/customer/orders/{id}"), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["order"].clone()
}

#[tokio::test]
async fn picking_packing_short_picks_and_substitutions_on_both_backends() {
    for app in spawn_all(&[("QC_SUBSTITUTION_APPROVAL_SECS", "2")]).await {
        let b = app.backend;
        // No pick time: an order goes to riders at once (held dispatch is tested below).
        let (admin, main) = picking_main_store(&app).await;
        let milk = app.product("Milk 1 L", 9_500, 10).await;
        let eggs = app.product("Eggs 6", 5_000, 10).await;
        let dearer = app.product("Organic milk 1 L", 9_900, 10).await;
        let cheaper = app.product("Toned milk 1 L", 9_000, 10).await;
        let skim = app.product("Skimmed milk 1 L", 8_500, 10).await;
        let bread = app.product("Bread", 4_000, 10).await;
        let p1 = picker(&app, &admin, "p1@example.com", &main).await;
        let p2 = picker(&app, &admin, "p2@example.com", &main).await;
        // A picker of another store.
        let other = app
            .post(
                "/api/admin/stores",
                Some(&admin),
                json!({"code": "PNQ", "name": "Pune", "location": {"lat": 18.52, "lng": 73.85},
                       "zipCodes": ["411001"]}),
            )
            .await;
        assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
        let far = picker(
            &app,
            &admin,
            "p3@example.com",
            other.body["store"]["id"].as_str().unwrap(),
        )
        .await;
        let customer = app.customer("c@example.com").await;
        let (rider, _) = app.partner("r@example.com").await;
        let mut sock = app.socket(&customer).await;

        let order = place_lines(
            &app,
            &customer,
            json!([{"productId": milk, "quantity": 3},
                   {"productId": eggs, "quantity": 2, "substitution": "refund"}]),
        )
        .await;
        let id = order["id"].as_str().unwrap().to_owned();
        assert_eq!(order["fulfilment"], "queued", "{b}: {order}");
        let total_placed = order["total"].as_i64().unwrap();
        let fee = order["deliveryFee"].as_i64().unwrap();
        assert_eq!(total_placed, 3 * 9_500 + 2 * 5_000 + fee, "{b}");
        let (milk_line, eggs_line) = (line_of(&order, &milk), line_of(&order, &eggs));
        assert_eq!(order["items"][1]["substitution"], "refund", "{b}: {order}");

        // The store's queue; another store's picker sees nothing and gets 404.
        let q = app.get("/api/picker/orders", Some(&p1)).await;
        assert_eq!(q.status, StatusCode::OK, "{b}: {}", q.body);
        assert_eq!(q.body["orders"][0]["id"], json!(id), "{b}: {}", q.body);
        let q = app.get("/api/picker/orders", Some(&far)).await;
        assert_eq!(q.body["orders"], json!([]), "{b}: {}", q.body);
        let r = app
            .get(&format!("/api/picker/orders/{id}"), Some(&far))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.body);
        let r = app
            .post(
                &format!("/api/picker/orders/{id}/claim"),
                Some(&far),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.body);
        // Customers cannot use the picker API.
        let r = app.get("/api/picker/orders", Some(&customer)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);

        // Out of order: lines and packing before a claim.
        let r = line(
            &app,
            &p1,
            &id,
            milk_line,
            json!({"picked": {"quantity": 3}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(r.code(), "not_claimed");

        // The rider takes it (broadcast) but cannot pick it up before it is packed.
        let r = app
            .post(
                &format!("/api/delivery/orders/{id}/accept"),
                Some(&rider),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = app
            .put(
                &format!("/api/delivery/orders/{id}/status"),
                Some(&rider),
                json!({"status": "picked_up"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(r.code(), "order_not_packed", "{b}");

        // Two pickers race for the claim: exactly one wins.
        let claim_path = format!("/api/picker/orders/{id}/claim");
        let claims = join_all([&p1, &p2].map(|t| app.post(&claim_path, Some(t), json!({})))).await;
        let won: Vec<usize> = (0..2)
            .filter(|i| claims[*i].status == StatusCode::OK)
            .collect();
        assert_eq!(
            won.len(),
            1,
            "{b}: {:?}",
            claims.iter().map(|c| &c.body).collect::<Vec<_>>()
        );
        let loser = &claims[1 - won[0]];
        assert_eq!(loser.status, StatusCode::CONFLICT, "{b}: {}", loser.body);
        assert_eq!(loser.code(), "already_claimed");
        let (me, them) = if won[0] == 0 { (&p1, &p2) } else { (&p2, &p1) };
        let list = &claims[won[0]].body["order"];
        assert_eq!(list["fulfilment"], "picking", "{b}: {list}");
        // The other picker may not work on it.
        let r = line(
            &app,
            them,
            &id,
            milk_line,
            json!({"picked": {"quantity": 3}}),
        )
        .await;
        assert_eq!(r.code(), "already_claimed", "{b}");
        // Packing with a line not done is refused.
        let r = app
            .post(
                &format!("/api/picker/orders/{id}/packed"),
                Some(me),
                json!({"bags": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(r.code(), "lines_pending");

        // Stand-ins for the milk: same category, in stock, closest price first.
        let subs = app
            .get(
                &format!("/api/picker/orders/{id}/lines/{milk_line}/substitutes"),
                Some(me),
            )
            .await;
        assert_eq!(subs.status, StatusCode::OK, "{b}: {}", subs.body);
        let ids: Vec<&str> = subs.body["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert!(!ids.contains(&milk.as_str()), "{b}: {ids:?}");
        assert_eq!(ids.first(), Some(&dearer.as_str()), "{b}: {ids:?}");
        // A wrong barcode is refused.
        let r = line(
            &app,
            me,
            &id,
            milk_line,
            json!({"picked": {"quantity": 3, "barcode": "0000000000000"}}),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert_eq!(r.code(), "wrong_barcode");
        // A refund line may not be substituted.
        let r = line(
            &app,
            me,
            &id,
            eggs_line,
            json!({"substitute": {"productId": cheaper, "quantity": 1, "found": 1}}),
        )
        .await;
        assert_eq!(r.code(), "substitution_not_allowed", "{b}");

        // Eggs short: 1 of 2 found; refunded exactly, the customer told, stock corrected.
        let r = line(&app, me, &id, eggs_line, json!({"short": {"found": 1}})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let ev = fulfilment_event(&mut sock, "order.line_short").await;
        assert_eq!(ev["total"], json!(total_placed - 5_000), "{b}: {ev}");
        let o = customer_order(&app, &customer, &id).await;
        assert_eq!(o["total"], json!(total_placed - 5_000), "{b}: {o}");
        assert_eq!(o["subtotal"], json!(3 * 9_500 + 5_000), "{b}: {o}");
        // 10 stocked, 2 reserved, 1 found: the shelf was empty after all.
        assert_eq!(app.stock(&eggs).await, 0, "{b}");
        let r = line(&app, me, &id, eggs_line, json!({"short": {"found": 0}})).await;
        assert_eq!(r.code(), "line_done", "{b}");

        // Milk: 1 of 3 found, 2 of a dearer milk proposed: the customer must say yes.
        let r = line(
            &app,
            me,
            &id,
            milk_line,
            json!({"substitute": {"productId": dearer, "quantity": 2, "found": 1}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let proposed = sock
            .expect("order:substitution-proposed", WAIT)
            .await
            .unwrap();
        assert_eq!(proposed["lineId"], json!(milk_line), "{b}: {proposed}");
        assert_eq!(proposed["substitute"]["productId"], json!(dearer), "{b}");
        assert_eq!(proposed["lineTotalAfter"], json!(9_500 + 2 * 9_900), "{b}");
        // The price has not moved yet, the substitute is set aside, packing waits.
        let o = customer_order(&app, &customer, &id).await;
        assert_eq!(o["total"], json!(total_placed - 5_000), "{b}: {o}");
        assert_eq!(app.stock(&dearer).await, 8, "{b}");
        assert_eq!(app.stock(&milk).await, 0, "{b}");
        let r = app
            .post(
                &format!("/api/picker/orders/{id}/packed"),
                Some(me),
                json!({"bags": 2}),
            )
            .await;
        assert_eq!(r.code(), "lines_pending", "{b}");
        // Only the order's customer may answer.
        let stranger = app.customer("s@example.com").await;
        let path = format!("/api/customer/orders/{id}/substitutions/{milk_line}");
        let r = app
            .post(&path, Some(&stranger), json!({"approve": true}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.body);
        let mut picker_sock = app.socket(me).await;
        let r = app
            .post(&path, Some(&customer), json!({"approve": true}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        // The picker hears the answer and may pack.
        let ev = picker_sock
            .expect("fulfilment:updated", WAIT)
            .await
            .unwrap();
        assert_eq!(ev["orderId"], json!(id), "{b}: {ev}");
        let expected = 9_500 + 2 * 9_900 + 5_000 + fee;
        assert_eq!(r.body["order"]["total"], json!(expected), "{b}: {}", r.body);
        let milk_item = r.body["order"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["lineId"] == json!(milk_line))
            .unwrap()
            .clone();
        assert_eq!(
            milk_item["pick"]["state"], "substituted",
            "{b}: {milk_item}"
        );
        assert_eq!(milk_item["lineTotal"], json!(9_500 + 2 * 9_900), "{b}");

        // Packed: the rider may pick it up now.
        let r = app
            .post(
                &format!("/api/picker/orders/{id}/packed"),
                Some(me),
                json!({"bags": 2}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.body["order"]["fulfilment"], "packed", "{b}");
        let r = app
            .put(
                &format!("/api/delivery/orders/{id}/status"),
                Some(&rider),
                json!({"status": "picked_up"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);

        // A dearer substitute nobody answers is refunded, and goes back on the shelf.
        let order = place_lines(
            &app,
            &customer,
            json!([{"productId": cheaper, "quantity": 2}]),
        )
        .await;
        let id = order["id"].as_str().unwrap().to_owned();
        let total_placed = order["total"].as_i64().unwrap();
        let fee = order["deliveryFee"].as_i64().unwrap();
        let l = line_of(&order, &cheaper);
        let r = app
            .post(
                &format!("/api/picker/orders/{id}/claim"),
                Some(&p1),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = line(
            &app,
            &p1,
            &id,
            l,
            json!({"substitute": {"productId": dearer, "quantity": 1, "found": 1}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(app.stock(&dearer).await, 7, "{b}");
        let ev = sock
            .expect("order:substitution-proposed", WAIT)
            .await
            .unwrap();
        assert_eq!(ev["orderId"], json!(id), "{b}");
        let ev = fulfilment_event(&mut sock, "order.substitution_rejected").await;
        assert_eq!(ev["total"], json!(9_000 + fee), "{b}: {ev}");
        assert!(total_placed > 9_000 + fee, "{b}");
        assert_eq!(app.stock(&dearer).await, 8, "{b}: the substitute is back");
        let r = app
            .post(
                &format!("/api/customer/orders/{id}/substitutions/{l}"),
                Some(&customer),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(r.code(), "no_proposal");

        // A cheaper substitute is applied at once.
        let order = place_lines(
            &app,
            &customer,
            json!([{"productId": dearer, "quantity": 1}]),
        )
        .await;
        let id = order["id"].as_str().unwrap().to_owned();
        let l = line_of(&order, &dearer);
        app.post(
            &format!("/api/picker/orders/{id}/claim"),
            Some(&p1),
            json!({}),
        )
        .await;
        let r = line(
            &app,
            &p1,
            &id,
            l,
            json!({"substitute": {"productId": skim, "quantity": 1}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let o = customer_order(&app, &customer, &id).await;
        assert_eq!(o["items"][0]["pick"]["state"], "substituted", "{b}: {o}");
        assert_eq!(o["subtotal"], json!(8_500), "{b}: {o}");
        assert_eq!(app.stock(&skim).await, 9, "{b}");

        // Nothing found at all: the order is cancelled and the customer told why.
        let order = place_lines(
            &app,
            &customer,
            json!([{"productId": bread, "quantity": 1}]),
        )
        .await;
        let id = order["id"].as_str().unwrap().to_owned();
        let l = line_of(&order, &bread);
        app.post(
            &format!("/api/picker/orders/{id}/claim"),
            Some(&p2),
            json!({}),
        )
        .await;
        let r = line(&app, &p2, &id, l, json!({"short": {"found": 0}})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let ev = sock.expect("order:cancelled", WAIT).await.unwrap();
        assert_eq!(ev["orderId"], json!(id), "{b}: {ev}");
        assert_eq!(ev["by"], "system", "{b}: {ev}");
        let o = customer_order(&app, &customer, &id).await;
        assert_eq!(o["status"], "cancelled", "{b}: {o}");
        assert_eq!(o["fulfilment"], "cancelled", "{b}: {o}");
        let q = app.get("/api/picker/orders", Some(&p2)).await;
        assert!(
            !q.body["orders"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["id"] == json!(id)),
            "{b}: {}",
            q.body
        );
        // Every step is on the timeline, in order.
        let ev = app
            .get(
                &format!("/api/customer/orders/{id}/events"),
                Some(&customer),
            )
            .await;
        let kinds: Vec<&str> = ev.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            kinds,
            [
                "order.created",
                "order.picking_started",
                "order.line_short",
                "order.cancelled"
            ],
            "{b}: {}",
            ev.body
        );
    }
}

#[tokio::test]
async fn riders_hear_of_an_order_as_packing_ends() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let admin = app.admin("ops@example.com").await;
        let main = app.main_store();
        // Picking takes about 30 minutes and no rider position is known: the order is
        // held until packed.
        store_settings(
            &app,
            &admin,
            &main,
            json!({"fulfilment": "on", "dispatchMode": "broadcast", "pickBaseMinutes": 30,
                   "maxPromiseMinutes": 0}),
        )
        .await;
        let milk = app.product("Milk 1 L", 9_500, 10).await;
        let p1 = picker(&app, &admin, "p1@example.com", &main).await;
        let customer = app.customer("c@example.com").await;
        let (rider, _) = app.partner("r@example.com").await;
        let mut rider_sock = app.socket(&rider).await;
        let order = app.place(&customer, &milk, 1).await;
        let id = order["id"].as_str().unwrap().to_owned();
        let board = app.get("/api/admin/dispatch", Some(&admin)).await;
        let held = board.body["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["orderId"] == json!(id))
            .unwrap()
            .clone();
        assert_eq!(held["state"], "held", "{b}: {held}");
        let r = app
            .get("/api/delivery/orders/available", Some(&rider))
            .await;
        assert_eq!(r.body["orders"], json!([]), "{b}: {}", r.body);
        let r = app
            .post(
                &format!("/api/delivery/orders/{id}/accept"),
                Some(&rider),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        let early: Vec<_> = rider_sock
            .drain(Duration::from_millis(300))
            .await
            .into_iter()
            .filter(|e| e.name == "order:created")
            .collect();
        assert!(early.is_empty(), "{b}: {early:?}");
        // Picked and packed: it goes out now.
        app.post(
            &format!("/api/picker/orders/{id}/claim"),
            Some(&p1),
            json!({}),
        )
        .await;
        let r = line(&app, &p1, &id, 0, json!({"picked": {"quantity": 1}})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = app
            .post(
                &format!("/api/picker/orders/{id}/packed"),
                Some(&p1),
                json!({"bags": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let ev = rider_sock.expect("order:created", WAIT).await.unwrap();
        assert_eq!(ev["order"]["id"], json!(id), "{b}: {ev}");
        let r = app
            .post(
                &format!("/api/delivery/orders/{id}/accept"),
                Some(&rider),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        // The pick-time history behind measured promises counts the packed order (one is
        // too few to replace the settings).
        let history = app
            .state
            .store
            .pick_history(chrono::Utc::now() - chrono::Duration::days(7))
            .await
            .unwrap();
        let (_, h) = history.iter().find(|(s, _)| *s == main).unwrap();
        assert_eq!((h.n, h.sum_x), (1, 1.0), "{b}: {h:?}");
        app.state.stores.refresh_pick_times().await.unwrap();
        // Admins see the store's figures.
        let f = app.get("/api/admin/fulfilment", Some(&admin)).await;
        assert_eq!(f.status, StatusCode::OK, "{b}: {}", f.body);
        let mine = f.body["stores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["storeId"] == json!(main))
            .unwrap()
            .clone();
        assert_eq!(mine["enabled"], json!(true), "{b}: {mine}");
        assert_eq!(mine["packed7d"], json!(1), "{b}: {mine}");
        assert_eq!(mine["measured"], json!(false), "{b}: {mine}");
        assert_eq!(mine["pickBaseMinutes"], json!(30.0), "{b}: {mine}");
    }
}

/// The queue answers the head of the line (`limit`) with each order exactly as its own
/// pick list shows it (lines, bins, barcodes, categories, the picker's name), read in one
/// pass for the whole page; a bad limit is a validation error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picker_queue_is_paged_and_each_entry_is_its_pick_list_on_both_backends() {
    for app in spawn_all(&[]).await {
        let b = app.backend;
        let (admin, main) = picking_main_store(&app).await;
        let products = [
            app.product("Milk 1 L", 9_500, 10).await,
            app.product("Eggs 6", 5_000, 10).await,
            app.product("Bread", 4_000, 10).await,
            app.product("Butter", 5_500, 10).await,
        ];
        let p1 = picker(&app, &admin, "p1@example.com", &main).await;
        let customer = app.customer("c@example.com").await;
        let mut ids = Vec::new();
        for k in 0..3 {
            let order = place_lines(
                &app,
                &customer,
                json!([{"productId": products[k], "quantity": 1},
                       {"productId": products[k + 1], "quantity": 2}]),
            )
            .await;
            ids.push(order["id"].as_str().unwrap().to_owned());
        }
        let r = app
            .post(
                &format!("/api/picker/orders/{}/claim", ids[1]),
                Some(&p1),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);

        let all = app.get("/api/picker/orders", Some(&p1)).await;
        assert_eq!(all.status, StatusCode::OK, "{b}: {}", all.body);
        let all = all.body["orders"].as_array().unwrap().clone();
        assert_eq!(all.len(), 3, "{b}: {all:?}");
        for entry in &all {
            let id = entry["id"].as_str().unwrap();
            let own = app
                .get(&format!("/api/picker/orders/{id}"), Some(&p1))
                .await;
            assert_eq!(&own.body["order"], entry, "{b}");
            assert_eq!(entry["lines"].as_array().unwrap().len(), 2, "{b}: {entry}");
            assert!(entry["lines"][0]["categoryId"].is_string(), "{b}: {entry}");
        }
        let claimed = all.iter().find(|o| o["id"] == json!(ids[1])).unwrap();
        assert_eq!(claimed["picker"]["name"], "Pat Picker", "{b}: {claimed}");

        let head = app.get("/api/picker/orders?limit=2", Some(&p1)).await;
        assert_eq!(head.status, StatusCode::OK, "{b}: {}", head.body);
        assert_eq!(head.body["orders"], json!(all[..2]), "{b}");
        for bad in ["limit=0", "limit=-3", "limit=many", "page=2"] {
            let r = app
                .get(&format!("/api/picker/orders?{bad}"), Some(&p1))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b} {bad}: {}", r.body);
            assert_eq!(r.body["success"], false, "{b} {bad}");
        }
    }
}
