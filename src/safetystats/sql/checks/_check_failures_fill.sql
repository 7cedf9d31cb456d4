-- The check results to keep: those of the rows not checked again and the new ones (checks_new).
INSERT INTO check_failures BY NAME SELECT * FROM checks_new
