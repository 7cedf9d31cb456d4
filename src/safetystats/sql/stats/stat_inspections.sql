-- The curated inspections with every enforcement column of DATA_SPEC 2.10: a store curated
-- before a column existed reads it as blank, so its figures show "—" (6.8), never an error.
CREATE OR REPLACE TEMP VIEW stat_inspections AS
SELECT * FROM curated_inspections
UNION ALL BY NAME
SELECT NULL::BIGINT AS major_hazards_found, NULL::BOOLEAN AS unannounced,
       NULL::BOOLEAN AS case_filed, NULL::DOUBLE AS penalty, NULL::BOOLEAN AS suspension,
       NULL::BOOLEAN AS off_site
WHERE false
