-- The temp table changed_{dataset}, empty: no row of the table is rebuilt (_changed_rows.sql).
CREATE OR REPLACE TEMP TABLE "changed_{dataset}" AS
SELECT *, false AS _now FROM "curated_{dataset}" WHERE false
