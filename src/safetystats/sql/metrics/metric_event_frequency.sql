-- event_frequency: 在营 enterprises in scope that meet the period rule (DATA_SPEC 6.1) with at
-- least $required ($required_high_risk) qualifying events per calendar period ($per, or
-- $per_high_risk for high-risk enterprises), dated inside the period and inside [W, D].
-- The period rule at E: the periods overlapping [W, E] that ended by E (a period ends at its
-- calendar end, or at D when D comes first) are judged; the one still running is not held
-- against a firm, unless no period has ended yet: then the running one must already hold the
-- events. period_numerator / period_denominator: firms with a running period at E that is not
-- judged and, of them, those whose running period already holds its events ("本期已完成 x/y").
-- Events: drills ($dataset = 'drills'; $types: drill types, NULL = all; $evaluated_only) or
-- inspections ($dataset = 'inspections'; $types: inspection kinds). Scope: $industry, $hazchem,
-- $high_risk (lists or NULL). Missing, not false: considered = the records the target looks at
-- (its dataset, types and scope, in [W, E]), filled = those with the flag it reads filled in
-- ("evaluated" for $evaluated_only; every record otherwise); the engine decides no_data from them.
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
firms AS (
    SELECT e.enterprise_id, e.district_code,
           CASE WHEN e.high_risk THEN $per_high_risk ELSE $per END AS per,
           CASE WHEN e.high_risk THEN $required_high_risk ELSE $required END AS required
    FROM curated_enterprises e
    WHERE e.status = $active_status AND in_scope($industry, e.industry)
      AND in_scope($hazchem, e.hazchem) AND in_scope($high_risk, e.high_risk)
),
periods AS (SELECT * FROM target_periods((SELECT list(DISTINCT per) FROM firms), $window_start,
                                         $deadline, (SELECT max(eval_date) FROM dates))),
ranked AS (  -- each firm's qualifying events in each of its periods, in date order
    SELECT f.enterprise_id, p.p_from, ev.event_date,
           row_number() OVER (PARTITION BY f.enterprise_id, p.p_from ORDER BY ev.event_date) AS k
    FROM firms f
    JOIN periods p ON p.per = f.per
    JOIN qualifying_events($dataset, $types, $evaluated_only) ev
      ON ev.enterprise_id = f.enterprise_id AND ev.event_date BETWEEN p.p_from AND p.p_end
),
met AS (  -- the day each firm's period got its required events (its k-th event); NULL: never
    SELECT f.enterprise_id, f.district_code, p.p_from, p.p_end, r.event_date AS met_on
    FROM firms f
    JOIN periods p ON p.per = f.per
    LEFT JOIN ranked r ON r.enterprise_id = f.enterprise_id AND r.p_from = p.p_from AND r.k = f.required
),
meeting AS (  -- at E: every ended period met; with none ended, the running one met by E
    SELECT d.eval_date, m.enterprise_id, m.district_code,
           period_rule_met(m.p_end, m.met_on, d.eval_date) AS meets,
           unjudged_running_period(m.p_end, d.eval_date) AS running,
           running_period_met(m.p_end, m.met_on, d.eval_date) AS running_met
    FROM dates d JOIN met m ON m.p_from <= d.eval_date
    WHERE d.eval_date >= $window_start
    GROUP BY ALL
),
considered AS (  -- the records the target looks at, per unit and date, and those with the flag filled
    SELECT d.eval_date, f.district_code, count(*) AS considered,
           count(*) FILTER (WHERE NOT $evaluated_only OR ev.evaluated IS NOT NULL) AS filled
    FROM dates d
    JOIN qualifying_events($dataset, $types, false) ev ON ev.event_date BETWEEN $window_start AND d.eval_date
    JOIN firms f ON f.enterprise_id = ev.enterprise_id
    WHERE $evaluated_only  -- nothing to decide otherwise
    GROUP BY ALL
),
counted AS (
    SELECT d.eval_date, m.district_code, grouping(m.district_code) = 1 AS is_total,
           count(m.enterprise_id) FILTER (WHERE m.meets) AS numerator,
           count(m.enterprise_id) AS denominator,
           count(m.enterprise_id) FILTER (WHERE m.running_met) AS period_numerator,
           count(m.enterprise_id) FILTER (WHERE m.running) AS period_denominator
    FROM dates d LEFT JOIN meeting m ON m.eval_date = d.eval_date
    GROUP BY GROUPING SETS ((d.eval_date, m.district_code), (d.eval_date))
    HAVING grouping(m.district_code) = 1 OR m.district_code IS NOT NULL
)
SELECT c.*, coalesce(k.considered, 0) AS considered, coalesce(k.filled, 0) AS filled
FROM counted c
LEFT JOIN considered k ON NOT c.is_total AND k.eval_date = c.eval_date
                      AND k.district_code = c.district_code
