-- training_completion: sum over enterprise x category of min(trained since cycle_start up to
-- E's month, task) / sum of task, plan rows with task > 0 in scope (from the training marts).
-- Scope: $industry, $hazchem, $high_risk of the enterprise, $category of the plan row (lists or NULL).
WITH dates AS (
    SELECT eval_date, date_trunc('month', eval_date) AS eval_month FROM unnest($eval_dates::DATE[]) AS t(eval_date)
),
scoped_tasks AS (
    SELECT district_code, sum(task) AS task FROM mart_training_tasks
    WHERE in_scope($category, category) AND in_scope($industry, industry) AND in_scope($hazchem, hazchem)
      AND in_scope($high_risk, high_risk)
    GROUP BY district_code
),
scoped_trained AS (
    SELECT d.eval_date, i.district_code, sum(i.increment) AS trained
    FROM mart_training_increments i JOIN dates d ON i.month <= d.eval_month
    WHERE in_scope($category, i.category) AND in_scope($industry, i.industry) AND in_scope($hazchem, i.hazchem)
      AND in_scope($high_risk, i.high_risk)
    GROUP BY ALL
)
SELECT d.eval_date, s.district_code, grouping(s.district_code) = 1 AS is_total,
       coalesce(sum(t.trained), 0)::BIGINT AS numerator, sum(s.task)::BIGINT AS denominator
FROM scoped_tasks s
CROSS JOIN dates d
LEFT JOIN scoped_trained t ON t.eval_date = d.eval_date AND t.district_code IS NOT DISTINCT FROM s.district_code
GROUP BY GROUPING SETS ((d.eval_date, s.district_code), (d.eval_date))
