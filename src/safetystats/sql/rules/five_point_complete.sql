-- 五落实: responsible person, measures, funds and deadline present, and a contingency plan.
CREATE OR REPLACE MACRO five_point_complete(responsible_person, measures, funds, deadline, contingency_plan) AS
    responsible_person IS NOT NULL AND measures IS NOT NULL AND funds IS NOT NULL
    AND deadline IS NOT NULL AND coalesce(contingency_plan, false);
