-- Enterprises whose records may curate differently: a curated register row added, removed or
-- changed (among those rebuilt: the temp table rebuilt; the file a row came from is read by no
-- other table), or a register row stored by a file after $since (new, or replacing one: its
-- district and name are read by the valid views) but not one stored again as it was
-- (register_same). Their names, old and new: _changed_names.sql.
CREATE OR REPLACE TEMP TABLE changed_enterprises AS
WITH changed AS (
    (SELECT * EXCLUDE (_file_id) FROM rebuilt
     EXCEPT SELECT * EXCLUDE (_file_id) FROM register_before)
    UNION ALL
    (SELECT * EXCLUDE (_file_id) FROM register_before
     EXCEPT SELECT * EXCLUDE (_file_id) FROM rebuilt)
)
SELECT enterprise_id, enterprise_name FROM changed
UNION SELECT enterprise_id, enterprise_name FROM enterprises
      WHERE _file_id > $since AND _key NOT IN (SELECT _key FROM register_same)
UNION SELECT enterprise_id, enterprise_name FROM enterprises_history
      WHERE _replaced_by_file_id > $since AND _key NOT IN (SELECT _key FROM register_same)
