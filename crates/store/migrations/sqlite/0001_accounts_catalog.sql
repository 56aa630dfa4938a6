-- Accounts, partner profiles and the catalog. Times are Unix milliseconds (UTC),
-- money is integer minor units.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    phone         TEXT,
    role          TEXT NOT NULL CHECK (role IN ('customer', 'delivery', 'admin')),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    password_hash TEXT NOT NULL,
    token_version INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX users_role_idx ON users (role, created_at);

CREATE TABLE delivery_partners (
    user_id          TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    is_available     INTEGER NOT NULL DEFAULT 0,
    is_verified      INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    vehicle_type     TEXT NOT NULL DEFAULT 'bike',
    last_lat         REAL,
    last_lng         REAL,
    last_location_at INTEGER,
    total_deliveries INTEGER NOT NULL DEFAULT 0,
    total_earnings   INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE categories (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    color       TEXT NOT NULL DEFAULT '#607d8b',
    icon        TEXT NOT NULL DEFAULT '',
    is_active   INTEGER NOT NULL DEFAULT 1,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE products (
    id          TEXT PRIMARY KEY,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category_id TEXT NOT NULL REFERENCES categories (id),
    unit        TEXT NOT NULL,
    price       INTEGER NOT NULL CHECK (price > 0),
    mrp         INTEGER NOT NULL CHECK (mrp >= price),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    brand       TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',
    is_active   INTEGER NOT NULL DEFAULT 1,
    sold_count  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX products_category_idx ON products (category_id, is_active);
CREATE INDEX products_price_idx ON products (price);
