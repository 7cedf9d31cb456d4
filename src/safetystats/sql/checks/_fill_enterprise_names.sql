-- Fill enterprise_names from the register as stored, for the names emptied before
-- (_clear_enterprise_names.sql): {only} is empty (every name) or limits them to those of
-- register_changed. Each name's distinct enterprises are counted from the distinct pairs
-- (cheaper than a distinct count per name).
INSERT INTO enterprise_names
SELECT name_key, CASE WHEN count(enterprise_id) = 1 THEN any_value(enterprise_id) END,
       count(enterprise_id)
FROM (SELECT DISTINCT name_key(enterprise_name) AS name_key, enterprise_id
      FROM enterprises WHERE enterprise_name IS NOT NULL {only})
GROUP BY 1
