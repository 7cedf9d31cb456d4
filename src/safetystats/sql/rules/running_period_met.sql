-- Beside the period rule ("本期已完成 x/y"): whether one subject's period still running at E,
-- not judged (another period has ended), already holds its records (an aggregate over its
-- periods; p_end: the period's end cut to D; met_on: the day it got them, NULL never).
CREATE OR REPLACE MACRO running_period_met(p_end, met_on, eval_date) AS
    bool_or(p_end <= eval_date) AND bool_or(p_end > eval_date AND met_on <= eval_date);
