-- The columns of the table $table and their types.
SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $table
