-- The temp table curated_rids: the rowids of the curated rows of the keys an incremental
-- curation rebuilds (changed_staged_{dataset}): of the rows where such a row may have come from
-- (curated_came_from, read by rowid), those whose key is one of them. The marts' changed rows
-- (_changed_rows.sql) and the delete (_delete_changed.sql) read them by rowid in the same
-- transaction, before the delete writes the table.
CREATE OR REPLACE TEMP TABLE curated_rids AS
SELECT rowid AS _crid FROM "curated_{dataset}"
WHERE rowid IN (SELECT _crid FROM curated_came_from)
  AND _key IN (SELECT _key FROM "changed_staged_{dataset}")
