-- unannounced_drill_share: drills in [W, E] done the "四不" way (all four flags true).
-- $window_start DATE, $eval_dates DATE[], scope: $industry, $hazchem, $high_risk (NULL = any).
SELECT t.eval_date, d.district_code, grouping(d.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE coalesce(d.no_advance_notice AND d.no_script AND d.no_preset_scenario
                                       AND d.no_preset_location, false)) AS numerator,
       count(d.drill_id) AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
JOIN curated_drills d ON d.drill_date BETWEEN $window_start AND t.eval_date
LEFT JOIN curated_enterprises e ON e.enterprise_id = d.enterprise_id
WHERE ($industry IS NULL OR e.industry = $industry)
  AND ($hazchem IS NULL OR e.hazchem = $hazchem)
  AND ($high_risk IS NULL OR e.high_risk = $high_risk)
GROUP BY GROUPING SETS ((t.eval_date, d.district_code), (t.eval_date))
