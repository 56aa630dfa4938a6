-- API keys for integrations (POS, ERP): scoped, optionally bound to one store, the
-- secret kept only as a SHA-256 hash; and the answers of idempotent integration calls.

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    -- The public part of the key (`qck_{prefix}_…`), to find it.
    prefix       TEXT NOT NULL UNIQUE,
    secret_hash  TEXT NOT NULL,
    -- Space-separated: orders:read catalog:write stock:write webhooks:manage.
    scopes       TEXT NOT NULL,
    store_id     TEXT REFERENCES stores (id),
    created_by   TEXT,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

CREATE TABLE integration_requests (
    key_id          TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    status          INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (key_id, idempotency_key)
);

-- The order feed walks orders by (updated_at, id).
CREATE INDEX orders_feed_idx ON orders (updated_at, id);
