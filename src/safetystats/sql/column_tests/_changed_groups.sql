-- The groups of the unique columns that hold a row an incremental curation rebuilt (the temp table rebuilt).
SEMI JOIN (SELECT {columns} FROM rebuilt) c USING ({columns})
