-- The temp table unchecked_codes: the 18-character credit codes of the store whose check
-- character was never computed. $every_record: look at every record's code (an incremental
-- validation); false when every register row is checked (checked_enterprises is the whole
-- register): then only the codes of the records not in the register, since the others' are
-- the register's own (a few rows instead of a distinct over every record).
CREATE OR REPLACE TEMP TABLE unchecked_codes AS
SELECT DISTINCT c.enterprise_id
FROM (SELECT enterprise_id FROM records WHERE $every_record OR NOT registered
      UNION ALL SELECT enterprise_id FROM checked_enterprises) c
WHERE length(c.enterprise_id) = 18
  AND NOT EXISTS (SELECT 1 FROM credit_codes_checked k WHERE k.enterprise_id = c.enterprise_id)
