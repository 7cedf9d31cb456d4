-- The temp table record_keys: the rows `records` holds in an incremental validation: those
-- checked (check_keys) and those with kept failures (for the quarantine's units).
CREATE OR REPLACE TEMP TABLE record_keys AS
SELECT dataset, _key, true AS checked FROM check_keys
UNION ALL
(SELECT dataset, record_key, false FROM gx_failures
 UNION SELECT dataset, record_key, false FROM check_failures
 EXCEPT SELECT dataset, _key, false FROM check_keys)
