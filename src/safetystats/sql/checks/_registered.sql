-- The register's enterprises with their resolved district, for the cross-dataset checks.
CREATE OR REPLACE TEMP VIEW registered AS
SELECT e.enterprise_id, m.code AS district_code, e.district
FROM enterprises e LEFT JOIN district_map m ON m.value = e.district;
