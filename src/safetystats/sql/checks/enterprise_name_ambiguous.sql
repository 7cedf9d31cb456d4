-- enterprise_name_ambiguous: a record that names its enterprise by a name several enterprises of the register share.
SELECT dataset, _key, 'enterprise_name' AS column_name, enterprise_name AS raw_value,
       'enterprise_name_ambiguous' AS rule_id
FROM records WHERE by_name AND name_matches > 1
