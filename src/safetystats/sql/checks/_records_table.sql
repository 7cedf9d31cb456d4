-- The temp table `record_rows`: every dataset but the register (one _records.sql part each,
-- joined with UNION ALL), enterprises resolved by code or name, with whether the enterprise is
-- in the register and its district there (`registered`, made before: the checks read these
-- columns instead of joining the register each). A table, not a view: every check reads it
-- (through the view `records`, _records_view.sql), and the quarantine's units come from it.
CREATE OR REPLACE TEMP TABLE record_rows AS
SELECT p.*, g.enterprise_id IS NOT NULL AS registered, g.district_code AS register_code
FROM ({parts}) p
LEFT JOIN registered g ON g.enterprise_id = p.enterprise_id
