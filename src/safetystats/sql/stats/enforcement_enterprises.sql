-- Enterprises inspected (DATA_SPEC 6.8): distinct enterprises (credit code, else name) with an
-- inspection in each span and period of the registered stat_spans (from $prev_ytd_start to
-- $as_of), per unit (through the registered unit_tree; ancestor NULL: the total): an enterprise
-- inspected in two units counts once in their common ancestors.
WITH seen AS (
    SELECT DISTINCT i.district_code, s.span, s.period,
           coalesce(i.enterprise_id, i.enterprise_name) AS enterprise
    FROM stat_inspections i
    JOIN stat_spans s ON i.inspection_date BETWEEN s.start_date AND s.end_date
    WHERE i.inspection_date BETWEEN $prev_ytd_start AND $as_of
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total, e.span, e.period,
       count(DISTINCT e.enterprise) AS enterprises_inspected
FROM seen e
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = e.district_code
GROUP BY ALL
