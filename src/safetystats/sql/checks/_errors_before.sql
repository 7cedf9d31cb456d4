-- The records an error quarantined before this validation (compared in _quarantine_changed.sql).
CREATE OR REPLACE TEMP TABLE errors_before AS
SELECT DISTINCT dataset, record_key FROM quarantine
WHERE severity = 'error' AND record_key IS NOT NULL
