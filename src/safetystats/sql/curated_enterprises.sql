-- The register as metrics read it: valid rows, district resolved, defaults applied.
-- $1: high-risk industries, $2: the hazardous-chemicals industry, $3: the default status.
CREATE OR REPLACE TABLE curated_enterprises AS
SELECT e.enterprise_id, e.enterprise_name, m.code AS district_code, e.industry,
       coalesce(e.high_risk, list_contains($1, e.industry)) AS high_risk,
       e.industry = $2 AS hazchem,
       e.employees,
       coalesce(e.status, $3) AS status,
       e._file_id
FROM enterprises e
JOIN district_map m ON m.value = e.district AND m.code IS NOT NULL
WHERE NOT EXISTS (SELECT 1 FROM quarantine q
                  WHERE q.dataset = 'enterprises' AND q.severity = 'error' AND q.record_key = e._key);
