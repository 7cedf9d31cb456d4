-- The kept suite failures, emptied before they are written again (see _gx_failures_fill.sql).
DELETE FROM gx_failures
