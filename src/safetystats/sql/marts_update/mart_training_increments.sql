-- The months of mart_training_increments an incremental curation makes again: every month from
-- the earliest one a changed training row reaches: a changed count's month (as it was and as it
-- is), and every month of the counts of a changed plan row's pair (its task, cycle, unit, or its
-- enterprise's attributes changed). Later months too: a running total carries a change forward.
CREATE OR REPLACE TEMP TABLE mart_scope AS
WITH first AS (
    SELECT min(month) AS month FROM (
        SELECT month FROM changed_training_counts
        UNION ALL
        SELECT c.month FROM curated_training_counts c
        JOIN changed_training_plan p ON p.enterprise_id = c.enterprise_id AND p.category = c.category
    )
)
SELECT DISTINCT month FROM (
    SELECT month FROM curated_training_counts UNION SELECT month FROM mart_training_increments
)
WHERE month >= (SELECT month FROM first)
