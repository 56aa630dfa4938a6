-- Dispatch: orders offered to one ranked partner at a time, with a timeout, before
-- they are broadcast to every partner of the store.
--
-- orders.dispatch: 'offering' while offers go out one by one, 'broadcast' once every
-- available partner of the store may take it (a store in broadcast mode, or escalated).
-- NULL (orders from before) reads as broadcast.

ALTER TABLE orders ADD COLUMN dispatch TEXT;

CREATE TABLE dispatch_offers (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    partner_id  TEXT NOT NULL REFERENCES users (id),
    store_id    TEXT NOT NULL,
    round       BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('live', 'accepted', 'declined', 'expired', 'withdrawn')),
    reason      TEXT,
    offered_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    answered_at BIGINT,
    -- A partner never gets the same order twice.
    UNIQUE (order_id, partner_id)
);
-- One live offer per order at any moment.
CREATE UNIQUE INDEX dispatch_offers_live_idx ON dispatch_offers (order_id) WHERE state = 'live';
-- What the sweepers expire.
CREATE INDEX dispatch_offers_due_idx ON dispatch_offers (expires_at) WHERE state = 'live';
-- A partner's offers (recent declines, the live one).
CREATE INDEX dispatch_offers_partner_idx ON dispatch_offers (partner_id, offered_at);

-- Offers left to expire in a row (three turn availability off), and since when the
-- partner has been available (fairness: the longest idle first).
ALTER TABLE delivery_partners ADD COLUMN ignored_offers BIGINT NOT NULL DEFAULT 0;
ALTER TABLE delivery_partners ADD COLUMN available_since BIGINT;
