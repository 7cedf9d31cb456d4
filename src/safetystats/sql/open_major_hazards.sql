-- Major hazards open at $as_of in one district ($district_code; NULL = all), oldest first.
SELECT h.hazard_id, coalesce(e.enterprise_name, h.enterprise_name, h.enterprise_id) AS enterprise,
       h.found_date, h.deadline, ($as_of::DATE - h.found_date) AS days_open,
       coalesce(h.deadline < $as_of, false) AS overdue, h.supervision, h.description,
       h.responsible_person IS NOT NULL AND h.measures IS NOT NULL AND h.funds IS NOT NULL
           AND h.deadline IS NOT NULL AND coalesce(h.contingency_plan, false) AS five_complete
FROM curated_hazards h
LEFT JOIN curated_enterprises e ON e.enterprise_id = h.enterprise_id
WHERE h.level = 'major' AND h.found_date <= $as_of
  AND (h.rectified_date IS NULL OR h.rectified_date > $as_of)
  AND ($district_code IS NULL OR h.district_code = $district_code)
ORDER BY overdue DESC, h.found_date, h.hazard_id
