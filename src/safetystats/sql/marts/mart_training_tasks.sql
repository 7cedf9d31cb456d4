-- Training tasks (task > 0) per unit, category and enterprise attributes.
CREATE OR REPLACE TABLE mart_training_tasks AS
SELECT p.district_code, p.category, e.industry, e.hazchem, e.high_risk, sum(p.task)::BIGINT AS task
FROM curated_training_plan p
LEFT JOIN curated_enterprises e ON e.enterprise_id = p.enterprise_id
WHERE p.task > 0
GROUP BY ALL;
