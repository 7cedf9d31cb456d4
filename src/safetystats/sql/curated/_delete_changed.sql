-- The curated rows of the keys that changed (changed_staged_{dataset}, found as curated_rids:
-- rowids of this transaction, the table not written since), before they are inserted again.
DELETE FROM "curated_{dataset}" WHERE rowid IN (SELECT _crid FROM curated_rids)
