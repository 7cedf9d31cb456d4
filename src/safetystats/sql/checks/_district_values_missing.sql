-- The district values of the stored and the held rows (the parts: _district_values.sql of each
-- dataset with a district, _district_values_held.sql) that district_map does not hold yet, to
-- resolve.
SELECT v FROM (
{parts}
) WHERE v NOT IN (SELECT value FROM district_map)
