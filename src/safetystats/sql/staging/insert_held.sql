-- Rows that could not be stored by key, held for the quarantine with their file.
INSERT INTO held_rows BY NAME
SELECT $file_id AS file_id, dataset, sheet, "row" AS row_no, rule AS rule_id, "column" AS column_name,
       "value" AS raw_value, record
FROM held_frame;
