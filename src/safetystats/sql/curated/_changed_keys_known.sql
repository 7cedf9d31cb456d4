-- The rows of "{dataset}" an incremental curation rebuilds (as _changed_keys.sql), when the
-- enterprises and names that changed in the register are among those validation found the
-- records of on this connection (enterprise_records, same $since): rows stored by a file
-- after $since, those records, and the rows whose errors changed. Read by _file_id and _key
-- (DuckDB skips row groups), not by a scan of the enterprise columns.
CREATE OR REPLACE TEMP TABLE curate_keys AS
SELECT t._key, t.rowid AS _rid FROM "{dataset}" t WHERE t._file_id > $since
UNION
SELECT t._key, t.rowid FROM "{dataset}" t
WHERE t._key IN (SELECT _key FROM enterprise_records WHERE dataset = '{dataset}'
                 UNION ALL
                 SELECT record_key FROM quarantine_changed WHERE dataset = '{dataset}')
