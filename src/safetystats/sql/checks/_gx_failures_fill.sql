-- The suite failures to keep: those of the rows not run again and the new ones (gx_new).
INSERT INTO gx_failures BY NAME SELECT * FROM gx_new
