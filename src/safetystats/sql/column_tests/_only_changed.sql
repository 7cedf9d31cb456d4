-- The condition of a column test over the rows an incremental curation rebuilt (curate_keys).
AND t._key IN (SELECT _key FROM curate_keys)
