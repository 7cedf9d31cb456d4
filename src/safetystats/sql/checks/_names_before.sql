-- The temp table names_before: the kept enterprise_names rows of the names of
-- register_changed (the register's names at the last validation), before they are redone:
-- a name of one enterprise says which one (_enterprise_name_rows_changed.sql).
CREATE OR REPLACE TEMP TABLE names_before AS
SELECT * FROM enterprise_names WHERE name_key IN (SELECT name_key FROM register_changed)
