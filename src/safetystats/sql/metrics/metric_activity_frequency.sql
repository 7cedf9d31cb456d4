-- activity_frequency: the units of target_units (the registry units of the target's level)
-- that meet the period rule (DATA_SPEC 6.1) with at least $required activities of $kinds
-- (NULL = all), organised by one of $organisers (NULL = any), principal-led when
-- $principal_led_only, held by the unit itself (district_code = the unit: a street's meeting is
-- not its district's), per calendar period $per inside [W, D]. One row per subject unit:
-- numerator 1 when it meets, denominator 1; period_*: its running period when another has ended; considered / filled:
-- its activities in [W, E] and those with principal_led filled (missing, not false).
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
periods AS (SELECT * FROM target_periods([$per], $window_start, $deadline, (SELECT max(eval_date) FROM dates))),
activities AS (
    SELECT a.district_code, a.activity_date AS event_date,
           map(['principal_led'], [a.principal_led]) AS flag
    FROM curated_activities a JOIN target_units u ON u.code = a.district_code
    WHERE in_scope($kinds, a.kind) AND in_scope($organisers, a.organiser)
      AND a.activity_date BETWEEN $window_start AND $deadline
),
wanted AS (SELECT CASE WHEN $principal_led_only THEN ['principal_led'] ELSE []::VARCHAR[] END AS flags),
ranked AS (
    SELECT a.district_code, p.p_from, a.event_date,
           row_number() OVER (PARTITION BY a.district_code, p.p_from ORDER BY a.event_date) AS k
    FROM activities a CROSS JOIN wanted w
    JOIN periods p ON a.event_date BETWEEN p.p_from AND p.p_end
    WHERE flags_true(a.flag, w.flags)
),
met AS (
    SELECT u.code AS district_code, p.p_from, p.p_end, r.event_date AS met_on
    FROM target_units u CROSS JOIN periods p
    LEFT JOIN ranked r ON r.district_code = u.code AND r.p_from = p.p_from AND r.k = $required
),
meeting AS (
    SELECT d.eval_date, m.district_code,
           period_rule_met(m.p_end, m.met_on, d.eval_date) AS meets,
           unjudged_running_period(m.p_end, d.eval_date) AS running,
           running_period_met(m.p_end, m.met_on, d.eval_date) AS running_met
    FROM dates d JOIN met m ON m.p_from <= d.eval_date
    WHERE d.eval_date >= $window_start
    GROUP BY ALL
),
considered AS (
    SELECT d.eval_date, a.district_code, count(*) AS considered,
           count(*) FILTER (WHERE flags_filled(a.flag, w.flags)) AS filled
    FROM dates d CROSS JOIN wanted w JOIN activities a ON a.event_date <= d.eval_date
    GROUP BY ALL
)
SELECT d.eval_date, m.district_code, grouping(m.district_code) = 1 AS is_total,
       count(*) FILTER (WHERE m.meets) AS numerator, count(m.district_code) AS denominator,
       count(*) FILTER (WHERE m.running_met) AS period_numerator,
       count(*) FILTER (WHERE m.running) AS period_denominator,
       coalesce(sum(c.considered), 0)::BIGINT AS considered, coalesce(sum(c.filled), 0)::BIGINT AS filled
FROM dates d
LEFT JOIN meeting m ON m.eval_date = d.eval_date
LEFT JOIN considered c ON c.eval_date = d.eval_date AND c.district_code = m.district_code
GROUP BY GROUPING SETS ((d.eval_date, m.district_code), (d.eval_date))
HAVING grouping(m.district_code) = 1 OR m.district_code IS NOT NULL
