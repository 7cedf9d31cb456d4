-- One file's prepared rows kept as Parquet parts (ingest/parts.py), for the upsert's statements:
-- its parts, its file id and the rows not to store (repeated keys settled).
SET VARIABLE staged_parts = {'parts': $parts, 'file_id': $file_id, 'dropped': $dropped};
