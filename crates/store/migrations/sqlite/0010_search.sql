-- Catalog search ranked by relevance: an FTS5 index of the products (name, brand, tags,
-- description; prefix indexes for search-as-you-type), kept in step by triggers. Queries
-- weight name before brand before tags before description (bm25).

CREATE VIRTUAL TABLE products_fts USING fts5(
    name, brand, tags, description,
    content = 'products', content_rowid = 'rowid',
    prefix = '1 2 3',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO products_fts (products_fts) VALUES ('rebuild');

CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, name, brand, tags, description)
    VALUES (new.rowid, new.name, new.brand, new.tags, new.description);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, brand, tags, description)
    VALUES ('delete', old.rowid, old.name, old.brand, old.tags, old.description);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, brand, tags, description ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, brand, tags, description)
    VALUES ('delete', old.rowid, old.name, old.brand, old.tags, old.description);
    INSERT INTO products_fts (rowid, name, brand, tags, description)
    VALUES (new.rowid, new.name, new.brand, new.tags, new.description);
END;
