-- The comment of the temp table $name on this connection (one row when it exists; '' when it
-- has none).
SELECT coalesce(comment, '') AS comment FROM duckdb_tables() WHERE temporary AND table_name = $name
