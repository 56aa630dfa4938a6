-- Many dark stores: stores with a service zone, opening hours and settings; stock per
-- store; every order from one store; partners with a home store.
--
-- An existing single-store database becomes one store, `main`, keeping every product's
-- stock (and sales), every order and every event. Its location and zone (the
-- configured QC_STORE_LAT/QC_STORE_LNG and a circle of QC_SERVICE_RADIUS_KM) are filled
-- in by the server at start-up, since a migration cannot read the configuration.

CREATE TABLE stores (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    street     TEXT NOT NULL DEFAULT '',
    lat        DOUBLE PRECISION,
    lng        DOUBLE PRECISION,
    zone       TEXT,
    zip_codes  TEXT NOT NULL DEFAULT '[]',
    timezone   TEXT NOT NULL DEFAULT 'Asia/Kolkata',
    hours      TEXT NOT NULL,
    paused     BOOLEAN NOT NULL DEFAULT FALSE,
    settings   TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE store_stock (
    store_id   TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    stock      BIGINT NOT NULL CHECK (stock >= 0),
    sold       BIGINT NOT NULL DEFAULT 0,
    bin        TEXT,
    PRIMARY KEY (store_id, product_id)
);
CREATE INDEX store_stock_product_idx ON store_stock (product_id);

ALTER TABLE orders ADD COLUMN store_id TEXT REFERENCES stores (id);
ALTER TABLE orders ADD COLUMN promised_minutes BIGINT;
ALTER TABLE orders ADD COLUMN promised_at BIGINT;
CREATE INDEX orders_store_idx ON orders (store_id, status);

ALTER TABLE delivery_partners ADD COLUMN home_store_id TEXT REFERENCES stores (id);
CREATE INDEX delivery_partners_store_idx ON delivery_partners (home_store_id);

ALTER TABLE stock_movements ADD COLUMN store_id TEXT;

INSERT INTO stores (id, code, name, street, lat, lng, zone, zip_codes, timezone, hours, paused,
                    settings, created_at, updated_at)
SELECT 'main', 'MAIN', 'Main store', '', NULL, NULL, NULL, '[]', 'Asia/Kolkata',
       '{"mon":[{"open":"00:00","close":"24:00"}],"tue":[{"open":"00:00","close":"24:00"}],"wed":[{"open":"00:00","close":"24:00"}],"thu":[{"open":"00:00","close":"24:00"}],"fri":[{"open":"00:00","close":"24:00"}],"sat":[{"open":"00:00","close":"24:00"}],"sun":[{"open":"00:00","close":"24:00"}]}', FALSE, '{}', CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT), CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)
WHERE EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM orders)
   OR EXISTS (SELECT 1 FROM delivery_partners);

INSERT INTO store_stock (store_id, product_id, stock, sold)
SELECT 'main', id, stock, sold_count FROM products
WHERE EXISTS (SELECT 1 FROM stores WHERE id = 'main');

UPDATE orders SET store_id = 'main' WHERE EXISTS (SELECT 1 FROM stores WHERE id = 'main');
UPDATE delivery_partners SET home_store_id = 'main'
WHERE EXISTS (SELECT 1 FROM stores WHERE id = 'main');
UPDATE stock_movements SET store_id = 'main'
WHERE EXISTS (SELECT 1 FROM stores WHERE id = 'main');

ALTER TABLE products DROP COLUMN stock;
ALTER TABLE products DROP COLUMN sold_count;
