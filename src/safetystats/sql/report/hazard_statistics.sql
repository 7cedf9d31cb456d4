-- Hazard statistics (DATA_SPEC 6.4, 统计分析机制): hazards found in the calendar year of $as_of up
-- to $as_of, per unit (through the registered unit_tree; ancestor NULL: the total) by industry,
-- and by source and level: found, rectified by $as_of, open at $as_of, overdue at $as_of.
WITH h AS (
    SELECT h.*, coalesce(h.industry, $unspecified) AS industry_shown,
           coalesce(h.source, $unspecified) AS source_shown
    FROM curated_hazards h
    WHERE h.found_date BETWEEN date_trunc('year', $as_of::DATE) AND $as_of
),
own AS (  -- per own unit first (the counts add up the tree), by industry and by source × level
    SELECT h.district_code, grouping(h.industry_shown) = 0 AS by_industry,
           h.industry_shown, h.source_shown, h.level,
           count(*) AS found,
           count(*) FILTER (WHERE h.rectified_date <= $as_of) AS rectified,
           count(*) FILTER (WHERE is_open_at(h.found_date, h.rectified_date, $as_of)) AS open,
           count(*) FILTER (WHERE is_open_at(h.found_date, h.rectified_date, $as_of)
                            AND h.deadline < $as_of) AS overdue
    FROM h
    GROUP BY GROUPING SETS ((h.district_code, h.industry_shown),
                            (h.district_code, h.source_shown, h.level))
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total,
       CASE WHEN o.by_industry THEN 'industry' ELSE 'source_level' END AS breakdown,
       o.industry_shown AS industry, o.source_shown AS source, o.level AS hazard_level,
       sum(o.found)::BIGINT AS found, sum(o.rectified)::BIGINT AS rectified,
       sum(o.open)::BIGINT AS open, sum(o.overdue)::BIGINT AS overdue
FROM own o
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = o.district_code
GROUP BY u.ancestor, o.by_industry, o.industry_shown, o.source_shown, o.level
ORDER BY district_code NULLS FIRST, breakdown, industry, source, hazard_level
