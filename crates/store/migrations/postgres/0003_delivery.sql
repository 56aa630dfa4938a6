-- Live delivery: a sampled location trail per order.

CREATE TABLE location_samples (
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    partner_id TEXT NOT NULL,
    lat        DOUBLE PRECISION NOT NULL,
    lng        DOUBLE PRECISION NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX location_samples_order_idx ON location_samples (order_id, at);
CREATE INDEX orders_delivered_idx ON orders (partner_id, delivered_at);
