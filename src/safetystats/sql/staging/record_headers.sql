-- The headers of one file version (header_rows: sheet, column_name, header).
INSERT INTO file_headers BY NAME SELECT $file_id AS file_id, sheet, column_name, header FROM header_rows
