-- The condition that keeps a dataset's rows of record_keys (and a further condition
-- on them, or none), by rowid: record_keys was made in the same transaction, which does not
-- write the staged rows.
AND t.rowid IN (SELECT _rid FROM record_keys WHERE dataset = '{dataset}' {only})
