-- 在营 enterprises of one unit ($district_codes: the unit and its descendants; NULL = all) short
-- of the events an event_frequency target asks for at $as_of (same parameters as
-- metrics/metric_event_frequency.sql): one row per enterprise (DATA_SPEC 8.1: the list counts
-- enterprises, as the target's gap does), with the periods that lack them ("from–to", in order),
-- how many periods, and the events those periods had and needed. Only judged periods (the
-- period rule, DATA_SPEC 6.1): those ended by $as_of, or the running one when none has ended;
-- a running period beside ended ones is not held against a firm.
WITH firms AS (
    SELECT e.enterprise_id, e.enterprise_name, e.industry, e.high_risk, e.district_code,
           CASE WHEN e.high_risk THEN $per_high_risk ELSE $per END AS per,
           CASE WHEN e.high_risk THEN $required_high_risk ELSE $required END AS required
    FROM curated_enterprises e
    WHERE e.status = $active_status AND in_scope($industry, e.industry)
      AND in_scope($hazchem, e.hazchem) AND in_scope($high_risk, e.high_risk)
      AND ($district_codes IS NULL OR list_contains($district_codes, e.district_code))
),
periods AS (
    SELECT p.per, p.p_from, least(p.p_end, $as_of::DATE) AS p_to,
           p.p_end <= $as_of::DATE OR NOT bool_or(p.p_end <= $as_of::DATE) OVER (PARTITION BY p.per) AS judged
    FROM target_periods((SELECT list(DISTINCT per) FROM firms), $window_start, $deadline, $as_of::DATE) p
),
events AS (SELECT * FROM qualifying_events($dataset, $types, $evaluated_only)),
counted AS (
    SELECT f.enterprise_id, f.enterprise_name, f.industry, f.high_risk, f.district_code, f.required,
           p.p_from, p.p_to, count(ev.enterprise_id) AS events
    FROM firms f JOIN periods p ON p.per = f.per AND p.judged
    LEFT JOIN events ev ON ev.enterprise_id = f.enterprise_id AND ev.event_date BETWEEN p.p_from AND p.p_to
    GROUP BY ALL
)
SELECT enterprise_id, enterprise_name, industry, high_risk, district_code,
       count(*)::INTEGER AS periods_short,
       list(strftime(p_from, '%Y-%m-%d') || '–' || strftime(p_to, '%Y-%m-%d') ORDER BY p_from)
           AS missing_periods,
       sum(events)::INTEGER AS events, sum(required)::INTEGER AS required
FROM counted WHERE events < required
GROUP BY ALL
ORDER BY high_risk DESC, min(p_from), events, enterprise_id
