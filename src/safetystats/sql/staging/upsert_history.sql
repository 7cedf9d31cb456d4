-- Rows of "{dataset}" replaced by the staged rows (replaced_rows) move to its history table
-- with the replacing file.
INSERT INTO "{dataset}_history"
SELECT t.*, $file_id AS _replaced_by_file_id, $now AS _replaced_at
FROM "{dataset}" t WHERE t.rowid IN (SELECT row_id FROM replaced_rows);
