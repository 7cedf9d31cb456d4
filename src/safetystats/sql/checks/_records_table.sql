-- The temp table `record_rows`: every dataset but the register (one _records.sql part each,
-- joined with UNION ALL), enterprises resolved by code or else by name (enterprise_names,
-- joined once for every part: each join read its 800 k names at 4x the province), with whether
-- the enterprise is in the register and its district there (the register's rows with their
-- resolved district: the checks read these columns instead of joining the register each). A
-- table, not a view: every check reads it (through the view `records`, _records_view.sql),
-- and the quarantine's units come from it.
CREATE OR REPLACE TEMP TABLE record_rows AS
SELECT p.dataset, p._key, coalesce(p.credit_code, n.enterprise_id) AS enterprise_id, p.by_name,
       p.enterprise_name, n.enterprises AS name_matches, p.district, p.district_required,
       p.checked, e.enterprise_id IS NOT NULL AS registered, m.code AS register_code
FROM ({parts}) p
LEFT JOIN enterprise_names n ON n.name_key = name_key(p.enterprise_name)
LEFT JOIN enterprises e ON e.enterprise_id = coalesce(p.credit_code, n.enterprise_id)
LEFT JOIN district_map m ON m.value = e.district
