-- The schema version the store was written with (no row: a store of version 1).
SELECT value FROM store_state WHERE name = 'schema_version'
