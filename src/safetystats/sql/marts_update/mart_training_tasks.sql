-- The units of mart_training_tasks an incremental curation makes again: those of the changed
-- curated plan rows, as they were and as they are (changed_training_plan; a plan row whose
-- enterprise's industry, hazchem, high-risk flag or status changed in the register is among
-- them).
CREATE OR REPLACE TEMP TABLE mart_scope AS
SELECT DISTINCT district_code FROM changed_training_plan
