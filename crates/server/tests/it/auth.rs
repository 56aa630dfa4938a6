//! Accounts and sessions over real HTTP: register, login, me, logout, password change,
//! token forgery, throttling.

use crate::common::{JWT_SECRET, spawn, spawn_with};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn register_login_me_logout_round_trip() {
    let app = spawn().await;
    let r = app
        .post(
            "/api/auth/register",
            None,
            json!({"name": " Asha Patel ", "email": "Asha@Example.com", "password": "password123",
                   "phone": "+91 98200 12345"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["success"], true);
    assert_eq!(r.body["user"]["email"], "asha@example.com");
    assert_eq!(r.body["user"]["name"], "Asha Patel");
    assert_eq!(r.body["user"]["role"], "customer");
    assert_eq!(r.body["user"]["phone"], "+919820012345");
    assert!(r.body["user"].get("passwordHash").is_none());

    let login = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "ASHA@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(login.body["success"], true);
    let token = login.body["token"].as_str().unwrap().to_owned();
    assert_eq!(login.body["user"]["email"], "asha@example.com");

    let me = app.get("/api/auth/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["id"], r.body["user"]["id"]);

    let upd = app
        .put("/api/auth/me", Some(&token), json!({"name": "Asha P."}))
        .await;
    assert_eq!(upd.status, StatusCode::OK, "{}", upd.body);
    assert_eq!(upd.body["user"]["name"], "Asha P.");

    let out = app.post("/api/auth/logout", Some(&token), json!({})).await;
    assert_eq!(out.status, StatusCode::OK);
    let after = app.get("/api/auth/me", Some(&token)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.code(), "token_revoked");
    // The registration token was revoked too: logout ends every session.
    let reg_token = r.body["token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/auth/me", Some(reg_token)).await.status,
        StatusCode::UNAUTHORIZED
    );

    let again = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "asha@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let t2 = again.body["token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/auth/me", Some(t2)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn delivery_partners_can_register() {
    let app = spawn().await;
    let (token, _) = app.register("rider@example.com", "delivery").await;
    let me = app.get("/api/auth/me", Some(&token)).await;
    assert_eq!(me.body["user"]["role"], "delivery");
}

#[tokio::test]
async fn password_change_revokes_old_tokens() {
    let app = spawn().await;
    let (old, _) = app.register("p@example.com", "customer").await;

    let wrong = app
        .put(
            "/api/auth/password",
            Some(&old),
            json!({"currentPassword": "nope12345", "newPassword": "newpass456"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_credentials");

    let weak = app
        .put(
            "/api/auth/password",
            Some(&old),
            json!({"currentPassword": "password123", "newPassword": "short"}),
        )
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert_eq!(weak.code(), "validation_error");

    let ok = app
        .put(
            "/api/auth/password",
            Some(&old),
            json!({"currentPassword": "password123", "newPassword": "newpass456"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let new = ok.body["token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/auth/me", Some(&old)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/auth/me", Some(new)).await.status,
        StatusCode::OK
    );

    let by_old = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "p@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(by_old.status, StatusCode::UNAUTHORIZED);
    let by_new = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "p@example.com", "password": "newpass456"}),
        )
        .await;
    assert_eq!(by_new.status, StatusCode::OK);
}

#[tokio::test]
async fn nobody_becomes_admin_through_a_request_body() {
    let app = spawn().await;
    let admin = app
        .post(
            "/api/auth/register",
            None,
            json!({"name": "Mallory", "email": "m@example.com", "password": "password123", "role": "admin"}),
        )
        .await;
    assert_eq!(admin.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.code(), "admin_registration_forbidden");

    for smuggled in [
        json!({"isAdmin": true}),
        json!({"roles": ["admin"]}),
        json!({"status": "active"}),
    ] {
        let mut body =
            json!({"name": "Mallory", "email": "m2@example.com", "password": "password123"});
        body.as_object_mut()
            .unwrap()
            .extend(smuggled.as_object().unwrap().clone());
        let r = app.post("/api/auth/register", None, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.code(), "invalid_body");
    }
    let unknown_role = app
        .post("/api/auth/register", None, json!({"name": "Mallory", "email": "m3@example.com", "password": "password123", "role": "superuser"}))
        .await;
    assert_eq!(unknown_role.status, StatusCode::BAD_REQUEST);

    let (token, _) = app.register("c@example.com", "customer").await;
    let r = app
        .put("/api/auth/me", Some(&token), json!({"role": "admin"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let me = app.get("/api/auth/me", Some(&token)).await;
    assert_eq!(me.body["user"]["role"], "customer");
    // Nothing was created for the refused attempts.
    assert!(
        app.state
            .store
            .user_by_email("m@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.state
            .store
            .user_by_email("m2@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn emails_are_unique_after_normalisation() {
    let app = spawn().await;
    app.register("dup@example.com", "customer").await;
    let r = app
        .post(
            "/api/auth/register",
            None,
            json!({"name": "Dup", "email": "  DUP@Example.com ", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "email_taken");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = spawn().await;
    app.register("known@example.com", "customer").await;
    let wrong = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "known@example.com", "password": "wrongpass1"}),
        )
        .await;
    let unknown = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "nobody@example.com", "password": "wrongpass1"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.code(), "invalid_credentials");
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = spawn_with(&[("QC_LOGIN_MAX_FAILURES", "3")]).await;
    app.register("t@example.com", "customer").await;
    for _ in 0..3 {
        let r = app
            .post(
                "/api/auth/login",
                None,
                json!({"email": "t@example.com", "password": "wrongpass1"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now.
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "t@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "too_many_requests");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0);
}

fn b64url(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test]
async fn forged_expired_and_unsigned_tokens_are_refused() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let app = spawn().await;
    let (token, id) = app.register("v@example.com", "customer").await;
    let now = chrono::Utc::now().timestamp();
    let sign = |claims: serde_json::Value, key: &str| {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(key.as_bytes()),
        )
        .unwrap()
    };

    let expired = sign(
        json!({"sub": id, "role": "customer", "ver": 0, "iat": now - 7200, "exp": now - 3600}),
        JWT_SECRET,
    );
    let r = app.get("/api/auth/me", Some(&expired)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "token_expired");

    let no_exp = sign(
        json!({"sub": id, "role": "customer", "ver": 0, "iat": now}),
        JWT_SECRET,
    );
    assert_eq!(
        app.get("/api/auth/me", Some(&no_exp)).await.code(),
        "invalid_token"
    );

    let wrong_key = sign(
        json!({"sub": id, "role": "customer", "ver": 0, "iat": now, "exp": now + 600}),
        "another-secret-another-secret-another!",
    );
    assert_eq!(
        app.get("/api/auth/me", Some(&wrong_key)).await.code(),
        "invalid_token"
    );

    let header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = b64url(
        format!(
            r#"{{"sub":"{id}","role":"admin","ver":0,"iat":{now},"exp":{}}}"#,
            now + 600
        )
        .as_bytes(),
    );
    for unsigned in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        let r = app.get("/api/auth/me", Some(&unsigned)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.code(), "invalid_token");
    }

    // Tampered payload: claim admin with the original signature.
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = b64url(
        format!(
            r#"{{"sub":"{id}","role":"admin","ver":0,"iat":{now},"exp":{}}}"#,
            now + 600
        )
        .as_bytes(),
    );
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    assert_eq!(
        app.get("/api/auth/me", Some(&tampered)).await.code(),
        "invalid_token"
    );

    let none = app.get("/api/auth/me", None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.code(), "missing_token");
    assert_eq!(
        app.get("/api/auth/me", Some("garbage")).await.code(),
        "invalid_token"
    );
}
