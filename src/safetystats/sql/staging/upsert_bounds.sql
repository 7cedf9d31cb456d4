-- The least and greatest key of the staged rows, and of their last key column when it is a
-- date (the column, or NULL): upsert_replaced.sql compares the table's rows with them first,
-- as constants, so that DuckDB skips the row groups outside (a month's new records, whose keys
-- sort after the older ones or whose month is new, read no old row group).
SELECT min(_key) AS lo, max(_key) AS hi, min({last}) AS last_lo, max({last}) AS last_hi
FROM staged_rows
