-- open_major_hazards (a count): major hazards open at E (found by E, not rectified by E), found
-- at any date; the denominator is 0 (a count has none). Scope as metric_major_hazards.sql, which
-- it shares major_hazards with.
SELECT t.eval_date, h.district_code, grouping(h.district_code) = 1 AS is_total,
       count(h.hazard_id) AS numerator, 0 AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
JOIN major_hazards h ON is_open_at(h.found_date, h.rectified_date, t.eval_date)
WHERE in_scope($industry, h.industry)
  AND in_scope($hazchem, h.hazchem)
  AND in_scope($high_risk, h.high_risk)
  AND in_scope($source, h.source)
GROUP BY GROUPING SETS ((t.eval_date, h.district_code), (t.eval_date))
