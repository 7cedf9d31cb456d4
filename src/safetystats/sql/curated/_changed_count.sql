-- The rows an incremental curation rebuilds in a table (curate_keys; 0: the table is left as it is).
SELECT count(*) FROM curate_keys
