-- Dark-store fulfilment: pickers bound to a store, an order's pick → pack state beside
-- its delivery status, per-line picks, short picks and substitutions, barcodes, held
-- dispatch (the offer goes out as packing ends) and one-time password links.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('customer', 'delivery', 'admin', 'picker'));
-- The store a picker works in (staff only).
ALTER TABLE users ADD COLUMN store_id TEXT REFERENCES stores (id);

-- orders.fulfilment: NULL for a store without picking (the rider picks up at once), else
-- 'queued' → 'picking' → 'packed', or 'cancelled'.
ALTER TABLE orders ADD COLUMN fulfilment TEXT;
ALTER TABLE orders ADD COLUMN picker_id TEXT REFERENCES users (id);
ALTER TABLE orders ADD COLUMN picking_at BIGINT;
ALTER TABLE orders ADD COLUMN packed_at BIGINT;
ALTER TABLE orders ADD COLUMN bags BIGINT;
-- Units picked (with substitutes), for the store's measured pick times.
ALTER TABLE orders ADD COLUMN pick_items BIGINT;
-- orders.dispatch may also be 'held': no partner hears of it before release_at (or packing).
ALTER TABLE orders ADD COLUMN release_at BIGINT;
CREATE INDEX orders_fulfilment_idx ON orders (store_id, fulfilment, promised_at)
    WHERE fulfilment IS NOT NULL;
CREATE INDEX orders_held_idx ON orders (release_at) WHERE dispatch = 'held';
CREATE INDEX orders_packed_idx ON orders (store_id, packed_at) WHERE packed_at IS NOT NULL;

-- Per line: what the customer chose for a shortage, and what the picker did.
ALTER TABLE order_items ADD COLUMN substitution TEXT NOT NULL DEFAULT 'best_match'
    CHECK (substitution IN ('best_match', 'refund'));
ALTER TABLE order_items ADD COLUMN pick_state TEXT NOT NULL DEFAULT 'pending'
    CHECK (pick_state IN ('pending', 'picked', 'short', 'proposed', 'substituted'));
ALTER TABLE order_items ADD COLUMN picked_qty BIGINT;
ALTER TABLE order_items ADD COLUMN sub_product_id TEXT REFERENCES products (id);
ALTER TABLE order_items ADD COLUMN sub_sku TEXT;
ALTER TABLE order_items ADD COLUMN sub_name TEXT;
ALTER TABLE order_items ADD COLUMN sub_unit TEXT;
ALTER TABLE order_items ADD COLUMN sub_unit_price BIGINT;
ALTER TABLE order_items ADD COLUMN sub_qty BIGINT;
ALTER TABLE order_items ADD COLUMN sub_expires_at BIGINT;
CREATE INDEX order_items_proposed_idx ON order_items (sub_expires_at)
    WHERE pick_state = 'proposed';

-- A product's EAN, typed or scanned by pickers.
ALTER TABLE products ADD COLUMN barcode TEXT;
CREATE UNIQUE INDEX products_barcode_idx ON products (barcode) WHERE barcode IS NOT NULL;

-- One-time links: a new staff member's first password, and "forgot password".
CREATE TABLE password_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('setup', 'reset')),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_tokens_user_idx ON password_tokens (user_id);

-- After delivery the customer rates it (1-5) and may tip the rider (added to their
-- earnings); partners keep the sum and count of their ratings (dispatch tie-breaker).
ALTER TABLE orders ADD COLUMN rating BIGINT CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE orders ADD COLUMN rating_comment TEXT;
ALTER TABLE orders ADD COLUMN tip BIGINT NOT NULL DEFAULT 0 CHECK (tip >= 0);
ALTER TABLE orders ADD COLUMN rated_at BIGINT;
ALTER TABLE delivery_partners ADD COLUMN rating_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE delivery_partners ADD COLUMN rating_count BIGINT NOT NULL DEFAULT 0;
