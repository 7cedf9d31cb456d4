-- A validation of every row: revalidated (see _revalidated.sql) holds only the rows that have
-- kept suite failures (every row runs again; _gx_kept.sql reads no other), not every row.
CREATE OR REPLACE TEMP TABLE revalidated AS
SELECT l.dataset, l._key FROM located l
SEMI JOIN gx_failures g ON g.dataset = l.dataset AND g.record_key = l._key
