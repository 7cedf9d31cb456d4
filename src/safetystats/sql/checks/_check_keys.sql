-- One dataset's part of the temp table record_keys (the rows `records` holds in an incremental
-- validation), in one scan: the rows checked again (`checked`: stored by a file after $since, or
-- records whose enterprise, by credit code or else by name, is in register_changed) and the
-- rows with kept failures (for the quarantine's units), with their rowid (_rid), which the
-- views read them by in the same transaction (a fetch of those rows, not a scan of every key).
-- {enterprise}/{enterprise_name}: the column, or NULL when the dataset has none.
SELECT * FROM (
    SELECT '{dataset}' AS dataset, t._key, t.rowid AS _rid,
           coalesce(t._file_id > $since
                    OR {enterprise} IN (SELECT enterprise_id FROM register_changed)
                    OR ({enterprise} IS NULL AND name_key({enterprise_name})
                                                 IN (SELECT name_key FROM register_changed)),
                    false) AS checked,
           t._key IN (SELECT record_key FROM gx_failures WHERE dataset = '{dataset}'
                      UNION ALL
                      SELECT record_key FROM check_failures WHERE dataset = '{dataset}') AS kept
    FROM "{dataset}" t
)
WHERE checked OR kept
