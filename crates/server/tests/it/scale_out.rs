//! Scale-out on loopback: PostgreSQL + a Redis of the test's own + two
//! `quickcommerce serve` processes + nginx in front. Runs when `QC_TEST_POSTGRES_URL` is
//! set and `redis-server` and `nginx` are installed (`.ci/run` makes sure of all three);
//! otherwise it says plainly that it skipped.

use qc_domain::Role;
use qc_sioclient::{Client, Options};
use qc_store::testing::TempDatabase;
use qc_store::{NewCategory, NewProduct, NewUser, SharedStore};
use quickcommerce::auth::tokens::TokenService;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SECRET: &str = "scale-out-test-secret-0123456789abcdef";
const WAIT: Duration = Duration::from_secs(10);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn found(bin: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {bin}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        || Path::new(&format!("/usr/sbin/{bin}")).exists()
}

/// A child process stopped on drop: SIGTERM first (nginx's master then stops its
/// workers), SIGKILL if it lingers.
struct Proc(Child);

impl Proc {
    /// SIGKILL: no graceful shutdown, nothing flushed.
    fn kill9(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(Some(_))) {
            return;
        }
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..50 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_redis(port: u16, dir: &Path) -> Proc {
    Proc(
        Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server"),
    )
}

async fn wait_http(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never became ready");
}

async fn start_instance(port: u16, db: &str, redis: &str, prefix: &str, dir: &Path) -> Proc {
    let log = std::fs::File::create(dir.join(format!("instance-{port}.log"))).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_quickcommerce"))
        .arg("serve")
        .env("PORT", port.to_string())
        .env("DATABASE_URL", db)
        .env("REDIS_URL", redis)
        .env("QC_REDIS_PREFIX", prefix)
        .env("JWT_SECRET", SECRET)
        .env("APP_ENV", "test")
        .env("QC_WEB_DIR", dir.join("no-web"))
        .env("QC_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        // One customer places dozens of orders that nobody delivers.
        .env("QC_MAX_OPEN_ORDERS", "0")
        .env("QC_ORDERS_PER_MIN", "0")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    wait_http(&format!("http://127.0.0.1:{port}/health/ready")).await;
    Proc(child)
}

fn start_nginx(port: u16, a: u16, b: u16, dir: &Path) -> Proc {
    let conf = format!(
        r#"daemon off;
worker_processes 1;
user root;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/client_body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  upstream quickcommerce {{ hash $remote_addr consistent; server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://quickcommerce;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 75s;
    }}
  }}
}}
"#,
        dir = dir.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let nginx = if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx".into()
    } else {
        PathBuf::from("nginx")
    };
    Proc(
        Command::new(nginx)
            .arg("-c")
            .arg(&path)
            .arg("-p")
            .arg(dir)
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx"),
    )
}

struct World {
    store: SharedStore,
    tokens: TokenService,
}

impl World {
    /// The store the instances created at start-up.
    async fn main_store(&self) -> String {
        self.store.list_stores().await.unwrap()[0].id.clone()
    }

    async fn user(&self, email: &str, role: Role) -> (String, String) {
        let home_store_id = match role {
            Role::Delivery => Some(self.main_store().await),
            _ => None,
        };
        let u = self
            .store
            .create_user(NewUser {
                email: email.into(),
                name: format!("User {email}"),
                phone: None,
                role,
                password_hash: "x".into(),
                home_store_id,
            })
            .await
            .unwrap();
        if role == Role::Delivery {
            self.store
                .set_partner_flags(&u.id, Some(true), None)
                .await
                .unwrap();
            self.store.set_availability(&u.id, true).await.unwrap();
        }
        (self.tokens.issue(&u.id, role.as_str(), 0).unwrap(), u.id)
    }
}

