-- Hazards of every level open at $as_of past their deadline, in the units $district_codes
-- (NULL = all), the longest overdue first (for the follow-up workbook).
SELECT h.district_code, h.hazard_id, coalesce(h.enterprise_name, h.enterprise_id) AS enterprise,
       h.level AS hazard_level, h.found_date, h.deadline, ($as_of::DATE - h.deadline) AS days_overdue,
       h.supervision, h.description
FROM curated_hazards h
WHERE is_open_at(h.found_date, h.rectified_date, $as_of) AND h.deadline < $as_of
  AND ($district_codes IS NULL OR list_contains($district_codes, h.district_code))
ORDER BY days_overdue DESC, h.hazard_id
