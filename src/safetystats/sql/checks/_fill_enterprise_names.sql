-- Fill enterprise_names for the names emptied before (_clear_enterprise_names.sql) from the
-- register rows that can hold them: every register row (_enterprise_name_rows.sql) or, in an
-- incremental validation, those of _enterprise_name_rows_changed.sql, with the names limited
-- to those of register_changed as when they were emptied. Each name's distinct enterprises
-- are counted from the distinct pairs (cheaper than a distinct count per name).
INSERT INTO enterprise_names
SELECT name_key, CASE WHEN count(enterprise_id) = 1 THEN any_value(enterprise_id) END,
       count(enterprise_id)
FROM (SELECT DISTINCT name_key(enterprise_name) AS name_key, enterprise_id
      FROM ({rows}) WHERE enterprise_name IS NOT NULL)
WHERE true {only}
GROUP BY 1
