-- Accidents dated in [$since, $as_of] with their unit, level, deaths (for the early warnings).
SELECT accident_id, accident_date, level, coalesce(deaths, 0) AS deaths, district_code
FROM curated_accidents
WHERE accident_date BETWEEN $since AND $as_of
ORDER BY accident_date, accident_id
