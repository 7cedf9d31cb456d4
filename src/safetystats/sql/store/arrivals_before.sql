-- After `ingest --rebuild` (DATA_SPEC 8.6: on time is the first arrival): each returned package
-- or filled template arrives again at the rebuild, so it takes the time the store set aside
-- (attached as `before`) recorded for the same file (its sha256), when that was earlier.
UPDATE arrivals SET arrived_at = b.arrived_at
FROM (
    SELECT f.sha256, min(a.arrived_at) AS arrived_at
    FROM before.arrivals a
    JOIN before.ingest_files f USING (file_id)
    GROUP BY f.sha256
) b, ingest_files f
WHERE f.file_id = arrivals.file_id
  AND f.sha256 = b.sha256
  AND b.arrived_at < arrivals.arrived_at
