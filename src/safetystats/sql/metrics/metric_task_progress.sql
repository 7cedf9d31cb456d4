-- task_progress: Σ over the tasks named in $tasks of min(done at E, planned) / Σ planned
-- (DATA_SPEC 6.1), where a task's figures at E are those of its latest report dated on or before
-- E (a report dated after E is not yet known; a task with no report by E is not yet counted).
-- Over-delivery (done > planned) counts as planned. Quantities are exact decimals.
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
latest AS (
    SELECT d.eval_date, t.task_id, arg_max(t.district_code, t.report_date) AS district_code,
           arg_max(t.done, t.report_date) AS done, arg_max(t.planned, t.report_date) AS planned
    FROM dates d JOIN curated_tasks t ON t.report_date <= d.eval_date
    WHERE in_scope($tasks, t.task)
    GROUP BY d.eval_date, t.task_id
)
SELECT d.eval_date, l.district_code, grouping(l.district_code) = 1 AS is_total,
       coalesce(sum(capped(l.done, l.planned)), 0)::DECIMAL(18, 3) AS numerator,
       coalesce(sum(l.planned), 0)::DECIMAL(18, 3) AS denominator
FROM dates d LEFT JOIN latest l ON l.eval_date = d.eval_date
GROUP BY GROUPING SETS ((d.eval_date, l.district_code), (d.eval_date))
HAVING grouping(l.district_code) = 1 OR l.district_code IS NOT NULL
