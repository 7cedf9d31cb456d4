-- Open hazards at $as_of by age (days since found) and level, in one unit ($district_codes: the unit and its descendants; NULL = all).
SELECT CASE WHEN $as_of::DATE - found_date <= 30 THEN 1 WHEN $as_of::DATE - found_date <= 90 THEN 2
            WHEN $as_of::DATE - found_date <= 180 THEN 3 ELSE 4 END AS age_bucket,
       level, count(*) AS hazards
FROM curated_hazards
WHERE is_open_at(found_date, rectified_date, $as_of)
  AND ($district_codes IS NULL OR list_contains($district_codes, district_code))
GROUP BY ALL ORDER BY ALL
