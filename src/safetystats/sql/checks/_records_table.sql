-- The temp table `record_rows`: every dataset but the register (one _records.sql part each,
-- joined with UNION ALL), enterprises resolved by code or name. A table, not a view: every
-- check reads it (through the view `records`, _records_view.sql), and the quarantine's units
-- come from it.
CREATE OR REPLACE TEMP TABLE record_rows AS
{parts}
