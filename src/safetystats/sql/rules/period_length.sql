-- The length of a calendar period (year, half_year, quarter, month) as an interval.
CREATE OR REPLACE MACRO period_length(per) AS
    CASE per WHEN 'year' THEN INTERVAL 12 MONTH WHEN 'half_year' THEN INTERVAL 6 MONTH
             WHEN 'quarter' THEN INTERVAL 3 MONTH WHEN 'month' THEN INTERVAL 1 MONTH END;
