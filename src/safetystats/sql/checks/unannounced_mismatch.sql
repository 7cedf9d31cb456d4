-- unannounced_mismatch (warning): the 四不 column disagrees with the four flags (the flags win).
SELECT 'drills' AS dataset, _key, 'unannounced' AS column_name,
       CASE WHEN unannounced THEN $yes ELSE $no END AS raw_value, 'unannounced_mismatch' AS rule_id
FROM checked_drills
WHERE unannounced IS NOT NULL
  AND unannounced <> is_unannounced(no_advance_notice, no_script, no_preset_scenario, no_preset_location)
