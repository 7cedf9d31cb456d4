-- How many files in the store are sample files (names starting with $prefix, DATA_SPEC 3).
SELECT count(*) FROM ingest_files WHERE starts_with(file_name, $prefix)
