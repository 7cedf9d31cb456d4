-- The hazards of mart_major_hazards an incremental curation makes again: those of the changed
-- curated hazards, as they were and as they are (changed_hazards: a hazard that is no longer
-- major, or no longer valid, leaves the mart; one whose enterprise changed in the register is
-- among them).
CREATE OR REPLACE TEMP TABLE mart_scope AS
SELECT DISTINCT hazard_id FROM changed_hazards
