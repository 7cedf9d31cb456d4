-- The temp table check_keys: the rows the cross-dataset checks run over in an incremental
-- validation (those of record_keys that are checked again).
CREATE OR REPLACE TEMP TABLE check_keys AS
SELECT dataset, _key FROM record_keys WHERE checked
