-- The store's own tables (not temporary ones), to tell a new store from an older one.
SELECT table_name FROM duckdb_tables() WHERE NOT temporary
