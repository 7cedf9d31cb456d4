-- no_district: a record without district whose enterprise is not in the register (a record of
-- an enterprise named ambiguously or unknown by name is reported by the name checks instead).
SELECT r.dataset, r._key, 'district' AS column_name, NULL::VARCHAR AS raw_value, 'no_district' AS rule_id
FROM records r
WHERE r.district IS NULL AND NOT r.district_required AND NOT r.registered
  AND NOT (r.by_name AND coalesce(r.name_matches, 0) <> 1)
