-- The condition of a column test over the rows an incremental curation rebuilt: those whose
-- {key} is listed in the temp table {rebuilt} (curate_keys, or register_ids for the register).
AND t."{key}" IN (SELECT "{key}" FROM {rebuilt})
