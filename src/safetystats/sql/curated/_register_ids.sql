-- The enterprises whose curated register rows an incremental curation rebuilds: register rows
-- stored by a file after $since (new, or replacing one), the rows they replaced, and rows whose
-- errors this validation added or lifted (quarantine_changed). A curated register row depends
-- only on its own row, its errors, the district map and the settings (the last two are the
-- same when curation is incremental), so the other rows stay as they are.
CREATE OR REPLACE TEMP TABLE register_ids AS
SELECT enterprise_id FROM enterprises WHERE _file_id > $since
UNION SELECT enterprise_id FROM enterprises_history WHERE _replaced_by_file_id > $since
UNION SELECT e.enterprise_id FROM enterprises e
      JOIN quarantine_changed q ON q.dataset = 'enterprises' AND q.record_key = e._key
