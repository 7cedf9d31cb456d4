-- The rows of "{dataset}" that no error quarantined, with their enterprise (the credit code,
-- else the register's for the enterprise's name) and their unit (the record's own district,
-- else the register's for its enterprise). A temp view that curated_<dataset>.sql builds on.
-- {enterprise}/{enterprise_name}/{district}: the column, or NULL when the dataset has none;
-- {rows}: the dataset's staged rows, or the copy of those an incremental curation rebuilds
-- (_changed_staged.sql); {only}: empty, or a condition that keeps the rows it rebuilds.
CREATE OR REPLACE TEMP VIEW "valid_{dataset}" AS
SELECT t.* EXCLUDE ({excluded}) {enterprise_out},
       coalesce(own.code, reg.code) AS district_code
FROM (SELECT * FROM {rows} t WHERE true {only}) t  -- the rows asked for first
LEFT JOIN enterprise_names n ON {enterprise} IS NULL AND n.name_key = name_key({enterprise_name})
LEFT JOIN district_map own ON own.value = {district}
LEFT JOIN enterprises e ON e.enterprise_id = coalesce({enterprise}, n.enterprise_id)
LEFT JOIN district_map reg ON reg.value = e.district
WHERE NOT EXISTS (SELECT 1 FROM quarantine q
                  WHERE q.dataset = '{dataset}' AND q.severity = 'error' AND q.record_key = t._key);
