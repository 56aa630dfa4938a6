//! Test harness: the real app on port 0 with a fresh SQLite database in a temp dir,
//! and a small HTTP client around reqwest.

use quickcommerce::app::AppState;
use quickcommerce::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub dir: PathBuf,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _pg: Option<qc_store::testing::TempDatabase>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Start the app with extra environment variables on top of the test defaults.
pub async fn spawn_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_on(None, extra).await
}

/// The app on a PostgreSQL database made beforehand.
pub async fn spawn_pg(db: qc_store::testing::TempDatabase, extra: &[(&str, &str)]) -> TestApp {
    spawn_on(Some(db), extra).await
}

/// The app on SQLite, and on PostgreSQL too when `QC_TEST_POSTGRES_URL` is set: for the
/// race tests, which must hold on both backends.
pub async fn spawn_all(extra: &[(&str, &str)]) -> Vec<TestApp> {
    let mut apps = vec![spawn_on(None, extra).await];
    match std::env::var("QC_TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => {
            let db = qc_store::testing::TempDatabase::create(&base)
                .await
                .expect("PostgreSQL unreachable");
            apps.push(spawn_on(Some(db), extra).await);
        }
        _ => eprintln!("QC_TEST_POSTGRES_URL not set: race test on SQLite only"),
    }
    apps
}

