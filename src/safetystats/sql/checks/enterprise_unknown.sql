-- enterprise_unknown (warning): a record's credit code is not in the register.
SELECT r.dataset, r._key, 'enterprise_id' AS column_name, r.enterprise_id AS raw_value, 'enterprise_unknown' AS rule_id
FROM records r
WHERE r.enterprise_id IS NOT NULL AND NOT r.by_name AND NOT r.registered
