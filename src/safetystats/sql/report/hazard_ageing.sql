-- Open hazards at $as_of by age (days since found) and level, in one unit ($district_codes: the unit and its descendants; NULL = all).
-- Bucket 1: up to the first limit of $age_days (thresholds.toml hazard_age_days, ascending), bucket k+1: over the k-th.
SELECT 1 + len(list_filter($age_days::INTEGER[], lambda d: $as_of::DATE - found_date > d)) AS age_bucket,
       level, count(*) AS hazards
FROM curated_hazards
WHERE is_open_at(found_date, rectified_date, $as_of)
  AND ($district_codes IS NULL OR list_contains($district_codes, district_code))
GROUP BY ALL ORDER BY ALL
