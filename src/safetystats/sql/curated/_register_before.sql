-- The curated register rows an incremental curation rebuilds (register_ids), as they were, to
-- find the enterprises whose curated row changes (_register_changes.sql).
CREATE OR REPLACE TEMP TABLE register_before AS
SELECT * FROM curated_enterprises WHERE enterprise_id IN (SELECT enterprise_id FROM register_ids)
