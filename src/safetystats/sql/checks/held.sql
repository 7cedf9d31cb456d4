-- Rows held at ingestion, in the quarantine's shape.
SELECT h.dataset, NULL::VARCHAR AS record_key, h.file_id, f.file_name, h.sheet, h.row_no, h.column_name,
       h.raw_value, h.rule_id, 'ingest' AS source
FROM held_rows h JOIN ingest_files f USING (file_id)
