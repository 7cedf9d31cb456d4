-- The least and greatest key of the staged rows: upsert_replaced.sql compares the table's keys
-- with them first, as constants, so that DuckDB skips the row groups whose keys lie outside
-- (a month's new records, whose keys sort after the older ones, read no old row group).
SELECT min(_key) AS lo, max(_key) AS hi FROM staged_rows
