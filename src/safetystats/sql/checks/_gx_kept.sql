-- The kept suite failures of the rows not run again this time (see _revalidated.sql).
SELECT g.* FROM gx_failures g
WHERE NOT EXISTS (SELECT 1 FROM revalidated r WHERE r.dataset = g.dataset AND r._key = g.record_key)
