-- One dataset's part of the temp table check_keys (the rows the cross-dataset checks run over
-- in an incremental validation): rows stored by a file after $since, and records whose
-- enterprise, by credit code or else by name, is in register_changed.
-- {enterprise}/{enterprise_name}: the column, or NULL when the dataset has none.
SELECT '{dataset}' AS dataset, t._key FROM "{dataset}" t
WHERE t._file_id > $since
   OR {enterprise} IN (SELECT enterprise_id FROM register_changed)
   OR ({enterprise} IS NULL AND name_key({enterprise_name}) IN (SELECT name_key FROM register_changed))
