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
    SELECT e.enterprise_id, e.rowid AS firm, e.district_code,  -- firm: a number to group by
           CASE WHEN e.high_risk THEN $per_high_risk ELSE $per END AS per,
           CASE WHEN e.high_risk THEN $required_high_risk ELSE $required END AS required
    FROM curated_enterprises e
    WHERE e.status = $active_status AND in_scope($industry, e.industry)
      AND in_scope($hazchem, e.hazchem) AND in_scope($high_risk, e.high_risk)
),
periods AS (  -- idx: the period's place among those of its kind (1: the first)
    SELECT *, row_number() OVER (PARTITION BY per ORDER BY p_from) AS idx
    FROM target_periods((SELECT list(DISTINCT per) FROM firms), $window_start, $deadline,
                        (SELECT max(eval_date) FROM dates))
),
got AS (  -- the day each firm's period got its required events (its k-th event, k = required),
          -- for the firm-periods that had any event; NULL: too few
    SELECT f.firm, any_value(f.district_code) AS district_code, f.per, p.p_from, p.p_end, p.idx,
           CASE WHEN any_value(f.required) = 1 THEN min(ev.event_date)
                WHEN any_value(f.required) > 1
                THEN list_sort(list(ev.event_date) FILTER (WHERE f.required > 1))[any_value(f.required)]
           END AS met_on
    FROM firms f
    JOIN periods p ON p.per = f.per
    JOIN qualifying_events($dataset, $types, $evaluated_only) ev
      ON ev.enterprise_id = f.enterprise_id AND ev.event_date BETWEEN p.p_from AND p.p_end
    GROUP BY f.firm, f.per, p.p_from, p.p_end, p.idx
),
judged AS (  -- per kind of period at E: the periods begun by E that have ended, one still running
    SELECT d.eval_date, p.per, count(*) FILTER (WHERE p.p_end <= d.eval_date) AS ended,
           bool_or(p.p_end > d.eval_date) AS running
    FROM dates d JOIN periods p ON p.p_from <= d.eval_date
    WHERE d.eval_date >= $window_start
    GROUP BY ALL
),
runs AS (  -- firms with events per unit, kind of period and k: their periods 1..k all got
           -- their events (the leading run of met periods; the ended periods at E are 1..ended).
           -- k of the periods 1..126 from the bits of one number (bit idx - 1 set: met; k = its
           -- trailing ones: no list per firm, 0.4 s of 1 s of CPU at 4x the province); past 126
           -- (a monthly target of more than ten years) from the list of the later ones
    SELECT district_code, per,
           CASE WHEN low IS NULL OR low < 126 THEN low  -- NULL: no period met
                ELSE 126 + coalesce(len(list_filter(list_sort(later),
                                                    lambda x, i: x = 126 + i)), 0) END AS k,
           count(*) AS firms
    FROM (SELECT district_code, per, bit_count(met & ~(met + 1)) AS low, later
          FROM (SELECT any_value(district_code) AS district_code, per,
                       bit_or(1::HUGEINT << (least(idx, 126) - 1))  -- computed for every row
                           FILTER (WHERE met_on IS NOT NULL AND idx <= 126) AS met,
                       list(idx) FILTER (WHERE met_on IS NOT NULL AND idx > 126) AS later
                FROM got GROUP BY firm, per))
    GROUP BY ALL
),
met AS (  -- the period rule at E (as period_rule_met.sql, running_period_met.sql), per unit:
          -- every ended period met; with none ended, the running one met by E
    SELECT eval_date, district_code, per,
           sum(CASE WHEN ended > 0 THEN all_ended ELSE running END) AS numerator,
           sum(CASE WHEN ended > 0 THEN running ELSE 0 END) AS period_numerator
    FROM (
        SELECT j.eval_date, j.ended, r.district_code, r.per, r.firms AS all_ended, 0 AS running
        FROM judged j JOIN runs r ON r.per = j.per AND r.k >= j.ended
        UNION ALL  -- firms whose running period at E got its events by E
        SELECT j.eval_date, j.ended, g.district_code, g.per, 0, count(*)
        FROM judged j JOIN got g ON g.per = j.per AND g.p_from <= j.eval_date
                               AND g.p_end > j.eval_date AND g.met_on <= j.eval_date
        GROUP BY ALL
    )
    GROUP BY ALL
),
firm_counts AS (SELECT district_code, per, count(*) AS firms FROM firms GROUP BY ALL),
own AS (  -- per E and own unit: the firms judged (those whose periods have begun), meeting the
          -- rule, with a running period not judged (unjudged_running_period.sql), meeting it
    SELECT j.eval_date, c.district_code, c.firms AS denominator,
           coalesce(m.numerator, 0) AS numerator,
           coalesce(m.period_numerator, 0) AS period_numerator,
           CASE WHEN j.ended > 0 AND j.running THEN c.firms ELSE 0 END AS period_denominator
    FROM judged j JOIN firm_counts c ON c.per = j.per
    LEFT JOIN met m ON m.eval_date = j.eval_date AND m.per = j.per
                   AND m.district_code IS NOT DISTINCT FROM c.district_code
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
    SELECT d.eval_date, o.district_code, grouping(o.district_code) = 1 AS is_total,
           coalesce(sum(o.numerator), 0)::BIGINT AS numerator,
           coalesce(sum(o.denominator), 0)::BIGINT AS denominator,
           coalesce(sum(o.period_numerator), 0)::BIGINT AS period_numerator,
           coalesce(sum(o.period_denominator), 0)::BIGINT AS period_denominator
    FROM dates d LEFT JOIN own o ON o.eval_date = d.eval_date
    GROUP BY GROUPING SETS ((d.eval_date, o.district_code), (d.eval_date))
    HAVING grouping(o.district_code) = 1 OR o.district_code IS NOT NULL
)
SELECT c.*, coalesce(k.considered, 0) AS considered, coalesce(k.filled, 0) AS filled
FROM counted c
LEFT JOIN considered k ON NOT c.is_total AND k.eval_date = c.eval_date
                      AND k.district_code = c.district_code
