//! Webhooks: endpoints admins register, and the workers that send what the transactional
//! outbox holds (see `qc_store` webhooks). Delivery is at least once: a row is written in
//! the transaction of the change it reports; every instance's worker claims due rows with
//! a lease (one sender at a time), signs them as the Standard Webhooks specification says
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
//! id.timestamp.body>`), and retries failures with doubling waits and jitter for 24 hours.
//! An endpoint failing every delivery for 3 days (`QC_WEBHOOK_DISABLE_AFTER_SECS`) is switched
//! off and admins are told.
//!
//! Outbound requests never reach loopback, private, link-local or other special
//! addresses (unless `QC_WEBHOOK_ALLOW_PRIVATE=true`): the host is resolved, every address
//! checked, and the request pinned to a checked address (no DNS rebinding); no redirects;
//! short timeouts; at most 1 KiB of the answer is read.

use super::AppState;
use crate::api::*;
use crate::error::{AppError, Result};
use base64::Engine as _;
use chrono::Utc;
use hmac::{Hmac, Mac};
use qc_domain::OrderEventKind;
use qc_store::{AttemptResult, EndpointHealth, StoreError, WebhookDelivery, WebhookEndpoint};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How often every instance looks for due deliveries.
pub const SWEEP_EVERY: Duration = Duration::from_millis(500);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes of an answer read (and kept, as text) at most.
const EXCERPT_BYTES: usize = 1024;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// `v1,` + base64 of HMAC-SHA256(key, `{id}.{timestamp}.{body}`), the key being the
/// bytes after `whsec_`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let key = b64()
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap_or_default();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", b64().encode(mac.finalize().into_bytes()))
}

fn view(e: &WebhookEndpoint) -> WebhookView {
    WebhookView {
        id: e.id.clone(),
        url: e.url.clone(),
        events: e.events.clone(),
        enabled: e.enabled,
        failing_since: e.failing_since,
        disabled_reason: e.disabled_reason.clone(),
        created_at: e.created_at,
    }
}

fn not_allowed(why: &str) -> AppError {
    AppError::bad_request(
        "url_not_allowed",
        format!("This webhook URL is not allowed: {why}."),
    )
}

/// The addresses a URL may be sent to, every one checked; `Err` says why not.
async fn targets(
    state: &AppState,
    url: &reqwest::Url,
) -> std::result::Result<Vec<SocketAddr>, String> {
    if !matches!(url.scheme(), "https" | "http") {
        return Err("use http or https".into());
    }
    let host = url.host_str().ok_or("it has no host")?;
    let port = url.port_or_known_default().ok_or("it has no port")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> =
        tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host((host, port)))
            .await
            .map_err(|_| "its host name does not resolve in time".to_owned())?
            .map_err(|_| "its host name does not resolve".to_owned())?
            .collect();
    if addrs.is_empty() {
        return Err("its host name does not resolve".into());
    }
    if !state.config.webhook_allow_private
        && addrs.iter().any(|a| qc_domain::webhook::is_blocked(a.ip()))
    {
        return Err("it points to a private, loopback or reserved address".into());
    }
    Ok(addrs)
}

/// Register an endpoint; its signing secret is in the answer, once.
pub async fn create(state: &AppState, req: WebhookRequest) -> Result<WebhookCreatedResponse> {
    let url = reqwest::Url::parse(req.url.trim())
        .map_err(|_| qc_domain::ValidationErrors::one("url", "must be an absolute URL"))?;
    if req.url.len() > 2_000 {
        return Err(
            qc_domain::ValidationErrors::one("url", "must be at most 2000 characters").into(),
        );
    }
    targets(state, &url)
        .await
        .map_err(|why| not_allowed(&why))?;
    let mut events: Vec<String> = Vec::new();
    for e in &req.events {
        if OrderEventKind::parse(e).is_none()
            && !qc_domain::webhook::OTHER_EVENTS.contains(&e.as_str())
        {
            return Err(qc_domain::ValidationErrors::one(
                "events",
                format!("{e:?} is not an event type (order.created, order.status_updated, …)"),
            )
            .into());
        }
        if !events.contains(e) {
            events.push(e.clone());
        }
    }
    if events.is_empty() {
        return Err(
            qc_domain::ValidationErrors::one("events", "give at least one event type").into(),
        );
    }
    let key: [u8; 24] = rand::random();
    let secret = format!("whsec_{}", b64().encode(key));
    let e = state
        .store
        .create_webhook(url.as_str(), &events, &secret)
        .await?;
    Ok(WebhookCreatedResponse {
        success: true,
        webhook: view(&e),
        secret,
    })
}

pub async fn list(state: &AppState) -> Result<Vec<WebhookView>> {
    Ok(state.store.webhooks().await?.iter().map(view).collect())
}

fn webhook_not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => AppError::not_found("webhook_not_found", "No such webhook."),
        other => other.into(),
    }
}

pub async fn set_enabled(state: &AppState, id: &str, enabled: bool) -> Result<WebhookView> {
    state
        .store
        .set_webhook_enabled(id, enabled)
        .await
        .map_err(webhook_not_found)?;
    let e = state
        .store
        .webhook(id)
        .await?
        .ok_or_else(|| webhook_not_found(StoreError::NotFound))?;
    Ok(view(&e))
}

pub async fn delete(state: &AppState, id: &str) -> Result<()> {
    state
        .store
        .delete_webhook(id)
        .await
        .map_err(webhook_not_found)
}

