-- 1 when the table $table exists, else 0.
SELECT count(*) FROM duckdb_tables() WHERE table_name = $table
