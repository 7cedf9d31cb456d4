-- The training cap: what one month adds to min(trained so far, task), given the running total
-- after the month and the month's own count. Summed over months it is min(total, task).
CREATE OR REPLACE MACRO capped_increment(cumulative, trained, task) AS
    least(cumulative, task) - least(cumulative - trained, task);
