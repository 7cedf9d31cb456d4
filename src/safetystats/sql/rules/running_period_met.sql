-- Beside the period rule ("本期已完成 x/y"): whether the period of one subject still running at
-- E already holds its required records (an aggregate over its periods).
CREATE OR REPLACE MACRO running_period_met(p_end, met_on, eval_date) AS
    bool_or(p_end > eval_date AND met_on <= eval_date);
