-- Drills per unit, day and enterprise attributes (for the scope filters): what
-- unannounced_drill_share sums over a window.
-- The placeholders: table, the table made (a temp table of the changed days' rows when scope
-- limits them, marts/incremental.toml).
CREATE OR REPLACE {table} AS
SELECT d.district_code, e.industry, e.hazchem, e.high_risk, d.drill_date,
       count(*) AS drills,
       count(*) FILTER (WHERE d.is_unannounced) AS unannounced
FROM curated_drills d
LEFT JOIN curated_enterprises e ON e.enterprise_id = d.enterprise_id
WHERE true {scope}
GROUP BY ALL;
