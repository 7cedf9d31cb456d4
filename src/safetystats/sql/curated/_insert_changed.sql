-- The curated rows of the keys that changed (the SELECT limited to curate_keys by valid_<dataset>).
INSERT INTO "curated_{dataset}" BY NAME
{select}
