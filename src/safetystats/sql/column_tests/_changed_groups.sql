-- The groups of the unique columns that hold a row an incremental curation rebuilt (its {key}
-- listed in the temp table {rebuilt}: curate_keys, or register_ids for the register).
SEMI JOIN (SELECT {columns} FROM "{table}" WHERE "{key}" IN (SELECT "{key}" FROM {rebuilt})) c USING ({columns})
