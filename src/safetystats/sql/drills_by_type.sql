-- Drills in [$window_start, $as_of] by type, unannounced or not, in one district ($district_code; NULL = all).
SELECT coalesce(drill_type, '未注明') AS drill_type,
       coalesce(no_advance_notice AND no_script AND no_preset_scenario AND no_preset_location, false) AS unannounced,
       count(*) AS drills
FROM curated_drills
WHERE drill_date BETWEEN $window_start AND $as_of
  AND ($district_code IS NULL OR district_code = $district_code)
GROUP BY ALL ORDER BY ALL
