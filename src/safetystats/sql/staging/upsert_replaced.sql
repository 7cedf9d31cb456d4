-- The rows of "{dataset}" that the staged rows replace (a later ingestion wins), by row id:
-- one pass over the table's keys only, within the staged keys' bounds $lo..$hi and
-- (when it is a date) their last key column's (upsert_bounds.sql: row groups outside them are
-- skipped by their min/max); the history and the delete then read just these rows.
CREATE OR REPLACE TEMP TABLE replaced_rows AS
SELECT rowid AS row_id FROM "{dataset}"
WHERE _key BETWEEN $lo AND $hi {last_bounds} AND _key IN (SELECT _key FROM staged_rows)
