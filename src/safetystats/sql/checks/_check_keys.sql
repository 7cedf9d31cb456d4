-- One dataset's part of the temp table record_keys (the rows `records` holds in an incremental
-- validation): the rows checked again (stored by a file after $since, or records whose
-- enterprise, by credit code or else by name, is in register_changed) and the other rows with
-- kept failures (for the quarantine's units), with their rowid (_rid), which the views read
-- them by in the same transaction (a fetch of those rows, not a scan of every key). Two
-- filters, not one scan with both conditions as columns: DuckDB then skips the rows early.
-- {enterprise}/{enterprise_name}: the column, or NULL when the dataset has none.
(WITH checked AS (
    SELECT t._key, t.rowid AS _rid FROM "{dataset}" t
    WHERE t._file_id > $since
       OR {enterprise} IN (SELECT enterprise_id FROM register_changed)
       OR ({enterprise} IS NULL
           AND name_key({enterprise_name}) IN (SELECT name_key FROM register_changed))
)
SELECT '{dataset}' AS dataset, _key, _rid, true AS checked FROM checked
UNION ALL
SELECT '{dataset}', t._key, t.rowid, false FROM "{dataset}" t
WHERE t._key IN (SELECT record_key FROM gx_failures WHERE dataset = '{dataset}'
                 UNION ALL
                 SELECT record_key FROM check_failures WHERE dataset = '{dataset}')
  AND t._key NOT IN (SELECT _key FROM checked))
