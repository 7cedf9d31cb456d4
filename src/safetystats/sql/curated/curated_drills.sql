-- Valid drills with is_unannounced (all four 四不 flags true).
SELECT v.*,
       is_unannounced(v.no_advance_notice, v.no_script, v.no_preset_scenario, v.no_preset_location)
           AS is_unannounced
FROM valid_drills v
