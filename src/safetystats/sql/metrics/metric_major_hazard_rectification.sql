-- major_hazard_rectification: major hazards found in [W, E] rectified by E.
SELECT t.eval_date, h.district_code, grouping(h.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE h.rectified_date <= t.eval_date) AS numerator,
       count(h.hazard_id) AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
JOIN curated_hazards h ON h.level = 'major' AND h.found_date BETWEEN $window_start AND t.eval_date
LEFT JOIN curated_enterprises e ON e.enterprise_id = h.enterprise_id
WHERE ($industry IS NULL OR e.industry = $industry)
  AND ($hazchem IS NULL OR e.hazchem = $hazchem)
  AND ($high_risk IS NULL OR e.high_risk = $high_risk)
GROUP BY GROUPING SETS ((t.eval_date, h.district_code), (t.eval_date))
