//! Webhooks against a real local HTTP receiver: the Standard Webhooks signature verifies
//! with an independent HMAC; a receiver failing three times gets the event on the fourth
//! try with the same `webhook-id`; the delivery log and replay; SSRF targets refused;
//! two instances on one PostgreSQL database never send one delivery twice at once; and a
//! server killed (SIGKILL) mid-delivery delivers it after a restart.

use crate::common::*;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver saw: `(webhook-id, timestamp, signature, body)` per request.
#[derive(Default)]
struct Seen {
    requests: Vec<(String, String, String, String)>,
    /// Answer 500 this many times first.
    fail_first: usize,
    /// Hold each request this long before answering.
    delay: Duration,
    /// Requests in flight per webhook-id, and the most ever at once.
    in_flight: HashMap<String, usize>,
    max_concurrent_same_id: usize,
}

type Shared = Arc<Mutex<Seen>>;

async fn receive(State(seen): State<Shared>, headers: HeaderMap, body: String) -> AxStatus {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let id = h("webhook-id");
    let (delay, fail) = {
        let mut s = seen.lock().unwrap();
        s.requests.push((
            id.clone(),
            h("webhook-timestamp"),
            h("webhook-signature"),
            body,
        ));
        let n = s.in_flight.entry(id.clone()).or_default();
        *n += 1;
        let now = *n;
        s.max_concurrent_same_id = s.max_concurrent_same_id.max(now);
        let fail = s.fail_first > 0;
        if fail {
            s.fail_first -= 1;
        }
        (s.delay, fail)
    };
    tokio::time::sleep(delay).await;
    *seen.lock().unwrap().in_flight.get_mut(&id).unwrap() -= 1;
    if fail {
        AxStatus::INTERNAL_SERVER_ERROR
    } else {
        AxStatus::OK
    }
}

async fn receiver(seen: Shared) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route("/hook", post(receive)).with_state(seen);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://127.0.0.1:{port}/hook")
}

/// Verify as a receiver would, from the spec (not the server's code).
fn verifies(secret: &str, id: &str, ts: &str, body: &str, header: &str) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.{body}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    header
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

