-- Enforcement statistics (DATA_SPEC 6.8) per unit (through the registered unit_tree; ancestor
-- NULL: the total), span and period of the registered stat_spans (ytd, month × cur, prev: a year
-- earlier; from $prev_ytd_start to $as_of), from the inspections: all inspections, 执法检查 and
-- those done 四不两直/暗查暗访, cases filed (立案), penalties (万元), 责令停产停业, off-site cases,
-- hazards and major hazards found. breakdown 'kind' gives one row per inspection kind. The
-- counts are taken per own unit first and then summed up the tree (they add up); enterprises
-- inspected (distinct) are enforcement_enterprises.sql, the columns a unit carries
-- enforcement_columns.sql.
WITH own AS (
    SELECT i.district_code, s.span, s.period, i.kind,
           count(*) AS inspections,
           count(*) FILTER (WHERE i.kind = '执法检查') AS enforcement,
           count(*) FILTER (WHERE i.kind = '执法检查' AND i.unannounced) AS unannounced_enforcement,
           count(*) FILTER (WHERE i.case_filed) AS cases_filed,
           sum(i.penalty) AS penalty,
           count(*) FILTER (WHERE i.suspension) AS suspensions,
           count(*) FILTER (WHERE i.off_site) AS off_site,
           sum(i.hazards_found) AS hazards_found,
           sum(i.major_hazards_found) AS major_hazards_found
    FROM stat_inspections i
    JOIN stat_spans s ON i.inspection_date BETWEEN s.start_date AND s.end_date
    WHERE i.inspection_date BETWEEN $prev_ytd_start AND $as_of
    GROUP BY ALL
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total, o.span, o.period,
       CASE WHEN grouping(o.kind) = 0 THEN 'kind' ELSE 'all' END AS breakdown, o.kind,
       sum(o.inspections) AS inspections,
       sum(o.enforcement) AS enforcement,
       sum(o.unannounced_enforcement) AS unannounced_enforcement,
       sum(o.cases_filed) AS cases_filed,
       coalesce(sum(o.penalty), 0) AS penalty,
       sum(o.suspensions) AS suspensions,
       sum(o.off_site) AS off_site,
       coalesce(sum(o.hazards_found), 0) AS hazards_found,
       coalesce(sum(o.major_hazards_found), 0) AS major_hazards_found
FROM own o
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = o.district_code
GROUP BY GROUPING SETS ((u.ancestor, o.span, o.period), (u.ancestor, o.span, o.period, o.kind))
