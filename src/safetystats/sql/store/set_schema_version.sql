-- Record the schema version the store is written with now.
INSERT OR REPLACE INTO store_state VALUES ('schema_version', $version)
