-- One dataset's part of the temp table record_keys (the rows `records` holds in an incremental
-- validation): the rows checked again (stored by a file after $since, or records whose
-- enterprise, by credit code or else by name, is in register_changed: enterprise_records) and
-- the other rows with kept failures (for the quarantine's units), with their rowid (_rid),
-- which the views read them by in the same transaction (a fetch of those rows, not a scan of
-- every key). Each condition its own filter: DuckDB skips row groups by _file_id and _key.
(WITH checked AS (
    SELECT t._key, t.rowid AS _rid FROM "{dataset}" t WHERE t._file_id > $since
    UNION
    SELECT t._key, t.rowid FROM "{dataset}" t
    WHERE t._key IN (SELECT _key FROM enterprise_records WHERE dataset = '{dataset}')
)
SELECT '{dataset}' AS dataset, _key, _rid, true AS checked FROM checked
UNION ALL
SELECT '{dataset}', t._key, t.rowid, false FROM "{dataset}" t
WHERE t._key IN (SELECT record_key FROM gx_failures WHERE dataset = '{dataset}'
                 UNION ALL
                 SELECT record_key FROM check_failures WHERE dataset = '{dataset}')
  AND t._key NOT IN (SELECT _key FROM checked))
