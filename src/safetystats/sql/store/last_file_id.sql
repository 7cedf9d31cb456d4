-- The last ingested file version (0 when none).
SELECT coalesce(max(file_id), 0) FROM ingest_files
