-- Beside the period rule: whether one subject has a period still running at E (an aggregate
-- over its periods; p_end: the period's end cut to D).
CREATE OR REPLACE MACRO has_running_period(p_end, eval_date) AS bool_or(p_end > eval_date);
