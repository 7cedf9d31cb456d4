-- The temp table register_known: the enterprises (credit codes) and names of register_changed
-- that the register already held at the last validation (file $since): a correction of an
-- enterprise's row. The others are new to the register; a record that named one of them
-- was checked against a register without it and keeps the failure that says so
-- (_enterprise_records_failed.sql), so only the records of these need a scan. (The register
-- is probed with the few changed codes, not hashed whole.)
CREATE OR REPLACE TEMP TABLE register_known AS
SELECT DISTINCT enterprise_id, NULL::VARCHAR AS name_key FROM (
    SELECT enterprise_id FROM enterprises
    WHERE _file_id <= $since AND enterprise_id IN (SELECT enterprise_id FROM register_changed)
    UNION ALL
    SELECT enterprise_id FROM enterprises_history
    WHERE _file_id <= $since AND enterprise_id IN (SELECT enterprise_id FROM register_changed)
)
UNION ALL
SELECT NULL, name_key FROM register_changed
WHERE name_key IN (SELECT name_key FROM enterprise_names)  -- kept: the names at file $since
