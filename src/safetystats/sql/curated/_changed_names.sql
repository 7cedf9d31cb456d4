-- The names of the changed enterprises (old and new): records that name their enterprise without
-- a credit code are matched by these.
CREATE OR REPLACE TEMP TABLE changed_names AS
SELECT DISTINCT name_key(enterprise_name) AS name_key FROM changed_enterprises
WHERE enterprise_name IS NOT NULL
