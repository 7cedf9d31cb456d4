-- The kept check results, emptied before they are written again (see _check_failures_fill.sql).
DELETE FROM check_failures
