-- The temp table register_same: the keys of the register's rows that files after $since stored
-- again with every value they had at $since (a register sent again whole: most of its rows as
-- they were), and no kept error (rules $errors: the records of an enterprise whose register
-- row is quarantined name that row's file and row, which moved). What the checks and the
-- curated rows of the other datasets read of the register is the same for them, so their
-- records are not checked or rebuilt again. The row a key has now against the row it had at
-- $since: a row changed and changed back is the same.
-- columns: _key and the register's columns of values (not those of the file).
CREATE OR REPLACE TEMP TABLE register_same AS
SELECT _key FROM (
    SELECT {columns} FROM enterprises WHERE _file_id > $since
    INTERSECT
    SELECT {columns} FROM enterprises_history
    WHERE _file_id <= $since AND _replaced_by_file_id > $since
)
WHERE _key NOT IN (SELECT record_key FROM gx_failures
                   WHERE dataset = 'enterprises' AND rule_id IN (SELECT unnest($errors::VARCHAR[]))
                     AND record_key IS NOT NULL
                   UNION ALL
                   SELECT record_key FROM check_failures
                   WHERE dataset = 'enterprises' AND rule_id IN (SELECT unnest($errors::VARCHAR[]))
                     AND record_key IS NOT NULL)
