-- Major hazards found in [W, E] (the denominator of the major-hazard metrics) and, by E:
-- rectified (major_hazard_rectification), closed/销号 (major_hazard_closure), with all of
-- 五落实 (five_point_completeness), under 挂牌督办 (supervision_coverage). Each metric takes
-- its numerator column (metrics.toml). Scope: $industry, $hazchem, $high_risk of the
-- enterprise, $source and $level of the hazard (lists or NULL); $none_supervision: values meaning none.
-- Reads major_hazards (shared_major_hazards.sql: the major hazards with their enterprise's
-- scope columns).
SELECT t.eval_date, h.district_code, grouping(h.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE h.rectified_date <= t.eval_date) AS rectified,
       count(*) FILTER (WHERE h.closed_date <= t.eval_date) AS closed,
       count(*) FILTER (WHERE h.five_point_complete) AS five_point_complete,
       count(*) FILTER (WHERE h.supervision IS NOT NULL
                        AND NOT list_contains($none_supervision, h.supervision)) AS supervised,
       count(h.hazard_id) AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
JOIN major_hazards h ON h.found_date BETWEEN $window_start AND t.eval_date
WHERE in_scope($industry, h.industry)
  AND in_scope($hazchem, h.hazchem)
  AND in_scope($high_risk, h.high_risk)
  AND in_scope($source, h.source)
  AND in_scope($level, h.level)
GROUP BY GROUPING SETS ((t.eval_date, h.district_code), (t.eval_date))
