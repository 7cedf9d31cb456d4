-- The registry's units (new_rows: code, name, parent, level, ordinal).
INSERT INTO districts SELECT * FROM new_rows
