-- The records that named an enterprise of register_changed (by credit code, or by name without
-- one) and kept the failure of a register without it: enterprise_unknown (its value is the
-- credit code) or enterprise_name_unknown (its value is the name). Every record of a file up
-- to the last validation that named an enterprise or name new to the register is among them.
SELECT dataset, record_key AS _key FROM check_failures
WHERE (rule_id = 'enterprise_unknown'
       AND raw_value IN (SELECT enterprise_id FROM register_changed))
   OR (rule_id = 'enterprise_name_unknown'
       AND name_key(raw_value) IN (SELECT name_key FROM register_changed))
