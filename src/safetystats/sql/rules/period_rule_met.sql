-- The period rule (DATA_SPEC 6.1), an aggregate over one subject's periods (p_end: the period's
-- end cut to D; met_on: the day it got its required records, NULL never) at E: every period
-- ended by E met; with none ended, the running one already met by E.
CREATE OR REPLACE MACRO period_rule_met(p_end, met_on, eval_date) AS
    CASE WHEN bool_or(p_end <= eval_date)
         THEN bool_and(met_on IS NOT NULL) FILTER (WHERE p_end <= eval_date)
         ELSE bool_and(met_on <= eval_date) END;
