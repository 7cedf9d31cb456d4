-- The major hazards with the register's scope columns of their enterprise (industry, hazchem,
-- high_risk), as a temp table that the major-hazard metrics of one attainment share
-- (metrics.toml: shared): reading curated_hazards' enterprise ids for the join decompresses
-- the column over the whole table (0.25 s of CPU at 4x the province), once instead of once
-- per target. hazard_id: kept for count(hazard_id).
CREATE OR REPLACE TEMP TABLE major_hazards AS
SELECT h.hazard_id, h.district_code, h.level, h.source, h.found_date, h.rectified_date,
       h.closed_date, h.five_point_complete, h.supervision, e.industry, e.hazchem, e.high_risk
FROM curated_hazards h
LEFT JOIN curated_enterprises e ON e.enterprise_id = h.enterprise_id
WHERE h.level = 'major'
