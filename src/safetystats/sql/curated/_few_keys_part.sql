-- The enterprise keys of the rows of "{dataset}" an incremental curation rebuilds
-- (changed_staged_{dataset}): its credit code, and the key of its enterprise's name when it has
-- no code (valid_dataset.sql joins enterprise_names by it). A part of _few_register.sql.
-- {enterprise}/{enterprise_name}: the column, or NULL when the dataset has none.
SELECT {enterprise} AS enterprise_id,
       name_key(CASE WHEN {enterprise} IS NULL THEN {enterprise_name} END) AS name_key
FROM "changed_staged_{dataset}" t
