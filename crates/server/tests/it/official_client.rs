//! The official `socket.io-client` from npm (what the brief's web app uses) connects
//! with `auth: { token }`, is refused with a clear message on a bad token, and accepts
//! an order with an acknowledgement.

use crate::common::spawn;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn node_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node")
}

/// Install the pinned client from the lockfile the first time.
fn ensure_client() {
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
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("client.mjs")
            .args(args)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_socket_io_client_authenticates_and_accepts() {
    tokio::task::spawn_blocking(ensure_client).await.unwrap();
    let app = spawn().await;
    let customer = app.customer("c@example.com").await;
    let (partner, partner_id) = app.partner("p@example.com").await;
    let product = app.product("Milk", 3_000, 5).await;
    let order = app.place(&customer, &product, 1).await;
    let order_id = order["id"].as_str().unwrap().to_owned();

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
    let stored = app
        .state
        .store
        .order_by_id(&order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.partner_id.as_deref(), Some(partner_id.as_str()));
}
