-- Training marts, rebuilt by validate after the curated tables. The cap "min(trained, task)"
-- is applied per enterprise x category as a running total, so that what each month adds is
-- additive: sum of increments up to E's month = sum over plan rows of min(trained since the
-- cycle start up to E's month, task). $cycle_start_default: cycle_start when blank.
CREATE OR REPLACE TABLE mart_training_tasks AS
SELECT p.district_code, e.industry, e.hazchem, e.high_risk, sum(p.task)::BIGINT AS task
FROM curated_training_plan p
LEFT JOIN curated_enterprises e ON e.enterprise_id = p.enterprise_id
WHERE p.task > 0
GROUP BY ALL;

CREATE OR REPLACE TABLE mart_training_increments AS
WITH running AS (
    SELECT p.district_code, p.enterprise_id, p.category, p.task, c.month,
           sum(c.trained) OVER (PARTITION BY p.enterprise_id, p.category ORDER BY c.month
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative,
           c.trained
    FROM curated_training_plan p
    JOIN curated_training_counts c
      ON c.enterprise_id = p.enterprise_id AND c.category = p.category
     AND c.month >= date_trunc('month', coalesce(p.cycle_start, $cycle_start_default::DATE))
    WHERE p.task > 0
)
SELECT r.district_code, e.industry, e.hazchem, e.high_risk, r.month,
       sum(least(r.cumulative, r.task) - least(r.cumulative - r.trained, r.task))::BIGINT AS increment
FROM running r
LEFT JOIN curated_enterprises e ON e.enterprise_id = r.enterprise_id
GROUP BY ALL;
