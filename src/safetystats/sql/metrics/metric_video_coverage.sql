-- video_coverage: high-consequence sites with video installed by E (blank installed_date counts).
SELECT t.eval_date, v.district_code, grouping(v.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE v.video_installed AND (v.installed_date IS NULL OR v.installed_date <= t.eval_date))
           AS numerator,
       count(v.site_id) AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
CROSS JOIN curated_video_sites v
LEFT JOIN curated_enterprises e ON e.enterprise_id = v.enterprise_id
WHERE v.high_consequence
  AND ($industry IS NULL OR e.industry = $industry)
  AND ($hazchem IS NULL OR e.hazchem = $hazchem)
  AND ($high_risk IS NULL OR e.high_risk = $high_risk)
GROUP BY GROUPING SETS ((t.eval_date, v.district_code), (t.eval_date))
