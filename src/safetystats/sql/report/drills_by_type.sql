-- Drills in [$window_start, $as_of] by type, unannounced or not, in one unit ($district_codes: the unit and its descendants; NULL = all).
-- $unspecified: the label of a drill without type.
SELECT coalesce(drill_type, $unspecified) AS drill_type, is_unannounced AS unannounced, count(*) AS drills
FROM curated_drills
WHERE drill_date BETWEEN $window_start AND $as_of
  AND ($district_codes IS NULL OR list_contains($district_codes, district_code))
GROUP BY ALL ORDER BY ALL
