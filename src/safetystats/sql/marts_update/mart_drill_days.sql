-- The days of mart_drill_days an incremental curation makes again: the drill dates of the
-- changed curated drills, as they were and as they are (changed_drills; a drill whose
-- enterprise changed in the register is among them).
CREATE OR REPLACE TEMP TABLE mart_scope AS
SELECT DISTINCT drill_date FROM changed_drills
