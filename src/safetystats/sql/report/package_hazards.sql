-- Hazards open at $as_of in the units $district_codes (NULL = all), for the follow-up packages
-- (DATA_SPEC 8.6): the keys a return is matched on, the record's version (the file it came
-- from: a later ledger makes a returned row a conflict) and the 五落实 items.
SELECT district_code, hazard_id, enterprise_id, coalesce(enterprise_name, enterprise_id) AS enterprise,
       level, found_date, deadline, coalesce(deadline < $as_of, false) AS overdue,
       CASE WHEN deadline < $as_of THEN $as_of::DATE - deadline END AS days_overdue,
       supervision, description, responsible_person, measures, funds, contingency_plan,
       five_point_complete, _key AS record_key, _file_id AS version
FROM curated_hazards
WHERE is_open_at(found_date, rectified_date, $as_of)
  AND ($district_codes IS NULL OR list_contains($district_codes, district_code))
ORDER BY overdue DESC, days_overdue DESC NULLS LAST, found_date, hazard_id
