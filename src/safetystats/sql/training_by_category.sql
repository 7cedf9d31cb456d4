-- Training completion by category at $as_of in one district ($district_code; NULL = all):
-- trained since the cycle start up to the as-of month, capped per enterprise x category.
WITH per_row AS (
    SELECT p.category, p.task,
           least(coalesce(sum(c.trained), 0), p.task) AS capped
    FROM curated_training_plan p
    LEFT JOIN curated_training_counts c
           ON c.enterprise_id = p.enterprise_id AND c.category = p.category
          AND c.month >= date_trunc('month', coalesce(p.cycle_start, $cycle_start_default::DATE))
          AND c.month <= date_trunc('month', $as_of::DATE)
    WHERE p.task > 0 AND ($district_code IS NULL OR p.district_code = $district_code)
    GROUP BY p.enterprise_id, p.category, p.task
)
SELECT category, sum(capped)::BIGINT AS trained, sum(task)::BIGINT AS task
FROM per_row GROUP BY category ORDER BY category
