-- Accident statistics (DATA_SPEC 6.7): accidents, deaths, injuries and direct loss (万元) per unit
-- (through the registered unit_tree; ancestor NULL: the total), span and period of the
-- registered stat_spans (ytd, month × cur, prev: a year earlier; from $prev_ytd_start to
-- $as_of). breakdown 'all' is the span's figures, 'level' one row per accident level,
-- 'industry' one row per industry (the record's, else the register's). Units and spans without
-- accidents have no row: the caller fills 0 (or "—" when no accident ledger was loaded).
WITH a AS (
    SELECT a.district_code, a.accident_date, a.level, a.deaths, a.injuries, a.direct_loss,
           coalesce(a.industry, e.industry, $unspecified) AS industry
    FROM curated_accidents a
    LEFT JOIN curated_enterprises e ON e.enterprise_id = a.enterprise_id
    WHERE a.accident_date BETWEEN $prev_ytd_start AND $as_of
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total, s.span, s.period,
       CASE WHEN grouping(a.level) = 0 THEN 'level'
            WHEN grouping(a.industry) = 0 THEN 'industry' ELSE 'all' END AS breakdown,
       a.level, a.industry,
       count(*) AS accidents,
       coalesce(sum(a.deaths), 0) AS deaths,
       coalesce(sum(a.injuries), 0) AS injuries,
       coalesce(sum(a.direct_loss), 0) AS direct_loss
FROM a
JOIN stat_spans s ON a.accident_date BETWEEN s.start_date AND s.end_date
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = a.district_code
GROUP BY GROUPING SETS ((u.ancestor, s.span, s.period), (u.ancestor, s.span, s.period, a.level),
                        (u.ancestor, s.span, s.period, a.industry))
