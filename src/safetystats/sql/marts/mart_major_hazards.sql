-- The major hazards (a few percent of the hazards: 0.3 M of 8 M at 4x the province) with the
-- columns the major-hazard metrics read: what shared_major_hazards.sql reads instead of every
-- hazard (0.2 s at 4x the province, 0.05 s this way).
-- The placeholders: table, the table made; hazards, the curated hazards, or (an incremental
-- curation, marts/incremental.toml) those of the rows it rebuilt, as they are now.
CREATE OR REPLACE {table} AS
SELECT h.hazard_id, h.enterprise_id, h.district_code, h.level, h.source, h.found_date,
       h.rectified_date, h.closed_date, h.five_point_complete, h.supervision
FROM {hazards} h
WHERE h.level = 'major';
