-- The stored version of one record of "{dataset}" ($key) for a returned package, with its
-- unit (_unit): the curated table's when it passed the checks, else the quarantine's.
SELECT t.*,
       coalesce(
           (SELECT any_value(c.district_code) FROM "curated_{dataset}" c WHERE c._key = t._key),
           (SELECT any_value(q.unit_code) FROM quarantine q
            WHERE q.dataset = '{dataset}' AND q.record_key = t._key)
       ) AS _unit
FROM "{dataset}" t
WHERE t._key = $key
