-- The register's rows that failed an error rule, with the file, row and rule (frame: the
-- failures of the register, with rule_title), for the check enterprise_quarantined.
CREATE OR REPLACE TEMP TABLE register_errors AS
SELECT DISTINCT e.enterprise_id, f.file_name, f.row_no, f.rule_title
FROM frame f JOIN enterprises e ON e._key = f.record_key
