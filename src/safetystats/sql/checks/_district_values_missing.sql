-- The district values of the stored rows (the parts: _district_values.sql of each dataset with
-- a district) that district_map does not hold yet, to resolve.
SELECT v FROM (
{parts}
) WHERE v NOT IN (SELECT value FROM district_map)
