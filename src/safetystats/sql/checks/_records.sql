-- One dataset's part of the temp table `record_rows`: every stored row (a full validation) or
-- those of record_keys (read by their rowids: _rowids.sql; {keys}: the join with record_keys,
-- {checked}: whether the checks run over the row), with its enterprise (the credit code, else
-- the register's for its name) and district ({enterprise}/{enterprise_name}/{district}: the
-- column or NULL). The name is kept for the records that name their enterprise without a
-- credit code (the checks read no other).
SELECT '{dataset}' AS dataset, t._key,
       coalesce({enterprise}, n.enterprise_id) AS enterprise_id,
       {enterprise} IS NULL AND {enterprise_name} IS NOT NULL AS by_name,
       CASE WHEN {enterprise} IS NULL THEN {enterprise_name} END AS enterprise_name,  -- by name only
       n.enterprises AS name_matches,
       {district} AS district, {district_required} AS district_required, {checked} AS checked
FROM (SELECT * FROM "{dataset}" t WHERE true {only}) t {keys}
LEFT JOIN enterprise_names n
       ON n.name_key = name_key(CASE WHEN {enterprise} IS NULL THEN {enterprise_name} END)
