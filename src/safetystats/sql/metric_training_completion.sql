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
per_row AS (
    SELECT t.eval_date, plan.district_code, plan.task,
           least(coalesce(sum(c.trained), 0), plan.task) AS capped
    FROM unnest($eval_dates::DATE[]) AS t(eval_date)
    CROSS JOIN plan
    LEFT JOIN curated_training_counts c
           ON c.enterprise_id = plan.enterprise_id AND c.category = plan.category
          AND c.month >= plan.cycle_month AND c.month <= date_trunc('month', t.eval_date)
    GROUP BY t.eval_date, plan.enterprise_id, plan.category, plan.district_code, plan.task
)
SELECT eval_date, district_code, grouping(district_code) = 1 AS is_total,
       sum(capped)::BIGINT AS numerator, sum(task)::BIGINT AS denominator
FROM per_row
GROUP BY GROUPING SETS ((eval_date, district_code), (eval_date))
