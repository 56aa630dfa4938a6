-- Catalog search ranked by relevance: a weighted tsvector of the products (name A, brand
-- B, tags C, description D; the 'simple' configuration, no stemming, as product names
-- are not prose), kept by the database itself, with a GIN index. Prefix queries (`mil:*`)
-- serve search-as-you-type.

ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(name, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(brand, '')), 'B') ||
    setweight(to_tsvector('simple', coalesce(tags, '')), 'C') ||
    setweight(to_tsvector('simple', coalesce(description, '')), 'D')
) STORED;
CREATE INDEX products_search_idx ON products USING GIN (search);
