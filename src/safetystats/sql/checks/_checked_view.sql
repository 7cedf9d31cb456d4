-- The temp view checked_{dataset}: the rows of "{dataset}" the checks that read it directly
-- (not through `records`) run over: every row, or the checked rows of record_keys (_rowids.sql).
CREATE OR REPLACE TEMP VIEW "checked_{dataset}" AS
SELECT * FROM "{dataset}" t WHERE true {only}
