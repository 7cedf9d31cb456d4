-- Remove the rows of "{dataset}" that the staged rows replace (replaced_rows).
DELETE FROM "{dataset}" WHERE rowid IN (SELECT row_id FROM replaced_rows);
