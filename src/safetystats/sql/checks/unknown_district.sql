-- unknown_district: a district value that the registry does not resolve (records and the register).
SELECT r.dataset, r._key, 'district' AS column_name, r.district AS raw_value, 'unknown_district' AS rule_id
FROM records r LEFT JOIN district_map m ON m.value = r.district
WHERE r.district IS NOT NULL AND m.code IS NULL
UNION ALL
SELECT 'enterprises', e._key, 'district', e.district, 'unknown_district'
FROM enterprises e LEFT JOIN district_map m ON m.value = e.district
WHERE e.district IS NOT NULL AND m.code IS NULL
