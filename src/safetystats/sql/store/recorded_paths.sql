-- The paths a store ingested, each once, in the order of its last ingestion.
SELECT path FROM ingest_files GROUP BY path ORDER BY max(file_id)
