-- The quarantine in the order files and rows are read.
SELECT * FROM quarantine ORDER BY dataset, file_name, sheet, row_no, rule_id NULLS LAST
