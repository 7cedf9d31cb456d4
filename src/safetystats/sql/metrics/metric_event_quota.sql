-- event_quota: Σ over the units of target_units(code, quota) of min(qualifying records of the
-- unit's subtree in [W, E], quota) / Σ quota (DATA_SPEC 6.1). Records: $dataset (inspections,
-- activities or drills) of $types (kinds or drill types; NULL = all) with every flag of $flags
-- true (a blank flag does not qualify); scope $industry, $hazchem, $high_risk on the enterprise.
-- Rows: one per own unit: numerator / denominator on the quota units, considered / filled (the
-- records looked at, and those with every flag filled: missing, not false) on the records' units.
WITH dates AS (SELECT unnest($eval_dates::DATE[]) AS eval_date),
records AS (
    SELECT district_code, enterprise_id, inspection_date AS day, kind AS type,
           map(['unannounced', 'case_filed', 'off_site', 'suspension'],
               [unannounced, case_filed, off_site, suspension]) AS flag
    FROM curated_inspections WHERE $dataset = 'inspections'
    UNION ALL
    SELECT district_code, enterprise_id, drill_date, drill_type,
           map(['evaluated', 'unannounced'], [evaluated, is_unannounced])
    FROM curated_drills WHERE $dataset = 'drills'
    UNION ALL
    SELECT district_code, NULL, activity_date, kind, map(['principal_led'], [principal_led])
    FROM curated_activities WHERE $dataset = 'activities'
),
looked_at AS (  -- per own unit and date
    SELECT d.eval_date, r.district_code, count(*) AS considered,
           count(*) FILTER (WHERE flags_filled(r.flag, $flags)) AS filled,
           count(*) FILTER (WHERE flags_true(r.flag, $flags)) AS qualifying
    FROM dates d
    JOIN records r ON r.day BETWEEN $window_start AND d.eval_date
    LEFT JOIN curated_enterprises e ON e.enterprise_id = r.enterprise_id
    WHERE r.district_code IS NOT NULL AND in_scope($types, r.type)
      AND in_scope($industry, e.industry) AND in_scope($hazchem, e.hazchem)
      AND in_scope($high_risk, e.high_risk)
    GROUP BY ALL
),
quota_units AS (  -- each quota unit: its subtree's qualifying records, capped at its quota
    SELECT d.eval_date, u.code AS district_code,
           least(coalesce(sum(l.qualifying), 0), u.quota) AS numerator, u.quota AS denominator
    FROM dates d CROSS JOIN target_units u
    JOIN unit_tree t ON t.ancestor = u.code
    LEFT JOIN looked_at l ON l.eval_date = d.eval_date AND l.district_code = t.code
    WHERE d.eval_date >= $window_start
    GROUP BY d.eval_date, u.code, u.quota
),
own AS (
    SELECT coalesce(q.eval_date, l.eval_date) AS eval_date,
           coalesce(q.district_code, l.district_code) AS district_code,
           coalesce(q.numerator, 0) AS numerator, coalesce(q.denominator, 0) AS denominator,
           coalesce(l.considered, 0) AS considered, coalesce(l.filled, 0) AS filled
    FROM quota_units q
    FULL JOIN looked_at l ON l.eval_date = q.eval_date AND l.district_code = q.district_code
)
SELECT d.eval_date, o.district_code, grouping(o.district_code) = 1 AS is_total,
       coalesce(sum(o.numerator), 0)::BIGINT AS numerator,
       coalesce(sum(o.denominator), 0)::BIGINT AS denominator,
       coalesce(sum(o.considered), 0)::BIGINT AS considered,
       coalesce(sum(o.filled), 0)::BIGINT AS filled
FROM dates d LEFT JOIN own o ON o.eval_date = d.eval_date
GROUP BY GROUPING SETS ((d.eval_date, o.district_code), (d.eval_date))
HAVING grouping(o.district_code) = 1 OR o.district_code IS NOT NULL
