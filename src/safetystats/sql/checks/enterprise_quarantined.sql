-- enterprise_quarantined: a record whose enterprise is in the register only through a register
-- row that failed a rule; the detail names the register's file, row and rule. Runs after the
-- other checks (the temp table `register_errors` holds the register's failed rows).
SELECT r.dataset, r._key, 'enterprise_id' AS column_name, r.enterprise_id AS raw_value,
       'enterprise_quarantined' AS rule_id,
       e.file_name || ' 第' || e.row_no || '行（' || e.rule_title || '）' AS detail
FROM records r
JOIN register_errors e ON e.enterprise_id = r.enterprise_id
