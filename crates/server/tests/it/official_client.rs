//! The official `socket.io-client` from npm (what the brief's web app uses) connects
//! with `auth: { token }`, is refused with a clear message on a bad token, and accepts
//! an order with an acknowledgement, over WebSocket at once or after long-polling.

use crate::common::{TestApp, spawn};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn node_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node")
}

/// Install the pinned client from the lockfile the first time. Once per test process:
/// the tests run at once, and one must not start the client while another's `npm ci`
/// is still writing `node_modules` (the directory exists before it is complete).
fn ensure_client() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(install_client);
}

fn install_client() {
    if node_dir().join("node_modules/socket.io-client").is_dir() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(node_dir())
        .status()
        .expect("npm is needed for the official-client test (Node.js 20)");
    assert!(
        status.success(),
        "npm ci failed in {}",
        node_dir().display()
    );
}

async fn run(args: Vec<String>) -> Value {
    run_on(args, "websocket").await
}

/// `transports`: the client's `transports` option, comma-separated.
async fn run_on(args: Vec<String>, transports: &'static str) -> Value {
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("client.mjs")
            .args(args)
            .env("QC_TRANSPORTS", transports)
            .current_dir(node_dir())
            .output()
    })
    .await
    .unwrap()
    .expect("node is needed for the official-client test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "bad output: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The client installed, a server, a partner's token and id, and a customer's order.
async fn partner_and_order() -> (TestApp, String, String, String) {
    tokio::task::spawn_blocking(ensure_client).await.unwrap();
    let app = spawn().await;
    let customer = app.customer("c@example.com").await;
    let (partner, partner_id) = app.partner("p@example.com").await;
    let product = app.product("Milk", 3_000, 5).await;
    let order = app.place(&customer, &product, 1).await;
    let order_id = order["id"].as_str().unwrap().to_owned();
    (app, partner, partner_id, order_id)
}

async fn assert_taken_by(app: &TestApp, order_id: &str, partner_id: &str) {
    let stored = app
        .state
        .store
        .order_by_id(order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.partner_id.as_deref(), Some(partner_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_socket_io_client_authenticates_and_accepts() {
    let (app, partner, partner_id, order_id) = partner_and_order().await;

    let bad = run(vec![app.base.clone(), "not-a-token".into()]).await;
    assert_eq!(bad["connected"], false);
    assert!(
        bad["error"].as_str().unwrap().contains("invalid_token"),
        "{bad}"
    );

    let ok = run(vec![app.base.clone(), partner, order_id.clone()]).await;
    assert_eq!(ok["connected"], true, "{ok}");
    assert_eq!(ok["ack"]["success"], true, "{ok}");
    assert_eq!(ok["ack"]["data"]["id"], order_id.as_str());
    assert_taken_by(&app, &order_id, &partner_id).await;
}

/// A browser that cannot open a WebSocket at once starts on long-polling and upgrades:
/// the upgrade request gets a request head of its own on the server (as a first
/// handshake does), and the session still answers events after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_client_upgrades_from_long_polling_and_accepts() {
    let (app, partner, partner_id, order_id) = partner_and_order().await;

    let ok = run_on(
        vec![app.base.clone(), partner, order_id.clone()],
        "polling,websocket",
    )
    .await;
    assert_eq!(ok["connected"], true, "{ok}");
    assert_eq!(ok["transport"], "websocket", "{ok}");
    assert_eq!(ok["ack"]["success"], true, "{ok}");
    assert_taken_by(&app, &order_id, &partner_id).await;
}
