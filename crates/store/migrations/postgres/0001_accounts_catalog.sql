-- Accounts, partner profiles and the catalog. Times are Unix milliseconds (UTC, BIGINT, as on SQLite),
-- money is integer minor units.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    phone         TEXT,
    role          TEXT NOT NULL CHECK (role IN ('customer', 'delivery', 'admin')),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    password_hash TEXT NOT NULL,
    token_version BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX users_role_idx ON users (role, created_at);

CREATE TABLE delivery_partners (
    user_id          TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    is_available     BOOLEAN NOT NULL DEFAULT FALSE,
    is_verified      BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    vehicle_type     TEXT NOT NULL DEFAULT 'bike',
    last_lat         DOUBLE PRECISION,
    last_lng         DOUBLE PRECISION,
    last_location_at BIGINT,
    total_deliveries BIGINT NOT NULL DEFAULT 0,
    total_earnings   BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL
);

CREATE TABLE categories (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    color       TEXT NOT NULL DEFAULT '#607d8b',
    icon        TEXT NOT NULL DEFAULT '',
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);

CREATE TABLE products (
    id          TEXT PRIMARY KEY,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category_id TEXT NOT NULL REFERENCES categories (id),
    unit        TEXT NOT NULL,
    price       BIGINT NOT NULL CHECK (price > 0),
    mrp         BIGINT NOT NULL CHECK (mrp >= price),
    stock       BIGINT NOT NULL CHECK (stock >= 0),
    brand       TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    sold_count  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX products_category_idx ON products (category_id, is_active);
CREATE INDEX products_price_idx ON products (price);
