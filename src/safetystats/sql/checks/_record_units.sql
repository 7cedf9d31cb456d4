-- The unit of every quarantined record (its own district, else its enterprise's), for the
-- quarantine's unit column (q_new: the quarantine rows being stored).
CREATE OR REPLACE TEMP VIEW record_units AS
SELECT r.dataset, r._key, coalesce(own.code, reg.code) AS unit_code, coalesce(own.name, reg.name) AS unit
FROM record_rows r
SEMI JOIN q_new q ON q.dataset = r.dataset AND q.record_key = r._key  -- the quarantined first
LEFT JOIN district_map own ON own.value = r.district
LEFT JOIN enterprises e ON e.enterprise_id = r.enterprise_id
LEFT JOIN district_map reg ON reg.value = e.district
UNION ALL
SELECT 'enterprises', e._key, m.code, m.name FROM enterprises e LEFT JOIN district_map m ON m.value = e.district
WHERE e._key IN (SELECT record_key FROM q_new WHERE dataset = 'enterprises')
