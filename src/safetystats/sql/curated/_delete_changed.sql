-- The curated rows of the keys that changed (curate_keys), before they are inserted again.
DELETE FROM "curated_{dataset}" WHERE _key IN (SELECT _key FROM curate_keys)
