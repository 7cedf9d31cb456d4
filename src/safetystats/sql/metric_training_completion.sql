-- training_completion: sum over enterprise x category of min(trained since cycle_start up to
-- E's month, task) / sum of task, plan rows with task > 0 in scope.
-- $cycle_start_default DATE: cycle_start when blank.
WITH plan AS (
    SELECT p.enterprise_id, p.category, p.task, p.district_code,
           date_trunc('month', coalesce(p.cycle_start, $cycle_start_default::DATE)) AS cycle_month
    FROM curated_training_plan p
    LEFT JOIN curated_enterprises e ON e.enterprise_id = p.enterprise_id
    WHERE p.task > 0
      AND ($industry IS NULL OR e.industry = $industry)
      AND ($hazchem IS NULL OR e.hazchem = $hazchem)
      AND ($high_risk IS NULL OR e.high_risk = $high_risk)
),
dates AS (
    SELECT eval_date, date_trunc('month', eval_date) AS eval_month FROM unnest($eval_dates::DATE[]) AS t(eval_date)
),
trained AS (  -- equality joins only: counts of the plan's rows since its cycle start, per evaluation date
    SELECT d.eval_date, c.enterprise_id, c.category, sum(c.trained) AS trained
    FROM curated_training_counts c
    JOIN plan p ON p.enterprise_id = c.enterprise_id AND p.category = c.category AND c.month >= p.cycle_month
    CROSS JOIN dates d
    WHERE c.month <= d.eval_month
    GROUP BY ALL
),
per_row AS (
    SELECT d.eval_date, p.district_code, p.task, least(coalesce(t.trained, 0), p.task) AS capped
    FROM plan p
    CROSS JOIN dates d
    LEFT JOIN trained t ON t.eval_date = d.eval_date AND t.enterprise_id = p.enterprise_id AND t.category = p.category
)
SELECT eval_date, district_code, grouping(district_code) = 1 AS is_total,
       sum(capped)::BIGINT AS numerator, sum(task)::BIGINT AS denominator
FROM per_row
GROUP BY GROUPING SETS ((eval_date, district_code), (eval_date))
