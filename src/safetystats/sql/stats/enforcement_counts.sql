-- Enforcement statistics (DATA_SPEC 6.8) per unit (through the registered unit_tree; ancestor
-- NULL: the total), span and period of the registered stat_spans (ytd, month × cur, prev: a year
-- earlier; from $prev_ytd_start to $as_of), from the
-- inspections: all inspections, enterprises inspected (distinct), 执法检查 and those done
-- 四不两直/暗查暗访, cases filed (立案), penalties (万元), 责令停产停业, off-site cases, hazards and
-- major hazards found. breakdown 'kind' gives one row per inspection kind. Whether a unit's
-- ledgers carry a column at all is enforcement_columns.sql.
WITH i AS (
    SELECT district_code, inspection_date, kind, coalesce(enterprise_id, enterprise_name) AS enterprise,
           kind = '执法检查' AS is_enforcement, unannounced, case_filed, penalty, suspension, off_site,
           hazards_found, major_hazards_found
    FROM stat_inspections
    WHERE inspection_date BETWEEN $prev_ytd_start AND $as_of
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total, s.span, s.period,
       CASE WHEN grouping(i.kind) = 0 THEN 'kind' ELSE 'all' END AS breakdown, i.kind,
       count(*) AS inspections,
       count(DISTINCT i.enterprise) AS enterprises_inspected,
       count(*) FILTER (WHERE i.is_enforcement) AS enforcement,
       count(*) FILTER (WHERE i.is_enforcement AND i.unannounced) AS unannounced_enforcement,
       count(*) FILTER (WHERE i.case_filed) AS cases_filed,
       coalesce(sum(i.penalty), 0) AS penalty,
       count(*) FILTER (WHERE i.suspension) AS suspensions,
       count(*) FILTER (WHERE i.off_site) AS off_site,
       coalesce(sum(i.hazards_found), 0) AS hazards_found,
       coalesce(sum(i.major_hazards_found), 0) AS major_hazards_found
FROM i
JOIN stat_spans s ON i.inspection_date BETWEEN s.start_date AND s.end_date
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = i.district_code
GROUP BY GROUPING SETS ((u.ancestor, s.span, s.period), (u.ancestor, s.span, s.period, i.kind))
