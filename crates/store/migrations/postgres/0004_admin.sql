-- Stock changes with their reason (audit trail of the admin's stock editor and orders).

CREATE TABLE stock_movements (
    id          BIGSERIAL PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES products (id),
    delta       BIGINT NOT NULL,
    stock_after BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    actor_id    TEXT,
    at          BIGINT NOT NULL
);
CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, at);
CREATE INDEX orders_created_idx ON orders (created_at);
