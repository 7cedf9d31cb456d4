-- The view of one file's parts, once the file's rows are stored.
DROP VIEW IF EXISTS staged_rows;
