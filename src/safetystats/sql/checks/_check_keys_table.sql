-- The temp table record_keys: the rows `records` holds in an incremental validation (one
-- _check_keys.sql part per dataset, joined with UNION ALL): those the cross-dataset checks run
-- over (`checked`) and the others with kept failures; the other rows keep their results
-- (check_failures).
CREATE OR REPLACE TEMP TABLE record_keys AS
{parts}
