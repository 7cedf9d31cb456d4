-- The temp table enterprise_records: the rows (dataset, _key) whose enterprise, by credit code
-- or else by name, is in register_changed: the kept failures of enterprises new to the
-- register (_enterprise_records_failed.sql) and a scan for the known ones
-- (_enterprise_records_scan.sql), joined with UNION ALL. The cross-dataset checks run over
-- them again, and an incremental curation on the same connection reads them instead of
-- scanning (curated/_changed_keys_known.sql).
CREATE OR REPLACE TEMP TABLE enterprise_records AS
{parts}
