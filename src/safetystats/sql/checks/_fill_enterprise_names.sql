-- Rebuild enterprise_names from the register as stored.
INSERT INTO enterprise_names
SELECT name_key(enterprise_name), CASE WHEN count(DISTINCT enterprise_id) = 1 THEN any_value(enterprise_id) END,
       count(DISTINCT enterprise_id)
FROM enterprises WHERE enterprise_name IS NOT NULL
GROUP BY 1
