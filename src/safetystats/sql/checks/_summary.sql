-- Errors, warnings, quarantined records and rows held at ingestion of one dataset ($dataset).
SELECT count(*) FILTER (severity = 'error'),
       count(*) FILTER (severity = 'warning'),
       count(DISTINCT record_key) FILTER (severity = 'error' AND record_key IS NOT NULL),
       count(*) FILTER (source = 'ingest')
FROM quarantine WHERE dataset = $dataset