async fn spawn_on(pg: Option<qc_store::testing::TempDatabase>, extra: &[(&str, &str)]) -> TestApp {
    let dir = std::env::temp_dir().join(format!("qc-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = match &pg {
        Some(p) => p.url.clone(),
        None => extra
            .iter()
            .find(|(k, _)| *k == "DATABASE_URL")
            .map(|(_, v)| (*v).to_owned())
            .unwrap_or_else(|| format!("sqlite://{}/qc.db", dir.display())),
    };
    let web = dir.join("no-web").display().to_string();
    let data = dir.display().to_string();
    let mut vars: HashMap<&str, &str> = HashMap::from([
        ("APP_ENV", "test"),
        ("DATABASE_URL", db.as_str()),
        ("QC_DATA_DIR", data.as_str()),
        ("QC_WEB_DIR", web.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("QC_DB_MAX_CONNECTIONS", "16"),
        ("CORS_ORIGIN", "http://localhost:3000"),
        // Tests create many accounts and orders from one address and customer; the
        // limits themselves are tested with their defaults in `hardening.rs`.
        ("QC_REGISTRATIONS_PER_HOUR", "0"),
        ("QC_ORDERS_PER_MIN", "0"),
        ("QC_MAX_OPEN_ORDERS", "0"),
        // Parallel tests on two cores delay each other's runtimes; admission under
        // overload is tested with its own settings in `hardening.rs`.
        ("QC_OVERLOAD_LAG_MS", "0"),
    ]);
    for (k, v) in extra {
        vars.insert(k, v);
    }
    let config = Config::from_vars(&vars).unwrap();
    let state = quickcommerce::build_state(config).await.unwrap();
    // Tests place many orders with no rider online: the main store takes them whatever
    // the wait (tests of the promise and of `store_busy` set their own maximum).
    for s in state.stores.all() {
        state
            .store
            .update_store(
                s.id(),
                qc_store::StorePatch {
                    settings: Some(json!({"maxPromiseMinutes": 0})),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    state.stores.reload().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    tokio::spawn(async move {
        quickcommerce::launch(st, listener, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        backend: app_state_backend(&state),
        state,
        client: reqwest::Client::new(),
        dir,
        shutdown: Some(tx),
        _pg: pg,
    }
}

fn app_state_backend(state: &AppState) -> &'static str {
    state.store.backend().as_str()
}

/// A second instance on the database of `app` (the same SQLite file or PostgreSQL
/// database), as when several instances share one database.
pub async fn spawn_on_same_db(app: &TestApp, extra: &[(&str, &str)]) -> TestApp {
    let db = app.state.config.database_url.as_str().to_owned();
    let mut vars: Vec<(&str, &str)> = vec![("DATABASE_URL", db.as_str())];
    vars.extend_from_slice(extra);
    spawn_on(None, &vars).await
}

pub async fn spawn() -> TestApp {
    spawn_with(&[]).await
}

/// An HTTP answer: status, headers and parsed JSON body (Null when not JSON).
pub struct Res {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Res {
    /// The envelope's error code, asserting the envelope's shape on the way.
    pub fn code(&self) -> &str {
        assert_eq!(
            self.body["success"],
            json!(false),
            "not an error envelope: {}",
            self.body
        );
        assert!(
            self.body["error"]["message"].is_string(),
            "no message: {}",
            self.body
        );
        self.body["error"]["code"].as_str().unwrap_or("<none>")
    }
}

impl TestApp {
    pub async fn req(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let mut rb = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Res {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Res {
        self.req(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Res {
        self.req(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Res {
        self.req(Method::PUT, path, token, Some(body)).await
    }

    /// Register an account over the API; returns (token, user id).
    pub async fn register(&self, email: &str, role: &str) -> (String, String) {
        let r = self
            .post(
                "/api/auth/register",
                None,
                json!({"name": "Test User", "email": email, "password": "password123", "role": role}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        (
            r.body["token"].as_str().unwrap().to_owned(),
            r.body["user"]["id"].as_str().unwrap().to_owned(),
        )
    }

    /// Create an admin the way an operator does (the service behind `create-admin`).
    pub async fn admin(&self, email: &str) -> String {
        quickcommerce::app::accounts::create_admin(&self.state, email, "Ops Admin", "password123")
            .await
            .unwrap();
        let r = self
            .post(
                "/api/auth/login",
                None,
                json!({"email": email, "password": "password123"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["token"].as_str().unwrap().to_owned()
    }
}

/// One argon2 hash shared by every fast-created test user ("password123").
fn test_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| quickcommerce::auth::password::hash_blocking("password123").unwrap())
}

impl TestApp {
    /// Create a user straight in the store and issue a token (for tests that need many
    /// users; registration itself is tested over HTTP in `auth.rs`).
    pub async fn user(&self, email: &str, role: qc_domain::Role) -> (String, String) {
        // A partner works at the first store (the only one, unless a test adds more).
        let home_store_id = match role {
            qc_domain::Role::Delivery => Some(self.main_store()),
            _ => None,
        };
        let u = self
            .state
            .store
            .create_user(qc_store::NewUser {
                email: email.to_owned(),
                name: format!("User {email}"),
                phone: None,
                role,
                password_hash: test_hash().to_owned(),
                home_store_id,
            })
            .await
            .unwrap();
        let token = self
            .state
            .tokens
            .issue(&u.id, role.as_str(), u.token_version)
            .unwrap();
        (token, u.id)
    }

    pub async fn customer(&self, email: &str) -> String {
        self.user(email, qc_domain::Role::Customer).await.0
    }

    /// The id of the store every test app starts with ("Main store", from the
    /// configured location and radius).
    pub fn main_store(&self) -> String {
        let all = self.state.stores.all();
        all.iter()
            .find(|s| s.record.code == "MAIN")
            .or(all.first())
            .map(|s| s.record.id.clone())
            .expect("the app has a store")
    }

    /// A product in a test category stocked at the main store; returns its id.
    pub async fn product(&self, name: &str, price: i64, stock: i64) -> String {
        self.state
            .store
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
        let sku = format!("T-{}", uuid::Uuid::new_v4().simple());
        let id = self
            .state
            .store
            .create_product(qc_store::NewProduct {
                sku,
                name: name.to_owned(),
                description: format!("{name} for tests"),
                category: "test".into(),
                unit: "1 pc".into(),
                price: qc_domain::Money(price),
                mrp: qc_domain::Money(price),
                stock,
                stores: vec![self.main_store()],
                brand: None,
                tags: vec![],
            })
            .await
            .unwrap()
            .id;
        // Made beside the services: tell the app, as they would.
        self.state.catalog_changed();
        id
    }

    /// Count a product's stock at a store as the admin does.
    pub async fn set_stock(&self, admin: &str, store: &str, product: &str, n: i64) {
        let r = self
            .post(
                &format!("/api/admin/products/{product}/stock"),
                Some(admin),
                json!({"storeId": store, "set": n, "reason": "stock count"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    /// A product's stock at the main store.
    pub async fn stock(&self, product_id: &str) -> i64 {
        self.stock_at(&self.main_store(), product_id).await
    }

    pub async fn stock_at(&self, store_id: &str, product_id: &str) -> i64 {
        self.state
            .store
            .product_by_id(product_id, Some(store_id))
            .await
            .unwrap()
            .unwrap()
            .stock
    }

    pub async fn seed_catalog(&self) {
        quickcommerce::seed::catalog(&self.state).await.unwrap();
    }
}

/// The brief's order body for one product.
pub fn order_body(items: &[(&str, i64)]) -> Value {
    json!({
        "items": items.iter().map(|(id, q)| json!({"productId": id, "quantity": q})).collect::<Vec<_>>(),
        "deliveryAddress": {"street": "123 Main St", "city": "Mumbai", "state": "Maharashtra", "zipCode": "400001"},
        "paymentMethod": "cash"
    })
}

/// Where test customers live: Bandra West, about 1.3 km from the demo store.
pub const HOME: (f64, f64) = (19.0544, 72.8406);

impl TestApp {
    /// A connected Socket.io client authenticated with `token`.
    pub async fn socket(&self, token: &str) -> qc_sioclient::Client {
        qc_sioclient::Client::connect(
            &self.base,
            qc_sioclient::Options {
                auth: Some(json!({ "token": token })),
                ..Default::default()
            },
        )
        .await
        .unwrap()
    }

    /// A verified delivery partner who is available for orders; returns (token, id).
    pub async fn partner(&self, email: &str) -> (String, String) {
        let (token, id) = self.user(email, qc_domain::Role::Delivery).await;
        self.state
            .store
            .set_partner_flags(&id, Some(true), None)
            .await
            .unwrap();
        self.state.store.set_availability(&id, true).await.unwrap();
        (token, id)
    }

    /// Place an order (with coordinates) and return the order JSON.
    pub async fn place(&self, token: &str, product: &str, qty: i64) -> Value {
        let mut body = order_body(&[(product, qty)]);
        body["deliveryAddress"]["lat"] = json!(HOME.0);
        body["deliveryAddress"]["lng"] = json!(HOME.1);
        let r = self.post("/api/customer/orders", Some(token), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["order"].clone()
    }
}
