-- The curated register rows of register_ids, before they are inserted again.
DELETE FROM curated_enterprises WHERE enterprise_id IN (SELECT enterprise_id FROM register_ids)
