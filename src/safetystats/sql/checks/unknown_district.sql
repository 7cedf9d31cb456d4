-- unknown_district: a district value that the registry does not resolve (records and the register).
SELECT r.dataset, r._key, 'district' AS column_name, r.district AS raw_value, 'unknown_district' AS rule_id,
       m.detail_zh AS detail, m.detail_en
FROM records r JOIN district_map m ON m.value = r.district
WHERE m.code IS NULL
UNION ALL
SELECT 'enterprises', e._key, 'district', e.district, 'unknown_district', m.detail_zh, m.detail_en
FROM checked_enterprises e JOIN district_map m ON m.value = e.district
WHERE m.code IS NULL
