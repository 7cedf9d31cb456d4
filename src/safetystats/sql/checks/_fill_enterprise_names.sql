-- Fill enterprise_names from the register as stored, for the names emptied before
-- (_clear_enterprise_names.sql): {only} is empty (every name) or limits them to those of
-- register_changed.
INSERT INTO enterprise_names
SELECT name_key(enterprise_name), CASE WHEN count(DISTINCT enterprise_id) = 1 THEN any_value(enterprise_id) END,
       count(DISTINCT enterprise_id)
FROM enterprises WHERE enterprise_name IS NOT NULL {only}
GROUP BY 1
