-- Checks that need another dataset or the district registry (DATA_SPEC section 4).
-- Input: the view `records` (dataset, _key, _file_id, _sheet, _row, enterprise_id, district,
-- district_required) over every dataset but the register, and the register itself.
WITH reg AS (
    SELECT e.enterprise_id, m.code AS district_code, e.district
    FROM enterprises e LEFT JOIN district_map m ON m.value = e.district
),
rec AS (
    SELECT r.*, m.code AS own_code, reg.enterprise_id IS NOT NULL AS known, reg.district_code AS reg_code,
           reg.district AS reg_district
    FROM records r
    LEFT JOIN district_map m ON m.value = r.district
    LEFT JOIN reg ON reg.enterprise_id = r.enterprise_id
)
SELECT dataset, _key, 'district' AS column_name, district AS raw_value, 'unknown_district' AS rule_id
FROM rec WHERE district IS NOT NULL AND own_code IS NULL
UNION ALL
SELECT 'enterprises', _key, 'district', district, 'unknown_district'
FROM enterprises e WHERE district IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM district_map m WHERE m.value = e.district AND m.code IS NOT NULL)
UNION ALL
SELECT dataset, _key, 'district', NULL, 'no_district'
FROM rec WHERE district IS NULL AND NOT district_required AND reg_code IS NULL
UNION ALL
SELECT dataset, _key, 'enterprise_id', enterprise_id, 'enterprise_unknown'
FROM rec WHERE enterprise_id IS NOT NULL AND NOT known
UNION ALL
SELECT dataset, _key, 'district', district, 'district_mismatch'
FROM rec WHERE own_code IS NOT NULL AND reg_code IS NOT NULL AND own_code <> reg_code
UNION ALL
SELECT 'drills', _key, 'unannounced', CASE WHEN unannounced THEN '是' ELSE '否' END, 'unannounced_mismatch'
FROM drills
WHERE unannounced IS NOT NULL
  AND unannounced <> coalesce(no_advance_notice AND no_script AND no_preset_scenario AND no_preset_location, false)
