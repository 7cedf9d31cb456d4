-- Record one ingested file version (inside the file's transaction).
INSERT INTO ingest_files BY NAME
SELECT $file_id AS file_id, $path AS path, $file_name AS file_name, $sheet AS sheet,
       $sha256 AS sha256, $dataset AS dataset, $encoding AS encoding, $rows_read AS rows_read,
       $rows_stored AS rows_stored, $rows_held AS rows_held, $rows_skipped AS rows_skipped,
       $title_rows AS title_rows, $is_sample AS is_sample, $ingested_at AS ingested_at,
       $ingested_at::DATE AS ingested_on
