-- One dataset's part of the temp table `record_rows`: every stored row (a full validation) or
-- those of record_keys (read by their rowids: _rowids.sql; {keys}: the join with record_keys,
-- {checked}: whether the checks run over the row), with its credit code and, for a record
-- that names its enterprise without one, the name (the checks read no other; the register's
-- enterprise for it is found once for every part, _records_table.sql), and district
-- ({enterprise}/{enterprise_name}/{district}: the column or NULL).
SELECT '{dataset}' AS dataset, t._key, {enterprise} AS credit_code,
       {enterprise} IS NULL AND {enterprise_name} IS NOT NULL AS by_name,
       CASE WHEN {enterprise} IS NULL THEN {enterprise_name} END AS enterprise_name,  -- by name only
       {district} AS district, {district_required} AS district_required, {checked} AS checked
FROM (SELECT * FROM "{dataset}" t WHERE true {only}) t {keys}
