-- The quarantined rows (errors) of the units $district_codes, for the packages' 需更正的记录:
-- where the cell is, what it said, why it was refused; the record key a correction is matched on.
SELECT unit_code AS district_code, dataset, dataset_zh, record_key, file_name, sheet, row_no,
       header, column_name, raw_value, rule_id, rule_zh, message_zh, file_id AS version
FROM quarantine
WHERE severity = 'error' AND unit_code IS NOT NULL
  AND ($district_codes IS NULL OR list_contains($district_codes, unit_code))
ORDER BY file_name, row_no, column_name
