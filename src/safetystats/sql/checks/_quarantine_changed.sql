-- The records whose errors this validation added or lifted: curate rebuilds their rows.
CREATE OR REPLACE TEMP TABLE quarantine_changed AS
WITH errors_now AS (
    SELECT DISTINCT dataset, record_key FROM quarantine
    WHERE severity = 'error' AND record_key IS NOT NULL
)
(SELECT * FROM errors_now EXCEPT SELECT * FROM errors_before)
UNION
(SELECT * FROM errors_before EXCEPT SELECT * FROM errors_now)
