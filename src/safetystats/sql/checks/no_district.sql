-- no_district: a record without district whose enterprise gives none either.
SELECT r.dataset, r._key, 'district' AS column_name, NULL::VARCHAR AS raw_value, 'no_district' AS rule_id
FROM records r LEFT JOIN registered g ON g.enterprise_id = r.enterprise_id
WHERE r.district IS NULL AND NOT r.district_required AND g.district_code IS NULL
