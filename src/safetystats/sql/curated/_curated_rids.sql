-- The temp table curated_rids: the rowids of the curated rows of the keys an incremental
-- curation rebuilds (changed_staged_{dataset}), found in one pass over the curated table's
-- keys; the marts' changed rows (_changed_rows.sql) and the delete (_delete_changed.sql) read
-- them by rowid in the same transaction, before the delete writes the table.
CREATE OR REPLACE TEMP TABLE curated_rids AS
SELECT rowid AS _crid FROM "curated_{dataset}" WHERE _key IN (SELECT _key FROM "changed_staged_{dataset}")
