-- The major hazards with the register's scope columns of their enterprise (industry, hazchem,
-- high_risk), as a temp table that the major-hazard metrics of one attainment share
-- (metrics.toml: shared): the mart of the major hazards (mart_major_hazards) read once instead
-- of once per target. $register: whether a target scopes on those columns; without one they
-- stay NULL and the enterprise ids are not read. hazard_id: kept for count(hazard_id).
CREATE OR REPLACE TEMP TABLE major_hazards AS
SELECT h.hazard_id, h.district_code, h.level, h.source, h.found_date, h.rectified_date,
       h.closed_date, h.five_point_complete, h.supervision, e.industry, e.hazchem, e.high_risk
FROM mart_major_hazards h
LEFT JOIN curated_enterprises e ON $register AND e.enterprise_id = h.enterprise_id
