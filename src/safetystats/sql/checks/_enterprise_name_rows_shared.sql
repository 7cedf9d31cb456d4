-- The part of _enterprise_name_rows_changed.sql for the names that several enterprises had
-- at the last validation (names_before): their rows found by name.
UNION ALL
SELECT enterprise_name, enterprise_id FROM enterprises
WHERE name_key(enterprise_name) IN (SELECT name_key FROM names_before WHERE enterprises > 1)
