-- The register's enterprises whose rows changed since file $since: rows stored by a later file
-- (new, or replacing one) and the rows they replaced, by credit code and by name, but not the
-- rows stored again as they were (register_same). The cross-dataset checks of a record read
-- only its enterprise's register rows and names, so only the records of these enterprises (and
-- the rows of new files) are checked again.
CREATE OR REPLACE TEMP TABLE register_changed AS
SELECT enterprise_id, name_key(enterprise_name) AS name_key FROM enterprises
WHERE _file_id > $since AND _key NOT IN (SELECT _key FROM register_same)
UNION
SELECT enterprise_id, name_key(enterprise_name) FROM enterprises_history
WHERE _replaced_by_file_id > $since AND _key NOT IN (SELECT _key FROM register_same)
