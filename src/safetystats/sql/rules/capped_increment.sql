-- What one month adds to the capped count, given the running total after the month and the
-- month's own count: summed over months it is capped(total, task).
CREATE OR REPLACE MACRO capped_increment(cumulative, trained, task) AS
    capped(cumulative, task) - capped(cumulative - trained, task);
