//! "Forgot password" end to end, with a real (tiny) SMTP receiver on a local port: the
//! mail arrives through lettre, its link sets a new password once, every old session
//! ends; unknown e-mails get the same answer and no mail; requests are throttled.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A minimal SMTP server: accepts every mail and hands its text to the channel.
async fn smtp_receiver() -> (u16, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = sock.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            tx.send(data.take().unwrap()).unwrap();
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-test\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn a_reset_link_arrives_by_mail_and_works_once() {
    let (port, mut mails) = smtp_receiver().await;
    let url = format!("smtp://127.0.0.1:{port}");
    for app in spawn_all(&[
        ("SMTP_URL", url.as_str()),
        ("FRONTEND_URL", "https://shop.example"),
    ])
    .await
    {
        let b = app.backend;
        let (old_token, _) = app
            .register(&format!("{b}-c@example.com"), "customer")
            .await;
        let r = app
            .post(
                "/api/auth/forgot-password",
                None,
                json!({"email": format!("{b}-c@example.com")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let mail = tokio::time::timeout(Duration::from_secs(10), mails.recv())
            .await
            .expect("the mail arrives")
            .unwrap();
        assert!(
            mail.contains("Reset your QuickCommerce password"),
            "{b}: {mail}"
        );
        // Quoted-printable may wrap long lines: join them before reading the link.
        let flat = mail.replace("=\n", "").replace("=3D", "=");
        let at = flat
            .find("https://shop.example/set-password?token=")
            .expect(&flat);
        let token: String = flat[at + "https://shop.example/set-password?token=".len()..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        assert_eq!(token.len(), 64, "{b}: {flat}");

        // A weak password is refused and the link still works after that.
        let r = app
            .post(
                "/api/auth/set-password",
                None,
                json!({"token": token, "password": "short"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        let r = app
            .post(
                "/api/auth/set-password",
                None,
                json!({"token": token, "password": "newpassword9"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        // Once only; the old session is over; the new password works.
        let r = app
            .post(
                "/api/auth/set-password",
                None,
                json!({"token": token, "password": "another9pass"}),
            )
            .await;
        assert_eq!(r.code(), "invalid_link", "{b}");
        let r = app.get("/api/auth/me", Some(&old_token)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}: {}", r.body);
        let r = app
            .post(
                "/api/auth/login",
                None,
                json!({"email": format!("{b}-c@example.com"), "password": "newpassword9"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);

        // Nobody learns whether an e-mail has an account, and no mail goes out.
        let r = app
            .post(
                "/api/auth/forgot-password",
                None,
                json!({"email": "nobody@example.com"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            tokio::time::timeout(Duration::from_millis(500), mails.recv())
                .await
                .is_err(),
            "{b}: no mail for an unknown address"
        );
        let r = app
            .post(
                "/api/auth/forgot-password",
                None,
                json!({"email": "not-an-email"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        // Throttled per e-mail.
        let mut last = StatusCode::OK;
        for _ in 0..6 {
            last = app
                .post(
                    "/api/auth/forgot-password",
                    None,
                    json!({"email": "nobody@example.com"}),
                )
                .await
                .status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{b}");
    }
}
