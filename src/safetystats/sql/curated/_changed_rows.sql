-- The temp table changed_{dataset}: the curated rows of the keys an incremental curation
-- rebuilds (curate_keys), as they were (before the delete) and then as they are (after the
-- insert: _changed_rows_add.sql), for the marts' scopes (sql/marts_update/).
CREATE OR REPLACE TEMP TABLE "changed_{dataset}" AS
SELECT * FROM "curated_{dataset}" WHERE _key IN (SELECT _key FROM curate_keys)
