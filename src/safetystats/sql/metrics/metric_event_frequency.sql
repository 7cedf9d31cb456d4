-- event_frequency: 在营 enterprises in scope for which every calendar period ($per, or
-- $per_high_risk for high-risk enterprises) overlapping [W, E] holds at least $required
-- ($required_high_risk) qualifying events dated inside the period and inside [W, E].
-- Events: drills ($dataset = 'drills'; $types: drill types, NULL = all; $evaluated_only) or
-- inspections ($dataset = 'inspections'; $types: inspection kinds). Scope: $industry, $hazchem,
-- $high_risk (lists or NULL). Each period's events are ranked once, so the number of
-- evaluation dates (a monthly series) costs little: a firm meets at E when every period begun
-- by E had its required events by E.
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
firms AS (
    SELECT e.enterprise_id, e.district_code,
           CASE WHEN e.high_risk THEN $per_high_risk ELSE $per END AS per,
           CASE WHEN e.high_risk THEN $required_high_risk ELSE $required END AS required
    FROM curated_enterprises e
    WHERE e.status = $active_status AND in_scope($industry, e.industry)
      AND in_scope($hazchem, e.hazchem) AND in_scope($high_risk, e.high_risk)
),
periods AS (  -- each kind of period from W up to the last evaluation date, starting no earlier than W
    SELECT k.per, greatest(s.start::DATE, $window_start::DATE) AS p_from,
           (s.start + period_length(k.per))::DATE - 1 AS p_end
    FROM (SELECT DISTINCT per FROM firms) k
    CROSS JOIN (SELECT max(eval_date) AS last FROM dates) l
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(period_start($window_start::DATE, k.per)::TIMESTAMP,
                                      l.last::TIMESTAMP, period_length(k.per))) AS start
    ) s
    WHERE l.last >= $window_start
),
ranked AS (  -- each firm's qualifying events in each of its periods, in date order
    SELECT f.enterprise_id, p.p_from, ev.event_date,
           row_number() OVER (PARTITION BY f.enterprise_id, p.p_from ORDER BY ev.event_date) AS k
    FROM firms f
    JOIN periods p ON p.per = f.per
    JOIN qualifying_events($dataset, $types, $evaluated_only) ev
      ON ev.enterprise_id = f.enterprise_id AND ev.event_date BETWEEN p.p_from AND p.p_end
),
met AS (  -- the day each firm's period got its required events (its k-th event); NULL: never
    SELECT f.enterprise_id, f.district_code, p.p_from, r.event_date AS met_on
    FROM firms f
    JOIN periods p ON p.per = f.per
    LEFT JOIN ranked r ON r.enterprise_id = f.enterprise_id AND r.p_from = p.p_from AND r.k = f.required
),
meeting AS (  -- at E: every period begun by E got its events by E
    SELECT d.eval_date, m.enterprise_id, m.district_code,
           bool_and(m.met_on IS NOT NULL AND m.met_on <= d.eval_date) AS meets
    FROM dates d JOIN met m ON m.p_from <= d.eval_date
    WHERE d.eval_date >= $window_start
    GROUP BY ALL
)
SELECT d.eval_date, m.district_code, grouping(m.district_code) = 1 AS is_total,
       count(m.enterprise_id) FILTER (WHERE m.meets) AS numerator, count(m.enterprise_id) AS denominator
FROM dates d LEFT JOIN meeting m ON m.eval_date = d.eval_date
GROUP BY GROUPING SETS ((d.eval_date, m.district_code), (d.eval_date))
HAVING grouping(m.district_code) = 1 OR m.district_code IS NOT NULL
