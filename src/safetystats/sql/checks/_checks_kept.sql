-- The kept check results of the rows not checked again this time (see _check_keys.sql).
SELECT c.* FROM check_failures c
WHERE NOT EXISTS (SELECT 1 FROM check_keys k WHERE k.dataset = c.dataset AND k._key = c.record_key)
