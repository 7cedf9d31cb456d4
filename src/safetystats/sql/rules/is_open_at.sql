-- A hazard is open at a date when it was found by then and not rectified by then.
CREATE OR REPLACE MACRO is_open_at(found_date, rectified_date, as_of) AS
    found_date <= as_of AND (rectified_date IS NULL OR rectified_date > as_of);
