-- The temp table changed_{dataset}: the curated rows of the keys an incremental curation
-- rebuilds (changed_staged_{dataset}, found as curated_rids), as they were (before the
-- delete) and then as they are (after the insert: _changed_rows_add.sql), for the marts'
-- scopes (sql/marts_update/); _now: a row as it is (false here: as it was).
CREATE OR REPLACE TEMP TABLE "changed_{dataset}" AS
SELECT *, false AS _now FROM "curated_{dataset}" WHERE rowid IN (SELECT _crid FROM curated_rids)