pub async fn deliveries(state: &AppState, id: &str) -> Result<Vec<WebhookDeliveryView>> {
    state
        .store
        .webhook(id)
        .await?
        .ok_or_else(|| webhook_not_found(StoreError::NotFound))?;
    Ok(state
        .store
        .webhook_deliveries(id, 100)
        .await?
        .into_iter()
        .map(|(d, tries)| WebhookDeliveryView {
            id: d.id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
            tries: tries
                .into_iter()
                .map(|t| WebhookAttemptView {
                    attempt: t.attempt,
                    at: t.at,
                    status_code: t.status_code,
                    latency_ms: t.latency_ms,
                    error: t.error,
                    excerpt: t.excerpt,
                })
                .collect(),
        })
        .collect())
}

/// Send a delivery again now.
pub async fn replay(state: &AppState, delivery_id: &str) -> Result<()> {
    state
        .store
        .replay_webhook_delivery(delivery_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::not_found("delivery_not_found", "No such webhook delivery.")
            }
            other => other.into(),
        })?;
    Ok(())
}

/// Every instance sends what is due.
pub fn spawn_worker(state: &AppState) {
    super::every(state, SWEEP_EVERY, "webhook sweep", |s| async move {
        send_due(&s).await.map(drop)
    });
}

/// Claim and send the due deliveries; how many were tried.
pub async fn send_due(state: &AppState) -> Result<usize> {
    let claimed = state
        .store
        .claim_webhook_deliveries(
            Utc::now(),
            chrono::Duration::from_std(state.config.webhook_lease)
                .unwrap_or(chrono::Duration::seconds(60)),
            20,
        )
        .await?;
    let n = claimed.len();
    let sends = claimed
        .into_iter()
        .map(|(d, e)| async move { deliver(state, &d, &e).await });
    for r in futures_util::future::join_all(sends).await {
        if let Err(e) = r {
            tracing::warn!(error = %e.public_message(), "could not record a webhook attempt");
        }
    }
    Ok(n)
}

/// One try: sign, send, record.
async fn deliver(state: &AppState, d: &WebhookDelivery, e: &WebhookEndpoint) -> Result<()> {
    let started = Instant::now();
    let outcome = send(state, d, e).await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let now = Utc::now();
    let (status_code, error, excerpt) = match &outcome {
        Ok((code, excerpt)) => (Some(i64::from(*code)), None, Some(excerpt.clone())),
        Err(why) => (None, Some(why.clone()), None),
    };
    let delivered = matches!(outcome, Ok((code, _)) if (200..300).contains(&code));
    let retry_for = chrono::Duration::from_std(qc_domain::webhook::RETRY_FOR).unwrap_or_default();
    let wait = qc_domain::webhook::retry_delay(
        state.config.webhook_retry_base,
        u32::try_from(d.attempts.saturating_sub(1)).unwrap_or(0),
        rand::random::<f64>(),
    );
    let retry_at = now + chrono::Duration::from_std(wait).unwrap_or_default();
    let result = AttemptResult {
        status_code,
        latency_ms,
        error,
        excerpt,
        delivered,
        retry_at: (!delivered && retry_at < d.created_at + retry_for).then_some(retry_at),
    };
    let disable_before =
        now - chrono::Duration::from_std(state.config.webhook_disable_after).unwrap_or_default();
    let health = state
        .store
        .record_webhook_attempt(d, &result, now, disable_before)
        .await?;
    if health == EndpointHealth::Disabled {
        tracing::warn!(webhook_id = %e.id, "webhook switched off: every delivery failed for too long");
        state
            .broadcast
            .webhook_disabled(&WebhookDisabledEvent {
                webhook_id: e.id.clone(),
                url: e.url.clone(),
                reason: "every delivery failed for too long".into(),
            })
            .await;
    }
    Ok(())
}

/// POST the delivery: the status and the start of the answer, or why it could not be sent.
async fn send(
    state: &AppState,
    d: &WebhookDelivery,
    e: &WebhookEndpoint,
) -> std::result::Result<(u16, String), String> {
    let url = reqwest::Url::parse(&e.url).map_err(|_| "invalid URL".to_owned())?;
    let addrs = targets(state, &url).await?;
    let host = url.host_str().unwrap_or_default().to_owned();
    // Pinned to the checked address: a second lookup cannot lead elsewhere.
    let client = reqwest::Client::builder()
        .resolve(&host, addrs[0])
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .build()
        .map_err(|err| format!("client: {err}"))?;
    let ts = Utc::now().timestamp();
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", "QuickCommerce-Webhooks/1")
        .header("webhook-id", &d.id)
        .header("webhook-timestamp", ts.to_string())
        .header(
            "webhook-signature",
            signature(&e.secret, &d.id, ts, &d.payload),
        )
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|err| {
            if err.is_timeout() {
                "timed out".to_owned()
            } else if err.is_connect() {
                "could not connect".to_owned()
            } else {
                "request failed".to_owned()
            }
        })?;
    let status = response.status().as_u16();
    let mut response = response;
    let mut head: Vec<u8> = Vec::new();
    while head.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => head.extend_from_slice(&chunk),
            _ => break,
        }
    }
    head.truncate(EXCERPT_BYTES);
    Ok((status, String::from_utf8_lossy(&head).into_owned()))
}
