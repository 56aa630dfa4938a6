//! A PostgreSQL outage answers 503 quickly, and the service recovers without a restart.
//! Runs when `QC_TEST_POSTGRES_URL` is set.

use reqwest::StatusCode;
use sqlx::Connection;
use std::time::{Duration, Instant};

async fn admin_sql(base: &str, sql: String) {
    let mut conn = sqlx::postgres::PgConnection::connect(base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_is_503_and_recovers() {
    let Ok(base) = std::env::var("QC_TEST_POSTGRES_URL") else {
        eprintln!("database outage test skipped: QC_TEST_POSTGRES_URL is not set");
        return;
    };
    let apps = crate::common::spawn_all(&[("QC_DB_ACQUIRE_TIMEOUT_MS", "1000")]).await;
    let app = apps.into_iter().find(|a| a.backend == "postgres").unwrap();
    let c = app.customer("c@example.com").await;
    app.product("Milk", 3_000, 10).await;
    assert_eq!(app.get("/health/ready", None).await.status, StatusCode::OK);
    let db = app
        .state
        .config
        .database_url
        .as_str()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();

    // Close the database and cut the pool's connections.
    admin_sql(
        &base,
        format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false"),
    )
    .await;
    admin_sql(&base, format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"
    )).await;
    for path in ["/health/ready", "/api/customer/products"] {
        let started = Instant::now();
        let r = app.get(path, Some(&c)).await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{path}: {}",
            r.body
        );
        assert_eq!(r.code(), "service_unavailable");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path} took {:?}",
            started.elapsed()
        );
    }
    assert_eq!(
        app.get("/health/live", None).await.status,
        StatusCode::OK,
        "the process itself is fine"
    );

    // Open it again: the same process serves again.
    admin_sql(&base, format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).await;
    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/api/customer/products", Some(&c)).await.status == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "no recovery without a restart");
    assert_eq!(app.get("/health/ready", None).await.status, StatusCode::OK);
}
