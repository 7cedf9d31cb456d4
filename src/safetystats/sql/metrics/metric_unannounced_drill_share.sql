-- unannounced_drill_share: drills in [W, E] done the "四不" way (all four flags true), from mart_drill_days.
-- $window_start DATE, $eval_dates DATE[], scope: $industry, $hazchem, $high_risk (NULL = any).
SELECT t.eval_date, m.district_code, grouping(m.district_code) = 1 AS is_total,
       sum(m.unannounced)::BIGINT AS numerator, sum(m.drills)::BIGINT AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
JOIN mart_drill_days m ON m.drill_date BETWEEN $window_start AND t.eval_date
WHERE in_scope($industry, m.industry)
  AND in_scope($hazchem, m.hazchem)
  AND in_scope($high_risk, m.high_risk)
GROUP BY GROUPING SETS ((t.eval_date, m.district_code), (t.eval_date))
