-- The temp table changed_{dataset}, empty: every column of the curated table, and _now (a row
-- as it is, not as it was). Filled by _changed_rows.sql and _changed_rows_add.sql, or left
-- empty when no row of the table is rebuilt.
CREATE OR REPLACE TEMP TABLE "changed_{dataset}" AS
SELECT *, false AS _now FROM "curated_{dataset}" WHERE false
