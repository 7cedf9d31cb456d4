-- The rows of one file kept as Parquet parts, as the upsert reads them (staged_rows: the
-- stored columns, _key, _sheet, _row and the file id; parts_rows.sql set which file).
CREATE OR REPLACE TEMP VIEW staged_rows AS
SELECT * EXCLUDE (_cells), getvariable('staged_parts').file_id::BIGINT AS _file_id
FROM read_parquet(getvariable('staged_parts').parts)
WHERE _row NOT IN (SELECT unnest(getvariable('staged_parts').dropped));
