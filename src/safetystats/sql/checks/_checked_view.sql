-- The temp view checked_{dataset}: the rows of "{dataset}" the checks that read it directly
-- (not through `records`) run over; {only}: empty (every row) or limited to check_keys.
CREATE OR REPLACE TEMP VIEW "checked_{dataset}" AS
SELECT * FROM "{dataset}" t WHERE true {only}
