-- event_frequency: 在营 enterprises in scope for which every calendar period ($per, or
-- $per_high_risk for high-risk enterprises) overlapping [W, E] holds at least $required
-- ($required_high_risk) qualifying events dated inside the period and inside [W, E].
-- Events: drills ($dataset = 'drills'; $types: drill types, NULL = all; $evaluated_only) or
-- inspections ($dataset = 'inspections'; $types: inspection kinds). Scope: $industry, $hazchem,
-- $high_risk (lists or NULL).
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
firms AS (
    SELECT e.enterprise_id, e.district_code,
           CASE WHEN e.high_risk THEN $per_high_risk ELSE $per END AS per,
           CASE WHEN e.high_risk THEN $required_high_risk ELSE $required END AS required
    FROM curated_enterprises e
    WHERE e.status = $active_status AND in_scope($industry, e.industry)
      AND in_scope($hazchem, e.hazchem) AND in_scope($high_risk, e.high_risk)
),
periods AS (  -- each kind of period overlapping [W, E], clipped to [W, E]
    SELECT d.eval_date, k.per,
           greatest(s.start::DATE, $window_start::DATE) AS p_from,
           least((s.start + period_length(k.per))::DATE - 1, d.eval_date) AS p_to
    FROM dates d
    CROSS JOIN (SELECT DISTINCT per FROM firms) k
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(period_start($window_start::DATE, k.per)::TIMESTAMP,
                                      d.eval_date::TIMESTAMP, period_length(k.per))) AS start
    ) s
    WHERE d.eval_date >= $window_start
),
events AS (SELECT * FROM qualifying_events($dataset, $types, $evaluated_only)),
counted AS (
    SELECT p.eval_date, f.enterprise_id, f.district_code, f.required, p.p_from,
           count(ev.enterprise_id) AS events
    FROM firms f
    JOIN periods p ON p.per = f.per
    LEFT JOIN events ev ON ev.enterprise_id = f.enterprise_id AND ev.event_date BETWEEN p.p_from AND p.p_to
    GROUP BY ALL
),
meeting AS (
    SELECT eval_date, enterprise_id, district_code, bool_and(events >= required) AS meets
    FROM counted GROUP BY ALL
)
SELECT d.eval_date, m.district_code, grouping(m.district_code) = 1 AS is_total,
       count(m.enterprise_id) FILTER (WHERE m.meets) AS numerator, count(m.enterprise_id) AS denominator
FROM dates d LEFT JOIN meeting m ON m.eval_date = d.eval_date
GROUP BY GROUPING SETS ((d.eval_date, m.district_code), (d.eval_date))
HAVING grouping(m.district_code) = 1 OR m.district_code IS NOT NULL
