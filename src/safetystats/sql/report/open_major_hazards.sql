-- Major hazards open at $as_of in one unit ($district_codes: the unit and its descendants; NULL = all), overdue first, then oldest.
SELECT district_code, hazard_id, coalesce(enterprise_name, enterprise_id) AS enterprise,
       found_date, deadline, ($as_of::DATE - found_date) AS days_open,
       coalesce(deadline < $as_of, false) AS overdue, supervision, description,
       five_point_complete AS five_complete
FROM curated_hazards
WHERE level = 'major' AND is_open_at(found_date, rectified_date, $as_of)
  AND ($district_codes IS NULL OR list_contains($district_codes, district_code))
ORDER BY overdue DESC, found_date, hazard_id
