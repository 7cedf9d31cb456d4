-- A table of kept results (gx_failures, check_failures) replaced by those of this validation
-- (kept_new: the results of the rows not run again and the new ones).
DELETE FROM {table};
INSERT INTO {table} BY NAME SELECT * FROM kept_new
