-- enterprise_quarantined: a record whose enterprise is in the register only through a register
-- row that failed a rule; the detail names the register's file, row and rule. Runs after the
-- other checks (the temp table `register_errors` holds the register's failed rows).
SELECT r.dataset, r._key,
       CASE WHEN r.by_name THEN 'enterprise_name' ELSE 'enterprise_id' END AS column_name,
       CASE WHEN r.by_name THEN r.enterprise_name ELSE r.enterprise_id END AS raw_value,
       'enterprise_quarantined' AS rule_id,
       e.file_name || ' 第' || e.row_no || '行（' || e.rule_title || '）' AS detail
FROM records r
JOIN register_errors e ON e.enterprise_id = r.enterprise_id
