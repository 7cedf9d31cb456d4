-- The rows of "{dataset}" that no error quarantined, with their unit: the record's own district,
-- else the register's for its enterprise. A temp view that curated_<dataset>.sql builds on.
CREATE OR REPLACE TEMP VIEW "valid_{dataset}" AS
SELECT t.* EXCLUDE ({raw_columns}),
       coalesce(own.code, reg.code) AS district_code
FROM "{dataset}" t
LEFT JOIN district_map own ON own.value = {district_expr}
LEFT JOIN enterprises e ON e.enterprise_id = {enterprise_expr}
LEFT JOIN district_map reg ON reg.value = e.district
WHERE NOT EXISTS (SELECT 1 FROM quarantine q
                  WHERE q.dataset = '{dataset}' AND q.severity = 'error' AND q.record_key = t._key);
