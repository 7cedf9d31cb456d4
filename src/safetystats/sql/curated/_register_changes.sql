-- Enterprises whose records may curate differently: a curated register row added, removed or
-- changed (among those rebuilt: the temp table rebuilt), or a register row stored by a file after $since
-- (new, or replacing one: its district and name are read by the valid views). Their names, old
-- and new: _changed_names.sql.
CREATE OR REPLACE TEMP TABLE changed_enterprises AS
WITH changed AS (
    (SELECT * FROM rebuilt EXCEPT SELECT * FROM register_before)
    UNION ALL
    (SELECT * FROM register_before EXCEPT SELECT * FROM rebuilt)
)
SELECT enterprise_id, enterprise_name FROM changed
UNION SELECT enterprise_id, enterprise_name FROM enterprises WHERE _file_id > $since
UNION SELECT enterprise_id, enterprise_name FROM enterprises_history WHERE _replaced_by_file_id > $since
