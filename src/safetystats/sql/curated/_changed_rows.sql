-- The temp table changed_{dataset}: the curated rows of the keys an incremental curation
-- rebuilds (changed_staged_{dataset}, found as curated_rids), as they were (before the
-- delete) and then as they are (after the insert: _changed_rows_add.sql), for the marts'
-- scopes (sql/marts_update/).
CREATE OR REPLACE TEMP TABLE "changed_{dataset}" AS
SELECT * FROM "curated_{dataset}" WHERE rowid IN (SELECT _crid FROM curated_rids)
