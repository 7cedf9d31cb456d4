-- The groups of the unique columns that hold a row an incremental curation rebuilt (curate_keys).
SEMI JOIN (SELECT {columns} FROM "{table}" WHERE _key IN (SELECT _key FROM curate_keys)) c USING ({columns})
