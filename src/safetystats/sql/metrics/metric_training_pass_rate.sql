-- training_pass_rate: persons who passed / persons trained, over the training_counts rows of
-- the months from W's month up to E's month (as training_completion counts months). A row that
-- leaves passed blank is out of both counts (missing, not false); considered / filled: the rows
-- looked at and those with passed filled. Scope: $industry, $hazchem, $high_risk of the
-- enterprise, $category of the row (lists or NULL).
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
rows_in AS (
    SELECT d.eval_date, c.district_code, c.trained, c.passed
    FROM dates d
    JOIN curated_training_counts c
      ON c.month BETWEEN date_trunc('month', $window_start::DATE) AND date_trunc('month', d.eval_date)
    LEFT JOIN curated_enterprises e ON e.enterprise_id = c.enterprise_id
    WHERE in_scope($category, c.category) AND in_scope($industry, e.industry)
      AND in_scope($hazchem, e.hazchem) AND in_scope($high_risk, e.high_risk)
)
SELECT d.eval_date, r.district_code, grouping(r.district_code) = 1 AS is_total,
       coalesce(sum(r.passed), 0)::BIGINT AS numerator,
       coalesce(sum(r.trained) FILTER (WHERE r.passed IS NOT NULL), 0)::BIGINT AS denominator,
       count(r.trained)::BIGINT AS considered, count(r.passed)::BIGINT AS filled
FROM dates d LEFT JOIN rows_in r ON r.eval_date = d.eval_date
GROUP BY GROUPING SETS ((d.eval_date, r.district_code), (d.eval_date))
HAVING grouping(r.district_code) = 1 OR r.district_code IS NOT NULL
