-- The rows of "{dataset}" that no error quarantined, with their enterprise (the credit code,
-- else the register's for the enterprise's name) and their unit (the record's own district,
-- else the register's for its enterprise). A temp view that curated_<dataset>.sql builds on.
-- {enterprise}/{enterprise_name}/{district}: the column, or NULL when the dataset has none;
-- {excluded}: EXCLUDE of the raw text columns kept at ingest, or empty when there are none (the
-- provenance columns _file_id, _sheet, _row stay: an incremental curation finds rows by them);
-- {rows}: the dataset's staged rows, or the copy of those an incremental curation rebuilds
-- (_changed_staged.sql); {only}: empty, or a condition that keeps the rows it rebuilds;
-- {names}/{register}: enterprise_names and the staged register, or the rows of them the rows
-- an incremental curation rebuilds can join (few_names, few_enterprises: _few_register.sql).
-- The quarantined rows are left out by an anti join (NOT EXISTS made DuckDB hold every row's
-- columns to join them back); a name is made a key only for the rows without a credit code, and
-- the register is joined only for the rows without a district of their own (most hazards and
-- drills have one: 0.5 s of CPU for the 2 M hazards).
CREATE OR REPLACE TEMP VIEW "valid_{dataset}" AS
SELECT t.* {excluded} {enterprise_out},
       coalesce(own.code, reg.code) AS district_code
FROM (SELECT * FROM {rows} t  -- the rows asked for first
      ANTI JOIN (SELECT record_key FROM quarantine
                 WHERE dataset = '{dataset}' AND severity = 'error') q ON q.record_key = t._key
      WHERE true {only}) t
LEFT JOIN {names} n
       ON n.name_key = name_key(CASE WHEN {enterprise} IS NULL THEN {enterprise_name} END)
LEFT JOIN district_map own ON own.value = {district}
LEFT JOIN {register} e  -- the register's district, read only when the record's own is not known
       ON e.enterprise_id = CASE WHEN own.code IS NULL THEN coalesce({enterprise}, n.enterprise_id) END
LEFT JOIN district_map reg ON reg.value = e.district
