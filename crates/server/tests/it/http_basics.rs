//! The HTTP surface: error envelope for every failure, health, docs, headers, CORS.

use crate::common::spawn;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn malformed_input_always_gets_the_envelope() {
    let app = spawn().await;
    let url = format!("{}/api/auth/login", app.base);

    let r = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"email\":")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");

    let r = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");

    let wrong_types = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": 42, "password": ["x"]}),
        )
        .await;
    assert_eq!(wrong_types.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_types.code(), "invalid_body");

    let missing = app
        .post("/api/auth/login", None, json!({"email": "a@b.co"}))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(
        missing.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("password")
    );

    let big = "x".repeat(200 * 1024);
    let r = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(format!("{{\"email\":\"{big}\",\"password\":\"x\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");

    let nf = app.get("/api/no/such/route", None).await;
    assert_eq!(nf.status, StatusCode::NOT_FOUND);
    assert_eq!(nf.code(), "route_not_found");

    let r = app
        .client
        .delete(format!("{}/api/auth/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["content-type"], "application/json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn health_endpoints_report_the_database() {
    let app = spawn().await;
    for path in ["/health", "/health/live", "/health/ready"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.body["success"], true);
        assert_eq!(r.body["database"], "sqlite");
    }
}

#[tokio::test]
async fn openapi_document_covers_every_route_and_docs_are_served() {
    let app = spawn().await;
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.body["paths"].as_object().unwrap();
    for p in [
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/me",
        "/api/auth/password",
        "/api/auth/logout",
        "/health",
        "/health/live",
        "/health/ready",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(doc.body["components"]["securitySchemes"]["bearer_auth"].is_object());

    let ui = app
        .client
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ui.status(), StatusCode::OK);
    let html = ui.text().await.unwrap();
    assert!(html.contains("swagger"), "not the Swagger UI page");
    assert!(!html.contains("cdn."), "docs must not load from a CDN");
}

#[tokio::test]
async fn responses_carry_security_headers_and_request_ids() {
    let app = spawn().await;
    let r = app.get("/health", None).await;
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "strict-transport-security",
        "x-request-id",
    ] {
        assert!(r.headers.contains_key(h), "{h} missing");
    }
    let r2 = app
        .client
        .get(format!("{}/health", app.base))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r2.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = spawn().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/auth/login", app.base),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let ok = preflight("http://localhost:3000").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let bad = preflight("https://evil.example").await.unwrap();
    assert!(!bad.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn the_web_app_or_its_placeholder_is_served_at_the_root() {
    let app = spawn().await;
    let r = app
        .client
        .get(format!("{}/customer/orders", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("QuickCommerce"));
}

/// `docs/openapi.json` (from which the web app's types are generated) must match what
/// the server serves. Regenerate with `make openapi`.
#[tokio::test]
async fn committed_openapi_document_is_current() {
    let app = spawn().await;
    let live = quickcommerce::http::openapi_document(&app.state);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap_or_default();
    let live: serde_json::Value = serde_json::to_value(&live).unwrap();
    assert!(
        committed == live,
        "docs/openapi.json is stale: run `make openapi`"
    );
}

#[tokio::test]
async fn built_files_go_out_precompressed_with_cache_headers_and_api_json_gzipped() {
    // A built web app: a hashed asset with its Brotli and gzip versions beside it.
    let web = std::env::temp_dir().join(format!("qc-web-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(web.join("index.html"), "<!doctype html><title>QC</title>").unwrap();
    std::fs::write(web.join("index.html.gz"), b"gz-index").unwrap();
    std::fs::write(web.join("assets/app-1a2b3c.js"), "console.log(1)").unwrap();
    std::fs::write(web.join("assets/app-1a2b3c.js.br"), b"br-bytes").unwrap();
    std::fs::write(web.join("assets/app-1a2b3c.js.gz"), b"gz-bytes").unwrap();
    let app = crate::common::spawn_with(&[("QC_WEB_DIR", web.to_str().unwrap())]).await;
    let get = |path: &str, encoding: &str| {
        app.client
            .get(format!("{}{path}", app.base))
            .header("accept-encoding", encoding)
            .send()
    };
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };

    let r = get("/assets/app-1a2b3c.js", "gzip, deflate, br")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-encoding"), "br");
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&r, "content-type").contains("javascript"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"br-bytes");
    let r = get("/assets/app-1a2b3c.js", "gzip").await.unwrap();
    assert_eq!(header(&r, "content-encoding"), "gzip");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"gz-bytes");
    let r = get("/assets/app-1a2b3c.js", "identity").await.unwrap();
    assert_eq!(header(&r, "content-encoding"), "");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"console.log(1)");

    // index.html and client routes: revalidated every time, compressed too.
    for path in ["/", "/orders/abc"] {
        let r = get(path, "gzip").await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, "cache-control"), "no-cache", "{path}");
        assert_eq!(header(&r, "content-encoding"), "gzip", "{path}");
    }
    // A hashed file that does not exist is a 404, not cached for a year.
    let r = get("/assets/missing-000.js", "gzip").await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    // API JSON above 1 KiB is gzipped for clients that ask, and only for them.
    for i in 0..12 {
        app.product(&format!("Product number {i} with a long name"), 1_000, 5)
            .await;
    }
    let c = app.customer("c@example.com").await;
    let url = format!("{}/api/customer/products?limit=50", app.base);
    let r = app
        .client
        .get(&url)
        .bearer_auth(&c)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-encoding"), "gzip");
    assert_eq!(&r.bytes().await.unwrap()[..2], &[0x1f, 0x8b], "gzip magic");
    let r = app.client.get(&url).bearer_auth(&c).send().await.unwrap();
    assert_eq!(header(&r, "content-encoding"), "");
    assert!(r.json::<serde_json::Value>().await.unwrap()["success"] == json!(true));
    // Small answers are not worth it.
    let r = app
        .client
        .get(format!("{}/health", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "content-encoding"), "");
    let _ = std::fs::remove_dir_all(&web);
}
