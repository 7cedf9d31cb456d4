-- The data quality of one unit ($district_codes: the unit and its descendants; NULL = all):
-- quarantined (error) and warned rows by rule, as validate found them.
SELECT rule_id, any_value(rule_zh) AS rule_zh, severity, count(*) AS rows
FROM quarantine
WHERE $district_codes IS NULL OR list_contains($district_codes, unit_code)
GROUP BY rule_id, severity
ORDER BY severity, rows DESC, rule_id
