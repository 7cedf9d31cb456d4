-- The input files behind the store, for a bulletin's footnotes.
SELECT file_name, dataset, sha256, rows_stored, is_sample, ingested_at
FROM ingest_files ORDER BY file_id
