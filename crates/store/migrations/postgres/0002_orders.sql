-- Addresses, orders with item and address snapshots, the per-order event log and
-- idempotency keys for order placement.

CREATE TABLE addresses (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    street     TEXT NOT NULL,
    city       TEXT NOT NULL,
    state      TEXT NOT NULL,
    zip_code   TEXT NOT NULL,
    lat        DOUBLE PRECISION,
    lng        DOUBLE PRECISION,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX addresses_user_idx ON addresses (user_id, created_at);

CREATE TABLE orders (
    id                TEXT PRIMARY KEY,
    customer_id       TEXT NOT NULL REFERENCES users (id),
    partner_id        TEXT REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'picked_up', 'on_the_way', 'delivered', 'cancelled')),
    subtotal          BIGINT NOT NULL,
    delivery_fee      BIGINT NOT NULL,
    total             BIGINT NOT NULL,
    payment_method    TEXT NOT NULL,
    address           TEXT NOT NULL,
    dest_lat          DOUBLE PRECISION,
    dest_lng          DOUBLE PRECISION,
    confirmation_code TEXT NOT NULL,
    code_attempts     BIGINT NOT NULL DEFAULT 0,
    notes             TEXT,
    cancel_reason     TEXT,
    cancelled_by      TEXT,
    payout            BIGINT,
    distance_m        BIGINT,
    last_seq          BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    accepted_at       BIGINT,
    picked_up_at      BIGINT,
    on_the_way_at     BIGINT,
    delivered_at      BIGINT,
    cancelled_at      BIGINT,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC);
CREATE INDEX orders_status_idx ON orders (status, created_at);
CREATE INDEX orders_partner_idx ON orders (partner_id, status);

CREATE TABLE order_items (
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line       BIGINT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    sku        TEXT NOT NULL,
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL,
    unit_price BIGINT NOT NULL,
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    line_total BIGINT NOT NULL,
    PRIMARY KEY (order_id, line)
);

CREATE TABLE order_events (
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    actor_id   TEXT,
    actor_role TEXT,
    at         BIGINT NOT NULL,
    PRIMARY KEY (order_id, seq)
);

CREATE TABLE idempotency_keys (
    user_id         TEXT NOT NULL,
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
    response_status BIGINT,
    response_body   TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_created_idx ON idempotency_keys (created_at);
