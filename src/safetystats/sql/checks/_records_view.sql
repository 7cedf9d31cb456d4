-- The temp view `records`: the rows of record_rows the cross-dataset checks run over.
CREATE OR REPLACE TEMP VIEW records AS SELECT * EXCLUDE (checked) FROM record_rows WHERE checked
