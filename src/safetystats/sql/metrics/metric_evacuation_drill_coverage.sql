-- evacuation_drill_coverage: 在营 enterprises in scope with enough evacuation drills in [W, E]
-- ($required, or $required_high_risk for high-risk enterprises).
-- An enterprise has k drills in [W, E] exactly when its k-th drill on or after W falls on or
-- before E, so each enterprise is looked at once whatever the number of evaluation dates.
-- $evacuation_type: the drill type that counts; $active_status: the status that counts (在营).
WITH firms AS (
    SELECT e.enterprise_id, e.district_code,
           drills_required(e.high_risk, $required, $required_high_risk) AS required
    FROM curated_enterprises e
    WHERE e.status = $active_status
      AND ($industry IS NULL OR e.industry = $industry)
      AND ($hazchem IS NULL OR e.hazchem = $hazchem)
      AND ($high_risk IS NULL OR e.high_risk = $high_risk)
),
ranked AS (
    SELECT enterprise_id, drill_date,
           row_number() OVER (PARTITION BY enterprise_id ORDER BY drill_date, drill_id) AS k
    FROM curated_drills
    WHERE drill_type = $evacuation_type AND drill_date >= $window_start
),
firm_dates AS (
    SELECT f.district_code, r.drill_date AS enough_on
    FROM firms f
    LEFT JOIN ranked r ON r.enterprise_id = f.enterprise_id AND r.k = f.required
)
SELECT t.eval_date, f.district_code, grouping(f.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE f.enough_on <= t.eval_date) AS numerator, count(*) AS denominator
FROM firm_dates f
CROSS JOIN unnest($eval_dates::DATE[]) AS t(eval_date)
GROUP BY GROUPING SETS ((t.eval_date, f.district_code), (t.eval_date))