async fn socket(port: u16, token: &str) -> Client {
    Client::connect(
        &format!("http://127.0.0.1:{port}"),
        Options {
            auth: Some(json!({"token": token})),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn place(port: u16, token: &str, product: &str) -> (reqwest::StatusCode, Value) {
    let body = json!({
        "items": [{"productId": product, "quantity": 1}],
        "deliveryAddress": {"street": "12 Hill Road", "city": "Mumbai", "state": "MH", "zipCode": "400050", "lat": 19.0544, "lng": 72.8406}
    });
    let r = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/customer/orders"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behind_nginx_share_realtime_through_redis() {
    let Ok(pg_base) = std::env::var("QC_TEST_POSTGRES_URL") else {
        eprintln!("scale-out test skipped: QC_TEST_POSTGRES_URL is not set");
        return;
    };
    if !found("redis-server") || !found("nginx") {
        eprintln!(
            "scale-out test skipped: redis-server and nginx are needed (.ci/run installs them)"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("qc-scale-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = TempDatabase::create(&pg_base).await.unwrap();
    let redis_port = free_port();
    let mut redis = start_redis(redis_port, &dir);
    let redis_url = format!("redis://127.0.0.1:{redis_port}");
    let prefix = format!("qct{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let (a, b, lb) = (free_port(), free_port(), free_port());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _inst_a = start_instance(a, &db.url, &redis_url, &prefix, &dir).await;
    let _inst_b = start_instance(b, &db.url, &redis_url, &prefix, &dir).await;
    let _nginx = start_nginx(lb, a, b, &dir);
    wait_http(&format!("http://127.0.0.1:{lb}/health")).await;

    let store = qc_store::connect(&db.url, qc_store::ConnectOptions::default())
        .await
        .unwrap();
    let world = World {
        store,
        tokens: TokenService::new(SECRET.as_bytes(), Duration::from_secs(3600)),
    };
    world
        .store
        .upsert_category(NewCategory {
            slug: "f".into(),
            name: "Fruit".into(),
            description: String::new(),
            color: "#2e7d32".into(),
            icon: String::new(),
            sort_order: 0,
        })
        .await
        .unwrap();
    let product = world
        .store
        .create_product(NewProduct {
            sku: "MANGO".into(),
            name: "Mangoes".into(),
            description: String::new(),
            category: "f".into(),
            unit: "1 kg".into(),
            price: qc_domain::Money(20_000),
            mrp: qc_domain::Money(20_000),
            stock: 100,
            stores: vec![world.main_store().await],
            brand: None,
            tags: vec![],
        })
        .await
        .unwrap();
    let (customer, _) = world.user("c@x.io", Role::Customer).await;
    let (admin, _) = world.user("admin@x.io", Role::Admin).await;
    let mut partners = Vec::new();
    for i in 0..20 {
        let (t, id) = world.user(&format!("p{i}@x.io"), Role::Delivery).await;
        let port = if i % 2 == 0 { a } else { b };
        partners.push((t.clone(), id, port, socket(port, &t).await));
    }
    let mut cust = socket(a, &customer).await;

    // Online users counts sockets on both instances (one admin not connected).
    let online: Value = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{a}/api/admin/online-users"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        online["onlineUsers"],
        json!({"customers": 1, "delivery": 20, "admin": 0, "pickers": 0, "total": 21})
    );

    // Stores opened on one instance are known to the other at once, however quickly
    // they follow each other: stocked there, and a customer's catalog for each there (its
    // snapshot of stores was loaded before).
    let http = reqwest::Client::new();
    for (i, code) in ["PNQ", "NAG", "NSK"].into_iter().enumerate() {
        let r = http
            .post(format!("http://127.0.0.1:{a}/api/admin/stores"))
            .bearer_auth(&admin)
            .json(&json!({"code": code, "name": format!("Store {code}"),
                          "location": {"lat": 18.52 + i as f64, "lng": 73.85},
                          "zipCodes": [format!("41100{i}")]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        let opened: Value = r.json().await.unwrap();
        let opened = opened["store"]["id"].as_str().unwrap().to_owned();
        let r = http
            .post(format!(
                "http://127.0.0.1:{b}/api/admin/products/{}/stock",
                product.id
            ))
            .bearer_auth(&admin)
            .json(&json!({"storeId": opened, "set": 7, "reason": "opening stock"}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert_eq!(
            status,
            reqwest::StatusCode::OK,
            "{}",
            r.text().await.unwrap()
        );
        let r = http
            .get(format!(
                "http://127.0.0.1:{b}/api/customer/products?storeId={opened}"
            ))
            .bearer_auth(&customer)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
        assert_eq!(body["products"][0]["stock"], 7, "{body}");
    }
    // An id nobody made is still 404.
    let r = http
        .get(format!(
            "http://127.0.0.1:{b}/api/customer/products?storeId=01a22d1d0f557162b96a057ff1f955fd"
        ))
        .bearer_auth(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);

    // The customer orders on A; partners on A and B receive it and race.
    let (status, placed) = place(a, &customer, &product.id).await;
    assert_eq!(status, 201, "{placed}");
    let order_id = placed["order"]["id"].as_str().unwrap().to_owned();
    let code = placed["order"]["confirmationCode"]
        .as_str()
        .unwrap()
        .to_owned();
    for (_, _, port, s) in partners.iter_mut() {
        let offer = s
            .expect("order:created", WAIT)
            .await
            .unwrap_or_else(|e| panic!("partner on {port}: {e}"));
        assert_eq!(offer["order"]["id"], order_id.as_str());
    }
    let acks = futures::future::join_all(partners.iter().map(|(_, _, _, s)| {
        let id = order_id.clone();
        async move {
            s.emit_with_ack("order:accept", &json!({"orderId": id}), WAIT)
                .await
                .unwrap()
        }
    }))
    .await;
    let winners: Vec<usize> = acks
        .iter()
        .enumerate()
        .filter(|(_, a)| a["success"] == true)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(winners.len(), 1, "{acks:?}");
    assert!(
        acks.iter()
            .filter(|a| a["success"] != true)
            .all(|a| a["error"]["code"] == "order_already_taken")
    );
    let accepted = cust.expect("order:accepted", WAIT).await.unwrap();
    let (w_token, w_id, _, _) = &partners[winners[0]];
    assert_eq!(accepted["partnerId"], w_id.as_str());

    // Status and location emitted on B reach the customer on A.
    let http = reqwest::Client::new();
    for s in ["picked_up", "on_the_way"] {
        let r = http
            .put(format!(
                "http://127.0.0.1:{b}/api/delivery/orders/{order_id}/status"
            ))
            .bearer_auth(w_token)
            .json(&json!({"status": s}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let e = cust.expect("order:status-updated", WAIT).await.unwrap();
        assert_eq!(e["status"], s);
    }
    // Admins on A see the rider on their map (`fleet:positions`).
    let mut ops = socket(a, &admin).await;
    let on_b = socket(b, w_token).await;
    let ack = on_b
        .emit_with_ack(
            "delivery:location-update",
            &json!({"lat": 19.056, "lng": 72.838, "orderId": order_id}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    let loc = cust.expect("delivery:location", WAIT).await.unwrap();
    assert_eq!(loc["lat"], 19.056);
    let fleet = ops.expect("fleet:positions", WAIT).await.unwrap();
    let rider = fleet["positions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["partnerId"] == w_id.as_str())
        .unwrap_or_else(|| panic!("the rider is not in {fleet}"));
    assert_eq!(
        (&rider["orderId"], &rider["lat"]),
        (&json!(order_id), &json!(19.056)),
        "{fleet}"
    );
    // A second fix right after the first is not a trail sample (those are kept every
    // 5 s), so only the shared position can tell A about it: tracking served by A must
    // show it within a second.
    let ack = on_b
        .emit_with_ack(
            "delivery:location-update",
            &json!({"lat": 19.0563, "lng": 72.8382, "orderId": order_id}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    let sent = std::time::Instant::now();
    let mut seen = Value::Null;
    while sent.elapsed() < Duration::from_secs(1) {
        let tracking: Value = http
            .get(format!(
                "http://127.0.0.1:{a}/api/customer/orders/{order_id}/tracking"
            ))
            .bearer_auth(&customer)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen = tracking["tracking"]["location"].clone();
        if seen["lat"] == 19.0563 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        (seen["lat"].clone(), seen["lng"].clone()),
        (json!(19.0563), json!(72.8382)),
        "tracking on A shows the position B received, within a second"
    );

    // Through nginx: REST and a WebSocket upgrade work.
    let via_lb = socket(lb, &customer).await;
    let ack = on_b
        .emit_with_ack(
            "order:confirm-delivery",
            &json!({"orderId": order_id, "confirmationCode": code}),
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    let mut via_lb = via_lb;
    assert_eq!(
        via_lb.expect("order:completed", WAIT).await.unwrap()["orderId"],
        order_id.as_str()
    );
    let (status, _) = place(lb, &customer, &product.id).await;
    assert_eq!(status, 201);

    // Redis goes away: orders are still placed over REST on both instances.
    drop(redis);
    tokio::time::sleep(Duration::from_millis(300)).await;
    for port in [a, b] {
        let (status, body) = place(port, &customer, &product.id).await;
        assert_eq!(status, 201, "order with Redis down on {port}: {body}");
    }
    // Redis is back: cross-instance events flow again (bounded retries while it resubscribes).
    redis = start_redis(redis_port, &dir);
    let listener_idx = partners
        .iter()
        .position(|(_, _, port, _)| *port == b)
        .unwrap();
    let mut delivered = false;
    for _ in 0..40 {
        let (status, _) = place(a, &customer, &product.id).await;
        assert_eq!(status, 201);
        let s = &mut partners[listener_idx].3;
        if s.expect("order:created", Duration::from_millis(500))
            .await
            .is_ok()
        {
            delivered = true;
            break;
        }
    }
    assert!(delivered, "events did not flow again after Redis came back");
    drop(redis);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Dispatch across instances: the instance that made an offer is killed (SIGKILL) while
/// the offer is live; the other instance's sweeper ends it on time and offers the order
/// to the next partner — exactly once, ranked with positions shared through Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_offer_outlives_the_instance_that_made_it() {
    let Ok(pg_base) = std::env::var("QC_TEST_POSTGRES_URL") else {
        eprintln!("dispatch scale-out test skipped: QC_TEST_POSTGRES_URL is not set");
        return;
    };
    if !found("redis-server") {
        eprintln!("dispatch scale-out test skipped: redis-server is needed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("qc-dispatch-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = TempDatabase::create(&pg_base).await.unwrap();
    let redis_port = free_port();
    let _redis = start_redis(redis_port, &dir);
    let redis_url = format!("redis://127.0.0.1:{redis_port}");
    let prefix = format!("qcd{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let (a, b) = (free_port(), free_port());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut inst_a = start_instance(a, &db.url, &redis_url, &prefix, &dir).await;
    let _inst_b = start_instance(b, &db.url, &redis_url, &prefix, &dir).await;
    let store = qc_store::connect(&db.url, qc_store::ConnectOptions::default())
        .await
        .unwrap();
    let world = World {
        store,
        tokens: TokenService::new(SECRET.as_bytes(), Duration::from_secs(3600)),
    };
    let main = world.main_store().await;
    world
        .store
        .upsert_category(NewCategory {
            slug: "f".into(),
            name: "Fruit".into(),
            description: String::new(),
            color: "#2e7d32".into(),
            icon: String::new(),
            sort_order: 0,
        })
        .await
        .unwrap();
    let product = world
        .store
        .create_product(NewProduct {
            sku: "PEAR".into(),
            name: "Pears".into(),
            description: String::new(),
            category: "f".into(),
            unit: "1 kg".into(),
            price: qc_domain::Money(20_000),
            mrp: qc_domain::Money(20_000),
            stock: 100,
            stores: vec![main.clone()],
            brand: None,
            tags: vec![],
        })
        .await
        .unwrap();
    let (admin, _) = world.user("admin@x.io", Role::Admin).await;
    let (customer, _) = world.user("c@x.io", Role::Customer).await;
    let http = reqwest::Client::new();
    let r = http
        .put(format!("http://127.0.0.1:{a}/api/admin/stores/{main}"))
        .bearer_auth(&admin)
        .json(
            &json!({"settings": {"dispatchMode": "auto", "offerTimeoutSecs": 3,
                                   "maxPromiseMinutes": 0}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The near partner talks to A, the far one to B; positions through each.
    let (near, _) = world.user("near@x.io", Role::Delivery).await;
    let (far, _) = world.user("far@x.io", Role::Delivery).await;
    for (token, port, lat) in [(&near, a, 19.0605), (&far, b, 19.0700)] {
        let r = http
            .put(format!("http://127.0.0.1:{port}/api/delivery/location"))
            .bearer_auth(token)
            .json(&json!({"lat": lat, "lng": 72.8295}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let mut far_socket = socket(b, &far).await;
    let (status, placed) = place(a, &customer, &product.id).await;
    assert_eq!(status, 201, "{placed}");
    let order_id = placed["order"]["id"].as_str().unwrap().to_owned();
    let offers = world.store.order_offers(&order_id).await.unwrap();
    assert_eq!(offers.len(), 1);
    let near_id = offers[0].partner_id.clone();
    assert_ne!(
        near_id,
        world
            .store
            .user_by_email("far@x.io")
            .await
            .unwrap()
            .unwrap()
            .id,
        "the nearer partner is offered first"
    );
    // A dies with the offer live; B carries the cascade on.
    inst_a.kill9();
    let offer = far_socket
        .expect("order:offer", Duration::from_secs(8))
        .await
        .unwrap();
    assert_eq!(offer["order"]["id"], order_id.as_str());
    assert_eq!(offer["round"], 2);
    let again = far_socket.drain(Duration::from_secs(1)).await;
    assert!(
        again.iter().all(|e| e.name != "order:offer"),
        "offered twice: {again:?}"
    );
    let offers = world.store.order_offers(&order_id).await.unwrap();
    assert_eq!(
        offers.iter().map(|o| o.state.as_str()).collect::<Vec<_>>(),
        ["expired", "live"]
    );
    let ack = far_socket
        .emit_with_ack("order:accept", &json!({"orderId": order_id}), WAIT)
        .await
        .unwrap();
    assert_eq!(ack["success"], true, "{ack}");
    let _ = std::fs::remove_dir_all(&dir);
}
