-- Webhooks from a transactional outbox: a delivery row is written in the transaction of
-- the change it reports (so a crash can delay a webhook, never lose it); workers on
-- every instance claim due deliveries with a lease, sign and send them, and retry with
-- backoff for 24 hours. Every attempt is logged.

CREATE TABLE webhook_endpoints (
    id              TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    -- Space-separated event types (order.created, order.status_updated, …).
    events          TEXT NOT NULL,
    -- Standard Webhooks secret: whsec_ + base64 of the key bytes.
    secret          TEXT NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    failing_since   BIGINT,
    disabled_reason TEXT,
    created_at      BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    -- {endpoint}:{order}:{seq}: the webhook-id, the same on every attempt.
    id              TEXT PRIMARY KEY,
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    -- pending → delivered, or failed after 24 hours of retries.
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT,
    last_status     BIGINT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    status_code BIGINT,
    latency_ms  BIGINT NOT NULL,
    error       TEXT,
    excerpt     TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
