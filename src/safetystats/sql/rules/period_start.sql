-- The first day of the calendar period (year, half_year, quarter, month) that holds a date.
CREATE OR REPLACE MACRO period_start(day, per) AS
    CASE per WHEN 'year' THEN date_trunc('year', day)::DATE
             WHEN 'half_year' THEN make_date(year(day), CASE WHEN month(day) <= 6 THEN 1 ELSE 7 END, 1)
             WHEN 'quarter' THEN date_trunc('quarter', day)::DATE
             WHEN 'month' THEN date_trunc('month', day)::DATE END;
