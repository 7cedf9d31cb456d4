-- The curated rows of the keys an incremental curation rebuilds (changed_staged_{dataset},
-- found as curated_rids), as they were (before the delete), inserted into changed_{dataset}
-- (made empty by _changed_rows_none.sql) for the marts' scopes (sql/marts_update/); the rows
-- as they are follow (after the insert: _changed_rows_add.sql). Of the rows as they were, only
-- the columns the scopes read (marts/incremental.toml: changed) and _now = false.
INSERT INTO "changed_{dataset}" BY NAME
SELECT {columns}, false AS _now FROM "curated_{dataset}" WHERE rowid IN (SELECT _crid FROM curated_rids)
