-- The rows of "{dataset}" an incremental curation rebuilds: stored by a file after $since, an
-- enterprise (by credit code, else by name) that changed in the register
-- (_register_changes.sql), or an error added or lifted by this validation. With their rowid
-- (_rid), which _changed_staged.sql copies them by in the same transaction (a fetch of those
-- rows instead of a scan of every key); made again for each dataset.
-- {enterprise}/{enterprise_name}: the column, or NULL when the dataset has none.
CREATE OR REPLACE TEMP TABLE curate_keys AS
SELECT t._key, t.rowid AS _rid FROM "{dataset}" t
WHERE t._file_id > $since
   OR {enterprise} IN (SELECT enterprise_id FROM changed_enterprises)
   OR ({enterprise} IS NULL
       AND name_key({enterprise_name}) IN (SELECT name_key FROM changed_names))
UNION
SELECT t._key, t.rowid FROM "{dataset}" t
WHERE t._key IN (SELECT record_key FROM quarantine_changed WHERE dataset = '{dataset}')
