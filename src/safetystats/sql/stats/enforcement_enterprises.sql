-- Enterprises inspected (DATA_SPEC 6.8): distinct enterprises (credit code, else name) with an
-- inspection in each span and period of the registered stat_spans (from $prev_ytd_start to
-- $as_of), per unit (through the registered unit_tree; ancestor NULL: the total): an enterprise
-- inspected in two units counts once in their common ancestors. An enterprise inspected under
-- one own unit only (almost all) counts once in that unit and each of its ancestors, summed up
-- the tree; the few inspected under several are counted distinct on their own.
WITH seen AS (
    SELECT DISTINCT i.district_code, s.span, s.period,
           coalesce(i.enterprise_id, i.enterprise_name) AS enterprise
    FROM stat_inspections i
    JOIN stat_spans s ON i.inspection_date BETWEEN s.start_date AND s.end_date
    WHERE i.inspection_date BETWEEN $prev_ytd_start AND $as_of
),
spread AS (  -- per span, period and enterprise: under how many own units, and one of them
    SELECT span, period, enterprise, count(*) AS units, any_value(district_code) AS district_code
    FROM seen
    GROUP BY ALL
),
tree AS (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree),
single AS (
    SELECT district_code, span, period, count(*) AS enterprises
    FROM spread
    WHERE units = 1
    GROUP BY ALL
),
counted AS (
    SELECT u.ancestor, s.span, s.period, s.enterprises
    FROM single s JOIN tree u ON u.code = s.district_code
    UNION ALL
    SELECT u.ancestor, e.span, e.period, count(DISTINCT e.enterprise)
    FROM seen e
    JOIN spread m ON m.units > 1 AND m.span = e.span AND m.period = e.period
                 AND m.enterprise = e.enterprise
    JOIN tree u ON u.code = e.district_code
    GROUP BY ALL
)
SELECT ancestor AS district_code, ancestor IS NULL AS is_total, span, period,
       sum(enterprises)::BIGINT AS enterprises_inspected
FROM counted
GROUP BY ALL
