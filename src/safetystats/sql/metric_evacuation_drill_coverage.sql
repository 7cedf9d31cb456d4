-- evacuation_drill_coverage: 在营 enterprises in scope with enough evacuation drills in [W, E]
-- ($required, or $required_high_risk for high-risk enterprises).
-- $evacuation_type: the drill type that counts; $active_status: the status that counts (在营).
WITH firms AS (
    SELECT e.enterprise_id, e.district_code, e.high_risk
    FROM curated_enterprises e
    WHERE e.status = $active_status
      AND ($industry IS NULL OR e.industry = $industry)
      AND ($hazchem IS NULL OR e.hazchem = $hazchem)
      AND ($high_risk IS NULL OR e.high_risk = $high_risk)
),
per_firm AS (
    SELECT t.eval_date, f.enterprise_id, f.district_code,
           count(d.drill_id) >= CASE WHEN f.high_risk THEN $required_high_risk ELSE $required END AS meets
    FROM unnest($eval_dates::DATE[]) AS t(eval_date)
    CROSS JOIN firms f
    LEFT JOIN curated_drills d
           ON d.enterprise_id = f.enterprise_id AND d.drill_type = $evacuation_type
          AND d.drill_date BETWEEN $window_start AND t.eval_date
    GROUP BY t.eval_date, f.enterprise_id, f.district_code, f.high_risk
)
SELECT eval_date, district_code, grouping(district_code) = 1 AS is_total,
       count(*) FILTER (WHERE meets) AS numerator, count(*) AS denominator
FROM per_firm
GROUP BY GROUPING SETS ((eval_date, district_code), (eval_date))
