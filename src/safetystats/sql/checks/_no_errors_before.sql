-- The quarantine cannot be compared with the one the curated tables were built from (they were
-- not built since it was written): no quarantine_changed, so curate rebuilds every table.
DROP TABLE IF EXISTS temp.quarantine_changed
