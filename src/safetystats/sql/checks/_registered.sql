-- The register's enterprises with their resolved district (a temp table made once per
-- validation: `record_rows` takes each record's from it).
CREATE OR REPLACE TEMP TABLE registered AS
SELECT e.enterprise_id, m.code AS district_code, e.district
FROM enterprises e LEFT JOIN district_map m ON m.value = e.district;
