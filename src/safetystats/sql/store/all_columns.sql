-- Every column of the store's own tables, with its type (to add what an older version lacked).
SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name <> 'temp'
