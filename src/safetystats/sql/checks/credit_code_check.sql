-- credit_code_check (warning): an 18-character credit code whose check character is wrong
-- (GB 32100-2015); the temp table `bad_check_codes` holds each such code and the expected character.
SELECT r.dataset, r._key, 'enterprise_id' AS column_name, r.enterprise_id AS raw_value,
       'credit_code_check' AS rule_id, b.expected AS detail
FROM (SELECT dataset, _key, enterprise_id FROM records WHERE NOT by_name
      UNION ALL SELECT 'enterprises', _key, enterprise_id FROM checked_enterprises) r
JOIN bad_check_codes b ON b.enterprise_id = r.enterprise_id
