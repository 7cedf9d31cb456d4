-- video_coverage: high-consequence sites with video installed by E (blank installed_date counts).
SELECT t.eval_date, v.district_code, grouping(v.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE v.video_installed AND (v.installed_date IS NULL OR v.installed_date <= t.eval_date))
           AS numerator,
       count(v.site_id) AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
CROSS JOIN curated_video_sites v
LEFT JOIN curated_enterprises e ON e.enterprise_id = v.enterprise_id
WHERE v.high_consequence
  AND in_scope($industry, e.industry)
  AND in_scope($hazchem, e.hazchem)
  AND in_scope($high_risk, e.high_risk)
GROUP BY GROUPING SETS ((t.eval_date, v.district_code), (t.eval_date))
