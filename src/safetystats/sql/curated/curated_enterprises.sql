-- The register as metrics read it: valid rows with a resolved district, defaults applied.
-- $high_risk_industries, $hazchem_industry, $default_status: from the vocabulary settings.
SELECT enterprise_id, enterprise_name, district_code, industry,
       coalesce(high_risk, list_contains($high_risk_industries, industry)) AS high_risk,
       industry = $hazchem_industry AS hazchem,
       employees,
       coalesce(status, $default_status) AS status,
       _file_id
FROM valid_enterprises
WHERE district_code IS NOT NULL
