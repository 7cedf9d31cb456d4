-- One dataset's part of the temp view `located`: where each stored row came from (file, sheet, row).
SELECT '{dataset}' AS dataset, t._key, t._file_id, f.file_name AS _file_name, t._sheet, t._row
FROM "{dataset}" t JOIN ingest_files f ON f.file_id = t._file_id
