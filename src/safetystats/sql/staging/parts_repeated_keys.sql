-- The keys repeated in one file's prepared rows, kept as Parquet parts (ingest/parts.py).
SELECT _key FROM read_parquet($parts) GROUP BY _key HAVING count(*) > 1;
