-- accident_count (a count): accidents ($measure = 'accidents') or deaths ($measure = 'deaths')
-- of the unit in [W, E], of the levels in $levels (NULL = all); scope $industry on the record's
-- industry, else the register's. has_ledger: whether the store holds an accident ledger at all
-- (a loaded file, even one with no rows): without one the count is unknown, never 0.
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
ledger AS (
    SELECT EXISTS (SELECT 1 FROM curated_accidents)
           OR EXISTS (SELECT 1 FROM ingest_files
                      WHERE list_contains(string_split(dataset, ','), 'accidents')) AS has_ledger
)
SELECT d.eval_date, a.district_code, grouping(a.district_code) = 1 AS is_total,
       coalesce(sum(CASE WHEN a.accident_id IS NULL THEN 0  -- a date without accidents
                         WHEN $measure = 'deaths' THEN coalesce(a.deaths, 0) ELSE 1 END), 0)::BIGINT
           AS numerator,
       0 AS denominator, any_value(l.has_ledger) AS has_ledger
FROM dates d CROSS JOIN ledger l
LEFT JOIN (
    SELECT a.*, coalesce(a.industry, e.industry) AS any_industry
    FROM curated_accidents a LEFT JOIN curated_enterprises e ON e.enterprise_id = a.enterprise_id
    WHERE in_scope($levels, a.level)
) a ON a.accident_date BETWEEN $window_start AND d.eval_date AND in_scope($industry, a.any_industry)
GROUP BY GROUPING SETS ((d.eval_date, a.district_code), (d.eval_date))
HAVING grouping(a.district_code) = 1 OR a.district_code IS NOT NULL
