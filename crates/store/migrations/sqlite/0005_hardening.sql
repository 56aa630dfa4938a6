-- Open orders per customer are counted at every placement (the open-order limit): a
-- partial index keeps that to the customer's few open orders.
CREATE INDEX orders_customer_open_idx ON orders (customer_id)
    WHERE status IN ('pending', 'accepted', 'picked_up', 'on_the_way');
