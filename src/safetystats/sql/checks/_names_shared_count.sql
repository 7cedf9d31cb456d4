-- The names of names_before that several enterprises had (0: no register row is read by name).
SELECT count(*) FROM names_before WHERE enterprises > 1
