-- Drills per district, day and enterprise attributes (for the scope filters), rebuilt by
-- validate after the curated tables: what unannounced_drill_share sums over a window.
CREATE OR REPLACE TABLE mart_drill_days AS
SELECT d.district_code, e.industry, e.hazchem, e.high_risk, d.drill_date,
       count(*) AS drills,
       count(*) FILTER (WHERE coalesce(d.no_advance_notice AND d.no_script AND d.no_preset_scenario
                                       AND d.no_preset_location, false)) AS unannounced
FROM curated_drills d
LEFT JOIN curated_enterprises e ON e.enterprise_id = d.enterprise_id
GROUP BY ALL;
