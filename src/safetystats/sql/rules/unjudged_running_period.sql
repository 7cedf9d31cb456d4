-- Beside the period rule: whether one subject has a period still running at E that is not
-- judged, since another of its periods has ended (an aggregate over its periods; p_end: the
-- period's end cut to D).
CREATE OR REPLACE MACRO unjudged_running_period(p_end, eval_date) AS
    bool_or(p_end > eval_date) AND bool_or(p_end <= eval_date);
