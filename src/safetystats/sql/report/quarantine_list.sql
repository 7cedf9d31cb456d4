-- The quarantine for the follow-up workbook: unit first, the file's own header, the cell as written.
SELECT unit, dataset_zh, dataset, rule_id, severity, file_name, sheet, row_no, header, column_name, raw_value, rule_zh,
       severity_zh, message_zh, message_en
FROM quarantine
ORDER BY unit NULLS LAST, file_name, row_no, rule_id
