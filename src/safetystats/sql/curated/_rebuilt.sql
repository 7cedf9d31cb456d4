-- The temp table rebuilt: the curated rows of the rows that changed (the SELECT of
-- curated_<dataset>, over valid_<dataset> limited to them), inserted by _insert_changed.sql and
-- read by the column tests and the marts' changed rows.
CREATE OR REPLACE TEMP TABLE rebuilt AS
{select}
