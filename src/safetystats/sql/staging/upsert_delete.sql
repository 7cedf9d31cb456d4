-- Remove the rows of "{dataset}" that the staged rows replace (a later ingestion wins).
DELETE FROM "{dataset}" WHERE _key IN (SELECT _key FROM staged_rows);
