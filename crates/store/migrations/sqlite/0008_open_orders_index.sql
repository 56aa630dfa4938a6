-- Open orders counted per store (the promise's live figures, refreshed every few
-- hundred milliseconds) from the index alone: a covering scan of (status, store_id)
-- instead of a table lookup per open order.
CREATE INDEX orders_open_store_idx ON orders (status, store_id);
