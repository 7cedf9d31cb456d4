-- On time (DATA_SPEC 8.6): for each unit of $unit_codes and each month whose cycle used a kind
-- of return (a package, a template), the first arrival against the due date: on_time, late
-- (days_late), missing (nothing by the due date, as of $today) or pending (not yet due).
WITH cycles AS (
    SELECT kind, month, max(due) AS due FROM arrivals GROUP BY kind, month
), first AS (
    SELECT kind, month, unit_code, min(arrived_at)::DATE AS arrived
    FROM arrivals GROUP BY kind, month, unit_code
), units AS (
    SELECT unnest($unit_codes) AS unit_code
)
SELECT u.unit_code AS district_code, c.month, c.kind, c.due, f.arrived,
       CASE WHEN f.arrived IS NULL THEN (CASE WHEN c.due < $today THEN 'missing' ELSE 'pending' END)
            WHEN f.arrived <= c.due THEN 'on_time'
            ELSE 'late' END AS status,
       CASE WHEN f.arrived > c.due THEN f.arrived - c.due END AS days_late
FROM cycles c CROSS JOIN units u
LEFT JOIN first f ON f.kind = c.kind AND f.month = c.month AND f.unit_code = u.unit_code
ORDER BY c.month, c.kind, u.unit_code
