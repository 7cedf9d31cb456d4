-- The curated rows of the keys that changed (the temp table rebuilt: _rebuilt.sql).
INSERT INTO "curated_{dataset}" BY NAME SELECT * FROM rebuilt
