-- Training completion by category at $as_of in one unit ($district_codes: the unit and its descendants; NULL = all): the capped
-- count (trained since the cycle start up to the as-of month, at most the task) from the marts.
WITH tasks AS (
    SELECT category, sum(task) AS task FROM mart_training_tasks
    WHERE $district_codes IS NULL OR list_contains($district_codes, district_code)
    GROUP BY category
),
trained AS (
    SELECT category, sum(increment) AS trained FROM mart_training_increments
    WHERE month <= date_trunc('month', $as_of::DATE)
      AND ($district_codes IS NULL OR list_contains($district_codes, district_code))
    GROUP BY category
)
SELECT t.category, coalesce(r.trained, 0)::BIGINT AS trained, t.task::BIGINT AS task
FROM tasks t LEFT JOIN trained r USING (category)
ORDER BY t.category
