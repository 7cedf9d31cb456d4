-- Plan rows (enterprise × category, task > 0) of 在营 enterprises not yet trained to their task
-- by $as_of's month, in the units $district_codes (NULL = all): trained since the cycle start
-- (capped at the task, as the metric counts it), task and what is missing.
WITH summed AS (
    SELECT p.enterprise_id, p.category, p.task, coalesce(sum(c.trained), 0) AS trained
    FROM curated_training_plan p
    LEFT JOIN curated_training_counts c
           ON c.enterprise_id = p.enterprise_id AND c.category = p.category
          AND c.month >= date_trunc('month', coalesce(p.cycle_start, $cycle_start_default::DATE))
          AND c.month <= date_trunc('month', $as_of::DATE)
    WHERE p.task > 0
    GROUP BY ALL
),
trained AS (SELECT enterprise_id, category, task, capped(trained, task) AS trained FROM summed)
SELECT e.district_code, t.enterprise_id, e.enterprise_name, e.industry, t.category,
       t.trained, t.task, t.task - t.trained AS missing
FROM trained t JOIN curated_enterprises e USING (enterprise_id)
WHERE e.status = $active_status AND t.trained < t.task
  AND ($district_codes IS NULL OR list_contains($district_codes, e.district_code))
ORDER BY e.district_code, missing DESC, t.enterprise_id, t.category
