-- 1 when the store attached as `before` has the table $table, else 0.
SELECT count(*) FROM duckdb_tables() WHERE database_name = 'before' AND table_name = $table
