-- Rows held at ingestion, in the quarantine's shape (held_district: the district the row named).
SELECT h.dataset, NULL::VARCHAR AS record_key, h.file_id, f.file_name, h.sheet, h.row_no, h.column_name,
       h.raw_value, h.rule_id, 'ingest' AS source, json_extract_string(h.record, '$.district') AS held_district
FROM held_rows h JOIN ingest_files f USING (file_id)
