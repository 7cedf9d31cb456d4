-- The temp table `records`: every dataset but the register (one _records.sql part each, joined
-- with UNION ALL), enterprises resolved by code or name. A table, not a view: every check reads
-- it, and the quarantine's units come from it.
CREATE OR REPLACE TEMP TABLE records AS
{parts}
