-- The curated register as it was, to find the enterprises whose curated row changes.
CREATE OR REPLACE TEMP TABLE register_before AS SELECT * FROM curated_enterprises
