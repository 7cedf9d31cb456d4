-- 在营 enterprises of one unit ($district_codes: the unit and its descendants; NULL = all) short of evacuation drills in
-- [$window_start, $as_of]: how many they had and how many they need.
SELECT e.enterprise_id, e.enterprise_name, e.industry, e.high_risk,
       count(d.drill_id) AS drills,
       drills_required(e.high_risk, $required, $required_high_risk) AS required
FROM curated_enterprises e
LEFT JOIN curated_drills d
       ON d.enterprise_id = e.enterprise_id AND d.drill_type = $evacuation_type
      AND d.drill_date BETWEEN $window_start AND $as_of
WHERE e.status = $active_status AND ($district_codes IS NULL OR list_contains($district_codes, e.district_code))
GROUP BY ALL
HAVING count(d.drill_id) < drills_required(e.high_risk, $required, $required_high_risk)
ORDER BY e.high_risk DESC, drills, e.enterprise_id