async fn until(mut ok: impl FnMut() -> bool, what: &str) {
    for _ in 0..200 {
        if ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen in 10 s");
}

async fn register(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (String, String) {
    let r = app
        .post(
            "/api/admin/webhooks",
            Some(admin),
            json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (
        r.body["webhook"]["id"].as_str().unwrap().to_owned(),
        r.body["secret"].as_str().unwrap().to_owned(),
    )
}

const FAST: [(&str, &str); 2] = [
    ("QC_WEBHOOK_ALLOW_PRIVATE", "true"),
    ("QC_WEBHOOK_RETRY_BASE_MS", "100"),
];

#[tokio::test]
async fn signed_deliveries_retry_until_the_receiver_answers() {
    for app in spawn_all(&FAST).await {
        let b = app.backend;
        let seen: Shared = Arc::new(Mutex::new(Seen {
            fail_first: 3,
            ..Default::default()
        }));
        let url = receiver(seen.clone()).await;
        let admin = app.admin("ops@example.com").await;
        let (hook, secret) = register(&app, &admin, &url, &["order.created"]).await;
        assert!(secret.starts_with("whsec_"), "{b}");
        let milk = app.product("Milk", 5_000, 10).await;
        let customer = app.customer("c@example.com").await;
        let order = app.place(&customer, &milk, 1).await;
        until(|| seen.lock().unwrap().requests.len() >= 4, "four tries").await;
        let requests = seen.lock().unwrap().requests.clone();
        let ids: Vec<&str> = requests.iter().map(|r| r.0.as_str()).collect();
        assert!(
            ids.iter().all(|id| *id == ids[0]),
            "{b}: one webhook-id: {ids:?}"
        );
        for (id, ts, sig, body) in &requests {
            assert!(verifies(&secret, id, ts, body, sig), "{b}: {sig}");
            assert!(!verifies("whsec_AAAA", id, ts, body, sig), "{b}");
        }
        let body: Value = serde_json::from_str(&requests[3].3).unwrap();
        assert_eq!(body["type"], "order.created", "{b}: {body}");
        assert_eq!(body["data"]["orderId"], order["id"], "{b}");
        assert_eq!(body["data"]["seq"], 1, "{b}");

        // The log: four tries, three 500s then a 200; delivered.
        let mut log = Value::Null;
        for _ in 0..100 {
            log = app
                .get(
                    &format!("/api/admin/webhooks/{hook}/deliveries"),
                    Some(&admin),
                )
                .await
                .body;
            if log["deliveries"][0]["status"] == "delivered" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let d = &log["deliveries"][0];
        assert_eq!(d["status"], "delivered", "{b}: {log}");
        let codes: Vec<i64> = d["tries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["statusCode"].as_i64().unwrap_or(0))
            .collect();
        assert_eq!(codes, [500, 500, 500, 200], "{b}: {log}");

        // Replay: once more, with the same id.
        let id = d["id"].as_str().unwrap();
        let r = app
            .post(
                &format!("/api/admin/webhook-deliveries/{id}/replay"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        until(|| seen.lock().unwrap().requests.len() >= 5, "the replay").await;
        assert_eq!(seen.lock().unwrap().requests[4].0, id, "{b}");

        // Events not subscribed to are not sent.
        let r = app
            .post(
                &format!(
                    "/api/customer/orders/{}/cancel",
                    order["id"].as_str().unwrap()
                ),
                Some(&customer),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(seen.lock().unwrap().requests.len(), 5, "{b}");
    }
}

#[tokio::test]
async fn private_and_odd_targets_are_refused() {
    let app = spawn().await;
    let admin = app.admin("ops@example.com").await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost:8080/",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "ftp://example.com/hook",
        "not a url",
    ] {
        let r = app
            .post(
                "/api/admin/webhooks",
                Some(&admin),
                json!({"url": url, "events": ["order.created"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.body);
    }
    let r = app
        .post(
            "/api/admin/webhooks",
            Some(&admin),
            json!({"url": "https://example.com/hook", "events": ["order.nope"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

/// Two instances on one PostgreSQL database, both sweeping: every delivery is sent
/// exactly once, never by both at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_never_send_one_delivery_at_once() {
    let Ok(base) = std::env::var("QC_TEST_POSTGRES_URL") else {
        eprintln!("skipped: QC_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = qc_store::testing::TempDatabase::create(&base)
        .await
        .unwrap();
    let a = spawn_pg(db, &FAST).await;
    let b = spawn_on_same_db(&a, &FAST).await;
    let seen: Shared = Arc::new(Mutex::new(Seen {
        delay: Duration::from_millis(300),
        ..Default::default()
    }));
    let url = receiver(seen.clone()).await;
    let admin = a.admin("ops@example.com").await;
    register(&a, &admin, &url, &["order.created"]).await;
    let milk = a.product("Milk", 5_000, 100).await;
    for i in 0..8 {
        let customer = a.customer(&format!("c{i}@example.com")).await;
        let app = if i % 2 == 0 { &a } else { &b };
        app.place(&customer, &milk, 1).await;
    }
    until(
        || seen.lock().unwrap().requests.len() >= 8,
        "eight deliveries",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let s = seen.lock().unwrap();
    let mut per_id: HashMap<&str, usize> = HashMap::new();
    for r in &s.requests {
        *per_id.entry(r.0.as_str()).or_default() += 1;
    }
    assert_eq!(per_id.len(), 8, "{per_id:?}");
    assert!(per_id.values().all(|n| *n == 1), "{per_id:?}");
    assert_eq!(s.max_concurrent_same_id, 1);
}

/// `quickcommerce serve` killed with SIGKILL while a delivery is in flight: after a
/// restart on the same database, the delivery is sent again (same `webhook-id`) and
/// recorded as delivered — a crash delays a webhook, never loses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_delivers_after_a_restart() {
    use qc_domain::Role;
    use std::process::{Child, Command};
    const SECRET: &str = "webhook-kill-test-secret-0123456789abcdef";
    let dir = std::env::temp_dir().join(format!("qc-hook-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/qc.db", dir.display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let start = |n: u32| -> Child {
        let log = std::fs::File::create(dir.join(format!("server-{n}.log"))).unwrap();
        Command::new(env!("CARGO_BIN_EXE_quickcommerce"))
            .arg("serve")
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &db)
            .env("JWT_SECRET", SECRET)
            .env("APP_ENV", "test")
            .env("QC_WEB_DIR", dir.join("no-web"))
            .env("QC_DATA_DIR", &dir)
            .env("RUST_LOG", "warn")
            .env("QC_WEBHOOK_ALLOW_PRIVATE", "true")
            .env("QC_WEBHOOK_LEASE_MS", "500")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap()
    };
    let base = format!("http://127.0.0.1:{port}");
    let ready = || async {
        for _ in 0..200 {
            if reqwest::get(format!("{base}/health/ready"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server never became ready");
    };
    let mut first = start(1);
    ready().await;
    let store = qc_store::connect(&db, qc_store::ConnectOptions::default())
        .await
        .unwrap();
    let tokens = quickcommerce::auth::tokens::TokenService::new(
        SECRET.as_bytes(),
        Duration::from_secs(3600),
    );
    let user = |email: &'static str, role: Role| {
        let store = store.clone();
        async move {
            store
                .create_user(qc_store::NewUser {
                    email: email.into(),
                    name: "Test".into(),
                    phone: None,
                    role,
                    password_hash: "x".into(),
                    home_store_id: None,
                })
                .await
                .unwrap()
        }
    };
    let admin = user("ops@example.com", Role::Admin).await;
    let customer = user("c@example.com", Role::Customer).await;
    let admin_token = tokens.issue(&admin.id, "admin", 0).unwrap();
    let customer_token = tokens.issue(&customer.id, "customer", 0).unwrap();
    let main = store.list_stores().await.unwrap()[0].id.clone();
    store
        .upsert_category(qc_store::NewCategory {
            slug: "test".into(),
            name: "Test".into(),
            description: String::new(),
            color: "#123456".into(),
            icon: String::new(),
            sort_order: 0,
        })
        .await
        .unwrap();
    let milk = store
        .create_product(qc_store::NewProduct {
            sku: "MILK-1".into(),
            name: "Milk".into(),
            description: String::new(),
            category: "test".into(),
            unit: "1 L".into(),
            price: qc_domain::Money(5_000),
            mrp: qc_domain::Money(5_000),
            stock: 10,
            stores: vec![main],
            brand: None,
            tags: vec![],
        })
        .await
        .unwrap();
    // The first request hangs (the server dies during it); later ones are answered.
    let seen: Shared = Arc::new(Mutex::new(Seen {
        delay: Duration::from_secs(5),
        ..Default::default()
    }));
    let url = receiver(seen.clone()).await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{base}/api/admin/webhooks"))
        .bearer_auth(&admin_token)
        .json(&json!({"url": url, "events": ["order.created"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = client
        .post(format!("{base}/api/customer/orders"))
        .bearer_auth(&customer_token)
        .json(&json!({
            "items": [{"productId": milk.id, "quantity": 1}],
            "deliveryAddress": {"street": "12 Hill Road", "city": "Mumbai", "state": "MH",
                                "zipCode": "400050", "lat": HOME.0, "lng": HOME.1}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    until(
        || !seen.lock().unwrap().requests.is_empty(),
        "the first try",
    )
    .await;
    // SIGKILL mid-delivery: nothing flushed, the delivery not marked.
    first.kill().unwrap();
    first.wait().unwrap();
    seen.lock().unwrap().delay = Duration::ZERO;
    let mut second = start(2);
    ready().await;
    until(
        || seen.lock().unwrap().requests.len() >= 2,
        "the retry after the restart",
    )
    .await;
    let requests = seen.lock().unwrap().requests.clone();
    assert_eq!(requests[0].0, requests[1].0, "the same webhook-id");
    let hooks = store.webhooks().await.unwrap();
    let mut delivered = false;
    for _ in 0..100 {
        let log = store.webhook_deliveries(&hooks[0].id, 10).await.unwrap();
        if log[0].0.status == "delivered" {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(delivered, "recorded as delivered after the restart");
    let _ = second.kill();
    let _ = second.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stock change is an `inventory.updated` webhook, written with the change.
#[tokio::test]
async fn stock_changes_are_sent_as_inventory_updated() {
    let app = spawn_with(&FAST).await;
    let seen: Shared = Arc::new(Mutex::new(Seen::default()));
    let url = receiver(seen.clone()).await;
    let admin = app.admin("ops@example.com").await;
    let (_, secret) = register(&app, &admin, &url, &["inventory.updated"]).await;
    let milk = app.product("Milk", 5_000, 10).await;
    let r = app
        .post(
            &format!("/api/admin/products/{milk}/stock"),
            Some(&admin),
            json!({"set": 7, "reason": "recount"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    until(
        || !seen.lock().unwrap().requests.is_empty(),
        "the inventory webhook",
    )
    .await;
    let (id, ts, sig, body) = seen.lock().unwrap().requests[0].clone();
    assert!(verifies(&secret, &id, &ts, &body, &sig));
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["type"], "inventory.updated", "{body}");
    assert_eq!(
        body["data"]["products"][0]["productId"],
        json!(milk),
        "{body}"
    );
    assert_eq!(body["data"]["products"][0]["stock"], 7, "{body}");
}

/// An endpoint that fails every delivery for the whole window (3 days; 1 s here) is
/// switched off, and admins are told.
#[tokio::test]
async fn an_endpoint_failing_too_long_is_switched_off() {
    let app = spawn_with(&[
        ("QC_WEBHOOK_ALLOW_PRIVATE", "true"),
        ("QC_WEBHOOK_RETRY_BASE_MS", "100"),
        ("QC_WEBHOOK_DISABLE_AFTER_SECS", "1"),
    ])
    .await;
    let seen: Shared = Arc::new(Mutex::new(Seen {
        fail_first: usize::MAX,
        ..Default::default()
    }));
    let url = receiver(seen.clone()).await;
    let admin = app.admin("ops@example.com").await;
    let mut admin_sock = app.socket(&admin).await;
    let (hook, _) = register(&app, &admin, &url, &["order.created"]).await;
    let milk = app.product("Milk", 5_000, 10).await;
    let customer = app.customer("c@example.com").await;
    app.place(&customer, &milk, 1).await;
    let ev = admin_sock
        .expect("webhook:disabled", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(ev["webhookId"], json!(hook), "{ev}");
    let list = app.get("/api/admin/webhooks", Some(&admin)).await;
    assert_eq!(list.body["webhooks"][0]["enabled"], false, "{}", list.body);
    assert!(list.body["webhooks"][0]["disabledReason"].is_string());
    // Switched on again, its failure clock starts over.
    let r = app
        .put(
            &format!("/api/admin/webhooks/{hook}"),
            Some(&admin),
            json!({"enabled": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["webhook"]["enabled"], true, "{}", r.body);
    assert!(r.body["webhook"]["failingSince"].is_null(), "{}", r.body);
}

/// Dispatch steps are webhooks too: an order nobody may be offered is escalated, and the
/// escalation is written with the step.
#[tokio::test]
async fn dispatch_steps_are_sent() {
    let app = spawn_with(&FAST).await;
    let seen: Shared = Arc::new(Mutex::new(Seen::default()));
    let url = receiver(seen.clone()).await;
    let admin = app.admin("ops@example.com").await;
    register(&app, &admin, &url, &["dispatch.escalated"]).await;
    let main = app.main_store();
    let r = app
        .put(
            &format!("/api/admin/stores/{main}"),
            Some(&admin),
            json!({"settings": {"dispatchMode": "auto"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let milk = app.product("Milk", 5_000, 10).await;
    let customer = app.customer("c@example.com").await;
    let order = app.place(&customer, &milk, 1).await;
    until(
        || !seen.lock().unwrap().requests.is_empty(),
        "the escalation webhook",
    )
    .await;
    let body: Value = serde_json::from_str(&seen.lock().unwrap().requests[0].3).unwrap();
    assert_eq!(body["type"], "dispatch.escalated", "{body}");
    assert_eq!(body["data"]["orderId"], order["id"], "{body}");
    assert_eq!(body["data"]["reason"], "no_eligible_partner", "{body}");
}
