-- The rebuilt curated rows (the temp table rebuilt) added to changed_{dataset}.
INSERT INTO "changed_{dataset}" BY NAME SELECT *, true AS _now FROM rebuilt
