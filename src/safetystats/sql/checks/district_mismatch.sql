-- district_mismatch (warning): the record's own district differs from the register's for its enterprise.
SELECT r.dataset, r._key, 'district' AS column_name, r.district AS raw_value, 'district_mismatch' AS rule_id
FROM records r
JOIN district_map m ON m.value = r.district
WHERE m.code IS NOT NULL AND r.register_code IS NOT NULL AND m.code <> r.register_code
