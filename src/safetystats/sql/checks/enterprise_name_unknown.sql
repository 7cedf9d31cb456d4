-- enterprise_name_unknown: a record that names its enterprise (no credit code) by a name the register does not hold.
SELECT dataset, _key, 'enterprise_name' AS column_name, enterprise_name AS raw_value,
       'enterprise_name_unknown' AS rule_id
FROM records WHERE by_name AND name_matches IS NULL
