-- The temp table check_keys: the rows the cross-dataset checks run over (one _check_keys.sql
-- part per dataset, joined with UNION ALL); the other rows keep their results (check_failures).
CREATE OR REPLACE TEMP TABLE check_keys AS
{parts}
