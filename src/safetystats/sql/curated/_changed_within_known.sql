-- Whether curation may read enterprise_records (curated/_changed_keys_known.sql): validation
-- found them since the same file, and every enterprise and name that changed in the curated
-- register is among those it found the records of (register_changed).
SELECT (SELECT count(*) FROM enterprise_records_since WHERE since = $since) = 1
   AND NOT EXISTS (SELECT enterprise_id FROM changed_enterprises WHERE enterprise_id IS NOT NULL
                   EXCEPT SELECT enterprise_id FROM register_changed)
   AND NOT EXISTS (SELECT name_key FROM changed_names
                   EXCEPT SELECT name_key FROM register_changed)
