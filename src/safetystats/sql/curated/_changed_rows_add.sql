-- The rebuilt curated rows of the keys an incremental curation rebuilds, added to changed_{dataset}.
INSERT INTO "changed_{dataset}" SELECT * FROM "curated_{dataset}" WHERE _key IN (SELECT _key FROM curate_keys)
