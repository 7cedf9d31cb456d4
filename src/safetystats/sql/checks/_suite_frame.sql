-- The columns a dataset's suite reads (listed from its spec), with the bookkeeping that
-- locates each row: the rows of the files ingested after file $since (every row when NULL),
-- only those of wanted_keys when $only_wanted.
SELECT {columns}, t._key, t._file_id, f.file_name AS _file_name, t._sheet, t._row
FROM "{dataset}" t JOIN ingest_files f ON f.file_id = t._file_id
WHERE ($since IS NULL OR t._file_id > $since)
  AND (NOT $only_wanted OR t._key IN (SELECT _key FROM wanted_keys))
