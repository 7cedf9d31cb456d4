-- Valid rows of one dataset with their district: the record's own, else the register's.
-- Instantiated per dataset by validate (the table name is the dataset's, from datasets.toml).
CREATE OR REPLACE TABLE "curated_{dataset}" AS
SELECT t.* EXCLUDE ({raw_columns}),
       coalesce(own.code, reg.code) AS district_code
FROM "{dataset}" t
LEFT JOIN district_map own ON own.value = {district_expr}
LEFT JOIN enterprises e ON e.enterprise_id = t.enterprise_id
LEFT JOIN district_map reg ON reg.value = e.district
WHERE NOT EXISTS (SELECT 1 FROM quarantine q
                  WHERE q.dataset = '{dataset}' AND q.severity = 'error' AND q.record_key = t._key);
