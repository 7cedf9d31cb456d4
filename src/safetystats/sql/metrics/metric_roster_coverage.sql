-- roster_coverage: the in-scope objects of roster $roster (in_scope blank = true) done by E
-- (done, and done_date blank or on/before E).
SELECT t.eval_date, r.district_code, grouping(r.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE r.done AND (r.done_date IS NULL OR r.done_date <= t.eval_date)) AS numerator,
       count(r.object_id) AS denominator
FROM unnest($eval_dates::DATE[]) AS t(eval_date)
JOIN curated_rosters r ON r.roster = $roster AND coalesce(r.in_scope, true)
GROUP BY GROUPING SETS ((t.eval_date, r.district_code), (t.eval_date))
