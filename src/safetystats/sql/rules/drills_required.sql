-- Drills an enterprise needs: the high-risk requirement for high-risk enterprises, else the general one.
CREATE OR REPLACE MACRO drills_required(high_risk, required, required_high_risk) AS
    CASE WHEN high_risk THEN required_high_risk ELSE required END;
