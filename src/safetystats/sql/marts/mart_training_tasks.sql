-- Training tasks (task > 0) per unit, category and enterprise attributes. Tasks of 停产/关闭
-- enterprises are left out (DATA_SPEC 6.1); an enterprise not in the register keeps its tasks.
-- The placeholders: table, the table made; scope: empty, or the units of an incremental
-- curation (marts/incremental.toml).
CREATE OR REPLACE {table} AS
SELECT p.district_code, p.category, e.industry, e.hazchem, e.high_risk, sum(p.task)::BIGINT AS task
FROM curated_training_plan p
LEFT JOIN curated_enterprises e ON e.enterprise_id = p.enterprise_id
WHERE p.task > 0 AND coalesce(e.status, $active_status) = $active_status {scope}
GROUP BY ALL;
